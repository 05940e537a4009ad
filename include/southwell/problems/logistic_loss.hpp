#pragma once
// Binary logistic per row: l_i(z) = log(1 + exp(-y_i z)), y_i in {-1, +1}.
#include <algorithm>
#include <cmath>
#include <string>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Scalar>
class LogisticLoss {
 public:
  explicit LogisticLoss(Vec<Scalar> labels) : y_(std::move(labels)) {
    for (Index i = 0; i < y_.size(); ++i)
      if (y_[i] != Scalar(1) && y_[i] != Scalar(-1))
        throw InvalidArgument("logistic label " + std::to_string(i) + " must be -1 or +1");
  }
  Index rows() const { return y_.size(); }
  Index outputs() const { return 1; }
  const Vec<Scalar>& labels() const { return y_; }

  Scalar value(Index i, const Scalar* z) const {
    const Scalar t = -y_[i] * z[0];  // log(1 + e^t), stable for large |t|
    return t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t));
  }
  void derivative(Index i, const Scalar* z, Scalar* u) const {
    u[0] = -y_[i] * sigmoid(-y_[i] * z[0]);
  }
  void hessian(Index i, const Scalar* z, Scalar* w) const {
    const Scalar s = sigmoid(y_[i] * z[0]);
    w[0] = s * (1 - s);
  }
  void diagonal_hessian(Index i, const Scalar* z, Scalar* w) const { hessian(i, z, w); }
  /// value(), derivative() and diagonal_hessian() at once from one exp (the same arithmetic, so
  /// the same results): the working-set solver refreshes every row after each step, and its line
  /// search keeps a trial's rows for the step it takes.
  Scalar row_terms(Index i, const Scalar* z, Scalar* u, Scalar* w) const {
    Scalar tail;
    const Scalar lead = row_terms_split(i, z, u, w, &tail);
    return lead + std::log1p(tail);
  }
  /// row_terms() with the value left as lead + log1p(*tail), tail in [0, 1]: the working-set
  /// solver sums the rows' log1p terms with one log per block of rows (linalg/log1p_sum.hpp).
  Scalar row_terms_split(Index i, const Scalar* z, Scalar* u, Scalar* w, Scalar* tail) const {
    const Scalar t = -y_[i] * z[0];
    const Scalar e = std::exp(-std::abs(t));
    const Scalar near = 1 / (1 + e), far = e / (1 + e);  // sigmoid(|t|), sigmoid(-|t|)
    u[0] = -y_[i] * (t >= 0 ? near : far);
    const Scalar s = t >= 0 ? far : near;  // sigmoid(y z), as hessian() computes it
    w[0] = s * (1 - s);
    *tail = e;
    return t > 0 ? t : Scalar(0);
  }
  /// sigma(1 - sigma) <= 1/4.
  Scalar bound(Index, Index, Index) const { return Scalar(0.25); }
  /// The convex conjugate of row i's loss at v = -y a, a in [0, 1]: a log a + (1 - a) log(1 - a).
  static constexpr bool kHasConjugate = true;
  double conjugate(Index i, double v) const {
    const double a = std::clamp(-v * double(y_[i]), 0.0, 1.0);
    return (a > 0 ? a * std::log(a) : 0.0) + (a < 1 ? (1 - a) * std::log1p(-a) : 0.0);
  }

 private:
  static Scalar sigmoid(Scalar t) {
    if (t >= 0) return 1 / (1 + std::exp(-t));
    const Scalar e = std::exp(t);
    return e / (1 + e);
  }
  Vec<Scalar> y_;
};

}  // namespace southwell
