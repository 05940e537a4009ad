#include "southwell/graph/label_propagation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "southwell/core/errors.hpp"

namespace southwell {

std::string_view to_string(Clamping clamping) { return clamping == Clamping::Hard ? "hard" : "soft"; }
std::string_view to_string(UnlabelledComponents policy) {
  return policy == UnlabelledComponents::Refuse ? "refuse" : "prior";
}
Clamping parse_clamping(std::string_view name) {
  if (name == "hard") return Clamping::Hard;
  if (name == "soft") return Clamping::Soft;
  throw InvalidArgument("unknown clamping '" + std::string(name) + "' (use hard or soft)");
}
UnlabelledComponents parse_unlabelled_components(std::string_view name) {
  if (name == "refuse") return UnlabelledComponents::Refuse;
  if (name == "prior") return UnlabelledComponents::Prior;
  throw InvalidArgument("unknown policy for unlabelled components '" + std::string(name) + "' (use refuse or prior)");
}

void LabelPropagationOptions::validate() const {
  if (!(clamp_weight > 0) || !std::isfinite(clamp_weight))
    throw InvalidArgument("LabelPropagationOptions::clamp_weight must be finite and > 0");
}

namespace {

Index find_root(std::vector<Index>& parent, Index i) {
  while (parent[i] != i) i = parent[i] = parent[parent[i]];
  return i;
}

}  // namespace

LabelPropagation::LabelPropagation(const SparseMatrix& W, std::vector<Index> labelled, Mat<double> targets,
                                   LabelPropagationOptions options)
    : options_(options) {
  options.validate();
  nodes_ = W.rows();
  K_ = targets.cols();
  if (W.rows() != W.cols())
    throw InvalidArgument("W must be square, got " + std::to_string(W.rows()) + " x " + std::to_string(W.cols()));
  if (nodes_ == 0) throw InvalidArgument("W has no nodes");
  if (K_ == 0) throw InvalidArgument("targets must have at least one column");
  if (targets.rows() != Index(labelled.size()))
    throw InvalidArgument("targets has " + std::to_string(targets.rows()) + " rows for " +
                          std::to_string(labelled.size()) + " labelled nodes");
  if (labelled.empty()) throw InvalidArgument("no labelled nodes");
  if (!targets.allFinite()) throw InvalidArgument("targets has a non-finite entry");

  std::vector<Index> target_row(nodes_, -1);
  for (std::size_t t = 0; t < labelled.size(); ++t) {
    const Index i = labelled[t];
    if (i < 0 || i >= nodes_)
      throw InvalidArgument("labelled node " + std::to_string(i) + " is outside 0.." + std::to_string(nodes_ - 1));
    if (target_row[i] >= 0) throw InvalidArgument("node " + std::to_string(i) + " is labelled twice");
    target_row[i] = Index(t);
  }
  labelled_count_ = Index(labelled.size());

  // Degrees, checks and connected components in one pass over W.
  SparseMatrix Wc = W;
  Wc.makeCompressed();
  Vec<double> degree = Vec<double>::Zero(nodes_);
  std::vector<Index> parent(nodes_);
  for (Index i = 0; i < nodes_; ++i) parent[i] = i;
  for (Index j = 0; j < nodes_; ++j)
    for (SparseMatrix::InnerIterator it(Wc, j); it; ++it) {
      const double w = it.value();
      if (!std::isfinite(w) || w < 0)
        throw InvalidArgument("W(" + std::to_string(it.row()) + ", " + std::to_string(j) + ") = " + std::to_string(w) +
                              " must be finite and >= 0");
      if (it.row() == j || w == 0) continue;
      degree[j] += w;
      const Index a = find_root(parent, it.row()), b = find_root(parent, j);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);  // roots are the smallest node ids
    }
  const SparseMatrix asymmetry = SparseMatrix(Wc.transpose()) - Wc;
  if (asymmetry.norm() > 1e3 * std::numeric_limits<double>::epsilon() * Wc.norm())
    throw InvalidArgument("W must be symmetric");

  std::vector<Index> component_size(nodes_, 0);
  std::vector<char> component_labelled(nodes_, 0);
  for (Index i = 0; i < nodes_; ++i) {
    const Index root = find_root(parent, i);
    ++component_size[root];
    if (target_row[i] >= 0) component_labelled[root] = 1;
  }
  for (Index i = 0; i < nodes_; ++i)
    if (find_root(parent, i) == i && !component_labelled[i]) unlabelled_components_.push_back({i, component_size[i]});

  if (!unlabelled_components_.empty() && options.unlabelled_components == UnlabelledComponents::Refuse) {
    Index total = 0;
    for (const auto& comp : unlabelled_components_) total += comp.size;
    std::ostringstream message;
    message << unlabelled_components_.size() << " connected component(s) with " << total
            << " node(s) have no labelled node, so their values are undetermined:";
    for (std::size_t k = 0; k < std::min<std::size_t>(5, unlabelled_components_.size()); ++k)
      message << (k ? "," : "") << " the component of node " << unlabelled_components_[k].first_node << " ("
              << unlabelled_components_[k].size << " nodes)";
    if (unlabelled_components_.size() > 5) message << ", ...";
    message << ". Label a node in each, or score them by the prior (unlabelled components = prior)";
    throw InvalidArgument(message.str());
  }

