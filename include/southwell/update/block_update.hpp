#pragma once
// The interface of block update rules: given the chosen block and its gradient, compute the step
// d (the solver applies x_b += d). One virtual call per iteration.
#include "southwell/solver/solve_context.hpp"

namespace southwell {

template <class Problem>
class BlockUpdate {
 public:
  using Scalar = typename Problem::Scalar;
  virtual ~BlockUpdate() = default;
  virtual void initialize(SolveContext<Problem>&) {}
  virtual void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                            Vec<Scalar>& d) = 0;
};

}  // namespace southwell
