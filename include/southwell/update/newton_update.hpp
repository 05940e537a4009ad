#pragma once
// "newton": d = -(grad^2_bb f)^+ g_b with the exact block Hessian, then Armijo backtracking
// f(x + a d) <= f(x) + c a g_b'd (c = 1e-4, up to rounding) from a = 1, by safeguarded quadratic interpolation.
// If no step length passes (only possible through rounding), the gradient step is taken instead,
// which always decreases f.
#include <algorithm>
#include <cmath>
#include <limits>

#include "southwell/update/block_update.hpp"

namespace southwell {

template <class Problem>
class NewtonUpdate final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    ctx.problem.block_hessian(block, h_);
    const Vec<Scalar> direction = -psd_solve(h_, g_b);
    const double slope = double(g_b.dot(direction));
    if (slope < 0 && direction.allFinite()) {
      const double f = ctx.problem.value();
      // Objective values carry rounding errors of order eps |f|: near the optimum a good step can
      // fail the Armijo test by that much, so the test tolerates it.
      const double slack = 8 * std::numeric_limits<Scalar>::epsilon() * std::abs(f);
      double alpha = 1;
      for (int trial = 0; trial < kMaxBacktracks; ++trial) {
        const double f_alpha = ctx.problem.trial_value(block, Scalar(alpha) * direction);
        if (f_alpha <= f + kArmijo * alpha * slope + slack) {
          d = Scalar(alpha) * direction;
          return;
        }
        // Minimiser of the quadratic through f, slope and f_alpha, kept in [0.1, 0.5] alpha.
        const double denom = 2 * (f_alpha - f - alpha * slope);
        const double interp = (std::isfinite(f_alpha) && denom > 0) ? -slope * alpha * alpha / denom : 0.1 * alpha;
        alpha = std::clamp(interp, 0.1 * alpha, 0.5 * alpha);
      }
    }
    const Scalar L = ctx.block_lipschitz(block);
    if (L > 0) d = -g_b / L;
    else d.setZero(g_b.size());
  }

 private:
  static constexpr double kArmijo = 1e-4;
  static constexpr int kMaxBacktracks = 40;
  Mat<Scalar> h_;
};

}  // namespace southwell
