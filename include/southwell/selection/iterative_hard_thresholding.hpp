#pragma once
// GSQ with variable blocks: the block b maximising g_b' H_b^{-1} g_b over all tau-subsets is
// approximated, as in the paper, by iterative hard thresholding on
//     min_{||d||_0 <= tau}  g'd + d'Hd / 2,
// d <- top_tau(d - mu (g + H d)), mu = 1 / lambda_max(H), at most 10 iterations, with H the full
// Hessian bound applied implicitly (never formed). The block is the support of d.
// We start from d = 0, so the first iterate is the GS block; the authors' code starts from
// d = +g / sqrt(L) instead.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "southwell/selection/selector.hpp"

namespace southwell {

/// lambda_max of the problem's full Hessian bound by power iteration (implicit products).
template <class Problem>
double hessian_bound_lambda_max(Problem& problem, int max_iterations = 200, double rel_tol = 1e-6) {
  using Scalar = typename Problem::Scalar;
  // A fixed pseudo-random start: structured starts such as all-ones can lie in the null space
  // of the bound (softmax: ones across classes).
  std::mt19937 rng(12345);
  std::normal_distribution<double> normal;
  Vec<Scalar> v(problem.dim());
  for (Index j = 0; j < v.size(); ++j) v[j] = Scalar(normal(rng));
  v /= v.norm();
  Vec<Scalar> hv;
  double lambda = 0;
  for (int it = 0; it < max_iterations; ++it) {
    problem.hessian_bound_times(v, hv);
    const double next = double(v.dot(hv));
    const Scalar norm = hv.norm();
    if (!(norm > 0)) return 0;
    v = hv / norm;
    if (std::abs(next - lambda) <= rel_tol * std::abs(next)) return next;
    lambda = next;
  }
  return lambda;
}

template <class Problem>
class IterativeHardThresholdingSelector final : public Selector<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  bool needs_gradient() const override { return true; }

  void initialize(SolveContext<Problem>& ctx) override {
    // Power iteration approaches lambda_max from below; the margin keeps mu a safe step.
    const double lambda = 1.05 * hessian_bound_lambda_max(ctx.problem);
    mu_ = lambda > 0 ? Scalar(1 / lambda) : Scalar(1);
    const Index n = ctx.problem.dim();
    order_.resize(n);
    v_.resize(n);
    hd_ = Vec<Scalar>::Zero(n);
  }

  void select(SolveContext<Problem>& ctx, Index, Block& out) override {
    const Vec<Scalar>& g = ctx.problem.gradient();
    const Index tau = ctx.options.block_size;
    out.id = -1;
    out.coords.clear();
    d_.resize(0);
    for (int it = 0; it < kMaxIterations; ++it) {
      v_ = -mu_ * g;
      if (!out.coords.empty()) {
        touched_.clear();
        ctx.problem.add_hessian_bound_times_block(out, d_, hd_, touched_);
        for (Index j : touched_) {
          v_[j] -= mu_ * hd_[j];
          hd_[j] = 0;
        }
        for (Index t = 0; t < out.size(); ++t) v_[out.coords[t]] += d_[t];
      }
      std::iota(order_.begin(), order_.end(), Index(0));
      std::nth_element(order_.begin(), order_.begin() + (tau - 1), order_.end(), [&](Index a, Index b) {
        const Scalar va = std::abs(v_[a]), vb = std::abs(v_[b]);
        return va > vb || (va == vb && a < b);
      });
      next_.coords.assign(order_.begin(), order_.begin() + tau);
      std::sort(next_.coords.begin(), next_.coords.end());
      Vec<Scalar> d_next(tau);
      for (Index t = 0; t < tau; ++t) d_next[t] = v_[next_.coords[t]];
      const bool same_support = next_.coords == out.coords;
      const bool settled = same_support && (d_next - d_).norm() <= Scalar(1e-10) * (1 + d_next.norm());
      out.coords.swap(next_.coords);
      d_ = std::move(d_next);
      if (settled) break;
    }
  }

 private:
  static constexpr int kMaxIterations = 10;
  Scalar mu_ = 1;
  std::vector<Index> order_, touched_;
  Vec<Scalar> v_, hd_, d_;
  Block next_;
};

}  // namespace southwell
