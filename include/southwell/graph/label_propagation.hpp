#pragma once
// Graph label propagation as a sparse quadratic, f(x) = x'Qx/2 - c'x, for the BCD solver.
//
// Hard clamping (the paper's form, Zhu et al. 2003): labelled nodes keep their targets and the
// unknowns are the other nodes, with Q = (D - W) restricted to them (D the weighted degrees over
// all neighbours) and c_u = sum over labelled l of W_ul y_l. The solution is harmonic: every
// unknown equals the weighted mean of its neighbours.
// Soft clamping (as in label spreading): every node is an unknown, and labelled node l adds
// clamp_weight * d_l * (x_l - y_l)^2 / 2, so Q = D - W + clamp_weight * diag(d_l) on the labelled
// nodes (d_l replaced by 1 for an isolated labelled node); clamp_weight is relative to the node's
// degree, so it does not depend on the scale of W.
//
// K targets per node (one-hot classes, or any real columns) are solved together: coordinate
// u * K + k is target k of unknown u, and Q is kron(Q_nodes, I_K), so a node's K values are
// consecutive coordinates and every rule, forest ones included, works unchanged.
//
// A connected component without a labelled node makes Q singular. It is reported
// (unlabelled_components()) and either refused (InvalidArgument naming the components) or, with
// UnlabelledComponents::Prior, left out of the system with every node scored by the prior: the
// mean target of the labelled nodes (for one-hot targets, the class frequencies).
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/SparseCore>

#include "southwell/core/types.hpp"
#include "southwell/graph/forest_partitions.hpp"

namespace southwell {

enum class Clamping { Hard, Soft };
enum class UnlabelledComponents { Refuse, Prior };
std::string_view to_string(Clamping clamping);
std::string_view to_string(UnlabelledComponents policy);
Clamping parse_clamping(std::string_view name);                            ///< "hard" | "soft"
UnlabelledComponents parse_unlabelled_components(std::string_view name);  ///< "refuse" | "prior"

struct LabelPropagationOptions {
  Clamping clamping = Clamping::Hard;
  /// Soft clamping only: weight of (x_l - y_l)^2 relative to the node's degree. Default 1.
  double clamp_weight = 1.0;
  UnlabelledComponents unlabelled_components = UnlabelledComponents::Refuse;
  /// Throws InvalidArgument naming the bad field.
  void validate() const;
};

/// A connected component with no labelled node: its smallest node id and its size.
struct UnlabelledComponent {
  Index first_node = 0;
  Index size = 0;
};

class LabelPropagation {
 public:
  using SparseMatrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

  /// W: n x n symmetric, non-negative, finite (its diagonal is ignored). labelled: distinct node
  /// ids; targets: one row per labelled node, K columns. Throws InvalidArgument on bad input and,
  /// with UnlabelledComponents::Refuse, when some component has no labelled node.
  LabelPropagation(const SparseMatrix& W, std::vector<Index> labelled, Mat<double> targets,
                   LabelPropagationOptions options = {});

  Index nodes() const { return nodes_; }
  Index targets_per_node() const { return K_; }
  /// The system: Q is (unknowns K) x (unknowns K), SPD, both triangles stored; 0 x 0 when every
  /// node is labelled or in a component scored by the prior (scores() then needs no solve).
  const SparseMatrix& Q() const { return Q_; }
  const Vec<double>& c() const { return c_; }
  /// Node id of each unknown, ascending.
  const std::vector<Index>& unknown_nodes() const { return unknown_nodes_; }
  const std::vector<UnlabelledComponent>& unlabelled_components() const { return unlabelled_components_; }
  /// Mean target of the labelled nodes (length K).
  const Vec<double>& prior() const { return prior_; }
  /// One line per fact: nodes, labelled, unknowns, components without labels.
  std::string report() const;

  /// Scores of every node (nodes x K) from a solution x of the system: unknowns from x,
  /// hard-clamped labelled nodes from their targets, unlabelled components from the prior.
  Mat<double> scores(const Vec<double>& x) const;
  /// Per node, the column of its largest score (ties: the smaller index).
  std::vector<Index> predict(const Vec<double>& x) const;
  /// The unknowns' positions when node id = column * rows + row of a rows x cols lattice, for
  /// QuadraticProblem::set_lattice. Throws unless rows * cols == nodes().
  LatticeGeometry lattice(Index rows, Index cols) const;

 private:
  Index nodes_ = 0, K_ = 0;
  SparseMatrix Q_;
  Vec<double> c_, prior_;
  Mat<double> fixed_scores_;  // nodes x K: targets (hard-clamped labelled), prior (left out), else 0
  std::vector<Index> unknown_nodes_;
  std::vector<UnlabelledComponent> unlabelled_components_;
  Index labelled_count_ = 0;
  LabelPropagationOptions options_;
};

/// One-hot targets from a class per node (-1 = unlabelled, else 0..classes-1).
struct ClassTargets {
  std::vector<Index> labelled;
  Mat<double> targets;
};
ClassTargets one_hot_targets(const std::vector<Index>& class_of_node, Index classes);

}  // namespace southwell
