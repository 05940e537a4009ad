#pragma once
// Small random instances of every problem family and optima computed independently of the
// solver: normal equations (least squares), a dense Newton method written here (logistic,
// softmax) and a CHOLMOD solve (quadratic).
#include <Eigen/Dense>
#include <Eigen/SparseCore>
#include <random>
#include <vector>

#include "southwell/linalg/sparse_cholesky.hpp"
#include "southwell/southwell.hpp"

namespace southwell::testing {

using MatD = Eigen::MatrixXd;
using VecD = Eigen::VectorXd;

enum class Family { LeastSquares, Logistic, Softmax, Quadratic };

inline const char* family_name(Family f) {
  switch (f) {
    case Family::LeastSquares: return "LeastSquares";
    case Family::Logistic: return "Logistic";
    case Family::Softmax: return "Softmax";
    case Family::Quadratic: return "Quadratic";
  }
  return "?";
}

/// A sparse-ish random design with columns on very different scales (as in the paper's data).
inline MatD random_design(unsigned seed, Index m, Index p, double density = 0.5, double log_scale = 0.7) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit;
  MatD A = MatD::Zero(m, p);
  for (Index j = 0; j < p; ++j) {
    const double scale = std::exp(log_scale * normal(rng));
    for (Index i = 0; i < m; ++i)
      if (unit(rng) < density) A(i, j) = scale * (normal(rng) + 0.5);
  }
  return A;
}

inline VecD random_vector(unsigned seed, Index n) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  VecD v(n);
  for (Index i = 0; i < n; ++i) v[i] = normal(rng);
  return v;
}

/// A random sparse symmetric positive definite matrix: a weighted graph Laplacian plus a
/// positive diagonal.
inline Eigen::SparseMatrix<double> random_spd(unsigned seed, Index n, double edge_probability = 0.2) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> unit;
  MatD Q = MatD::Zero(n, n);
  for (Index i = 0; i < n; ++i)
    for (Index j = i + 1; j < n; ++j)
      if (unit(rng) < edge_probability) {
        const double w = 0.1 + 2 * unit(rng);
        Q(i, j) = Q(j, i) = -w;
        Q(i, i) += w;
        Q(j, j) += w;
      }
  for (Index i = 0; i < n; ++i) Q(i, i) += 0.05 + unit(rng);
  Eigen::SparseMatrix<double> S = Q.sparseView();
  S.makeCompressed();
  return S;
}

/// min (1/2)||Ax - b||^2 + (l2/2)||x||^2 by the normal equations.
inline double least_squares_optimum(const MatD& A, const VecD& b, double l2) {
  const MatD H = A.transpose() * A + l2 * MatD::Identity(A.cols(), A.cols());
  const VecD x = H.ldlt().solve(A.transpose() * b);
  return 0.5 * (A * x - b).squaredNorm() + 0.5 * l2 * x.squaredNorm();
}

/// Objective, gradient and Hessian of the multinomial (K >= 2) or binary logistic (K = 1,
/// labels +-1) objective with l2, written independently of the library.
struct DenseGlm {
  MatD A;
  std::vector<int> labels;  // softmax classes, or +-1 for logistic
  Index K;                  // 1 = binary logistic
  double l2;

  double value(const VecD& w) const {
    double f = 0.5 * l2 * w.squaredNorm();
    if (K == 1) {
      const VecD z = A * w;
      for (Index i = 0; i < A.rows(); ++i) f += std::log1p(std::exp(-labels[i] * z[i]));
      return f;
    }
    const MatD Z = A * Eigen::Map<const MatD>(w.data(), K, A.cols()).transpose();
    for (Index i = 0; i < A.rows(); ++i) {
      const double zmax = Z.row(i).maxCoeff();
      f += zmax + std::log((Z.row(i).array() - zmax).exp().sum()) - Z(i, labels[i]);
    }
    return f;
  }
  // Newton's method with backtracking to gradient norm 1e-13; returns the optimal value.
  double optimum() const {
    const Index n = A.cols() * K;
    VecD w = VecD::Zero(n);
    for (int it = 0; it < 200; ++it) {
      VecD g = l2 * w;
      MatD H = l2 * MatD::Identity(n, n);
      for (Index i = 0; i < A.rows(); ++i) {
        if (K == 1) {
          const double z = A.row(i).dot(w), s = 1 / (1 + std::exp(labels[i] * z));
          g += -labels[i] * s * A.row(i).transpose();
          H += s * (1 - s) * A.row(i).transpose() * A.row(i);
        } else {
          VecD z(K);
          for (Index c = 0; c < K; ++c) {
            double s = 0;
            for (Index f = 0; f < A.cols(); ++f) s += A(i, f) * w[f * K + c];
            z[c] = s;
          }
          VecD p = (z.array() - z.maxCoeff()).exp();
          p /= p.sum();
          VecD u = p;
          u[labels[i]] -= 1;
          const MatD W = MatD(p.asDiagonal()) - p * p.transpose();
          for (Index f = 0; f < A.cols(); ++f)
            for (Index c = 0; c < K; ++c) {
              g[f * K + c] += A(i, f) * u[c];
              for (Index f2 = 0; f2 < A.cols(); ++f2)
                for (Index c2 = 0; c2 < K; ++c2) H(f * K + c, f2 * K + c2) += A(i, f) * A(i, f2) * W(c, c2);
            }
        }
      }
      if (g.lpNorm<Eigen::Infinity>() < 1e-13) break;
      const VecD d = -H.ldlt().solve(g);
      double step = 1, f0 = value(w);
      while (value(w + step * d) > f0 + 1e-4 * step * g.dot(d) && step > 1e-12) step /= 2;
      w += step * d;
    }
    return value(w);
  }
};

/// min x'Qx/2 - c'x + (l2/2)||x||^2 by a CHOLMOD solve.
inline double quadratic_optimum(const Eigen::SparseMatrix<double>& Q, const VecD& c, double l2) {
  Eigen::SparseMatrix<double> H = Q;
  for (Index i = 0; i < Q.rows(); ++i) H.coeffRef(i, i) += l2;
  H.makeCompressed();
  const SparseCholesky chol(H);
  const VecD x = chol.solve(c);
  return 0.5 * x.dot(Q * x) + 0.5 * l2 * x.squaredNorm() - c.dot(x);
}

/// Options for a solve with the given rules, run to a tight tolerance.
inline SolverOptions rule_options(SelectionRule selection, UpdateRule update, Index block_size, double tol,
                                  Index max_iterations = 200000) {
  SolverOptions o;
  o.selection = selection;
  o.update = update;
  o.block_size = block_size;
  o.tol = tol;
  o.max_iterations = max_iterations;
  return o;
}

/// Options for an exact-update solve with the given partition and selection.
inline SolverOptions exact_options(PartitionRule partition, SelectionRule selection) {
  SolverOptions o;
  o.partition = partition;
  o.selection = selection;
  o.update = UpdateRule::Exact;
  return o;
}

}  // namespace southwell::testing
