#pragma once
// The block coordinate descent loop: select a block, compute its step, apply it, check.
//
//   Summary s = southwell::solve(problem, options, x);               // x: start in, solution out
//   Summary s = southwell::solve(problem, regularizer, options, x);  // F = f + separable g
//
// With a regulariser, x0 is projected onto the bounds, the objective is F, convergence is
// measured by the KKT violation (the distance from -grad f to the subdifferential of g; the
// gradient norm when g = 0), and the support (nonzeros and signs) is tracked.
//
// Exceptions (InvalidArgument) come only from checks made before the first iteration. Inside
// the loop nothing throws: a non-finite objective ends the solve with NumericalFailure and x
// holding the last finite iterate.
//
// Threads: a solve writes only to `problem`, `x` and the rule objects it creates, and reads the
// data behind the problem's design. Solves on different problem objects may run at once, also
// over one shared matrix; one problem object serves one solve at a time (docs/status_and_errors.md).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include "southwell/core/errors.hpp"
#include "southwell/core/options.hpp"
#include "southwell/core/summary.hpp"
#include "southwell/graph/forest_partitions.hpp"
#include "southwell/solver/rule_factory.hpp"

namespace southwell {

template <class Problem>
Summary solve(Problem& problem, const SeparableRegularizer<typename Problem::Scalar>& regularizer,
              const SolverOptions& options, Vec<typename Problem::Scalar>& x) {
  using Scalar = typename Problem::Scalar;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };

  options.validate();
  const Index n = problem.dim();
  if (x.size() == 0) x = Vec<Scalar>::Zero(n);
  if (x.size() != n)
    throw InvalidArgument("x has size " + std::to_string(x.size()) + ", the problem has " + std::to_string(n) +
                          " coordinates");
  if (!x.allFinite()) throw InvalidArgument("x0 has a non-finite entry");
  regularizer.check_dimension(n);
  const bool regularized = !regularizer.is_zero();
  check_regularizer_rules<Problem>(options, regularizer, n);
  for (Index i = 0; i < n && regularizer.has_bounds(); ++i) x[i] = regularizer.project(i, x[i]);
  const bool variable = options.partition == PartitionRule::Variable || options.partition == PartitionRule::General;
  const bool forest = is_forest_rule(options.partition);  // block sizes come from the graph
  check_forest_rules<Problem>(options);
  if (options.partition != PartitionRule::User && !forest && options.block_size > n)
    throw InvalidArgument("SolverOptions::block_size = " + std::to_string(options.block_size) +
                          " exceeds the number of coordinates " + std::to_string(n));

  SolveContext<Problem> ctx(problem, options, regularizer);
  if (options.partition == PartitionRule::User) {
    ctx.partition = Partition::from_blocks(options.user_blocks, n);
  } else if (options.partition == PartitionRule::RedBlack || options.partition == PartitionRule::TreePartition) {
    if constexpr (Problem::kHasGraph) {
      const bool red_black = options.partition == PartitionRule::RedBlack;
      if (const LatticeGeometry* lattice = problem.lattice()) {
        ctx.partition = Partition::from_blocks(
            red_black ? lattice_checkerboard_blocks(*lattice) : lattice_comb_blocks(*lattice), n);
      } else {
        std::vector<Index> order(std::size_t(n), 0);
        if (options.forest_order == ForestOrder::Lipschitz) order = descending_order(problem.lipschitz());
        else std::iota(order.begin(), order.end(), Index(0));
        ctx.partition = Partition::from_blocks(
            red_black ? red_black_blocks(problem.matrix(), order) : tree_partition_blocks(problem.matrix(), order), n);
      }
    }
  } else if (!variable && !forest) {
    ctx.partition = Partition::make(options.partition, n, options.block_size, problem.lipschitz(), options.seed);
  }
  auto update = make_update<Problem>(options);
  auto selector = make_selector<Problem>(options);

  problem.reset(x);
  problem.set_gradient_tracking(selector->needs_gradient());
  selector->initialize(ctx);
  update->initialize(ctx);

