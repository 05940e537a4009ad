#pragma once
// Regularisation paths: a decreasing sequence of penalty strengths alpha (l1 = alpha rho,
// l2 = alpha (1 - rho) for a fixed l1_ratio rho) solved with warm starts, each point
// restricted first to the survivors of the sequential strong rule (Tibshirani et al. 2012) and
// then certified on all features by the working-set solver's final KKT check, so a feature the
// rule wrongly discarded is brought back (counted in WorkingSetSummary::screened_in).
#include <functional>
#include <string>
#include <vector>

#include "southwell/solver/working_set_solver.hpp"

namespace southwell {

/// A geometric grid from `largest` down to ratio x largest (glmnet's and scikit-learn's).
inline std::vector<double> geometric_grid(double largest, Index count, double ratio) {
  if (count < 1) throw InvalidArgument("a path needs at least one point");
  if (!(ratio > 0 && ratio <= 1)) throw InvalidArgument("the path's smallest/largest ratio must lie in (0, 1]");
  if (!(largest >= 0) || !std::isfinite(largest)) throw InvalidArgument("the largest strength must be finite and >= 0");
  std::vector<double> grid(static_cast<std::size_t>(count));
  for (Index k = 0; k < count; ++k)
    grid[std::size_t(k)] = count == 1 ? largest : largest * std::pow(ratio, double(k) / double(count - 1));
  return grid;
}

/// Called after each point with its index, solution and summary; return true to stop the path.
template <class Scalar>
using PathSink = std::function<bool(Index, const Vec<Scalar>&, const WorkingSetSummary&)>;

/// Solves at every strength in `strengths` (non-increasing) with the given l1_ratio, starting from
/// x (which ends at the last point). `strong_rule` false solves every point on all features.
template <class Design, class Loss>
void solve_path(WorkingSetSolver<Design, Loss>& solver, const std::vector<double>& strengths, double l1_ratio,
                Vec<typename Design::Scalar>& x, const WorkingSetOptions& options, bool strong_rule,
                const PathSink<typename Design::Scalar>& sink) {
  options.validate();
  for (std::size_t k = 1; k < strengths.size(); ++k)
    if (!(strengths[k] <= strengths[k - 1])) throw InvalidArgument("path strengths must be non-increasing");
  for (double l : strengths)
    if (!(l >= 0) || !std::isfinite(l)) throw InvalidArgument("path strengths must be finite and >= 0");
  if (!(l1_ratio >= 0 && l1_ratio <= 1)) throw InvalidArgument("l1_ratio must lie in [0, 1]");
  const Index p = solver.num_features(), K = solver.num_outputs();
  const auto& penalty = solver.penalty();
  std::vector<char> candidates(static_cast<std::size_t>(p));
  bool have_gradient = false;
  for (std::size_t k = 0; k < strengths.size(); ++k) {
    solver.set_strength(strengths[k], l1_ratio);
    WorkingSetSummary summary;
    if (strong_rule && have_gradient) {
      // Keep f when |g_f| >= w_f rho (2 alpha_k - alpha_{k-1}) at the previous solution, or
      // when it is nonzero or free.
      const double threshold = l1_ratio * (2 * strengths[k] - strengths[k - 1]);
      const auto& g = solver.gradient();
      for (Index f = 0; f < p; ++f) {
        const double factor = penalty.factors.size() ? double(penalty.factors[f]) : 1.0;  // empty: all 1
        bool keep = factor == 0;
        for (Index c = 0; c < K && !keep; ++c) {
          const double gc = double(g[f * K + c]);
          keep = x[f * K + c] != 0 || (penalty.nonnegative ? -gc : std::abs(gc)) >= factor * threshold;
        }
        candidates[std::size_t(f)] = keep;
      }
      summary = solver.solve_restricted(x, options, &candidates);
    } else {
      summary = solver.solve(x, options);
    }
    have_gradient = summary.status == Status::Converged;
    if (sink(Index(k), x, summary)) return;
    if (summary.status == Status::StoppedByCallback || summary.status == Status::TimeLimit) return;
  }
}

}  // namespace southwell