  prior_ = targets.colwise().mean().transpose();
  fixed_scores_ = Mat<double>::Zero(nodes_, K_);
  std::vector<Index> unknown_of(nodes_, -1);
  for (Index i = 0; i < nodes_; ++i) {
    const Index root = find_root(parent, i);
    if (!component_labelled[root]) {
      fixed_scores_.row(i) = prior_.transpose();
    } else if (target_row[i] >= 0 && options.clamping == Clamping::Hard) {
      fixed_scores_.row(i) = targets.row(target_row[i]);
    } else {
      unknown_of[i] = Index(unknown_nodes_.size());
      unknown_nodes_.push_back(i);
    }
  }
  const Index unknowns = Index(unknown_nodes_.size());
  if (double(unknowns) * double(K_) >= double(std::numeric_limits<int>::max()))
    throw InvalidArgument("the system has too many unknowns (nodes x targets) for 32-bit indices");

  std::vector<Eigen::Triplet<double, int>> entries;
  c_ = Vec<double>::Zero(unknowns * K_);
  for (Index u = 0; u < unknowns; ++u) {
    const Index i = unknown_nodes_[u];
    double diagonal = degree[i];
    if (target_row[i] >= 0) {  // soft clamping
      const double weight = options.clamp_weight * (degree[i] > 0 ? degree[i] : 1.0);
      diagonal += weight;
      c_.segment(u * K_, K_) += weight * targets.row(target_row[i]).transpose();
    }
    for (Index k = 0; k < K_; ++k) entries.emplace_back(int(u * K_ + k), int(u * K_ + k), diagonal);
    for (SparseMatrix::InnerIterator it(Wc, i); it; ++it) {
      const Index l = it.row();
      if (l == i || it.value() == 0) continue;
      if (unknown_of[l] >= 0) {
        for (Index k = 0; k < K_; ++k) entries.emplace_back(int(unknown_of[l] * K_ + k), int(u * K_ + k), -it.value());
      } else if (target_row[l] >= 0) {  // a hard-clamped labelled neighbour
        c_.segment(u * K_, K_) += it.value() * targets.row(target_row[l]).transpose();
      }
    }
  }
  Q_.resize(unknowns * K_, unknowns * K_);
  Q_.setFromTriplets(entries.begin(), entries.end());
  Q_.makeCompressed();
}

std::string LabelPropagation::report() const {
  Index left_out = 0;
  for (const auto& comp : unlabelled_components_) left_out += comp.size;
  std::ostringstream out;
  out << "label propagation: " << nodes_ << " nodes, " << labelled_count_ << " labelled, " << K_
      << " target(s) per node, " << to_string(options_.clamping) << " clamping, " << unknown_nodes_.size()
      << " unknown nodes (" << Q_.rows() << " coordinates)";
  if (!unlabelled_components_.empty())
    out << "; " << unlabelled_components_.size() << " component(s) without labels (" << left_out
        << " nodes) scored by the prior";
  return out.str();
}

Mat<double> LabelPropagation::scores(const Vec<double>& x) const {
  if (x.size() != Q_.rows())
    throw InvalidArgument("x has size " + std::to_string(x.size()) + ", the system has " + std::to_string(Q_.rows()));
  Mat<double> S = fixed_scores_;
  for (Index u = 0; u < Index(unknown_nodes_.size()); ++u) S.row(unknown_nodes_[u]) = x.segment(u * K_, K_).transpose();
  return S;
}

std::vector<Index> LabelPropagation::predict(const Vec<double>& x) const {
  const Mat<double> S = scores(x);
  std::vector<Index> out(nodes_);
  for (Index i = 0; i < nodes_; ++i) {
    Index best = 0;
    for (Index k = 1; k < K_; ++k)
      if (S(i, k) > S(i, best)) best = k;
    out[i] = best;
  }
  return out;
}

LatticeGeometry LabelPropagation::lattice(Index rows, Index cols) const {
  if (rows <= 0 || cols <= 0 || rows * cols != nodes_)
    throw InvalidArgument("a " + std::to_string(rows) + " x " + std::to_string(cols) + " lattice does not have " +
                          std::to_string(nodes_) + " nodes");
  LatticeGeometry g{rows, cols, {}};
  g.cell.reserve(unknown_nodes_.size() * K_);
  for (Index node : unknown_nodes_)
    for (Index k = 0; k < K_; ++k) g.cell.push_back(node);
  return g;
}

ClassTargets one_hot_targets(const std::vector<Index>& class_of_node, Index classes) {
  if (classes < 1) throw InvalidArgument("classes must be >= 1");
  ClassTargets out;
  for (Index i = 0; i < Index(class_of_node.size()); ++i) {
    const Index k = class_of_node[i];
    if (k < -1 || k >= classes)
      throw InvalidArgument("node " + std::to_string(i) + " has class " + std::to_string(k) + ", expected -1.." +
                            std::to_string(classes - 1));
    if (k >= 0) out.labelled.push_back(i);
  }
  out.targets = Mat<double>::Zero(Index(out.labelled.size()), classes);
  for (Index t = 0; t < Index(out.labelled.size()); ++t) out.targets(t, class_of_node[out.labelled[t]]) = 1;
  return out;
}

}  // namespace southwell
