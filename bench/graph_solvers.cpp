// Time to reach relative residual ||Qx - c|| / ||c|| <= 1e-8 on label-propagation systems, for
// the forest-block BCD methods (plain, and over-relaxed: block SOR with omega automatic, 1.5, 1.8),
// conjugate gradient preconditioned by symmetric block SOR over the same forests, CHOLMOD (factorise + solve) and Eigen's conjugate gradient with
// Jacobi preconditioning, all measured in this run. Ratios are against conjugate gradient.
//
//   build/bin/graph_solvers [--quick] [--shared-data ../shared/data]
//
// Problems: the dataset-D recipe on a 1000 x 1000 lattice (1% labelled, real labels), a
// Cora-sized kNN graph (2,708 points from 7 Gaussian clusters in 16-D, 10-NN, 20 labels per
// class, 7 one-hot targets) and, when ../shared/data is present, Cora itself.
#include <CLI/CLI.hpp>
#include <omp.h>

#include <Eigen/IterativeLinearSolvers>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "southwell/datasets/synthetic.hpp"
#include "southwell/io/readers.hpp"
#include "southwell/linalg/sparse_cholesky.hpp"
#include "southwell/southwell.hpp"

namespace sw = southwell;
using sw::Index;
using SparseD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

namespace {

constexpr double kTarget = 1e-8;

struct System {
  std::string name;
  SparseD Q;
  sw::Vec<double> c;
  sw::LatticeGeometry lattice;  // empty unless a lattice
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double relative_residual(const System& s, const sw::Vec<double>& x) { return (s.Q * x - s.c).norm() / s.c.norm(); }

struct Outcome {
  double seconds;
  Index iterations;
  double residual;
};

Outcome run_bcd(const System& s, sw::PartitionRule partition, sw::SelectionRule selection, double time_limit,
                double relaxation = 1) {
  const auto start = std::chrono::steady_clock::now();
  sw::QuadraticProblem<double, int> problem(s.Q, s.c);
  if (!s.lattice.cell.empty()) problem.set_lattice(s.lattice);
  sw::SolverOptions o;
  o.partition = partition;
  o.selection = selection;
  o.update = sw::UpdateRule::Exact;
  o.relaxation = relaxation;
  o.tol = 0;  // the callback stops on the residual, which the problem maintains as its gradient
  o.max_iterations = 100000000;
  o.time_limit_seconds = time_limit;
  const double target = kTarget * s.c.norm();
  o.callback = [&](const sw::IterationInfo&) { return problem.gradient().norm() <= target; };
  sw::Vec<double> x;
  const sw::Summary summary = sw::solve(problem, o, x);
  return {seconds_since(start), summary.iterations, relative_residual(s, x)};
}

Outcome run_cholmod(const System& s) {
  const auto start = std::chrono::steady_clock::now();
  const sw::SparseCholesky factor(s.Q);
  const sw::Vec<double> x = factor.solve(s.c);
  return {seconds_since(start), 1, relative_residual(s, x)};
}

Outcome run_conjugate_gradient(const System& s) {
  const auto start = std::chrono::steady_clock::now();
  Eigen::ConjugateGradient<SparseD, Eigen::Lower | Eigen::Upper, Eigen::DiagonalPreconditioner<double>> cg;
  cg.setTolerance(kTarget);
  cg.setMaxIterations(100000);
  cg.compute(s.Q);
  const sw::Vec<double> x = cg.solve(s.c);
  return {seconds_since(start), Index(cg.iterations()), relative_residual(s, x)};
}

/// Symmetric block SOR over forest blocks (exact tree solves) as a CG preconditioner:
/// z = M^-1 r is one forward and one backward relaxed block sweep from z = 0.
class ForestSsor {
 public:
  ForestSsor() = default;
  void setup(const SparseD& Q, const std::vector<std::vector<Index>>& blocks, double omega) {
    Q_ = &Q;
    omega_ = omega;
    blocks_ = blocks;
    solvers_.clear();
    std::vector<Index> position(Q.rows(), -1);
    for (const auto& b : blocks_) solvers_.push_back(sw::ForestSolver<double, int>::try_build(Q, b, 0, position));
  }
  template <class M>
  ForestSsor& analyzePattern(const M&) { return *this; }
  template <class M>
  ForestSsor& factorize(const M&) { return *this; }
  template <class M>
  ForestSsor& compute(const M&) { return *this; }
  Eigen::ComputationInfo info() const { return Eigen::Success; }
  template <class Rhs>
  sw::Vec<double> solve(const Rhs& r) const {
    sw::Vec<double> z = sw::Vec<double>::Zero(r.size()), rb, step;
    auto relax = [&](std::size_t k) {
      const auto& b = blocks_[k];
      rb.resize(Index(b.size()));
      for (Index t = 0; t < Index(b.size()); ++t) {
        double sum = r[b[t]];
        for (SparseD::InnerIterator it(*Q_, b[t]); it; ++it) sum -= it.value() * z[it.row()];
        rb[t] = sum;
      }
      solvers_[k]->solve(rb, step, omega_);
      for (Index t = 0; t < Index(b.size()); ++t) z[b[t]] += step[t];
    };
    for (std::size_t k = 0; k < blocks_.size(); ++k) relax(k);
    for (std::size_t k = blocks_.size(); k-- > 0;) relax(k);
    return z;
  }

