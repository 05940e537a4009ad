#pragma once
// Block updates for F = f + sum_i g_i(x_i) with g separable (l1, bounds):
//   prox-gradient  d = prox_{g/L_b}(x_b - g_b / L_b) - x_b, L_b = lambda_max(H_b)
//   prox-newton    d minimises g_b'd + d'Hd/2 + g(x_b + d) exactly (H = the block Hessian): cyclic
//                  coordinate descent on the block, polished by a Newton solve on the coordinates
//                  off their kinks and bounds (an active-set step), so the block model is solved
//                  to round-off; non-quadratic f adds an Armijo line search on F
//   two-metric     two-metric projection (Bertsekas) for bounds where g is smooth on the feasible
//                  set: Newton on the free coordinates, scaled gradient on those held at a bound,
//                  projected backtracking on F
// After the support is identified, prox-newton and two-metric act as Newton on the free
// variables: superlinear convergence, and finite termination for quadratics.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "southwell/linalg/dense_block.hpp"
#include "southwell/regularizers/separable.hpp"
#include "southwell/update/block_update.hpp"

namespace southwell {

namespace detail {

/// d = prox_{g/L}(x_b - g_b/L) - x_b (L <= 0: f is flat along the block; move to argmin g_i).
template <class Scalar>
void prox_gradient_step(const SeparableRegularizer<Scalar>& reg, const Block& block, const Vec<Scalar>& x,
                        const Vec<Scalar>& g_b, Scalar L, Vec<Scalar>& d) {
  d.resize(block.size());
  for (Index t = 0; t < block.size(); ++t) {
    const Index i = block.coords[t];
    if (L > 0) d[t] = reg.prox(i, x[i] - g_b[t] / L, 1 / L) - x[i];
    else d[t] = (reg.l1(i) > 0 ? reg.project(i, 0) : x[i]) - x[i];
  }
}

/// sum over the block of g_i(x_i + s_t) - g_i(x_i), for feasible points.
template <class Scalar>
double regularizer_change(const SeparableRegularizer<Scalar>& reg, const Block& block, const Vec<Scalar>& x,
                          const Vec<Scalar>& s) {
  double change = 0;
  for (Index t = 0; t < block.size(); ++t) {
    const Index i = block.coords[t];
    change += double(reg.l1(i)) * (std::abs(double(x[i] + s[t])) - std::abs(double(x[i])));
  }
  return change;
}

/// Armijo backtracking on F along s(alpha) = project(x + alpha d) - x. `predicted` maps a step to
/// the model decrease used in the test (<= 0). Returns false when no step length passes.
template <class Problem, class Step, class Predicted>
bool backtrack(SolveContext<Problem>& ctx, const Block& block, Step&& step_at, Predicted&& predicted,
               Vec<typename Problem::Scalar>& out) {
  using Scalar = typename Problem::Scalar;
  const auto& reg = *ctx.regularizer;
  const auto& x = ctx.problem.x();
  const double f = ctx.problem.value();
  const double slack = 8 * std::numeric_limits<Scalar>::epsilon() * std::abs(f);
  double alpha = 1;
  for (int trial = 0; trial < 40; ++trial, alpha /= 2) {
    step_at(Scalar(alpha), out);
    const double decrease = predicted(out);
    if (!(decrease < 0)) return false;
    const double F_alpha = ctx.problem.trial_value(block, out) + regularizer_change(reg, block, x, out);
    if (F_alpha <= f + 1e-4 * decrease + slack) return true;
  }
  return false;
}

}  // namespace detail

template <class Problem>
class ProxGradientUpdate final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    detail::prox_gradient_step(*ctx.regularizer, block, ctx.problem.x(), g_b, ctx.block_lipschitz(block), d);
  }
};

