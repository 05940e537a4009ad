#pragma once
// Generators for the synthetic problems of Nutini, Laradji & Schmidt (JMLR 2022), following the
// authors' code recipes (see docs/rules.md). Seeded and deterministic, but not bit-identical to
// the authors' MATLAB/numpy streams.
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "southwell/core/types.hpp"
#include "southwell/graph/label_propagation.hpp"

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

/// The 4-neighbour lattice with rows x cols nodes (node = column * rows + row), every edge of
/// weight `weight`.
inline Eigen::SparseMatrix<double, Eigen::ColMajor, int> lattice_graph(Index rows, Index cols, double weight = 1) {
  std::vector<Eigen::Triplet<double, int>> entries;
  entries.reserve(std::size_t(4 * rows * cols));
  for (Index c = 0; c < cols; ++c)
    for (Index r = 0; r < rows; ++r) {
      const Index i = c * rows + r;
      for (Index j : {r + 1 < rows ? i + 1 : Index(-1), c + 1 < cols ? i + rows : Index(-1)})
        if (j >= 0) {
          entries.emplace_back(int(i), int(j), weight);
          entries.emplace_back(int(j), int(i), weight);
        }
    }
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> W(rows * cols, rows * cols);
  W.setFromTriplets(entries.begin(), entries.end());
  return W;
}

/// The symmetrised k-nearest-neighbour graph of the rows of `points` (Euclidean; i and j are
/// joined when either is among the other's k nearest), weight 1. Brute force, O(n^2 d): meant
/// for the paper's and the tests' sizes (up to ~10^4 points).
inline Eigen::SparseMatrix<double, Eigen::ColMajor, int> knn_graph(const Mat<double>& points, Index k) {
  const Index n = points.rows();
  std::vector<Eigen::Triplet<double, int>> entries;
  std::vector<std::pair<double, Index>> distance(std::size_t(std::max<Index>(n - 1, 0)));
  for (Index i = 0; i < n; ++i) {
    distance.clear();
    for (Index j = 0; j < n; ++j)
      if (j != i) distance.emplace_back((points.row(i) - points.row(j)).squaredNorm(), j);
    const Index keep = std::min<Index>(k, Index(distance.size()));
    std::partial_sort(distance.begin(), distance.begin() + keep, distance.end());
    for (Index t = 0; t < keep; ++t) {
      entries.emplace_back(int(i), int(distance[t].second), 1.0);
      entries.emplace_back(int(distance[t].second), int(i), 1.0);
    }
  }
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> W(n, n);
  W.setFromTriplets(entries.begin(), entries.end(), [](double, double) { return 1.0; });  // W(W > 1) = 1
  return W;
}

/// Two interleaved half circles in 2-D with Gaussian noise of standard deviation `noise`;
/// label[i] is 0 or 1 (which moon), each with probability 1/2.
struct MoonsData {
  Mat<double> points;
  std::vector<Index> label;
};
inline MoonsData two_moons(Index n, double noise, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> angle(0, 3.141592653589793);
  std::normal_distribution<double> normal(0, noise);
  std::bernoulli_distribution second(0.5);
  MoonsData data{Mat<double>(n, 2), std::vector<Index>(n)};
  for (Index i = 0; i < n; ++i) {
    const double phi = angle(rng);
    data.label[i] = second(rng) ? 1 : 0;
    data.points(i, 0) = (data.label[i] ? 1 + std::cos(phi) : std::cos(phi)) + normal(rng);
    data.points(i, 1) = (data.label[i] ? 0.5 - std::sin(phi) : std::sin(phi)) + normal(rng);
  }
  return data;
}

/// A quadratic f = x'Qx/2 - c'x; `lattice` is set when the coordinates sit on a lattice.
struct QuadraticData {
  Eigen::SparseMatrix<double> Q;
  Vec<double> c;
  LatticeGeometry lattice;
};

/// `count` distinct nodes out of n, in random order.
inline std::vector<Index> random_nodes(Index n, Index count, std::mt19937_64& rng) {
  std::vector<Index> nodes(n);
  for (Index i = 0; i < n; ++i) nodes[i] = i;
  std::shuffle(nodes.begin(), nodes.end(), rng);
  nodes.resize(count);
  return nodes;
}

/// Dataset D: label propagation on a side x side lattice (weights 1e5, `labelled` nodes with
/// labels ~ N(0, 100)), hard clamping: the quadratic over the unlabelled nodes, with its lattice.
inline QuadraticData dataset_d(Index side = 50, Index labelled = 100, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  const std::vector<Index> nodes = random_nodes(side * side, labelled, rng);
  std::normal_distribution<double> normal;
  Mat<double> targets(labelled, 1);
  for (Index k = 0; k < labelled; ++k) targets(k, 0) = 10 * normal(rng);
  const LabelPropagation system(lattice_graph(side, side, 1e5), nodes, targets);
  return {system.Q(), system.c(), system.lattice(side, side)};
}

/// Dataset E: two moons (`points` points, noise variance 0.04), symmetrised 5-NN graph with unit
/// weights, `labelled` random points with labels 1 or 2 (their moon), hard clamping.
inline QuadraticData dataset_e(Index points = 2000, Index labelled = 100, std::uint64_t seed = 1) {
  const MoonsData moons = two_moons(points, 0.2, seed);
  std::mt19937_64 rng(seed + 1);
  const std::vector<Index> nodes = random_nodes(points, labelled, rng);
  Mat<double> targets(labelled, 1);
  for (Index k = 0; k < labelled; ++k) targets(k, 0) = double(moons.label[nodes[k]] + 1);
  LabelPropagationOptions options;
  options.unlabelled_components = UnlabelledComponents::Prior;  // rare stray clusters without a label
  const LabelPropagation system(knn_graph(moons.points, 5), nodes, targets, options);
  return {system.Q(), system.c(), {}};
}

}  // namespace southwell::datasets
