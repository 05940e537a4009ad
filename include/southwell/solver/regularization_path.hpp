#pragma once
// Regularisation paths: a decreasing sequence of l1 values solved with warm starts, each point
// restricted first to the survivors of the sequential strong rule (Tibshirani et al. 2012) and
// then certified on all features by the working-set solver's final KKT check, so a feature the
// rule wrongly discarded is brought back (counted in WorkingSetSummary::screened_in).
#include <functional>
#include <string>
#include <vector>

#include "southwell/solver/working_set_solver.hpp"

namespace southwell {

/// A geometric grid from lambda_max down to ratio * lambda_max (glmnet's and scikit-learn's).
inline std::vector<double> geometric_lambdas(double lambda_max, Index count, double ratio) {
  if (count < 1) throw InvalidArgument("a path needs at least one lambda");
  if (!(ratio > 0 && ratio <= 1)) throw InvalidArgument("the lambda ratio must lie in (0, 1]");
  if (!(lambda_max >= 0) || !std::isfinite(lambda_max)) throw InvalidArgument("lambda_max must be finite and >= 0");
  std::vector<double> lambdas(static_cast<std::size_t>(count));
  for (Index k = 0; k < count; ++k)
    lambdas[std::size_t(k)] = count == 1 ? lambda_max : lambda_max * std::pow(ratio, double(k) / double(count - 1));
  return lambdas;
}

/// Called after each point with its index, solution and summary; return true to stop the path.
template <class Scalar>
using PathSink = std::function<bool(Index, const Vec<Scalar>&, const WorkingSetSummary&)>;

/// Solves at every l1 in `lambdas` (decreasing), starting from x (which ends at the last point).
/// `strong_rule` false solves every point on all features (for comparison).
template <class Design, class Loss>
void solve_path(WorkingSetSolver<Design, Loss>& solver, const std::vector<double>& lambdas,
                Vec<typename Design::Scalar>& x, const WorkingSetOptions& options, bool strong_rule,
                const PathSink<typename Design::Scalar>& sink) {
  options.validate();
  for (std::size_t k = 1; k < lambdas.size(); ++k)
    if (!(lambdas[k] <= lambdas[k - 1])) throw InvalidArgument("path lambdas must be non-increasing");
  for (double l : lambdas)
    if (!(l >= 0) || !std::isfinite(l)) throw InvalidArgument("path lambdas must be finite and >= 0");
  const Index p = solver.num_features(), K = solver.num_outputs();
  const auto& penalty = solver.penalty();
  std::vector<char> candidates(static_cast<std::size_t>(p));
  bool have_gradient = false;
  for (std::size_t k = 0; k < lambdas.size(); ++k) {
    solver.set_l1(lambdas[k]);
    WorkingSetSummary summary;
    if (strong_rule && have_gradient) {
      // Keep f when |g_f| >= w_f (2 lambda_k - lambda_{k-1}) at the previous solution, or when
      // it is nonzero or free.
      const double threshold = 2 * lambdas[k] - lambdas[k - 1];
      const auto& g = solver.gradient();
      for (Index f = 0; f < p; ++f) {
        bool keep = penalty.factors[f] == 0;
        for (Index c = 0; c < K && !keep; ++c) {
          const double gc = double(g[f * K + c]);
          keep = x[f * K + c] != 0 || (penalty.nonnegative ? -gc : std::abs(gc)) >= double(penalty.factors[f]) * threshold;
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
