// The compiled block coordinate descent loop for the sparse quadratic problem types
// (southwell/solver/solve_instantiations.hpp).
#include "southwell/solver/bcd_solver.hpp"

namespace southwell {
SOUTHWELL_QUADRATIC_SOLVE_INSTANTIATIONS()
}  // namespace southwell
