#pragma once
// Least squares per row: l_i(z) = (z - b_i)^2 / 2.
#include <cmath>
#include <string>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Scalar>
class SquaredLoss {
 public:
  explicit SquaredLoss(Vec<Scalar> targets) : b_(std::move(targets)) {
    for (Index i = 0; i < b_.size(); ++i)
      if (!std::isfinite(b_[i])) throw InvalidArgument("target " + std::to_string(i) + " is not finite");
  }
  Index rows() const { return b_.size(); }
  Index outputs() const { return 1; }

  Scalar value(Index i, const Scalar* z) const {
    const Scalar r = z[0] - b_[i];
    return Scalar(0.5) * r * r;
  }
  void derivative(Index i, const Scalar* z, Scalar* u) const { u[0] = z[0] - b_[i]; }
  void hessian(Index, const Scalar*, Scalar* w) const { w[0] = 1; }
  void diagonal_hessian(Index, const Scalar*, Scalar* w) const { w[0] = 1; }
  /// Curvature bound: the per-row Hessian is exactly 1.
  Scalar bound(Index, Index, Index) const { return 1; }
  /// The convex conjugate of row i's loss at v (for duality gaps).
  static constexpr bool kHasConjugate = true;
  double conjugate(Index i, double v) const { return 0.5 * v * v + v * double(b_[i]); }

 private:
  Vec<Scalar> b_;
};

}  // namespace southwell
