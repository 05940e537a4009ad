#pragma once
// Sparse quadratic f(x) = x'Qx/2 - c'x + (l2/2)||x||^2 with Q symmetric positive definite.
// The gradient g = Qx - c + l2 x is the state: a step on block b updates it through the columns
// of b in O(sum of their degrees), so greedy rules are cheap whenever Q is sparse. After a step
// on a large block (forest blocks hold about half the nodes) the whole gradient is recomputed
// in parallel instead: each row is summed by one thread in a fixed order, so the iterates do not
// depend on the number of threads.
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/SparseCore>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"
#include "southwell/graph/forest_partitions.hpp"

namespace southwell {

template <class Scalar_, class StorageIndex_ = int>
class QuadraticProblem {
 public:
  using Scalar = Scalar_;
  using StorageIndex = StorageIndex_;
  using Matrix = Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex>;
  static constexpr bool kIsQuadratic = true;
  static constexpr bool kHasGraph = true;  ///< the graph is the off-diagonal pattern of Q

  /// Non-owning view of Q (both triangles stored). Throws InvalidArgument unless Q is square,
  /// compressed, finite, symmetric, with a positive diagonal, and c matches.
  QuadraticProblem(const Matrix& Q, Vec<Scalar> c, Scalar l2 = 0) : Q_(&Q), c_(std::move(c)), l2_(l2) {
    n_ = Q.rows();
    if (Q.rows() != Q.cols())
      throw InvalidArgument("Q must be square, got " + std::to_string(Q.rows()) + " x " +
                            std::to_string(Q.cols()));
    if (n_ == 0) throw InvalidArgument("Q is empty");
    if (!Q.isCompressed()) throw InvalidArgument("Q must be compressed (call makeCompressed())");
    if (c_.size() != n_)
      throw InvalidArgument("c has size " + std::to_string(c_.size()) + ", expected " + std::to_string(n_));
    if (!c_.allFinite()) throw InvalidArgument("c has a non-finite entry");
    if (!(l2 >= 0) || !std::isfinite(l2)) throw InvalidArgument("l2 must be finite and >= 0");
    const Matrix Qt = Q.transpose();
    for (Index j = 0; j < n_; ++j) {
      Scalar diag = 0;
      for (typename Matrix::InnerIterator it(Q, j); it; ++it) {
        if (!std::isfinite(it.value()))
          throw InvalidArgument("Q(" + std::to_string(it.row()) + ", " + std::to_string(j) + ") is not finite");
        if (it.row() == j) diag = it.value();
      }
      if (!(diag > 0))
        throw InvalidArgument("Q(" + std::to_string(j) + ", " + std::to_string(j) +
                              ") must be positive (Q must be positive definite)");
    }
    const Matrix asymmetry = Qt - Q;
    if (asymmetry.norm() > 100 * std::numeric_limits<Scalar>::epsilon() * Q.norm())
      throw InvalidArgument("Q must be symmetric");
    lipschitz_.resize(n_);
    position_.assign(n_, -1);
    for (Index j = 0; j < n_; ++j) lipschitz_[j] = Q.coeff(j, j) + l2_;
    reset(Vec<Scalar>::Zero(n_));
  }

  /// Declares that the coordinates sit on a lattice (the red-black and tree-partition rules then
  /// use the paper's checkerboard and comb partitions). Throws InvalidArgument unless every
  /// off-diagonal nonzero of Q joins lattice neighbours.
  void set_lattice(LatticeGeometry geometry) {
    if (Index(geometry.cell.size()) != n_ || geometry.rows <= 0 || geometry.cols <= 0)
      throw InvalidArgument("lattice geometry: need rows, cols >= 1 and one cell per coordinate (" +
                            std::to_string(n_) + "), got " + std::to_string(geometry.cell.size()));
    for (Index j = 0; j < n_; ++j) {
      if (geometry.cell[j] < 0 || geometry.cell[j] >= geometry.rows * geometry.cols)
        throw InvalidArgument("lattice geometry: cell " + std::to_string(geometry.cell[j]) + " of coordinate " +
                              std::to_string(j) + " is outside the " + std::to_string(geometry.rows) + " x " +
                              std::to_string(geometry.cols) + " lattice");
    }
    for (Index j = 0; j < n_; ++j)
      for (typename Matrix::InnerIterator it(*Q_, j); it; ++it) {
        const Index i = it.row();
        if (i == j) continue;
        const Index distance = std::abs(geometry.row(i) - geometry.row(j)) + std::abs(geometry.col(i) - geometry.col(j));
        if (distance != 1)
          throw InvalidArgument("lattice geometry: Q(" + std::to_string(i) + ", " + std::to_string(j) +
                                ") joins cells that are not lattice neighbours");
      }
    lattice_ = std::move(geometry);
  }
  /// The lattice geometry, or nullptr when none was set.
  const LatticeGeometry* lattice() const { return lattice_.cell.empty() ? nullptr : &lattice_; }

