// Message passing on forest-structured blocks equals a direct solve.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <Eigen/SparseCholesky>
#include <random>

#include "southwell/graph/forest_message_passing.hpp"

namespace southwell {
namespace {

using SparseD = Eigen::SparseMatrix<double>;

/// A symmetric diagonally dominant matrix whose graph is a random forest on n nodes (each node
/// links to an earlier one with probability `link`, so some nodes stay isolated).
SparseD random_forest_matrix(unsigned seed, Index n, double link) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit;
  std::vector<Eigen::Triplet<double>> entries;
  Vec<double> diag = Vec<double>::Constant(n, 0.1);
  for (Index i = 1; i < n; ++i) {
    if (unit(rng) >= link) continue;
    const Index parent = Index(rng() % i);
    const double w = (unit(rng) < 0.5 ? -1 : 1) * (0.5 + unit(rng));
    entries.emplace_back(i, parent, w);
    entries.emplace_back(parent, i, w);
    diag[i] += std::abs(w) * (1 + unit(rng));
    diag[parent] += std::abs(w) * (1 + unit(rng));
  }
  for (Index i = 0; i < n; ++i) entries.emplace_back(i, i, diag[i]);
  SparseD Q(n, n);
  Q.setFromTriplets(entries.begin(), entries.end());
  Q.makeCompressed();
  return Q;
}

TEST(ForestMessagePassing, EqualsADenseCholeskySolveOnRandomForests) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    const Index n = 5 + seed * 7;
    const SparseD Q = random_forest_matrix(seed, n, seed % 2 ? 0.9 : 0.6);
    std::vector<Index> block(n);
    for (Index i = 0; i < n; ++i) block[i] = (i * 7 + seed) % n;  // any order of the nodes
    const ForestSolver<double> solver(Q, block);
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal;
    Vec<double> r(n);
    for (Index t = 0; t < n; ++t) r[t] = normal(rng);
    Vec<double> x;
    solver.solve(r, x);
    Eigen::MatrixXd Qb(n, n);
    for (Index s = 0; s < n; ++s)
      for (Index t = 0; t < n; ++t) Qb(s, t) = Q.coeff(block[s], block[t]);
    const Vec<double> reference = Qb.llt().solve(r);
    EXPECT_LT((x - reference).norm(), 1e-10 * reference.norm()) << "seed " << seed;
  }
}

TEST(ForestMessagePassing, SubBlockOfALargerGraph) {
  const SparseD Q = random_forest_matrix(99, 60, 0.8);
  std::vector<Index> block;
  for (Index i = 0; i < 60; i += 3) block.push_back(i);  // the induced subgraph of a forest
  const ForestSolver<double> solver(Q, block);
  Vec<double> r = Vec<double>::LinSpaced(Index(block.size()), -1, 1), x;
  solver.solve(r, x);
  Eigen::MatrixXd Qb(block.size(), block.size());
  for (std::size_t s = 0; s < block.size(); ++s)
    for (std::size_t t = 0; t < block.size(); ++t) Qb(s, t) = Q.coeff(block[s], block[t]);
  EXPECT_LT((Qb * x - r).norm(), 1e-12 * r.norm());
}

TEST(ForestMessagePassing, PathOfLength100000NeedsNoRecursion) {
  const Index n = 100000;
  std::vector<Eigen::Triplet<double>> entries;
  for (Index i = 0; i < n; ++i) {
    entries.emplace_back(i, i, 2.5);
    if (i + 1 < n) {
      entries.emplace_back(i, i + 1, -1.0);
      entries.emplace_back(i + 1, i, -1.0);
    }
  }
  SparseD Q(n, n);
  Q.setFromTriplets(entries.begin(), entries.end());
  Q.makeCompressed();
  std::vector<Index> block(n);
  for (Index i = 0; i < n; ++i) block[i] = i;
  const ForestSolver<double> solver(Q, block);
  const Vec<double> r = Vec<double>::Ones(n);
  Vec<double> x;
  solver.solve(r, x);
  Eigen::SimplicialLLT<SparseD> llt(Q);
  const Vec<double> reference = llt.solve(r);
  EXPECT_LT((x - reference).norm(), 1e-10 * reference.norm());
}

TEST(ForestMessagePassing, RefusesABlockWithACycle) {
  SparseD Q(3, 3);
  std::vector<Eigen::Triplet<double>> entries = {{0, 0, 3}, {1, 1, 3}, {2, 2, 3}, {0, 1, -1}, {1, 0, -1},
                                                 {1, 2, -1}, {2, 1, -1}, {0, 2, -1}, {2, 0, -1}};
  Q.setFromTriplets(entries.begin(), entries.end());
  Q.makeCompressed();
  EXPECT_THROW(ForestSolver<double>(Q, {0, 1, 2}), InvalidArgument);
  EXPECT_NO_THROW(ForestSolver<double>(Q, {0, 1}));  // an edge is a tree
}

}  // namespace
}  // namespace southwell
