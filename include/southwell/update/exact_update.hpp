#pragma once
// "exact": exact block minimisation for quadratic objectives. On a quadratic with a graph, a
// block whose induced graph is a forest is solved by message passing in O(|b|) (solvers cached
// for fixed blocks); any other block uses the dense solve of the matrix update (for quadratics
// H_b is the exact block Hessian).
#include <memory>
#include <vector>

#include "southwell/graph/forest_message_passing.hpp"
#include "southwell/update/matrix_update.hpp"

namespace southwell {

/// Least squares (no graph): the dense exact solve.
template <class Problem, bool HasGraph = Problem::kHasGraph>
class ExactUpdate final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    dense_.compute_step(ctx, block, g_b, d);
  }

 private:
  MatrixUpdate<Problem> dense_;
};

template <class Problem>
class ExactUpdate<Problem, true> final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;
  using Solver = ForestSolver<Scalar, typename Problem::StorageIndex>;

 public:
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    const Solver* solver = nullptr;
    std::unique_ptr<Solver> variable_block;
    if (position_.empty()) position_.assign(ctx.problem.dim(), -1);
    if (block.id >= 0) {
      if (cache_.empty()) {
        cache_.resize(ctx.partition->num_blocks());
        built_.assign(ctx.partition->num_blocks(), 0);
      }
      if (!built_[block.id]) {
        cache_[block.id] = Solver::try_build(ctx.problem.matrix(), block.coords, ctx.problem.l2(), position_);
        built_[block.id] = 1;
      }
      solver = cache_[block.id].get();
    } else {
      variable_block = Solver::try_build(ctx.problem.matrix(), block.coords, ctx.problem.l2(), position_);
      solver = variable_block.get();
    }
    if (solver) solver->solve(g_b, d, Scalar(-1));
    else dense_.compute_step(ctx, block, g_b, d);
  }

 private:
  MatrixUpdate<Problem> dense_;
  std::vector<std::unique_ptr<Solver>> cache_;  // nullptr: that fixed block is not a forest
  std::vector<char> built_;
  std::vector<Index> position_;  // scratch for try_build, all -1 between calls
};

}  // namespace southwell