  Index dim() const { return n_; }
  /// No duality gap is implemented for general quadratics (use the KKT certificate).
  std::optional<double> duality_gap(double) const { return std::nullopt; }
  const Matrix& matrix() const { return *Q_; }
  Scalar l2() const { return l2_; }
  const Vec<Scalar>& x() const { return x_; }
  const Vec<Scalar>& lipschitz() const { return lipschitz_; }

  void reset(const Vec<Scalar>& x0) {
    if (x0.size() != n_)
      throw InvalidArgument("x0 has size " + std::to_string(x0.size()) + ", expected " + std::to_string(n_));
    x_ = x0;
    refresh_gradient();
    exact_value();
  }

  double value() const { return value_; }
  /// f = (x'g - c'x)/2 with the maintained gradient; O(n). Also resets value().
  double exact_value() {
    value_ = 0.5 * (double(x_.dot(g_)) - double(c_.dot(x_)));
    return value_;
  }

  // The gradient is always maintained: it is the state.
  void set_gradient_tracking(bool) {}
  bool tracks_gradient() const { return true; }
  const Vec<Scalar>& gradient() const { return g_; }
  void compute_full_gradient(Vec<Scalar>& out) const { out = g_; }
  /// The size of the terms each gradient entry sums, sum_k |Q_jk x_k| + |c_j| + l2 |x_j|: the
  /// entry's rounding error is a few units in the last place of it (O(nnz(Q)), summed in double).
  void gradient_term_magnitudes(Vec<double>& out) const {
    out.resize(n_);
#pragma omp parallel for schedule(static) if (n_ >= kParallelMinimum)
    for (Index r = 0; r < n_; ++r) {
      double sum = std::abs(double(l2_) * double(x_[r])) + std::abs(double(c_[r]));
      for (typename Matrix::InnerIterator it(*Q_, r); it; ++it) sum += std::abs(double(it.value()) * double(x_[it.row()]));
      out[r] = sum;
    }
  }
  void block_gradient(const Block& block, Vec<Scalar>& out) const {
    out.resize(block.size());  // a plain gather: an OpenMP region costs more per iteration
    for (Index t = 0; t < block.size(); ++t) out[t] = g_[block.coords[t]];
  }

  void apply_step(const Block& block, const Vec<Scalar>& d) {
    changed_.clear();
    all_changed_ = false;
    gradient_refreshed_ = false;
    // f(x+d) - f(x) = (g_old + g_new)_b' d / 2 exactly for a quadratic
    const double half_old = block_dot_gradient(block, d);
    if (block.size() >= kGatherMinimum && 8 * block.size() >= n_) {
      // A large block moves most gradient entries: recompute all of g in parallel (exact, and no
      // dearer than updating it).
#pragma omp parallel for schedule(static) if (n_ >= kParallelMinimum)
      for (Index t = 0; t < block.size(); ++t) x_[block.coords[t]] += d[t];  // block coordinates are distinct
      refresh_gradient();
      all_changed_ = true;
    } else {
      for (Index t = 0; t < block.size(); ++t) {
        const Index j = block.coords[t];
        if (d[t] == 0) continue;
        x_[j] += d[t];
        g_[j] += l2_ * d[t];
        changed_.push_back(j);
        for (typename Matrix::InnerIterator it(*Q_, j); it; ++it) {
          g_[it.row()] += it.value() * d[t];
          changed_.push_back(it.row());
        }
      }
    }
    value_ += 0.5 * (half_old + block_dot_gradient(block, d));
    updates_since_refresh_ += block.size();
    if (updates_since_refresh_ >= n_) {
      if (!all_changed_) refresh_gradient();
      exact_value();
    }
  }
  bool gradient_refreshed() const { return gradient_refreshed_; }
  /// An upper bound on how many coordinates' gradients the last step changed.
  Index changed_count() const { return all_changed_ ? n_ : Index(changed_.size()); }
  template <class F>
  void for_each_changed_coordinate(F&& f) const {
    if (all_changed_) {
      for (Index j = 0; j < n_; ++j) f(j);
    } else {
      for (Index j : changed_) f(j);
    }
  }

