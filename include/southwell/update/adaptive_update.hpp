#pragma once
// "adaptive": a gradient step whose Lipschitz constant is estimated by doubling. Each coordinate
// keeps an estimate (starting at 1); a block uses L = max of its estimates and doubles it until
// f(x - g_b/L) <= f(x) - ||g_b||^2 / (2L), then stores L for its coordinates. Estimates never
// decrease (as in the paper's code).
#include <cmath>
#include <limits>

#include "southwell/update/block_update.hpp"

namespace southwell {

template <class Problem>
class AdaptiveUpdate final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  void initialize(SolveContext<Problem>& ctx) override {
    estimate_ = Vec<Scalar>::Ones(ctx.problem.dim());
  }
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    Scalar L = 0;
    for (Index j : block.coords) L = std::max(L, estimate_[j]);
    const double g_sq = double(g_b.squaredNorm());
    d.setZero(g_b.size());
    if (!(g_sq > 0)) return;
    const double f = ctx.problem.value();
    // Slack for rounding in the maintained objective, so tiny steps are not rejected forever.
    const double slack = 8 * std::numeric_limits<Scalar>::epsilon() * std::abs(f);
    for (int doubling = 0; doubling < kMaxDoublings; ++doubling, L *= 2) {
      const Vec<Scalar> trial = -g_b / L;
      if (ctx.problem.trial_value(block, trial) <= f - g_sq / (2 * double(L)) + slack) {
        d = trial;
        break;
      }
    }
    for (Index j : block.coords) estimate_[j] = L;
  }

 private:
  static constexpr int kMaxDoublings = 200;
  Vec<Scalar> estimate_;
};

}  // namespace southwell
