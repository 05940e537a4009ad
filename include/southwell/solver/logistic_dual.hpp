#pragma once
// Dual coordinate descent for l2-regularised logistic regression (Yu, Huang & Lin, "Dual
// coordinate descent methods for logistic regression and maximum entropy models", Machine
// Learning 85, 2011). The working-set solver hands a problem to it when there are fewer rows than
// features and the rows are sparse (WorkingSetOptions::dual): the dual then has m variables where
// the primal has p.
//
//   primal  min_x  sum_i s_i log(1 + exp(-y_i a_i'x)) + (l2/2) ||x||^2
//   dual    min    1/2 ||sum_i alpha_i y_i a_i||^2 + sum_i [alpha_i log alpha_i + (C_i - alpha_i) log(C_i - alpha_i)]
//           over 0 < alpha_i < C_i = s_i / l2, with x = sum_i alpha_i y_i a_i (scaled by 1/l2,
//           the primal is this one's up to the factor l2).
//
// A coordinate step minimises the dual along alpha_i by Newton's method on its derivative
// h(t) = q_i (t - alpha_i) + y_i a_i'x + log(t / (C_i - t)), q_i = ||a_i||^2. It solves for the
// smaller of alpha_i and C_i - alpha_i at the root and keeps both, so neither loses its digits
// next to a bound; on that side h is concave, and Newton's iterates, once left of the root,
// rise to it monotonically. Far below the root, where the logarithm outweighs q, the steps are
// taken in log alpha_i instead (there h is nearly linear in it). A step costs O(nnz of row i):
// one dot product and one update of x.
// Rows whose derivative is far below the last epoch's largest one are skipped (they would move
// x by next to nothing), so late epochs spend their time where the dual is still wrong.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "southwell/core/recycled.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Design>
class LogisticDual {
 public:
  using Scalar = typename Design::Scalar;

  /// Rows of `design` must be readable (build_row_index() done); `labels` are +-1, `weights` >= 0
  /// (both of length rows, read in place), l2 > 0.
  LogisticDual(const Design& design, const Scalar* labels, const Scalar* weights, double l2)
      : A_(design), y_(labels), m_(design.rows()), p_(design.cols()), bound_(m_) {
    for (Index i = 0; i < m_; ++i) bound_[i] = double(weights[i]) / l2;
  }

  /// The dual point that matches x0: alpha_i = C_i sigma(-y_i a_i'x0), the optimality condition,
  /// so that a warm start from a nearby solution starts near the dual solution too. From x0 = 0
  /// alpha starts next to 0 (x = sum alpha_i y_i a_i next to x0); C_i / 2 would put x a full
  /// gradient step of length 1 / l2 away, far off for weak penalties.
  void start(const Vec<Scalar>& x0) {
    const bool zero = x0.cwiseAbs().maxCoeff() == 0;
    alpha_.resize(m_);
    rest_.resize(m_);
    row_sq_.resize(m_);
    x_ = Vec<double>::Zero(p_);
    // The rows' squared norms are taken in the same pass as x (from 0) or as their margins.
    for (Index i = 0; i < m_; ++i) {
      const double C = bound_[i];
      double squares = 0;
      if (zero) {
        alpha_[i] = std::min(1e-3 * C, 1e-8);
        rest_[i] = C - alpha_[i];
        const double coefficient = alpha_[i] * double(y_[i]);
        A_.for_each_in_row(i, [&](Index f, Scalar a) {
          squares += double(a) * double(a);
          x_[f] += coefficient * double(a);
        });
        row_sq_[i] = squares;
        continue;
      }
      double z = 0;
      A_.for_each_in_row(i, [&](Index f, Scalar a) {
        squares += double(a) * double(a);
        z += double(a) * double(x0[f]);
      });
      row_sq_[i] = squares;
      const double t = -double(y_[i]) * z;  // alpha_i = C sigma(t), C - alpha_i = C sigma(-t)
      const double e = std::exp(-std::abs(t));
      const double near = C / (1 + e), far = C * e / (1 + e);
      // Strictly inside (0, C): the dual's entropy has an infinite slope at the bounds.
      const double floor = C * 1e-12;
      alpha_[i] = std::max(t >= 0 ? near : far, floor);
      rest_[i] = std::max(t >= 0 ? far : near, floor);
      const double coefficient = alpha_[i] * double(y_[i]);
      if (coefficient != 0) A_.for_each_in_row(i, [&](Index f, Scalar a) { x_[f] += coefficient * double(a); });
    }
    random_state_ = 0;
    order_.resize(std::size_t(m_));
    for (Index i = 0; i < m_; ++i) order_[std::size_t(i)] = i;
    skip_below_ = 0;
  }

