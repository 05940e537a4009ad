#pragma once
// "exact": exact block minimisation for quadratic objectives. On a quadratic with a graph, a
// block whose induced graph is a forest is solved by message passing in O(|b|) (solvers cached
// for fixed blocks); any other block uses the dense solve of the matrix update (for quadratics
// H_b is the exact block Hessian).
#include <algorithm>
#include <cassert>
#include <cmath>
#include <memory>
#include <vector>

#include "southwell/graph/forest_message_passing.hpp"
#include "southwell/update/matrix_update.hpp"

namespace southwell {

/// The over-relaxation omega of the exact steps: options.relaxation, or with relaxation = 0
/// ("auto", cyclic selection over a fixed partition) an estimate of Young's optimum for 2-cyclic
/// partitions, omega = 2 / (1 + sqrt(1 - mu^2)), mu the block-Jacobi spectral radius. Three
/// stages of 20 sweeps: in each, the ratio of successive step norms of block 0 (Aitken-
/// extrapolated) estimates the contraction lambda of the current iteration, Young's relation
/// (lambda + omega - 1)^2 = lambda omega^2 mu^2 gives mu, and omega moves up to the optimum for
/// it. The ratios approach lambda from below, so each estimate errs low, the safe side.
class RelaxationTuner {
 public:
  explicit RelaxationTuner(double relaxation) : omega_(relaxation > 0 ? relaxation : 1.0), tuning_(relaxation == 0) {}
  double omega() const { return omega_; }
  /// Called with every step computed with omega = 1 while tuning.
  void observe(Index block_id, double step_norm) {
    if (!tuning_ || block_id != 0) return;
    if (previous_norm_ > 0 && step_norm > 0) {
      ratio_[sweeps_ % 3] = std::min(step_norm / previous_norm_, 0.9999);
      ++sweeps_;
      if (sweeps_ % kSweeps == 0) {
        // The ratios rise geometrically towards the contraction lambda: Aitken's extrapolation.
        const double r0 = ratio_[(sweeps_ - 3) % 3], r1 = ratio_[(sweeps_ - 2) % 3], r2 = ratio_[(sweeps_ - 1) % 3];
        const double q = (r1 - r0) != 0 ? (r2 - r1) / (r1 - r0) : 0;
        double lambda = r2;
        if (q > 0 && q < 1 && r2 > r1) lambda = std::min(r2 + (r2 - r1) * q / (1 - q), 0.9999);
        // Young: (lambda + omega - 1)^2 = lambda omega^2 mu^2, mu the block-Jacobi radius.
        const double mu2 = std::min((lambda + omega_ - 1) * (lambda + omega_ - 1) / (lambda * omega_ * omega_), 0.9999);
        const double next = mu2 > 0 ? 2 / (1 + std::sqrt(1 - mu2)) : 1.0;
        omega_ = std::max(omega_, next);
        if (sweeps_ >= kStages * kSweeps) tuning_ = false;
      }
    } else if (previous_norm_ > 0) {
      tuning_ = false;  // a zero step: converged, nothing to tune
    }
    previous_norm_ = step_norm;
  }
  bool tuning() const { return tuning_; }

 private:
  static constexpr int kSweeps = 20, kStages = 3;
  double omega_;
  bool tuning_;
  double previous_norm_ = 0, ratio_[3] = {0, 0, 0};
  int sweeps_ = 0;
};

/// Least squares (no graph): the dense exact solve.
template <class Problem, bool HasGraph = Problem::kHasGraph>
class ExactUpdate final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    dense_.compute_step(ctx, block, g_b, d);
    if (tuner_.tuning()) tuner_.observe(block.id, double(d.norm()));
    if (tuner_.omega() != 1) d *= Scalar(tuner_.omega());
  }
  void initialize(SolveContext<Problem>& ctx) override { tuner_ = RelaxationTuner(ctx.options.relaxation); }

 private:
  MatrixUpdate<Problem> dense_;
  RelaxationTuner tuner_{1.0};
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
        // The forest partitions promise forests (independent sets for red-black): checked in debug builds.
        assert(cache_[block.id] || !is_forest_rule(ctx.options.partition));
        built_[block.id] = 1;
      }
      solver = cache_[block.id].get();
    } else {
      variable_block = Solver::try_build(ctx.problem.matrix(), block.coords, ctx.problem.l2(), position_);
      assert(variable_block || !is_forest_rule(ctx.options.partition));
      solver = variable_block.get();
    }
    if (tuner_.tuning()) {
      exact_step(ctx, solver, block, g_b, d, Scalar(1));
      tuner_.observe(block.id, double(d.norm()));
      if (tuner_.omega() != 1) d *= Scalar(tuner_.omega());
    } else {
      exact_step(ctx, solver, block, g_b, d, Scalar(tuner_.omega()));
    }
  }
  void initialize(SolveContext<Problem>& ctx) override { tuner_ = RelaxationTuner(ctx.options.relaxation); }

 private:
  void exact_step(SolveContext<Problem>& ctx, const Solver* solver, const Block& block, const Vec<Scalar>& g_b,
                  Vec<Scalar>& d, Scalar omega) {
    if (solver) {
      solver->solve(g_b, d, -omega);
    } else {
      dense_.compute_step(ctx, block, g_b, d);
      if (omega != 1) d *= omega;
    }
  }

  RelaxationTuner tuner_{1.0};
  MatrixUpdate<Problem> dense_;
  std::vector<std::unique_ptr<Solver>> cache_;  // nullptr: that fixed block is not a forest
  std::vector<char> built_;
  std::vector<Index> position_;  // scratch for try_build, all -1 between calls
};

}  // namespace southwell