  double trial_value(const Block& block, const Vec<Scalar>& d) {
    Mat<Scalar> H;
    block_hessian_bound(block, H);
    Vec<Scalar> g;
    block_gradient(block, g);
    return value_ + double(g.dot(d)) + 0.5 * double(d.dot(H * d));
  }

  void restore_block(const Block& block, const Vec<Scalar>& old) {
    Vec<Scalar> x = x_;
    for (Index t = 0; t < block.size(); ++t) x[block.coords[t]] = old[t];
    reset(x);
  }

  /// Q_bb + l2 I (the exact block Hessian).
  void block_hessian_bound(const Block& block, Mat<Scalar>& H) {
    const Index tau = block.size();
    for (Index t = 0; t < tau; ++t) position_[block.coords[t]] = t;
    H = Mat<Scalar>::Zero(tau, tau);
    for (Index t = 0; t < tau; ++t)
      for (typename Matrix::InnerIterator it(*Q_, block.coords[t]); it; ++it)
        if (position_[it.row()] >= 0) H(position_[it.row()], t) = it.value();
    for (Index t = 0; t < tau; ++t) position_[block.coords[t]] = -1;
    H.diagonal().array() += l2_;
  }
  void block_hessian(const Block& block, Mat<Scalar>& H) { block_hessian_bound(block, H); }

  void hessian_bound_times(const Vec<Scalar>& v, Vec<Scalar>& out) const {
    out = (*Q_) * v + l2_ * v;
  }
  void add_hessian_bound_times_block(const Block& block, const Vec<Scalar>& d, Vec<Scalar>& out,
                                     std::vector<Index>& touched) const {
    for (Index t = 0; t < block.size(); ++t) {
      const Index j = block.coords[t];
      out[j] += l2_ * d[t];
      touched.push_back(j);
      for (typename Matrix::InnerIterator it(*Q_, j); it; ++it) {
        out[it.row()] += it.value() * d[t];
        touched.push_back(it.row());
      }
    }
  }
  Vec<Scalar> diagonal_dominance_bound() const {
    Vec<Scalar> D(n_);
    for (Index j = 0; j < n_; ++j) {
      Scalar s = l2_;
      for (typename Matrix::InnerIterator it(*Q_, j); it; ++it) s += std::abs(it.value());
      D[j] = s;
    }
    return D;
  }

 private:
  static constexpr Index kGatherMinimum = 4096;
  // Below this many coordinates a parallel region costs more than it saves (and oversubscribed
  // cores make its barriers expensive).
  static constexpr Index kParallelMinimum = 65536;

  /// g_b' d, summed in a fixed number of chunks (in parallel for large blocks), so the result
  /// does not depend on the number of threads.
  double block_dot_gradient(const Block& block, const Vec<Scalar>& d) const {
    const Index size = block.size();
    if (size < kGatherMinimum) {
      double sum = 0;
      for (Index t = 0; t < size; ++t) sum += double(g_[block.coords[t]]) * d[t];
      return sum;
    }
    constexpr int kChunks = 64;
    double partial[kChunks];
#pragma omp parallel for schedule(static) if (n_ >= kParallelMinimum)
    for (int chunk = 0; chunk < kChunks; ++chunk) {
      double sum = 0;
      for (Index t = size * chunk / kChunks; t < size * (chunk + 1) / kChunks; ++t)
        sum += double(g_[block.coords[t]]) * d[t];
      partial[chunk] = sum;
    }
    double sum = 0;
    for (double p : partial) sum += p;
    return sum;
  }

  void refresh_gradient() {
    const Matrix& Q = *Q_;
    g_.resize(n_);
#pragma omp parallel for schedule(static) if (n_ >= kParallelMinimum)
    for (Index r = 0; r < n_; ++r) {
      Scalar sum = l2_ * x_[r] - c_[r];
      for (typename Matrix::InnerIterator it(Q, r); it; ++it) sum += it.value() * x_[it.row()];
      g_[r] = sum;
    }
    updates_since_refresh_ = 0;
    gradient_refreshed_ = true;
  }

  const Matrix* Q_;
  Vec<Scalar> c_;
  Scalar l2_;
  Index n_ = 0;
  Vec<Scalar> x_, g_, lipschitz_;
  double value_ = 0;
  bool gradient_refreshed_ = false, all_changed_ = false;
  Index updates_since_refresh_ = 0;
  LatticeGeometry lattice_;
  std::vector<Index> changed_, position_;
};

}  // namespace southwell