  Summary summary;
  // Two max-norms of the gradient: plain, and scaled by 1/sqrt(L_i) (the progress a coordinate
  // step can make, whatever the column scales). Convergence needs both to fall by tol: the plain
  // one alone is dominated by the largest-scale columns and can stop far from the optimum.
  Vec<Scalar> gradient, inv_sqrt_lipschitz(n);
  for (Index j = 0; j < n; ++j) {
    const Scalar L = problem.lipschitz()[j];
    inv_sqrt_lipschitz[j] = L > 0 ? 1 / std::sqrt(L) : Scalar(0);
  }
  const bool use_gap = options.certificate == Certificate::DualityGap;
  if (use_gap && (regularizer.has_bounds() || regularizer.has_l1_weights() || !problem.duality_gap(double(regularizer.l1()))))
    throw InvalidArgument("certificate 'gap' is available for least squares and logistic regression with l1/l2 "
                          "and no bounds or unpenalised coordinates; use 'kkt'");
  // The largest violation (KKT, or |g| without a regularizer) and the largest divided by the
  // square root of its coordinate's Lipschitz constant. With `rounding`, each coordinate's counts
  // only beyond kRoundingUlps ulps of the terms its gradient sums (see near_precision below).
  constexpr double kRoundingUlps = 4;
  const double unit_roundoff = double(std::numeric_limits<Scalar>::epsilon());
  auto largest_violations = [&](const Vec<Scalar>& g, const Vec<double>* rounding) {
    double plain = 0, scaled = 0;  // max is exact, so the parallel reduction is deterministic
    const Vec<Scalar>& xs = problem.x();
#pragma omp parallel for reduction(max : plain, scaled) schedule(static) if (n > 100000)
    for (Index j = 0; j < n; ++j) {
      double a = regularized ? double(regularizer.violation(j, xs[j], g[j])) : std::abs(double(g[j]));
      if (rounding) a = std::max(0.0, a - kRoundingUlps * unit_roundoff * (*rounding)[j]);
      plain = std::max(plain, a);
      scaled = std::max(scaled, a * double(inv_sqrt_lipschitz[j]));
    }
    return std::pair<double, double>(plain, scaled);
  };
  double scaled_norm = 0;
  auto gradient_norm = [&]() -> double {
    if (use_gap) {  // the duality gap takes the place of the violation (no scaled variant)
      scaled_norm = 0;
      return *problem.duality_gap(double(regularizer.l1()));
    }
    if (!problem.tracks_gradient()) problem.compute_full_gradient(gradient);
    const auto [plain, scaled] =
        largest_violations(problem.tracks_gradient() ? problem.gradient() : gradient, nullptr);
    scaled_norm = scaled;
    return plain;
  };
  double g_value = regularizer.value(problem.x());  // the non-smooth part, updated per step
  summary.initial_objective = summary.final_objective = problem.exact_value() + g_value;
  summary.initial_gradient_norm = summary.final_gradient_norm = gradient_norm();
  summary.setup_seconds = elapsed();
  if (options.record_history) {
    summary.objective_history.push_back(summary.initial_objective);
    summary.seconds_history.push_back(0.0);
  }
  const auto log = [&](const std::string& line) {
    if (options.log_sink) options.log_sink(line);
    else std::cerr << line << '\n';
  };
  auto progress = [&](Index k, double f, double gnorm) {
    char line[160];
    std::snprintf(line, sizeof line, "iter %10lld  f = %.10e  |g|_inf = %.3e  t = %.2fs", (long long)k, f, gnorm,
                  elapsed());
    log(line);
  };

