#pragma once
// The interface of block selection rules. One virtual call per iteration: the rule is a
// run-time choice, while the problem type (and so every loop over nonzeros) is a template.
#include "southwell/solver/solve_context.hpp"

namespace southwell {

template <class Problem>
class Selector {
 public:
  virtual ~Selector() = default;
  /// Greedy rules read the full gradient, which the problem then keeps up to date.
  virtual bool needs_gradient() const { return false; }
  /// Called once before the first iteration, after the problem state is set.
  virtual void initialize(SolveContext<Problem>&) {}
  /// Chooses the block for iteration k (0-based).
  virtual void select(SolveContext<Problem>& ctx, Index k, Block& out) = 0;
  /// Called after every step, to refresh what the step changed.
  virtual void after_step(SolveContext<Problem>&) {}
};

}  // namespace southwell
