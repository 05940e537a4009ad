#pragma once
// The separable non-smooth part of F(x) = f(x) + sum_i g_i(x_i):
//   g_i(x) = l1 |x| + indicator(lower_i <= x <= upper_i)
// which covers the lasso, the elastic net (with the problem's l2), bounds (non-negativity) and
// l1 with bounds. Every operation is one coordinate's closed form:
//   prox        argmin_x (x - z)^2 / (2 t) + g_i(x) = clamp(soft_threshold(z, t l1), lower, upper)
//   violation   the KKT residual: distance from -grad_i f to the subdifferential of g_i at x_i
//   model step  the prox-gradient step with curvature L and the decrease of the quadratic model
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Scalar>
class SeparableRegularizer {
 public:
  /// No regularizer: g = 0.
  SeparableRegularizer() = default;

  /// l1 >= 0; bounds with lower <= upper (either may be infinite). Scalars apply to every
  /// coordinate; per-coordinate bounds via set_bounds.
  SeparableRegularizer(Scalar l1, Scalar lower = -kInf, Scalar upper = kInf) : l1_(l1), lower_(lower), upper_(upper) {
    if (!(l1 >= 0) || !std::isfinite(l1)) throw InvalidArgument("l1 must be finite and >= 0");
    check_bounds(lower, upper, -1);
  }

  /// Per-coordinate bounds (vectors of length n; use +-infinity for none).
  void set_bounds(Vec<Scalar> lower, Vec<Scalar> upper) {
    if (lower.size() != upper.size()) throw InvalidArgument("lower and upper bounds differ in length");
    for (Index i = 0; i < lower.size(); ++i) check_bounds(lower[i], upper[i], i);
    lower_vec_ = std::move(lower);
    upper_vec_ = std::move(upper);
  }

  /// Per-coordinate multipliers of l1 (glmnet's penalty factors): coordinate i pays
  /// l1 * weight_i |x_i|. Weight 0 leaves a coordinate unpenalised (an intercept).
  void set_l1_weights(Vec<Scalar> weights) {
    for (Index i = 0; i < weights.size(); ++i)
      if (!(weights[i] >= 0) || !std::isfinite(weights[i]))
        throw InvalidArgument("l1 weight " + std::to_string(i) + " must be finite and >= 0");
    l1_weights_ = std::move(weights);
  }
  bool has_l1_weights() const { return l1_weights_.size() != 0; }

  /// Throws unless per-coordinate bounds and l1 weights (if any) have n entries.
  void check_dimension(Index n) const {
    if (lower_vec_.size() != 0 && lower_vec_.size() != n)
      throw InvalidArgument("bounds have " + std::to_string(lower_vec_.size()) + " entries, the problem has " +
                            std::to_string(n) + " coordinates");
    if (l1_weights_.size() != 0 && l1_weights_.size() != n)
      throw InvalidArgument("l1 weights have " + std::to_string(l1_weights_.size()) + " entries, the problem has " +
                            std::to_string(n) + " coordinates");
  }

  bool is_zero() const { return l1_ == 0 && !has_bounds(); }
  bool has_bounds() const {
    return lower_vec_.size() != 0 || lower_ != -kInf || upper_ != kInf;
  }
  /// The l1 parameter, and its value for coordinate i (times the weight, if any).
  Scalar l1() const { return l1_; }
  Scalar l1(Index i) const { return l1_weights_.size() ? l1_ * l1_weights_[i] : l1_; }
  Scalar lower(Index i) const { return lower_vec_.size() ? lower_vec_[i] : lower_; }
  Scalar upper(Index i) const { return upper_vec_.size() ? upper_vec_[i] : upper_; }
  /// True when every feasible x_i has one sign, so l1 |x_i| is linear there (two-metric
  /// projection then applies: g is smooth on the feasible set).
  bool smooth_on_feasible_set(Index n) const {
    if (l1_ == 0) return true;
    for (Index i = 0; i < n; ++i)
      if (l1(i) > 0 && lower(i) < 0 && upper(i) > 0) return false;
    return true;
  }

  Scalar value_at(Index i, Scalar x) const {
    if (x < lower(i) || x > upper(i)) return kInf;
    return l1(i) * std::abs(x);
  }
  double value(const Vec<Scalar>& x) const {
    if (is_zero()) return 0;
    double sum = 0;
    for (Index i = 0; i < x.size(); ++i) sum += double(value_at(i, x[i]));
    return sum;
  }
  Scalar project(Index i, Scalar x) const { return std::clamp(x, lower(i), upper(i)); }

  /// argmin_y (y - z)^2 / (2 t) + g_i(y).
  Scalar prox(Index i, Scalar z, Scalar t) const {
    const Scalar shrink = t * l1(i);
    const Scalar soft = z > shrink ? z - shrink : (z < -shrink ? z + shrink : Scalar(0));
    return project(i, soft);
  }

  /// dist(-grad, subdifferential of g_i at x): zero exactly at the coordinate's KKT point.
  Scalar violation(Index i, Scalar x, Scalar grad) const {
    const Scalar lo = lower(i), up = upper(i);
    if (lo == up) return 0;
    // The subdifferential of l1 |x| at x is [a, b]; the bounds add (-inf, 0] at lo, [0, inf) at up.
    const Scalar l1 = this->l1(i);
    const Scalar a = x > 0 ? l1 : -l1, b = x < 0 ? -l1 : l1;
    const Scalar low = x <= lo ? -kInf : grad + a;   // smallest element of grad + subdifferential
    const Scalar high = x >= up ? kInf : grad + b;   // largest
    if (low > 0) return low;
    if (high < 0) return -high;
    return 0;
  }

  /// The prox-gradient step d with curvature L (> 0) from x with gradient grad, and the change
  /// of the model grad d + L d^2 / 2 + g_i(x + d) - g_i(x) (<= 0).
  struct ModelStep {
    Scalar step, decrease;
  };
  ModelStep model_step(Index i, Scalar x, Scalar grad, Scalar L) const {
    const Scalar next = prox(i, x - grad / L, 1 / L);
    const Scalar d = next - x;
    const Scalar change = grad * d + L * d * d / 2 + l1(i) * (std::abs(next) - std::abs(x));  // x is feasible
    return {d, std::min(change, Scalar(0))};
  }

 private:
  static constexpr Scalar kInf = std::numeric_limits<Scalar>::infinity();
  static void check_bounds(Scalar lower, Scalar upper, Index i) {
    const std::string where = i < 0 ? "" : " (coordinate " + std::to_string(i) + ")";
    if (std::isnan(lower) || std::isnan(upper) || !(lower <= upper) || lower == kInf || upper == -kInf)
      throw InvalidArgument("bounds must satisfy lower <= upper with lower < inf and upper > -inf" + where);
  }

  Scalar l1_ = 0, lower_ = -kInf, upper_ = kInf;
  Vec<Scalar> lower_vec_, upper_vec_, l1_weights_;
};

}  // namespace southwell