  // tol is relative to the larger of the violations at x0 and at 0: a warm start near the optimum,
  // whose own violation may be rounding noise, can still converge. (O(nnz), warm starts only.)
  double g0 = summary.initial_gradient_norm, scaled_g0 = scaled_norm;
  if (!x.isZero(0)) {
    const double scaled_at_x0 = scaled_norm;
    Vec<Scalar> gradient_at_x0 = gradient;  // (untracked gradients) the first check reads it
    problem.reset(Vec<Scalar>::Zero(n));
    g0 = std::max(g0, gradient_norm());
    scaled_g0 = std::max(scaled_g0, scaled_norm);
    problem.reset(x);
    scaled_norm = scaled_at_x0;
    gradient.swap(gradient_at_x0);
  }
  Index last_support_change = 0;
  auto objective_converged = [&](double f) { return options.optimal_value && f - *options.optimal_value <= options.tol; };
  // In float32, or with tol near the design's precision, tol * g0 can lie below the gradient's
  // own rounding error: about eps * sum|terms| per entry, far above eps * |g| when terms of 10
  // cancel (a strong l2, say). A check that fails then asks again with each coordinate's
  // violation counted only beyond kRoundingUlps ulps of its terms; if that passes, x is as
  // accurate as the precision allows and the solve stops, saying so, instead of running on.
  const bool near_precision =  // tol = 0 asks for the whole budget (benchmark sweeps)
      !use_gap && !options.optimal_value && options.tol > 0 && options.tol < 1e4 * unit_roundoff;
  bool at_precision_limit = false;
  Vec<double> term_magnitudes;
  auto converged_beyond_rounding = [&] {
    problem.gradient_term_magnitudes(term_magnitudes);
    const auto [plain, scaled] =
        largest_violations(problem.tracks_gradient() ? problem.gradient() : gradient, &term_magnitudes);
    return plain <= options.tol * g0 && scaled <= options.tol * scaled_g0;
  };
  auto gradient_converged = [&](double gnorm) {
    if (options.optimal_value) return false;
    if (gnorm <= options.tol * g0 && scaled_norm <= options.tol * scaled_g0) return true;
    at_precision_limit = near_precision && converged_beyond_rounding();
    return at_precision_limit;
  };
  const std::string precision_limit_message =
      std::string(regularized ? "KKT violation" : "||g||_inf") + " within the gradient's rounding error in " +
      (sizeof(Scalar) == 4 ? "float32" : "float64") + " (tol asks for more than that precision resolves)";
  const bool exact_each_iteration = options.record_history || options.optimal_value.has_value();
  // Default: one epoch; forest blocks hold a large share of the coordinates, so every iteration;
  // proximal greedy rules scan all n scores per iteration anyway, so a check every 10 is cheap.
  const Index epoch = std::max<Index>(1, (n + options.block_size - 1) / options.block_size);
  const Index check_every = options.check_every > 0    ? options.check_every
                            : forest                    ? 1
                            : is_proximal(options.selection) ? std::min<Index>(10, epoch)
                                                        : epoch;
  // A step can be too small to change x at all (float32; a block step scaled by a curvature much
  // larger than one of its coordinates'), and a greedy rule then picks the same block forever.
  // kStalledEpochs epochs in which no coordinate changed end the solve (random rules may skip a
  // coordinate for an epoch by chance, hence several); tol = 0 still runs the whole budget.
  // Steps that change x by an ulp or two are not caught: judging them by the violation's lows
  // stopped slow but sound float32 solves of ill-conditioned quadratics early.
  constexpr Index kStalledEpochs = 10;
  Index last_move = 0;
  auto stalled = [&](Index k) {
    return options.tol > 0 && k - last_move >= kStalledEpochs * std::max(epoch, check_every);
  };