  /// One pass over the rows in a fresh random order (a fixed seed: the same passes every run).
  /// Returns the Newton iterations it took.
  Index epoch() {
    for (Index k = m_ - 1; k > 0; --k) std::swap(order_[std::size_t(k)], order_[std::size_t(next_random() % (k + 1))]);
    Index newton = 0;
    double largest = 0;
    for (Index i : order_) {
      const double C = bound_[i];
      if (C == 0) continue;  // a row of weight 0 is not in the problem
      double b = 0;
      A_.for_each_in_row(i, [&](Index f, Scalar a) { b += double(a) * x_[f]; });
      b *= double(y_[i]);
      const double derivative = b + std::log(alpha_[i] / rest_[i]);  // h(alpha_i)
      const double floor = kFloor * C;
      // At the floor and pushed further out: as good as at the bound (a row fitted with a margin
      // past exp's range, whose root e^-margin C underflows). Counting its slope would hold the
      // skip threshold up, and the rows below it would never move again.
      const bool at_bound = (alpha_[i] <= floor && derivative > 0) || (rest_[i] <= floor && derivative < 0);
      const double slope = at_bound ? 0.0 : std::abs(derivative);
      largest = std::max(largest, slope);
      if (slope <= skip_below_) continue;
      const double q = row_sq_[i];
      // The root lies below C / 2 when h(C / 2) >= 0: solve for alpha_i; otherwise for C - alpha_i.
      const bool lower = q * (0.5 * C - alpha_[i]) + b >= 0;
      const double sign = lower ? 1.0 : -1.0;
      const double old = lower ? alpha_[i] : rest_[i];
      double s = std::min(old, 0.5 * C);
      // Starting where alpha_i is, h is the derivative already taken (one logarithm fewer a row).
      double h = s == old ? sign * derivative : q * (s - old) + sign * b + std::log(s / (C - s));
      const double target = 1e-2 * slope;
      for (int iteration = 0; iteration < kMaxNewton && std::abs(h) > target; ++iteration) {
        if (s <= floor && h > 0) break;  // the root lies below the floor
        if (std::abs(h) > 1 && q * s * (C - s) < C) {
          // Far from the root where the logarithm's slope outweighs q (the first epoch starts
          // every alpha_i next to 0), a Newton step in s moves it by a factor 1 + |h| at most:
          // h is nearly linear in log s there, and a step in log s lands next to the root.
          s = std::min(std::max(s * std::exp(-h / (q * s + C / (C - s))), floor), 0.5 * C);
        } else {
          const double next = s - h / (q + C / (s * (C - s)));
          s = std::max(next > 0 ? next : 0.1 * s, floor);  // left of 0: the root is nearer 0 than s
        }
        h = q * (s - old) + sign * b + std::log(s / (C - s));
        ++newton;
      }
      if (lower) {
        alpha_[i] = s;
        rest_[i] = C - s;
      } else {
        rest_[i] = s;
        alpha_[i] = C - s;
      }
      const double step = sign * (s - old) * double(y_[i]);
      if (step != 0) A_.for_each_in_row(i, [&](Index f, Scalar a) { x_[f] += step * double(a); });
    }
    largest_slope_ = largest;
    skip_below_ = kSkipFraction * largest;
    return newton;
  }

  /// The primal point x = sum_i alpha_i y_i a_i.
  const Vec<double>& primal() const { return x_; }
  /// The largest |derivative| of the dual over the last epoch's rows (each taken before its step).
  double largest_slope() const { return largest_slope_; }

  /// The gradient of the primal F(x) = sum_i s_i log(1 + exp(-y_i a_i'x)) + (l2/2)||x||^2 at
  /// x, over the rows: O(nnz + p), no column access; returns F(x). `weights` and `l2` as given to
  /// the constructor; `g` of size p, in the design's precision (a buffer the caller has).
  double primal_gradient(const Scalar* weights, double l2, Vec<Scalar>& g) const {
    g = (l2 * x_).template cast<Scalar>();
    double value = 0.5 * l2 * x_.squaredNorm();
    for (Index i = 0; i < m_; ++i) {
      if (bound_[i] == 0) continue;
      double z = 0;
      A_.for_each_in_row(i, [&](Index f, Scalar a) { z += double(a) * x_[f]; });
      const double t = -double(y_[i]) * z;  // loss log(1 + e^t), derivative -y sigma(t)
      const double e = std::exp(-std::abs(t));
      const double sigma = t >= 0 ? 1 / (1 + e) : e / (1 + e);
      value += double(weights[i]) * (std::max(t, 0.0) + std::log1p(e));
      const double u = -double(y_[i]) * double(weights[i]) * sigma;
      A_.for_each_in_row(i, [&](Index f, Scalar a) { g[f] += Scalar(u * double(a)); });
    }
    return value;
  }

 private:
  static constexpr int kMaxNewton = 50;
  /// alpha_i and C_i - alpha_i stay at or above kFloor C_i (e^-575 C_i): a root below it means a
  /// row whose weight in x and in the primal gradient is negligible.
  static constexpr double kFloor = 1e-250;
  /// Rows whose derivative is below this fraction of the last epoch's largest are skipped.
  static constexpr double kSkipFraction = 1e-3;

  std::uint64_t next_random() {  // splitmix64: portable, so the order is the same everywhere
    std::uint64_t z = (random_state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  const Design& A_;
  const Scalar* y_;
  Index m_, p_;
  RecycledVector<double> bound_, row_sq_, alpha_, rest_, x_;
  RecycledList<Index> order_;
  double skip_below_ = 0, largest_slope_ = 0;
  std::uint64_t random_state_ = 0;
};

}  // namespace southwell
