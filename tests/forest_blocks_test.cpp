// Forest-structured blocks on quadratics: the partitions are what they claim, every forest rule
// converges to the CHOLMOD solution, and the paper's Fig. 6 ordering holds on its lattice.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "southwell/datasets/synthetic.hpp"
#include "southwell/graph/forest_partitions.hpp"
#include "test_problems.hpp"

namespace southwell::testing {
namespace {

using SparseD = Eigen::SparseMatrix<double>;

std::vector<Index> natural_order(Index n) {
  std::vector<Index> order(n);
  std::iota(order.begin(), order.end(), Index(0));
  return order;
}

/// Edges inside `block` and whether they form a forest (edges = nodes - components).
bool is_forest(const SparseD& Q, const std::vector<Index>& block) {
  std::vector<char> in(Q.rows(), 0);
  for (Index i : block) in[i] = 1;
  DisjointSets sets(Q.rows());
  Index edges = 0, components = Index(block.size());
  for (Index i : block)
    for (SparseD::InnerIterator it(Q, i); it; ++it)
      if (it.row() > i && in[it.row()]) {
        ++edges;
        if (sets.find(i) != sets.find(it.row())) --components;
        sets.unite(i, it.row());
      }
  return edges == Index(block.size()) - components;
}

bool is_independent(const SparseD& Q, const std::vector<Index>& block) {
  std::set<Index> in(block.begin(), block.end());
  for (Index i : block)
    for (SparseD::InnerIterator it(Q, i); it; ++it)
      if (it.row() != i && in.count(it.row())) return false;
  return true;
}

void expect_cover(const std::vector<std::vector<Index>>& blocks, Index n) {
  std::vector<int> count(n, 0);
  for (const auto& b : blocks)
    for (Index i : b) ++count[i];
  for (Index i = 0; i < n; ++i) ASSERT_EQ(count[i], 1) << "node " << i;
}

TEST(ForestPartitions, LatticeRedBlackIsTheCheckerboard) {
  const SparseD W = datasets::lattice_graph(12, 12);  // the whole lattice, same pattern as Q
  const auto blocks = red_black_blocks(W, natural_order(W.rows()));
  ASSERT_EQ(blocks.size(), 2u);
  expect_cover(blocks, 144);
  for (const auto& b : blocks) {
    EXPECT_TRUE(is_independent(W, b));
    const Index parity = (b[0] % 12 + b[0] / 12) % 2;
    for (Index i : b) EXPECT_EQ((i % 12 + i / 12) % 2, parity);
  }
}

/// Section 7.2 of the spec, checked cell by cell on a lattice with labelled nodes removed.
TEST(ForestPartitions, LatticeCombsAndCheckerboardFollowTheSpec) {
  const Index rows = 9, cols = 8;
  std::mt19937_64 rng(4);
  const LabelPropagation system(datasets::lattice_graph(rows, cols), datasets::random_nodes(rows * cols, 10, rng),
                                Mat<double>::Ones(10, 1));
  const SparseD Q = system.Q();
  const LatticeGeometry g = system.lattice(rows, cols);
  ASSERT_EQ(Index(g.cell.size()), Q.rows());
  const auto combs = lattice_comb_blocks(g);
  ASSERT_EQ(combs.size(), 2u);
  expect_cover(combs, Q.rows());
  for (Index j : combs[0]) {  // white: row 0, or an even column above the last row
    const Index r = g.cell[j] % rows, c = g.cell[j] / rows;
    EXPECT_TRUE(r == 0 || (c % 2 == 0 && r < rows - 1)) << "cell " << g.cell[j];
  }
  for (Index j : combs[1]) {  // black: the last row, or an odd column below row 0
    const Index r = g.cell[j] % rows, c = g.cell[j] / rows;
    EXPECT_TRUE(r == rows - 1 || (c % 2 == 1 && r > 0)) << "cell " << g.cell[j];
  }
  for (const auto& b : combs) EXPECT_TRUE(is_forest(Q, b));
  // Without removed nodes each comb is one tree: edges = nodes - 1.
  const SparseD full = datasets::lattice_graph(rows, cols);
  LatticeGeometry whole{rows, cols, {}};
  for (Index i = 0; i < rows * cols; ++i) whole.cell.push_back(i);
  for (const auto& b : lattice_comb_blocks(whole)) {
    Index edges = 0;
    std::set<Index> in(b.begin(), b.end());
    for (Index i : b)
      for (SparseD::InnerIterator it(full, i); it; ++it) edges += it.row() > i && in.count(it.row());
    EXPECT_EQ(edges, Index(b.size()) - 1);
  }
  const auto checkerboard = lattice_checkerboard_blocks(g);
  ASSERT_EQ(checkerboard.size(), 2u);
  expect_cover(checkerboard, Q.rows());
  for (Index j : checkerboard[0]) EXPECT_EQ((g.cell[j] % rows + g.cell[j] / rows) % 2, 0);
  for (const auto& b : checkerboard) EXPECT_TRUE(is_independent(Q, b));
}

TEST(ForestPartitions, GeneralGraphsGetIndependentSetsAndForests) {
  for (unsigned seed = 0; seed < 5; ++seed) {
    const SparseD Q = random_spd(seed, 60, 0.1);
    const auto order = descending_order(Vec<double>(Q.diagonal()));
    const auto colours = red_black_blocks(Q, order);
    expect_cover(colours, 60);
    for (const auto& b : colours) EXPECT_TRUE(is_independent(Q, b));
    const auto forests = tree_partition_blocks(Q, order);
    expect_cover(forests, 60);
    EXPECT_LT(forests.size(), colours.size() + 1);  // forests are larger than independent sets
    for (const auto& b : forests) EXPECT_TRUE(is_forest(Q, b));
  }
}

TEST(ForestPartitions, GrownForestIsMaximal) {
  const SparseD Q = random_spd(7, 50, 0.15);
  std::vector<char> in_forest(50, 0);
  DisjointSets trees(50);
  std::vector<Index> roots, block;
  grow_forest(Q, natural_order(50), in_forest, trees, roots, block);
  EXPECT_TRUE(is_forest(Q, block));
  std::set<Index> in(block.begin(), block.end());
  for (Index i = 0; i < 50; ++i) {
    if (in.count(i)) continue;
    std::vector<Index> bigger = block;
    bigger.push_back(i);
    EXPECT_FALSE(is_forest(Q, bigger)) << "node " << i << " could have joined";
  }
}

struct ForestRule {
  PartitionRule partition;
  SelectionRule selection;
};

TEST(ForestRules, ConvergeToTheCholmodSolution) {
  const auto d = datasets::dataset_d(15, 20, 3);
  const SparseD general = random_spd(8, 80, 0.08);
  const VecD c_general = random_vector(9, 80);
  for (const ForestRule rule : {ForestRule{PartitionRule::RedBlack, SelectionRule::Cyclic},
                                ForestRule{PartitionRule::TreePartition, SelectionRule::Cyclic},
                                ForestRule{PartitionRule::TreePartition, SelectionRule::GS},
                                ForestRule{PartitionRule::GreedyTree, SelectionRule::GS},
                                ForestRule{PartitionRule::RandomTree, SelectionRule::Random}}) {
    for (int which = 0; which < 3; ++which) {  // lattice as a general graph, lattice, random graph
      const SparseD& Q = which < 2 ? d.Q : general;
      const VecD& c = which < 2 ? d.c : c_general;
      QuadraticProblem<double, int> problem(Q, c, 0.01);
      if (which == 1) problem.set_lattice(d.lattice);
      SolverOptions o = exact_options(rule.partition, rule.selection);
      o.tol = 1e-10;
      o.max_iterations = 100000;
      VecD x;
      const Summary s = solve(problem, o, x);
      const double f_star = quadratic_optimum(Q, c, 0.01);
      EXPECT_EQ(s.status, Status::Converged) << to_string(rule.partition) << " " << s.brief_report();
      EXPECT_NEAR(s.final_objective, f_star, 1e-9 * (1 + std::abs(f_star))) << to_string(rule.partition);
    }
  }
}

/// Fig. 6a: on the 50 x 50 lattice, forest blocks beat independent sets, which beat the general
/// baseline (greedy blocks of n^(1/3) coordinates solved exactly).
TEST(ForestRules, PaperLatticeOrdering) {
  const auto d = datasets::dataset_d();
  const double f_star = quadratic_optimum(d.Q, d.c, 0);
  auto gap_after = [&](PartitionRule p, SelectionRule s, Index block_size) {
    QuadraticProblem<double, int> problem(d.Q, d.c);
    problem.set_lattice(d.lattice);  // the paper's checkerboard and combs
    SolverOptions o = exact_options(p, s);
    o.block_size = block_size;
    o.max_iterations = 100;
    o.tol = 0;
    VecD x;
    return solve(problem, o, x).final_objective - f_star;
  };
  const double greedy_tree = gap_after(PartitionRule::GreedyTree, SelectionRule::GS, 1);
  const double tree_partition = gap_after(PartitionRule::TreePartition, SelectionRule::Cyclic, 1);
  const double random_tree = gap_after(PartitionRule::RandomTree, SelectionRule::Random, 1);
  const double red_black = gap_after(PartitionRule::RedBlack, SelectionRule::Cyclic, 1);
  const double general = gap_after(PartitionRule::General, SelectionRule::GS, general_block_size(d.Q.rows()));
  EXPECT_LT(std::min(greedy_tree, tree_partition), random_tree);
  EXPECT_LT(random_tree, red_black);
  EXPECT_LT(red_black, general);
  EXPECT_LT(1e3 * greedy_tree, general);
}

TEST(ForestRules, RefusedWhereTheyDoNotApply) {
  const auto d = datasets::dataset_d(6, 3);
  QuadraticProblem<double, int> quadratic(d.Q, d.c);
  SolverOptions o;
  o.partition = PartitionRule::GreedyTree;
  o.selection = SelectionRule::GS;
  o.update = UpdateRule::Gradient;
  VecD x;
  EXPECT_THROW(solve(quadratic, o, x), InvalidArgument);  // needs exact
  o.update = UpdateRule::Exact;
  o.selection = SelectionRule::Random;
  EXPECT_THROW(solve(quadratic, o, x), InvalidArgument);  // greedy-tree pairs with gs
  o.partition = PartitionRule::RedBlack;
  o.selection = SelectionRule::GSQ;
  EXPECT_THROW(solve(quadratic, o, x), InvalidArgument);  // blocks too large for GSQ
  const MatD A = random_design(3, 10, 5);
  SparseD As = A.sparseView();
  As.makeCompressed();
  auto ls = least_squares(As, VecD(VecD::Ones(10)));
  o.selection = SelectionRule::Cyclic;
  try {
    solve(ls, o, x = VecD());
    ADD_FAILURE() << "forest partition accepted on least squares";
  } catch (const InvalidArgument& e) {
    EXPECT_NE(std::string(e.what()).find("needs a quadratic problem"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace southwell::testing

namespace southwell::testing {
namespace {

/// Block SOR: any omega in (0, 2) reaches the CHOLMOD optimum; omega outside is refused.
TEST(ForestRules, OverRelaxedExactStepsReachTheOptimum) {
  const auto d = datasets::dataset_d(20, 15, 6);
  const double f_star = quadratic_optimum(d.Q, d.c, 0);
  for (const double omega : {0.5, 1.5, 1.9})
    for (const auto& [partition, selection] :
         {std::pair{PartitionRule::TreePartition, SelectionRule::Cyclic}, std::pair{PartitionRule::RedBlack, SelectionRule::Cyclic},
          std::pair{PartitionRule::GreedyTree, SelectionRule::GS}, std::pair{PartitionRule::Variable, SelectionRule::GS}}) {
      QuadraticProblem<double, int> problem(d.Q, d.c);
      problem.set_lattice(d.lattice);
      SolverOptions o = exact_options(partition, selection);
      o.relaxation = omega;
      o.block_size = 5;
      o.tol = 1e-11;
      o.max_iterations = 2000000;
      o.record_history = true;
      VecD x;
      const Summary s = solve(problem, o, x);
      EXPECT_EQ(s.status, Status::Converged) << omega << " " << to_string(partition);
      EXPECT_NEAR(s.final_objective, f_star, 1e-8 * std::abs(f_star)) << omega << " " << to_string(partition);
      for (std::size_t k = 1; k < s.objective_history.size(); ++k)  // every SOR step decreases f
        ASSERT_LE(s.objective_history[k], s.objective_history[k - 1] + 1e-9 * std::abs(f_star)) << k;
    }
  SolverOptions o;
  o.update = UpdateRule::Exact;
  for (const double bad : {2.0, -1.0}) {
    o.relaxation = bad;
    EXPECT_THROW(o.validate(), InvalidArgument) << bad;
  }
  o.relaxation = 1.5;
  o.update = UpdateRule::Gradient;
  EXPECT_THROW(o.validate(), InvalidArgument);
}

/// Automatic relaxation on a lattice (2-cyclic: combs, checkerboard) needs far fewer sweeps than
/// plain block Gauss-Seidel, and is refused where no sweep exists.
TEST(ForestRules, AutomaticRelaxationBeatsGaussSeidel) {
  const auto d = datasets::dataset_d(60, 36, 2);
  for (const PartitionRule partition : {PartitionRule::TreePartition, PartitionRule::RedBlack}) {
    Index iterations[2];
    for (int automatic = 0; automatic < 2; ++automatic) {
      QuadraticProblem<double, int> problem(d.Q, d.c);
      problem.set_lattice(d.lattice);
      SolverOptions o = exact_options(partition, SelectionRule::Cyclic);
      o.relaxation = automatic ? 0 : 1;
      o.tol = 1e-9;
      o.max_iterations = 1000000;
      VecD x;
      const Summary s = solve(problem, o, x);
      ASSERT_EQ(s.status, Status::Converged);
      iterations[automatic] = s.iterations;
    }
    EXPECT_LT(3 * iterations[1], iterations[0]) << to_string(partition);
  }
  QuadraticProblem<double, int> problem(d.Q, d.c);
  SolverOptions o = exact_options(PartitionRule::GreedyTree, SelectionRule::GS);
  o.relaxation = 0;
  VecD x;
  EXPECT_THROW(solve(problem, o, x), InvalidArgument);
}

TEST(ForestRules, GeneralBlockSizeIsTheFloorOfTheCubeRoot) {
  Index root = 1;
  for (Index n = 1; n <= 30000; ++n) {
    while ((root + 1) * (root + 1) * (root + 1) <= n) ++root;
    ASSERT_EQ(general_block_size(n), root) << n;
  }
  EXPECT_EQ(general_block_size(2400), 13);  // the paper's D and E
  EXPECT_EQ(general_block_size(1900), 12);
}

}  // namespace
}  // namespace southwell::testing

namespace southwell::testing {
namespace {

/// Both node orders of the general-graph partitions reach the CHOLMOD optimum (E-style kNN graph).
TEST(ForestRules, NaturalAndLipschitzOrdersBothConverge) {
  const auto e = datasets::dataset_e(400, 40, 3);
  const double f_star = quadratic_optimum(e.Q, e.c, 0);
  for (const ForestOrder order : {ForestOrder::Lipschitz, ForestOrder::Natural})
    for (const PartitionRule partition : {PartitionRule::TreePartition, PartitionRule::RedBlack}) {
      QuadraticProblem<double, int> problem(e.Q, e.c);
      SolverOptions o = exact_options(partition, SelectionRule::Cyclic);
      o.forest_order = order;
      o.tol = 1e-11;
      o.max_iterations = 1000000;
      VecD x;
      const Summary s = solve(problem, o, x);
      EXPECT_EQ(s.status, Status::Converged) << to_string(order) << " " << to_string(partition);
      EXPECT_NEAR(s.final_objective, f_star, 1e-9 * std::abs(f_star)) << to_string(order);
    }
}

}  // namespace
}  // namespace southwell::testing
