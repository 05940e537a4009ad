// Label propagation: the system has the harmonic / soft-clamped optimality property, BCD with
// forest blocks reaches the CHOLMOD solution on a lattice and a kNN graph, unlabelled components
// are refused or scored by the prior, K targets solved together equal K separate solves, the
// graph readers accept the documented formats and reject the rest, large-block steps give the
// same iterates with 1 and 2 threads, and on Cora the accuracy equals the direct solution's.
#include <gtest/gtest.h>
#include <omp.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <random>

#include "southwell/datasets/synthetic.hpp"
#include "southwell/graph/label_propagation.hpp"
#include "southwell/io/readers.hpp"
#include "southwell/linalg/sparse_cholesky.hpp"
#include "southwell/problems/quadratic_problem.hpp"
#include "southwell/solver/bcd_solver.hpp"
#include "test_problems.hpp"

namespace southwell::testing {
namespace {

using SparseW = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

SparseW random_weighted_graph(unsigned seed, Index n, double density) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit;
  std::vector<Eigen::Triplet<double, int>> entries;
  for (Index i = 0; i < n; ++i)
    for (Index j = i + 1; j < n; ++j)
      if (unit(rng) < density || j == i + 1) {  // a path keeps it connected
        const double w = 0.1 + unit(rng);
        entries.emplace_back(int(i), int(j), w);
        entries.emplace_back(int(j), int(i), w);
      }
  SparseW W(n, n);
  W.setFromTriplets(entries.begin(), entries.end());
  return W;
}

/// Solves the node-level optimality conditions independently of the library's system, on a
/// dense matrix: hard clamping makes every unknown the weighted mean of its neighbours; soft
/// clamping adds mu d_l (x_l - y_l) at labelled nodes. Returns nodes x K scores.
Mat<double> dense_reference(const SparseW& W, const std::vector<Index>& labelled, const Mat<double>& Y, bool soft,
                            double mu) {
  const Index n = W.rows(), K = Y.cols();
  const Mat<double> Wd = Mat<double>(W);
  std::map<Index, Index> row_of;
  for (Index t = 0; t < Index(labelled.size()); ++t) row_of[labelled[t]] = t;
  Mat<double> A = Mat<double>::Zero(n, n), B = Mat<double>::Zero(n, K);
  for (Index i = 0; i < n; ++i) {
    const double d = Wd.row(i).sum();
    if (!soft && row_of.count(i)) {  // x_i = y_i
      A(i, i) = 1;
      B.row(i) = Y.row(row_of[i]);
      continue;
    }
    A.row(i) = -Wd.row(i);
    A(i, i) = d;
    if (soft && row_of.count(i)) {
      A(i, i) += mu * d;
      B.row(i) = mu * d * Y.row(row_of[i]);
    }
  }
  return A.fullPivLu().solve(B);
}

VecD solve_system(const LabelPropagation& system, PartitionRule partition, SelectionRule selection,
                  const LatticeGeometry* lattice = nullptr, double tol = 1e-12) {
  QuadraticProblem<double, int> problem(system.Q(), system.c());
  if (lattice) problem.set_lattice(*lattice);
  SolverOptions o = exact_options(partition, selection);
  o.tol = tol;
  o.max_iterations = 200000;
  VecD x;
  const Summary s = solve(problem, o, x);
  EXPECT_EQ(s.status, Status::Converged) << s.brief_report();
  return x;
}

TEST(LabelPropagation, HardAndSoftClampingMeetTheirOptimalityConditions) {
  const SparseW W = random_weighted_graph(3, 40, 0.1);
  const std::vector<Index> labelled = {0, 7, 19, 33};
  Mat<double> Y(4, 3);
  Y << 1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, -2, 3;  // any real targets, K = 3
  for (const bool soft : {false, true}) {
    LabelPropagationOptions options;
    options.clamping = soft ? Clamping::Soft : Clamping::Hard;
    options.clamp_weight = 0.7;
    const LabelPropagation system(W, labelled, Y, options);
    EXPECT_EQ(Index(system.unknown_nodes().size()), soft ? 40 : 36);
    const VecD x = SparseCholesky(system.Q()).solve(system.c());
    const Mat<double> expected = dense_reference(W, labelled, Y, soft, 0.7);
    EXPECT_LT((system.scores(x) - expected).cwiseAbs().maxCoeff(), 1e-10);
    const VecD bcd = solve_system(system, PartitionRule::TreePartition, SelectionRule::Cyclic);
    EXPECT_LT((system.scores(bcd) - expected).cwiseAbs().maxCoeff(), 1e-8);
  }
}

TEST(LabelPropagation, KTargetsTogetherEqualKSeparateSolves) {
  const SparseW W = random_weighted_graph(5, 30, 0.15);
  const std::vector<Index> labelled = {2, 11, 25};
  Mat<double> Y(3, 2);
  Y << 1, -1, 2, 0.5, -3, 4;
  const LabelPropagation together(W, labelled, Y);
  const Mat<double> S = together.scores(solve_system(together, PartitionRule::GreedyTree, SelectionRule::GS));
  for (Index k = 0; k < 2; ++k) {
    const LabelPropagation alone(W, labelled, Y.col(k));
    const Mat<double> Sk = alone.scores(SparseCholesky(alone.Q()).solve(alone.c()));
    EXPECT_LT((S.col(k) - Sk.col(0)).cwiseAbs().maxCoeff(), 1e-8);
  }
}

/// Every forest rule reaches the CHOLMOD solution of the class-label system on a lattice (with
/// its combs and checkerboard) and on a two-moons kNN graph.
TEST(LabelPropagation, ForestRulesReachTheCholmodSolution) {
  std::mt19937_64 rng(11);
  const Index side = 30;
  std::vector<Index> lattice_classes(side * side, -1), moon_classes(600, -1);
  for (Index i : datasets::random_nodes(side * side, 40, rng)) lattice_classes[i] = (i % side) * 3 / side;
  const auto moons = datasets::two_moons(600, 0.15, 2);
  for (Index i : datasets::random_nodes(600, 30, rng)) moon_classes[i] = moons.label[i];
  const auto lattice_targets = one_hot_targets(lattice_classes, 3);
  const auto moon_targets = one_hot_targets(moon_classes, 2);
  LabelPropagationOptions prior;
  prior.unlabelled_components = UnlabelledComponents::Prior;
  const LabelPropagation lattice(datasets::lattice_graph(side, side), lattice_targets.labelled,
                                 lattice_targets.targets);
  const LabelPropagation knn(datasets::knn_graph(moons.points, 5), moon_targets.labelled, moon_targets.targets, prior);
  const LatticeGeometry geometry = lattice.lattice(side, side);
  for (const LabelPropagation* system : {&lattice, &knn}) {
    const VecD direct = SparseCholesky(system->Q()).solve(system->c());
    const double scale = direct.cwiseAbs().maxCoeff();
    const LatticeGeometry* g = system == &lattice ? &geometry : nullptr;
    for (const auto& [partition, selection] :
         {std::pair{PartitionRule::GreedyTree, SelectionRule::GS}, std::pair{PartitionRule::TreePartition, SelectionRule::Cyclic},
          std::pair{PartitionRule::RedBlack, SelectionRule::Cyclic}, std::pair{PartitionRule::RandomTree, SelectionRule::Random}}) {
      const VecD x = solve_system(*system, partition, selection, g);
      EXPECT_LT((x - direct).cwiseAbs().maxCoeff(), 1e-8 * scale) << to_string(partition);
      EXPECT_EQ(system->predict(x), system->predict(direct)) << to_string(partition);
    }
  }
  // Most moon points are classified by their moon: the graph carries the labels.
  const auto predicted = knn.predict(SparseCholesky(knn.Q()).solve(knn.c()));
  Index right = 0;
  for (Index i = 0; i < 600; ++i) right += predicted[i] == moons.label[i];
  EXPECT_GT(right, 540);
}

TEST(LabelPropagation, UnlabelledComponentsAreRefusedOrGivenThePrior) {
  // Nodes 0-3 a labelled path, 4-6 an unlabelled triangle, 7 isolated.
  std::vector<Eigen::Triplet<double, int>> t;
  for (auto [a, b] : {std::pair{0, 1}, {1, 2}, {2, 3}, {4, 5}, {5, 6}, {4, 6}}) {
    t.emplace_back(a, b, 1.0);
    t.emplace_back(b, a, 1.0);
  }
  SparseW W(8, 8);
  W.setFromTriplets(t.begin(), t.end());
  Mat<double> Y(2, 2);
  Y << 1, 0, 0, 1;
  try {
    LabelPropagation(W, {0, 3}, Y);
    FAIL() << "expected InvalidArgument";
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("2 connected component(s) with 4 node(s)"), std::string::npos) << what;
    EXPECT_NE(what.find("component of node 4 (3 nodes)"), std::string::npos) << what;
    EXPECT_NE(what.find("component of node 7 (1 nodes)"), std::string::npos) << what;
  }
  LabelPropagationOptions options;
  options.unlabelled_components = UnlabelledComponents::Prior;
  for (const Clamping clamping : {Clamping::Hard, Clamping::Soft}) {
    options.clamping = clamping;
    const LabelPropagation system(W, {0, 3}, Y, options);
    ASSERT_EQ(system.unlabelled_components().size(), 2u);
    const Mat<double> S = system.scores(SparseCholesky(system.Q()).solve(system.c()));
    ASSERT_TRUE(S.allFinite());
    for (Index i = 4; i < 8; ++i) {
      EXPECT_DOUBLE_EQ(S(i, 0), 0.5);  // the class frequencies of the labelled nodes
      EXPECT_DOUBLE_EQ(S(i, 1), 0.5);
    }
    if (clamping == Clamping::Hard) {  // harmonic on the path: 2/3 and 1/3 of the way
      EXPECT_NEAR(S(1, 0), 2.0 / 3, 1e-12);
      EXPECT_NEAR(S(2, 0), 1.0 / 3, 1e-12);
    }
  }
}

