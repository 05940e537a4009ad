#pragma once
// "matrix": x_b <- x_b - H_b^+ g_b with the block's upper bound H_b (pseudo-inverse, cached for
// fixed blocks). Guarantees f(x+) <= f(x) - g_b' H_b^+ g_b / 2; for quadratic objectives H_b is
// the exact block Hessian and this is exact block minimisation ("exact").
#include "southwell/update/block_update.hpp"

namespace southwell {

template <class Problem>
class MatrixUpdate final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    if (block.id >= 0) {
      d = -(ctx.block_inverse(block, scratch_) * g_b);
      return;
    }
    ctx.problem.block_hessian_bound(block, h_);
    d = -psd_solve(h_, g_b);
  }

 private:
  Mat<Scalar> h_, scratch_;
};

}  // namespace southwell
