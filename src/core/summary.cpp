#include "southwell/core/summary.hpp"

#include <cstdio>

namespace southwell {

std::string_view to_string(Status status) {
  switch (status) {
    case Status::Converged: return "converged";
    case Status::MaxIterations: return "max-iterations";
    case Status::TimeLimit: return "time-limit";
    case Status::StoppedByCallback: return "stopped-by-callback";
    case Status::NumericalFailure: return "numerical-failure";
  }
  return "?";
}

std::string Summary::brief_report() const {
  char buffer[512];
  std::snprintf(buffer, sizeof buffer,
                "Southwell BCD: %s (%s) after %lld iterations; f: %.10e -> %.10e; |g|_inf: %.3e -> %.3e; "
                "setup %.3fs, solve %.3fs",
                std::string(to_string(status)).c_str(), message.c_str(), static_cast<long long>(iterations),
                initial_objective, final_objective, initial_gradient_norm, final_gradient_norm, setup_seconds,
                solve_seconds);
  return buffer;
}

}  // namespace southwell