  if (!std::isfinite(summary.initial_objective) || !std::isfinite(g0)) {
    summary.status = Status::NumericalFailure;
    summary.message = "the objective or gradient at x0 is not finite";
  } else if (objective_converged(summary.initial_objective) || gradient_converged(summary.initial_gradient_norm)) {
    summary.status = Status::Converged;
    summary.message = at_precision_limit ? precision_limit_message : "x0 already meets the tolerance";
  } else {
    if (options.verbose) progress(0, summary.initial_objective, g0);
    summary.status = Status::MaxIterations;
    summary.message = "reached max_iterations";
    Block block;
    Vec<Scalar> g_b, d, old;
    for (Index k = 1; k <= options.max_iterations; ++k) {
      selector->select(ctx, k - 1, block);
      problem.block_gradient(block, g_b);
      update->compute_step(ctx, block, g_b, d);
      if (!d.allFinite()) {
        summary.status = Status::NumericalFailure;
        summary.message = "the step at iteration " + std::to_string(k) + " is not finite";
        break;
      }
      // A plain loop: an OpenMP region here, even one its `if` turns off, costs a team set-up per
      // iteration (a tenth of a single-coordinate step).
      old.resize(block.size());
      for (Index t = 0; t < block.size(); ++t) old[t] = problem.x()[block.coords[t]];
      problem.apply_step(block, d);
      for (Index t = 0; t < block.size() && last_move < k; ++t)
        if (problem.x()[block.coords[t]] != old[t]) last_move = k;
      if (regularized) {
        for (Index t = 0; t < block.size(); ++t) {
          const Scalar now = problem.x()[block.coords[t]];
          g_value += double(regularizer.l1(block.coords[t])) * (std::abs(double(now)) - std::abs(double(old[t])));
          if ((now > 0) != (old[t] > 0) || (now < 0) != (old[t] < 0)) last_support_change = k;
        }
      }
      if (!std::isfinite(problem.value())) {
        problem.restore_block(block, old);
        summary.status = Status::NumericalFailure;
        summary.message = "the objective became non-finite at iteration " + std::to_string(k);
        break;
      }
      selector->after_step(ctx);
      summary.iterations = k;

      const double f = (exact_each_iteration ? problem.exact_value() : problem.value()) + g_value;
      if (options.record_history) {
        summary.objective_history.push_back(f);
        summary.seconds_history.push_back(elapsed());
      }
      if (objective_converged(f)) {
        summary.status = Status::Converged;
        summary.message = "f - optimal_value <= tol";
        break;
      }
      if (k % check_every == 0) {
        summary.final_gradient_norm = gradient_norm();
        if (options.verbose) progress(k, f, summary.final_gradient_norm);
        if (gradient_converged(summary.final_gradient_norm)) {
          summary.status = Status::Converged;
          summary.message = use_gap       ? "duality gap <= tol * its value at x0"
                            : at_precision_limit ? precision_limit_message
                            : regularized ? "KKT violation <= tol * its value at x0, also scaled by 1/sqrt(L)"
                                : "||g||_inf <= tol * ||g(x0)||_inf, also with g scaled by 1/sqrt(L)";
          break;
        }
        if (stalled(k)) {
          summary.status = Status::NumericalFailure;
          summary.message = "no coordinate has changed in " + std::to_string(k - last_move) +
                            " iterations: the steps are lost in the rounding of x in " +
                            (sizeof(Scalar) == 4 ? "float32" : "float64") + " (KKT target not met)";
          break;
        }
      }
      if (options.callback && k % options.callback_every == 0) {
        IterationInfo info{k, f, elapsed(), &problem.x()};
        if (options.callback(info)) {
          summary.status = Status::StoppedByCallback;
          summary.message = "the callback asked to stop";
          break;
        }
      }
      if (elapsed() > options.time_limit_seconds) {
        summary.status = Status::TimeLimit;
        summary.message = "reached time_limit_seconds";
        break;
      }
    }
  }
  x = problem.x();
  summary.final_objective = problem.exact_value() + regularizer.value(x);
  summary.support_size = Index((x.array() != 0).count());
  summary.support_identified_at = regularized && summary.status == Status::Converged ? last_support_change : -1;
  if (use_gap) summary.duality_gap = summary.final_gradient_norm;
  summary.final_gradient_norm = gradient_norm();
  summary.solve_seconds = elapsed() - summary.setup_seconds;
  if (options.verbose) log(summary.brief_report());
  return summary;
}

/// The smooth problem alone (g = 0).
template <class Problem>
Summary solve(Problem& problem, const SolverOptions& options, Vec<typename Problem::Scalar>& x) {
  return solve(problem, SeparableRegularizer<typename Problem::Scalar>(), options, x);
}

}  // namespace southwell

#include "southwell/solver/solve_instantiations.hpp"  // after the definitions it declares
