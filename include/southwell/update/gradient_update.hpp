#pragma once
// "gradient": x_b <- x_b - g_b / L_b with L_b = lambda_max(H_b). Guarantees
// f(x+) <= f(x) - ||g_b||^2 / (2 L_b).
#include "southwell/update/block_update.hpp"

namespace southwell {

template <class Problem>
class GradientUpdate final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    const Scalar L = ctx.block_lipschitz(block);
    if (L > 0) d = -g_b / L;
    else d.setZero(g_b.size());  // L_b = 0: f is constant along the block
  }
};

}  // namespace southwell
