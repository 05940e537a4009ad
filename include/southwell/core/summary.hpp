#pragma once
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "southwell/core/types.hpp"

namespace southwell {

enum class Status {
  Converged,          ///< "converged": the stopping tolerance was met
  MaxIterations,      ///< "max-iterations"
  TimeLimit,          ///< "time-limit"
  StoppedByCallback,  ///< "stopped-by-callback"
  NumericalFailure,   ///< "numerical-failure": x holds the last finite iterate
};

std::string_view to_string(Status status);

/// The outcome of a solve. The solution itself is the caller's x, updated in place.
struct Summary {
  Status status = Status::MaxIterations;
  std::string message;
  Index iterations = 0;
  double initial_objective = 0;
  double final_objective = 0;
  /// ||grad f(x0)||_inf, or with a regulariser the KKT violation max_i dist(-grad_i f, dg_i(x_i)).
  double initial_gradient_norm = 0;
  double final_gradient_norm = 0;    ///< the same at the last check
  /// With a regulariser: nonzeros of the final x, and the iteration after which the support
  /// (the set of nonzeros and their signs) never changed again, when the solve converged
  /// (0: never changed); -1 when it did not converge or there is no regulariser.
  Index support_size = 0;
  /// The final duality gap when SolverOptions::certificate is DualityGap (else NaN).
  double duality_gap = std::numeric_limits<double>::quiet_NaN();
  Index support_identified_at = -1;
  double setup_seconds = 0;
  double solve_seconds = 0;
  /// When SolverOptions::record_history: entry k is iteration k (0 = start).
  std::vector<double> objective_history;
  std::vector<double> seconds_history;

  std::string brief_report() const;
};

}  // namespace southwell
