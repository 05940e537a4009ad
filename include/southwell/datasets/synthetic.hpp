#pragma once
// Generators for the synthetic problems of Nutini, Laradji & Schmidt (JMLR 2022), following the
// authors' code recipes (see docs/rules.md). Seeded and deterministic, but not bit-identical to
// the authors' MATLAB/numpy streams.
#include <Eigen/SparseCore>
#include <cmath>
#include <random>
#include <vector>

#include "southwell/core/types.hpp"

namespace southwell::datasets {

/// The paper's design: X = (randn + 1) * diag(10 randn), each entry kept with probability
/// `density` (the paper: 10 ln(rows) / rows). Columns on wildly different scales.
inline Eigen::SparseMatrix<double> paper_design(Index rows, Index cols, double density, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit;
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(std::size_t(double(rows) * double(cols) * density * 1.1));
  for (Index j = 0; j < cols; ++j) {
    const double scale = 10 * normal(rng);
    for (Index i = 0; i < rows; ++i)
      if (unit(rng) < density) entries.emplace_back(i, j, (normal(rng) + 1) * scale);
  }
  Eigen::SparseMatrix<double> X(rows, cols);
  X.setFromTriplets(entries.begin(), entries.end());
  X.makeCompressed();
  return X;
}

/// A planted 10%-sparse weight vector w ~ randn .* (rand < 0.1).
inline Vec<double> sparse_weights(Index cols, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit;
  Vec<double> w(cols);
  for (Index j = 0; j < cols; ++j) w[j] = normal(rng) * (unit(rng) < 0.1 ? 1 : 0);
  return w;
}

struct RegressionData {
  Eigen::SparseMatrix<double> X;
  Vec<double> y;
};

/// Dataset A: least squares, b = X w + noise (1000 x 10000 in the paper; f* = 0 when rows < cols).
inline RegressionData dataset_a(Index rows = 1000, Index cols = 10000, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  RegressionData d{paper_design(rows, cols, 10 * std::log(double(rows)) / double(rows), rng), {}};
  const Vec<double> w = sparse_weights(cols, rng);
  std::normal_distribution<double> normal;
  d.y = d.X * w;
  for (Index i = 0; i < rows; ++i) d.y[i] += normal(rng);
  return d;
}

/// Dataset B: binary logistic, y = sign(X w) with 10% of the labels flipped (f* = 0 when separable).
inline RegressionData dataset_b(Index rows = 1000, Index cols = 10000, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  RegressionData d{paper_design(rows, cols, 10 * std::log(double(rows)) / double(rows), rng), {}};
  const Vec<double> w = sparse_weights(cols, rng);
  std::uniform_real_distribution<double> unit;
  const Vec<double> margin = d.X * w;
  d.y.resize(rows);
  for (Index i = 0; i < rows; ++i) d.y[i] = (margin[i] >= 0 ? 1.0 : -1.0) * (unit(rng) < 0.1 ? -1.0 : 1.0);
  return d;
}

/// A very sparse least-squares problem for scale tests: `per_col` nonzeros per column at random rows.
inline RegressionData sparse_least_squares(Index rows, Index cols, Index per_col, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<Index> row(0, rows - 1);
  Eigen::SparseMatrix<double> X(rows, cols);
  X.reserve(Eigen::VectorXi::Constant(cols, int(per_col)));
  for (Index j = 0; j < cols; ++j)
    for (Index k = 0; k < per_col; ++k) X.coeffRef(row(rng), j) += normal(rng);
  X.makeCompressed();
  Vec<double> y(rows);
  for (Index i = 0; i < rows; ++i) y[i] = normal(rng);
  return {std::move(X), std::move(y)};
}

/// Dataset D: label propagation on a side x side lattice (weights 1e5, `labelled` nodes with
/// labels ~ N(0, 100)), as the quadratic f = x'Qx/2 - c'x over the unlabelled nodes.
struct QuadraticData {
  Eigen::SparseMatrix<double> Q;
  Vec<double> c;
};
inline QuadraticData dataset_d(Index side = 50, Index labelled = 100, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  const Index n = side * side;
  std::vector<Index> nodes(n);
  for (Index i = 0; i < n; ++i) nodes[i] = i;
  std::shuffle(nodes.begin(), nodes.end(), rng);
  std::vector<char> is_labelled(n, 0);
  Vec<double> label = Vec<double>::Zero(n);
  std::normal_distribution<double> normal;
  for (Index k = 0; k < labelled; ++k) {
    is_labelled[nodes[k]] = 1;
    label[nodes[k]] = 10 * normal(rng);
  }
  std::vector<Index> position(n, -1);
  Index unlabelled = 0;
  for (Index i = 0; i < n; ++i)
    if (!is_labelled[i]) position[i] = unlabelled++;
  const double weight = 1e5;
  std::vector<Eigen::Triplet<double>> entries;
  Vec<double> c = Vec<double>::Zero(unlabelled);
  Vec<double> degree = Vec<double>::Zero(n);
  auto edge = [&](Index a, Index b) {
    degree[a] += weight;
    degree[b] += weight;
    if (position[a] >= 0 && position[b] >= 0) {
      entries.emplace_back(position[a], position[b], -weight);
      entries.emplace_back(position[b], position[a], -weight);
    }
    if (position[a] >= 0 && is_labelled[b]) c[position[a]] += weight * label[b];
    if (position[b] >= 0 && is_labelled[a]) c[position[b]] += weight * label[a];
  };
  for (Index col = 0; col < side; ++col)
    for (Index r = 0; r < side; ++r) {
      const Index i = col * side + r;
      if (r + 1 < side) edge(i, i + 1);
      if (col + 1 < side) edge(i, i + side);
    }
  for (Index i = 0; i < n; ++i)
    if (position[i] >= 0) entries.emplace_back(position[i], position[i], degree[i]);
  Eigen::SparseMatrix<double> Q(unlabelled, unlabelled);
  Q.setFromTriplets(entries.begin(), entries.end());
  Q.makeCompressed();
  return {std::move(Q), std::move(c)};
}

}  // namespace southwell::datasets