 private:
  const SparseD* Q_ = nullptr;
  double omega_ = 1;
  std::vector<std::vector<Index>> blocks_;
  std::vector<std::unique_ptr<sw::ForestSolver<double, int>>> solvers_;
};

Outcome run_forest_cg(const System& s, double omega) {
  const auto start = std::chrono::steady_clock::now();
  Eigen::ConjugateGradient<SparseD, Eigen::Lower | Eigen::Upper, ForestSsor> cg;
  const std::vector<Index> order = sw::descending_order(sw::Vec<double>(s.Q.diagonal()));
  cg.preconditioner().setup(s.Q, s.lattice.cell.empty() ? sw::tree_partition_blocks(s.Q, order)
                                                        : sw::lattice_comb_blocks(s.lattice), omega);
  cg.setTolerance(kTarget);
  cg.setMaxIterations(100000);
  cg.compute(s.Q);
  const sw::Vec<double> x = cg.solve(s.c);
  return {seconds_since(start), Index(cg.iterations()), relative_residual(s, x)};
}

System lattice_system(Index side) {
  auto d = sw::datasets::dataset_d(side, side * side / 100, 5);
  return {"lattice " + std::to_string(side) + "x" + std::to_string(side), std::move(d.Q), std::move(d.c),
          std::move(d.lattice)};
}

System class_system(const std::string& name, const SparseD& W, const std::vector<Index>& class_of_node,
                    Index classes) {
  const auto targets = sw::one_hot_targets(class_of_node, classes);
  sw::LabelPropagationOptions options;
  options.unlabelled_components = sw::UnlabelledComponents::Prior;
  const sw::LabelPropagation lp(W, targets.labelled, targets.targets, options);
  return {name, lp.Q(), lp.c(), {}};
}

System knn_system() {
  const Index n = 2708, dim = 16, classes = 7;
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  sw::Mat<double> centres(classes, dim), points(n, dim);
  for (Index k = 0; k < classes; ++k)
    for (Index j = 0; j < dim; ++j) centres(k, j) = 1.5 * normal(rng);
  std::vector<Index> truth(n), labelled(n, -1), per_class(classes, 0);
  for (Index i = 0; i < n; ++i) {
    truth[i] = i % classes;
    for (Index j = 0; j < dim; ++j) points(i, j) = centres(truth[i], j) + normal(rng);
  }
  for (Index i : sw::datasets::random_nodes(n, n, rng))
    if (per_class[truth[i]] < 20) labelled[i] = truth[i], ++per_class[truth[i]];
  return class_system("kNN 2708 (10-NN, 7 classes)", sw::datasets::knn_graph(points, 10), labelled, classes);
}

bool cora_system(const std::string& shared, System& out) {
  const std::string folder = shared + "/graphs/cora/";
  if (!std::ifstream(folder + "edges.tsv")) return false;
  const auto labels = sw::io::read_node_labels(folder + "nodes.tsv");
  const auto graph = sw::io::read_edge_list(folder + "edges.tsv", Index(labels.node.size()));
  std::vector<Index> train(labels.node.size(), -1);
  for (std::size_t t = 0; t < labels.node.size(); ++t)
    if (labels.split[t] == "train") train[labels.node[t]] = std::stol(labels.label[t]);
  out = class_system("Cora (140 train labels)", graph.W, train, 7);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"graph_solvers: time to relative residual 1e-8, forest BCD vs CHOLMOD vs Jacobi-CG"};
  bool quick = false;
  std::string shared = "../shared/data";
  double time_limit = 120;
  app.add_flag("--quick", quick, "a 300 x 300 lattice instead of 1000 x 1000");
  app.add_option("--shared-data", shared, "folder holding graphs/cora (default ../shared/data)");
  app.add_option("--time-limit", time_limit, "seconds per BCD run (default 120)");
  CLI11_PARSE(app, argc, argv);

