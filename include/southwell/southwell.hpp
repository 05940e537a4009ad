#pragma once
// Umbrella header: everything needed to build a problem and solve it.
#include "southwell/core/errors.hpp"
#include "southwell/core/options.hpp"
#include "southwell/core/summary.hpp"
#include "southwell/core/types.hpp"
#include "southwell/design/dense_design.hpp"
#include "southwell/design/sparse_design.hpp"
#include "southwell/problems/glm_problem.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/quadratic_problem.hpp"
#include "southwell/problems/softmax_loss.hpp"
#include "southwell/problems/squared_loss.hpp"
#include "southwell/solver/bcd_solver.hpp"