template <class Problem>
class ProxNewtonUpdate final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    const auto& reg = *ctx.regularizer;
    const auto& x = ctx.problem.x();
    ctx.problem.block_hessian(block, h_);
    solve_block_model(reg, block, x, g_b, d);
    if constexpr (Problem::kIsQuadratic) {
      return;  // the model is f itself
    } else {
      direction_ = d;
      auto step_at = [&](Scalar alpha, Vec<Scalar>& s) { s = alpha * direction_; };
      auto predicted = [&](const Vec<Scalar>& s) {
        return double(g_b.dot(s)) + detail::regularizer_change(reg, block, x, s);
      };
      if (!detail::backtrack(ctx, block, step_at, predicted, d))
        detail::prox_gradient_step(reg, block, x, g_b, ctx.block_lipschitz(block), d);
    }
  }

 private:
  /// min_d g'd + d'Hd/2 + sum g_i(x_i + d_i) for H = h_.
  void solve_block_model(const SeparableRegularizer<Scalar>& reg, const Block& block, const Vec<Scalar>& x,
                         const Vec<Scalar>& g, Vec<Scalar>& d) {
    const Index tau = block.size();
    const Scalar scale = std::max(h_.diagonal().cwiseAbs().maxCoeff(), std::numeric_limits<Scalar>::min());
    d = Vec<Scalar>::Zero(tau);
    Hd_ = Vec<Scalar>::Zero(tau);
    auto model_residual = [&](Index t) { return g[t] + Hd_[t]; };  // gradient of the smooth model
    for (int round = 0; round < kRounds; ++round) {
      for (int sweep = 0; sweep < kSweeps; ++sweep) {
        Scalar largest = 0;
        for (Index t = 0; t < tau; ++t) {
          const Index i = block.coords[t];
          const Scalar c = std::max(h_(t, t), scale * std::numeric_limits<Scalar>::epsilon());
          const Scalar y = x[i] + d[t];
          const Scalar next = reg.prox(i, y - model_residual(t) / c, 1 / c);
          const Scalar change = next - y;
          if (change != 0) {
            d[t] += change;
            Hd_ += h_.col(t) * change;
            largest = std::max(largest, std::abs(change) * std::sqrt(c));
          }
        }
        if (largest == 0) break;
      }
      polish(reg, block, x, g, d);
      Scalar violation = 0;
      for (Index t = 0; t < tau; ++t)
        violation = std::max(violation, reg.violation(block.coords[t], x[block.coords[t]] + d[t], model_residual(t)));
      if (violation <= kTolerance * (g.cwiseAbs().maxCoeff() + scale * d.cwiseAbs().maxCoeff())) return;
    }
  }

  /// Newton on the coordinates strictly inside a smooth piece (off zero and the bounds), the
  /// others held; kept only if the signs and bounds hold and the model value does not rise.
  void polish(const SeparableRegularizer<Scalar>& reg, const Block& block, const Vec<Scalar>& x,
              const Vec<Scalar>& g, Vec<Scalar>& d) {
    const Index tau = block.size();
    free_.clear();
    for (Index t = 0; t < tau; ++t) {
      const Index i = block.coords[t];
      const Scalar y = x[i] + d[t];
      if ((reg.l1(i) == 0 || y != 0) && y > reg.lower(i) && y < reg.upper(i)) free_.push_back(t);
    }
    if (free_.empty()) return;
    const Index k = Index(free_.size());
    Mat<Scalar> H(k, k);
    Vec<Scalar> rhs(k);
    for (Index a = 0; a < k; ++a) {
      const Index t = free_[a], i = block.coords[t];
      const Scalar y = x[i] + d[t];
      // g + H d = -l1 sign(y) on the free set, with the held coordinates' d fixed.
      rhs[a] = -(g[t] + Hd_[t] + reg.l1(i) * (y > 0 ? 1 : -1));
      for (Index b = 0; b < k; ++b) H(a, b) = h_(t, free_[b]);
    }
    const Vec<Scalar> delta = psd_solve(H, rhs);  // change of d on the free set
    if (!delta.allFinite()) return;
    Vec<Scalar> candidate = d;
    for (Index a = 0; a < k; ++a) {
      const Index t = free_[a], i = block.coords[t];
      const Scalar y = x[i] + d[t], z = y + delta[a];
      if ((reg.l1(i) > 0 && (z > 0) != (y > 0)) || z < reg.lower(i) || z > reg.upper(i)) return;
      candidate[t] += delta[a];
    }
    auto model = [&](const Vec<Scalar>& s) {
      return double(g.dot(s)) + 0.5 * double(s.dot(h_ * s)) + detail::regularizer_change(reg, block, x, s);
    };
    if (model(candidate) <= model(d)) {
      d = candidate;
      Hd_ = h_ * d;
    }
  }

  static constexpr int kRounds = 20, kSweeps = 50;
  static constexpr double kTolerance = 1e-13;
  Mat<Scalar> h_;
  Vec<Scalar> Hd_, direction_;
  std::vector<Index> free_;
};

