#pragma once
// Variable blocks: any tau distinct coordinates, chosen afresh every iteration.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "southwell/selection/chunked_max_index.hpp"
#include "southwell/selection/selector.hpp"

namespace southwell {

/// A uniformly random tau-subset (partial Fisher-Yates shuffle, O(tau)).
template <class Problem>
class VariableRandomSelector final : public Selector<Problem> {
 public:
  void initialize(SolveContext<Problem>& ctx) override {
    perm_.resize(ctx.problem.dim());
    std::iota(perm_.begin(), perm_.end(), Index(0));
  }
  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    const Index n = Index(perm_.size()), tau = ctx.options.block_size;
    for (Index t = 0; t < tau; ++t) {
      std::uniform_int_distribution<Index> pick(t, n - 1);
      std::swap(perm_[t], perm_[pick(ctx.rng)]);
    }
    out.coords.assign(perm_.begin(), perm_.begin() + tau);
    std::sort(out.coords.begin(), out.coords.end());
    out.id = -1;
  }

 private:
  std::vector<Index> perm_;
};

/// Cyclic over random permutations: consecutive chunks of tau coordinates of a seeded random
/// permutation, a fresh permutation once one is used up (a chunk that straddles two
/// permutations skips the coordinates it already holds, so it always has tau distinct ones).
template <class Problem>
class VariableCyclicSelector final : public Selector<Problem> {
 public:
  void initialize(SolveContext<Problem>& ctx) override {
    perm_.resize(ctx.problem.dim());
    std::iota(perm_.begin(), perm_.end(), Index(0));
    std::shuffle(perm_.begin(), perm_.end(), ctx.rng);
    in_block_.assign(perm_.size(), 0);
  }
  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    const Index tau = ctx.options.block_size;
    out.coords.clear();
    out.id = -1;
    while (Index(out.coords.size()) < tau) {
      if (next_ == Index(perm_.size())) {
        std::shuffle(perm_.begin(), perm_.end(), ctx.rng);
        next_ = 0;
      }
      const Index j = perm_[next_++];
      if (!in_block_[j]) {
        in_block_[j] = 1;
        out.coords.push_back(j);
      }
    }
    for (Index j : out.coords) in_block_[j] = 0;
    std::sort(out.coords.begin(), out.coords.end());
  }

 private:
  std::vector<Index> perm_;
  std::vector<char> in_block_;
  Index next_ = 0;
};

/// tau distinct coordinates drawn successively with P(i) ~ L_i (sampling without replacement).
/// Duplicates are redrawn; if that takes too long (mass concentrated on few coordinates), the
/// rest of the block is completed by exponential-key sampling, which has the same law.
template <class Problem>
class VariableLipschitzSelector final : public Selector<Problem> {
 public:
  void initialize(SolveContext<Problem>& ctx) override {
    const auto& L = ctx.problem.lipschitz();
    weights_.resize(L.size());
    for (Index i = 0; i < L.size(); ++i) weights_[i] = std::max(double(L[i]), 0.0);
    if (!(std::accumulate(weights_.begin(), weights_.end(), 0.0) > 0)) weights_.assign(weights_.size(), 1.0);
    pick_ = std::discrete_distribution<Index>(weights_.begin(), weights_.end());
    in_block_.assign(weights_.size(), 0);
  }
  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    const Index tau = ctx.options.block_size;
    out.coords.clear();
    out.id = -1;
    for (Index draws = 0; Index(out.coords.size()) < tau && draws < 20 * tau + 100; ++draws) {
      const Index j = pick_(ctx.rng);
      if (!in_block_[j]) {
        in_block_[j] = 1;
        out.coords.push_back(j);
      }
    }
    if (Index(out.coords.size()) < tau) complete_by_keys(ctx, tau, out);
    for (Index j : out.coords) in_block_[j] = 0;
    std::sort(out.coords.begin(), out.coords.end());
  }

 private:
  // Efraimidis-Spirakis: the largest keys log(u)/w_i; zero weights come last, in random order.
  void complete_by_keys(SolveContext<Problem>& ctx, Index tau, Block& out) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    keyed_.clear();
    for (Index i = 0; i < Index(weights_.size()); ++i) {
      if (in_block_[i]) continue;
      const double u = std::max(unit(ctx.rng), 1e-300);
      const double key = weights_[i] > 0 ? std::log(u) / weights_[i] : -1e300 * (1 + u);
      keyed_.emplace_back(key, i);
    }
    const Index need = tau - Index(out.coords.size());
    std::partial_sort(keyed_.begin(), keyed_.begin() + need, keyed_.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    for (Index t = 0; t < need; ++t) {
      in_block_[keyed_[t].second] = 1;
      out.coords.push_back(keyed_[t].second);
    }
  }

  std::vector<double> weights_;
  std::discrete_distribution<Index> pick_;
  std::vector<char> in_block_;
  std::vector<std::pair<double, Index>> keyed_;
};

/// Greedy variable blocks: the tau coordinates with the largest g_i^2 / w_i, from an indexed
/// max index updated only where the gradient changed.
///   GS : w_i = 1
///   GSD: w_i = L_i
///   GSL: w_i = d_i = sum_j |H_ij|, the diagonal-dominance bound of the paper's figures
template <class Problem>
class VariableGreedySelector final : public Selector<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  explicit VariableGreedySelector(SelectionRule rule) : rule_(rule) {}
  bool needs_gradient() const override { return true; }

  void initialize(SolveContext<Problem>& ctx) override {
    const Index n = ctx.problem.dim();
    switch (rule_) {
      case SelectionRule::GSD:
        weights_ = ctx.problem.lipschitz();
        break;
      case SelectionRule::GSL:
        weights_ = ctx.problem.diagonal_dominance_bound();
        break;
      default:
        weights_ = Vec<Scalar>::Ones(n);
    }
    rescore_all(ctx);
  }

  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    best_.top_k(ctx.options.block_size, out.coords);
    std::sort(out.coords.begin(), out.coords.end());
    out.id = -1;
  }

  void after_step(SolveContext<Problem>& ctx) override {
    // When most keys changed, rebuilding (O(n)) beats updating them one by one.
    if (ctx.problem.gradient_refreshed() || ctx.problem.changed_count() > ctx.problem.dim() / 8) {
      rescore_all(ctx);
      return;
    }
    const Vec<Scalar>& g = ctx.problem.gradient();
    ctx.problem.for_each_changed_coordinate([&](Index j) { best_.update(j, key(g, j)); });
  }

 private:
  double key(const Vec<Scalar>& g, Index j) const {
    return weights_[j] > 0 ? double(g[j]) * g[j] / weights_[j] : 0.0;
  }
  void rescore_all(SolveContext<Problem>& ctx) {
    const Vec<Scalar>& g = ctx.problem.gradient();
    std::vector<double> keys(g.size());
    for (Index j = 0; j < g.size(); ++j) keys[j] = key(g, j);
    best_.assign(std::move(keys));
  }

  SelectionRule rule_;
  Vec<Scalar> weights_;
  ChunkedMaxIndex<double> best_;
};

}  // namespace southwell
