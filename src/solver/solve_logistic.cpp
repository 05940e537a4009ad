// The compiled block coordinate descent loop for the logistic-loss problem types
// (southwell/solver/solve_instantiations.hpp).
#include "southwell/solver/bcd_solver.hpp"

namespace southwell {
SOUTHWELL_GLM_SOLVE_INSTANTIATIONS(, LogisticLoss)
}  // namespace southwell