template <class Problem>
class TwoMetricUpdate final : public BlockUpdate<Problem> {
  using Scalar = typename Problem::Scalar;

 public:
  void compute_step(SolveContext<Problem>& ctx, const Block& block, const Vec<Scalar>& g_b,
                    Vec<Scalar>& d) override {
    const auto& reg = *ctx.regularizer;
    const auto& x = ctx.problem.x();
    const Index tau = block.size();
    // F's gradient on the feasible set: the l1 term is linear there (its sign is fixed).
    G_.resize(tau);
    for (Index t = 0; t < tau; ++t) {
      const Index i = block.coords[t];
      G_[t] = g_b[t] + (reg.l1(i) > 0 ? (reg.lower(i) >= 0 ? reg.l1(i) : -reg.l1(i)) : Scalar(0));
    }
    free_.clear();
    held_.clear();
    Scalar held_lipschitz = 0;
    for (Index t = 0; t < tau; ++t) {
      const Index i = block.coords[t];
      const bool at_lower = x[i] - reg.lower(i) <= kNearBound && G_[t] > 0;
      const bool at_upper = reg.upper(i) - x[i] <= kNearBound && G_[t] < 0;
      if (at_lower || at_upper) {
        held_.push_back(t);
        held_lipschitz += ctx.problem.lipschitz()[i];
      } else {
        free_.push_back(t);
      }
    }
    direction_ = Vec<Scalar>::Zero(tau);
    if (!free_.empty()) {
      ctx.problem.block_hessian(block, h_);
      const Index k = Index(free_.size());
      Mat<Scalar> H(k, k);
      Vec<Scalar> G(k);
      for (Index a = 0; a < k; ++a) {
        G[a] = G_[free_[a]];
        for (Index b = 0; b < k; ++b) H(a, b) = h_(free_[a], free_[b]);
      }
      const Vec<Scalar> newton = -psd_solve(H, G);
      for (Index a = 0; a < k; ++a) direction_[free_[a]] = newton[a];
    }
    if (held_lipschitz > 0)
      for (Index t : held_) direction_[t] = -G_[t] / held_lipschitz;
    auto step_at = [&](Scalar alpha, Vec<Scalar>& s) {
      s.resize(tau);
      for (Index t = 0; t < tau; ++t) {
        const Index i = block.coords[t];
        s[t] = reg.project(i, x[i] + alpha * direction_[t]) - x[i];
      }
    };
    auto predicted = [&](const Vec<Scalar>& s) { return double(G_.dot(s)); };
    if (!direction_.allFinite() || !detail::backtrack(ctx, block, step_at, predicted, d))
      detail::prox_gradient_step(reg, block, x, g_b, ctx.block_lipschitz(block), d);
  }

 private:
  static constexpr Scalar kNearBound = Scalar(1e-4);  // the reference's threshold
  Mat<Scalar> h_;
  Vec<Scalar> G_, direction_;
  std::vector<Index> free_, held_;
};

}  // namespace southwell
