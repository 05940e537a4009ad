#pragma once
// Proximal greedy selection for F = f + sum_i g_i(x_i) (Nutini et al.): per-coordinate scores
//   gs-s   dist(-grad_i f, dg_i(x_i))                     (the minimum-norm subgradient)
//   gs-r   |d_i|, d_i the prox-gradient step with L = max_i L_i
//   gsl-r  sqrt(L_i) |d_i|, d_i the prox-gradient step with L_i
//   gs-q   -(model decrease) with L = max_i L_i
//   gsl-q  -(model decrease) with L_i
// Variable blocks take the top tau scores; fixed blocks the largest sum (of squared s/r scores,
// or of q decreases). Each iteration scans the n tracked gradient entries: O(n).
#include <algorithm>
#include <cmath>
#include <vector>

#include "southwell/selection/selector.hpp"

namespace southwell {

template <class Problem>
class ProximalScores {
  using Scalar = typename Problem::Scalar;

 public:
  explicit ProximalScores(SelectionRule rule) : rule_(rule) {}
  /// The global L = max_i L_i of gs-r and gs-q (constant for a problem: taken once).
  void initialize(SolveContext<Problem>& ctx) {
    const Scalar largest = ctx.problem.lipschitz().maxCoeff();
    global_ = largest > 0 ? largest : Scalar(1);
  }

  /// A score per coordinate (larger = better), additive over a block.
  void compute(SolveContext<Problem>& ctx, std::vector<double>& out) const {
    const auto& g = ctx.problem.gradient();
    const auto& x = ctx.problem.x();
    const auto& L = ctx.problem.lipschitz();
    const auto& reg = *ctx.regularizer;
    const Index n = ctx.problem.dim();
    out.resize(n);
    for (Index i = 0; i < n; ++i) {
      const Scalar Li = L[i] > 0 ? L[i] : Scalar(1);
      double s = 0;
      switch (rule_) {
        case SelectionRule::GSS:
          s = double(reg.violation(i, x[i], g[i]));
          s *= s;
          break;
        case SelectionRule::GSR:
          s = double(reg.model_step(i, x[i], g[i], global_).step);
          s *= s;
          break;
        case SelectionRule::GSLR:
          s = double(reg.model_step(i, x[i], g[i], Li).step);
          s *= s * double(Li);
          break;
        case SelectionRule::GSQP:
          s = -double(reg.model_step(i, x[i], g[i], global_).decrease);
          break;
        default:  // GSLQ
          s = -double(reg.model_step(i, x[i], g[i], Li).decrease);
          break;
      }
      out[i] = s;
    }
  }

 private:
  SelectionRule rule_;
  Scalar global_ = 1;
};

template <class Problem>
class VariableProximalSelector final : public Selector<Problem> {
 public:
  explicit VariableProximalSelector(SelectionRule rule) : scores_(rule) {}
  bool needs_gradient() const override { return true; }
  void initialize(SolveContext<Problem>& ctx) override { scores_.initialize(ctx); }
  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    scores_.compute(ctx, score_);
    const Index n = Index(score_.size()), tau = std::min(ctx.options.block_size, n);
    order_.resize(n);
    for (Index i = 0; i < n; ++i) order_[i] = i;
    // Ties (e.g. all zero scores) go to the smaller index, so the choice is deterministic.
    auto better = [&](Index a, Index b) { return score_[a] > score_[b] || (score_[a] == score_[b] && a < b); };
    std::nth_element(order_.begin(), order_.begin() + (tau - 1), order_.end(), better);
    out.coords.assign(order_.begin(), order_.begin() + tau);
    std::sort(out.coords.begin(), out.coords.end());
    out.id = -1;
  }

 private:
  ProximalScores<Problem> scores_;
  std::vector<double> score_;
  std::vector<Index> order_;
};

template <class Problem>
class FixedProximalSelector final : public Selector<Problem> {
 public:
  explicit FixedProximalSelector(SelectionRule rule) : scores_(rule) {}
  bool needs_gradient() const override { return true; }
  void initialize(SolveContext<Problem>& ctx) override { scores_.initialize(ctx); }
  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    scores_.compute(ctx, score_);
    const Partition& partition = *ctx.partition;
    Index best = 0;
    double best_score = -1;
    for (Index b = 0; b < partition.num_blocks(); ++b) {
      double sum = 0;
      for (const Index* j = partition.block_begin(b); j != partition.block_end(b); ++j) sum += score_[*j];
      if (sum > best_score) best_score = sum, best = b;
    }
    partition.fill(best, out);
  }

 private:
  ProximalScores<Problem> scores_;
  std::vector<double> score_;
};

}  // namespace southwell
