#pragma once
// Variable forest blocks (quadratics): a maximal induced forest of Q's graph grown along
// decreasing |g_i| ("greedy-tree", an approximate GS rule under a forest constraint) or along a
// fresh random order ("random-tree"). O(n log n + nnz(Q)) per iteration.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "southwell/graph/forest_partitions.hpp"
#include "southwell/selection/selector.hpp"

namespace southwell {

template <class Problem>
class ForestSelector final : public Selector<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  explicit ForestSelector(bool greedy) : greedy_(greedy) {}
  bool needs_gradient() const override { return greedy_; }

  void initialize(SolveContext<Problem>& ctx) override {
    const Index n = ctx.problem.dim();
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), Index(0));
    in_forest_.assign(n, 0);
    trees_ = DisjointSets(n);
  }

  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    if (greedy_) {
      const Vec<Scalar>& g = ctx.problem.gradient();
      std::iota(order_.begin(), order_.end(), Index(0));
      std::stable_sort(order_.begin(), order_.end(),
                       [&](Index a, Index b) { return std::abs(g[a]) > std::abs(g[b]); });
    } else {
      std::shuffle(order_.begin(), order_.end(), ctx.rng);
    }
    grow_forest(ctx.problem.matrix(), order_, in_forest_, trees_, roots_, out.coords);
    out.id = -1;
  }

 private:
  bool greedy_;
  std::vector<Index> order_, roots_;
  std::vector<char> in_forest_;
  DisjointSets trees_{0};
};

}  // namespace southwell
