#pragma once
// Selection over a fixed partition: cyclic, uniform random, Lipschitz sampling (P(b) ~ L_b) and
// the greedy rules GS, GSL, GSD and GSQ.
#include <cmath>
#include <random>
#include <vector>

#include "southwell/selection/chunked_max_index.hpp"
#include "southwell/selection/selector.hpp"

namespace southwell {

template <class Problem>
class FixedCyclicSelector final : public Selector<Problem> {
 public:
  void select(SolveContext<Problem>& ctx, Index k, Block& out) override {
    ctx.partition->fill(k % ctx.partition->num_blocks(), out);
  }
};

template <class Problem>
class FixedRandomSelector final : public Selector<Problem> {
 public:
  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    std::uniform_int_distribution<Index> pick(0, ctx.partition->num_blocks() - 1);
    ctx.partition->fill(pick(ctx.rng), out);
  }
};

/// P(b) proportional to L_b; uniform when every L_b is zero.
template <class Problem>
class FixedLipschitzSelector final : public Selector<Problem> {
 public:
  void initialize(SolveContext<Problem>& ctx) override {
    std::vector<double> weights;
    ctx.for_each_fixed_block([&](const Block& b) { weights.push_back(double(ctx.block_lipschitz(b))); });
    double total = 0;
    for (double w : weights) total += w;
    if (!(total > 0)) weights.assign(weights.size(), 1.0);
    pick_ = std::discrete_distribution<Index>(weights.begin(), weights.end());
  }
  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    ctx.partition->fill(pick_(ctx.rng), out);
  }

 private:
  std::discrete_distribution<Index> pick_;
};

/// Greedy selection: the block with the largest score, kept in a ChunkedMaxIndex. After a step
/// only the blocks holding a coordinate whose gradient changed are re-scored.
///   GS : ||g_b||^2            (L1 norm: ||g_b||_1)
///   GSL: ||g_b||^2 / L_b      (L1 norm: ||g_b||_1 / sqrt(L_b))
///   GSD: sum g_i^2 / (|b| L_i), the diagonal bound D_b = |b| diag(L_i) >= H_b
///                             (L1 norm: sum |g_i| / sqrt(L_i))
///   GSQ: g_b' H_b^+ g_b       (the same argmax for both norms)
template <class Problem>
class FixedGreedySelector final : public Selector<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  explicit FixedGreedySelector(SelectionRule rule) : rule_(rule) {}
  bool needs_gradient() const override { return true; }

  void initialize(SolveContext<Problem>& ctx) override {
    const Index num_blocks = ctx.partition->num_blocks();
    if (rule_ == SelectionRule::GSL) {
      block_lipschitz_.resize(num_blocks);
      ctx.for_each_fixed_block([&](const Block& b) { block_lipschitz_[b.id] = ctx.block_lipschitz(b); });
    }
    if (rule_ == SelectionRule::GSQ)  // fill the inverse cache once, up front
      ctx.for_each_fixed_block([&](const Block& b) { ctx.block_inverse(b, scratch_); });
    stamp_.assign(num_blocks, 0);
    rescore_all(ctx);
  }

  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    ctx.partition->fill(best_.top(), out);
  }

  void after_step(SolveContext<Problem>& ctx) override {
    if (ctx.problem.gradient_refreshed() || ctx.problem.changed_count() > ctx.problem.dim() / 8) {
      rescore_all(ctx);
      return;
    }
    ++counter_;
    dirty_.clear();
    ctx.problem.for_each_changed_coordinate([&](Index j) {
      const Index b = ctx.partition->block_of(j);
      if (stamp_[b] != counter_) {
        stamp_[b] = counter_;
        dirty_.push_back(b);
      }
    });
    for (Index b : dirty_) best_.update(b, score(ctx, b));
  }

 private:
  void rescore_all(SolveContext<Problem>& ctx) {
    std::vector<double> keys(ctx.partition->num_blocks());
    for (Index b = 0; b < Index(keys.size()); ++b) keys[b] = score(ctx, b);
    best_.assign(std::move(keys));
  }

  double score(SolveContext<Problem>& ctx, Index b) {
    const Vec<Scalar>& g = ctx.problem.gradient();
    const Index* begin = ctx.partition->block_begin(b);
    const Index* end = ctx.partition->block_end(b);
    const bool l1 = ctx.options.greedy_norm == GreedyNorm::L1;
    double s = 0;
    switch (rule_) {
      case SelectionRule::GS:
        for (const Index* j = begin; j != end; ++j) s += l1 ? std::abs(double(g[*j])) : double(g[*j]) * g[*j];
        return s;
      case SelectionRule::GSL: {
        const double L = block_lipschitz_[b];
        if (!(L > 0)) return 0;
        for (const Index* j = begin; j != end; ++j) s += l1 ? std::abs(double(g[*j])) : double(g[*j]) * g[*j];
        return l1 ? s / std::sqrt(L) : s / L;
      }
      case SelectionRule::GSD: {
        const Vec<Scalar>& L = ctx.problem.lipschitz();
        const double size = double(end - begin);
        for (const Index* j = begin; j != end; ++j) {
          if (!(L[*j] > 0)) continue;
          s += l1 ? std::abs(double(g[*j])) / std::sqrt(double(L[*j])) : double(g[*j]) * g[*j] / (size * L[*j]);
        }
        return s;
      }
      case SelectionRule::GSQ: {
        ctx.partition->fill(b, block_);
        const Mat<Scalar>& inv = ctx.block_inverse(block_, scratch_);
        gb_.resize(block_.size());
        for (Index t = 0; t < block_.size(); ++t) gb_[t] = g[block_.coords[t]];
        return double(gb_.dot(inv * gb_));
      }
      default:
        return 0;
    }
  }

  SelectionRule rule_;
  ChunkedMaxIndex<double> best_;
  std::vector<double> block_lipschitz_;
  std::vector<Index> stamp_, dirty_;
  Index counter_ = 0;
  Block block_;
  Vec<Scalar> gb_;
  Mat<Scalar> scratch_;
};

}  // namespace southwell
