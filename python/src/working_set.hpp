#pragma once
// fit_working_set: the working-set solver and regularisation paths behind the estimators and
// southwell.linear_model's path functions. One call builds the solver over the caller's arrays
// (no copy), solves one point or a whole path with the GIL released, and returns numpy arrays.
#include <string>
#include <vector>

#include "native_problem.hpp"
#include "southwell/solver/working_set_solver.hpp"

namespace southwell::python {

/// Everything besides the data; filled field by field from Python.
struct WorkingSetRequest {
  double l1 = 0, l2 = 0;
  py::object factors = py::none();        ///< None or per-feature penalty factors (user features)
  bool nonnegative = false;
  py::object sample_weight = py::none();  ///< None or one weight per row
  py::object x0 = py::none();             ///< None or the start, (features + intercept) x outputs
  /// A path when either is set: explicit non-increasing strengths alpha (l1 = alpha l1_ratio,
  /// l2 = alpha (1 - l1_ratio)), or `path_count` of them from alpha_max = lambda_max / l1_ratio
  /// down to path_min_ratio x alpha_max. `l1` and `l2` are ignored then.
  std::vector<double> path_strengths;
  Index path_count = 0;
  double path_min_ratio = 1e-3;
  double l1_ratio = 1.0;
  bool strong_rule = true;
  bool compute_lambda_max = false;
  WorkingSetOptions options;
  py::object callback = py::none();
  Index callback_every = 1;
  std::vector<py::ssize_t> x_shape;  ///< the shape of one solution as users see it
};

py::dict working_set_summary_dict(const WorkingSetSummary& summary);

/// One solve or path; defined in working_set_fit.hpp and instantiated per (scalar, loss) in the
/// generated glm_<loss>_<scalar>.cpp units only, so the module's own unit stays light.
template <class Scalar, class Loss>
py::dict fit_working_set(const DesignArgument& design, const py::array& targets, Index classes, bool intercept,
                         const WorkingSetRequest& request);

}  // namespace southwell::python