TEST(LabelPropagation, BadInputsAreRefused) {
  const SparseW W = datasets::lattice_graph(3, 3);
  const Mat<double> one = Mat<double>::Ones(1, 1);
  EXPECT_THROW(LabelPropagation(W, {9}, one), InvalidArgument);
  EXPECT_THROW(LabelPropagation(W, {0, 0}, Mat<double>::Ones(2, 1)), InvalidArgument);
  EXPECT_THROW(LabelPropagation(W, {0}, Mat<double>::Ones(2, 1)), InvalidArgument);
  EXPECT_THROW(LabelPropagation(W, {}, Mat<double>(0, 1)), InvalidArgument);
  Mat<double> nan = one;
  nan(0, 0) = std::nan("");
  EXPECT_THROW(LabelPropagation(W, {0}, nan), InvalidArgument);
  SparseW negative = W;
  negative.coeffRef(0, 1) = -1;
  negative.coeffRef(1, 0) = -1;
  EXPECT_THROW(LabelPropagation(negative, {0}, one), InvalidArgument);
  SparseW asymmetric = W;
  asymmetric.coeffRef(0, 1) = 5;
  EXPECT_THROW(LabelPropagation(asymmetric, {0}, one), InvalidArgument);
  LabelPropagationOptions bad;
  bad.clamp_weight = 0;
  EXPECT_THROW(LabelPropagation(W, {0}, one, bad), InvalidArgument);
  EXPECT_THROW(one_hot_targets({0, 3}, 3), InvalidArgument);
  const LabelPropagation ok(W, {0}, one);
  EXPECT_THROW(ok.lattice(2, 3), InvalidArgument);
  EXPECT_THROW(ok.scores(VecD::Zero(3)), InvalidArgument);
}

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(GraphReaders, EdgeListsAndNodeLabels) {
  const auto edges = io::read_edge_list(write_file("g.tsv", "# comment\n0 1\n1\t2 2.5\n\n2 1 2.5\n3 3\n"), 5);
  EXPECT_EQ(edges.W.rows(), 5);
  EXPECT_EQ(edges.edges, 2);
  EXPECT_EQ(edges.self_loops, 1);
  EXPECT_DOUBLE_EQ(edges.W.coeff(0, 1), 1.0);
  EXPECT_DOUBLE_EQ(edges.W.coeff(2, 1), 2.5);
  EXPECT_DOUBLE_EQ(edges.W.coeff(1, 2), 2.5);
  EXPECT_EQ(io::read_edge_list(write_file("g2.tsv", "0 4\n")).W.rows(), 5);
  for (const auto& [text, message] :
       std::vector<std::pair<std::string, std::string>>{{"0 1\n1 x\n", ":2: bad node id 'x'"},
                                                        {"0 -1\n", "must be >= 0"},
                                                        {"0 1 0\n", "must be > 0"},
                                                        {"0 1 nan\n", "not finite"},
                                                        {"0\n", "one field"},
                                                        {"0 1 1 1\n", "more fields"},
                                                        {"0 1 1\n1 0 2\n", "listed on line 1 with a different weight"},
                                                        {"# nothing\n", "no edges"}}) {
    try {
      io::read_edge_list(write_file("bad.tsv", text));
      ADD_FAILURE() << "accepted: " << text;
    } catch (const ParseError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(io::read_edge_list(write_file("big.tsv", "0 7\n"), 5), ParseError);

  const auto labels = io::read_node_labels(write_file("n.tsv", "# node label split\n0\t3\ttrain\n2\tMr. Hi\ttest\n"));
  EXPECT_EQ(labels.node, (std::vector<Index>{0, 2}));
  EXPECT_EQ(labels.label, (std::vector<std::string>{"3", "Mr. Hi"}));
  EXPECT_EQ(labels.split, (std::vector<std::string>{"train", "test"}));
  EXPECT_TRUE(io::read_node_labels(write_file("n2.txt", "5 a\n6 b\n")).split.empty());
  for (const std::string text : {"0\t1\ttrain\n0\t2\ttrain\n", "0\n", "0\t1\ttrain\n1\t2\n", "x\t1\n", "0\t\n"})
    EXPECT_THROW(io::read_node_labels(write_file("badn.tsv", text)), ParseError) << text;
  EXPECT_THROW(io::read_node_labels("/nonexistent/nodes.tsv"), ParseError);
}

/// Steps on blocks of thousands of nodes update the gradient by a parallel gather: the
/// iterates must not depend on the number of threads.
TEST(LabelPropagation, LargeBlockStepsGiveTheSameIteratesOnOneOrTwoThreads) {
  // ~70,000 coordinates: the parallel paths (gradient pass, per-tree message passing) are taken.
  const auto d = datasets::dataset_d(270, 3000, 7);
  for (const auto& [partition, selection] :
       {std::pair{PartitionRule::RedBlack, SelectionRule::Cyclic}, std::pair{PartitionRule::TreePartition, SelectionRule::Cyclic},
        std::pair{PartitionRule::GreedyTree, SelectionRule::GS}}) {
    std::vector<double> objective[2];
    VecD x[2];
    for (int threads : {1, 2}) {
      omp_set_num_threads(threads);
      QuadraticProblem<double, int> problem(d.Q, d.c);
      problem.set_lattice(d.lattice);
      SolverOptions o = exact_options(partition, selection);
      o.max_iterations = 12;
      o.tol = 0;
      o.record_history = true;
      objective[threads - 1] = solve(problem, o, x[threads - 1]).objective_history;
    }
    omp_set_num_threads(omp_get_num_procs());
    EXPECT_EQ(objective[0], objective[1]) << to_string(partition);
    EXPECT_TRUE((x[0].array() == x[1].array()).all()) << to_string(partition);
  }
}

/// Cora (Planetoid split): train labels only; BCD and CHOLMOD agree on every test prediction.
TEST(LabelPropagation, CoraTestAccuracyEqualsTheDirectSolution) {
  const char* env = std::getenv("SOUTHWELL_SHARED_DATA");
  const std::string root = env ? env : SOUTHWELL_SHARED_DATA;
  const std::string folder = root + "/graphs/cora/";
  if (!std::ifstream(folder + "edges.tsv")) GTEST_SKIP() << "needs " << folder << " (../shared/data), absent";
  const auto labels = io::read_node_labels(folder + "nodes.tsv");
  const auto graph = io::read_edge_list(folder + "edges.tsv", Index(labels.node.size()));
  std::vector<Index> train(labels.node.size(), -1), truth(labels.node.size(), -1);
  for (std::size_t t = 0; t < labels.node.size(); ++t) {
    truth[labels.node[t]] = std::stol(labels.label[t]);
    if (labels.split[t] == "train") train[labels.node[t]] = truth[labels.node[t]];
  }
  const auto targets = one_hot_targets(train, 7);
  ASSERT_EQ(targets.labelled.size(), 140u);
  LabelPropagationOptions options;
  options.unlabelled_components = UnlabelledComponents::Prior;  // Cora has components without train nodes
  const LabelPropagation system(graph.W, targets.labelled, targets.targets, options);
  EXPECT_FALSE(system.unlabelled_components().empty());
  const auto direct = system.predict(SparseCholesky(system.Q()).solve(system.c()));
  const auto bcd = system.predict(solve_system(system, PartitionRule::GreedyTree, SelectionRule::GS, nullptr, 1e-8));
  Index right_direct = 0, right_bcd = 0, tested = 0;
  for (std::size_t t = 0; t < labels.node.size(); ++t) {
    if (labels.split[t] != "test") continue;
    const Index i = labels.node[t];
    ++tested;
    right_direct += direct[i] == truth[i];
    right_bcd += bcd[i] == truth[i];
  }
  ASSERT_EQ(tested, 1000);
  EXPECT_EQ(right_bcd, right_direct);
  EXPECT_GT(right_direct, 600);  // label propagation on Cora: about 68-71% in the literature
  std::printf("Cora test accuracy: direct %.3f, greedy-tree BCD %.3f\n", right_direct / 1000.0, right_bcd / 1000.0);
}

}  // namespace
}  // namespace southwell::testing