  std::vector<System> systems;
  systems.push_back(lattice_system(quick ? 300 : 1000));
  systems.push_back(knn_system());
  System cora;
  if (cora_system(shared, cora)) systems.push_back(std::move(cora));
  else std::printf("(Cora skipped: %s/graphs/cora not found)\n", shared.c_str());

  std::printf("threads: %d; target ||Qx - c|| / ||c|| <= %.0e; ratio = time / conjugate-gradient time\n",
              omp_get_max_threads(), kTarget);
  std::printf("%-30s %-22s %10s %10s %12s %8s\n", "problem", "method", "seconds", "iters", "residual", "ratio");
  for (const System& s : systems) {
    std::fprintf(stderr, "%s: %lld unknowns, %lld nonzeros\n", s.name.c_str(), (long long)s.Q.rows(),
                 (long long)s.Q.nonZeros());
    const Outcome cg = run_conjugate_gradient(s);
    auto row = [&](const char* method, const Outcome& o) {
      std::printf("%-30s %-22s %10.4f %10lld %12.2e %8.2f\n", s.name.c_str(), method, o.seconds,
                  (long long)o.iterations, o.residual, o.seconds / cg.seconds);
      std::fflush(stdout);
    };
    row("conjugate-gradient", cg);
    row("cholmod", run_cholmod(s));
    for (double omega : {1.0, 1.3, 1.6}) {
      char name[48];
      std::snprintf(name, sizeof name, "forest-SSOR CG w=%.1f", omega);
      row(name, run_forest_cg(s, omega));
    }
    using P = sw::PartitionRule;
    using S = sw::SelectionRule;
    row("greedy-tree (gs)", run_bcd(s, P::GreedyTree, S::GS, time_limit));
    row("tree-partition", run_bcd(s, P::TreePartition, S::Cyclic, time_limit));
    row("red-black", run_bcd(s, P::RedBlack, S::Cyclic, time_limit));
    row("tree-partition w=auto", run_bcd(s, P::TreePartition, S::Cyclic, time_limit, 0));
    row("red-black w=auto", run_bcd(s, P::RedBlack, S::Cyclic, time_limit, 0));
    for (const double omega : {1.5, 1.8}) {
      char name[48];
      std::snprintf(name, sizeof name, "tree-partition w=%.1f", omega);
      row(name, run_bcd(s, P::TreePartition, S::Cyclic, time_limit, omega));
      std::snprintf(name, sizeof name, "red-black w=%.1f", omega);
      row(name, run_bcd(s, P::RedBlack, S::Cyclic, time_limit, omega));
    }
  }
  return 0;
}
