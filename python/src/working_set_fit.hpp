#pragma once
// The definition of fit_working_set (declared in working_set.hpp), for the generated
// per-(scalar, loss) units.
#include <pybind11/stl.h>  // strengths go back as a list

#include "glm_factory.hpp"
#include "southwell/solver/regularization_path.hpp"
#include "working_set.hpp"

namespace southwell::python {

template <class Scalar, class Loss>
py::dict fit_working_set(const DesignArgument& design, const py::array& targets, Index classes, bool intercept,
                         const WorkingSetRequest& request) {
  return visit_design<Scalar>(design, [&](auto view, std::vector<py::object>) {
    using Design = InterceptDesign<decltype(view)>;
    const Index p = view.cols() + (intercept ? 1 : 0);
    ElasticNetPenalty<Scalar> penalty;
    penalty.l1 = request.l1;
    penalty.l2 = request.l2;
    penalty.free_features = intercept ? 1 : 0;
    penalty.nonnegative = request.nonnegative;
    if (!request.factors.is_none()) {
      penalty.factors = Vec<Scalar>::Zero(p);
      penalty.factors.head(view.cols()) = to_vector<Scalar>(request.factors.cast<py::array>(), view.cols(), "penalty factors");
    }
    Vec<Scalar> weights;
    if (!request.sample_weight.is_none())
      weights = to_vector<Scalar>(request.sample_weight.cast<py::array>(), view.rows(), "sample_weight");
    WorkingSetSolver<Design, Loss> solver(Design(std::move(view), intercept), make_loss<Scalar, Loss>(targets, classes),
                                          std::move(penalty), std::move(weights));
    const Index n = p * solver.num_outputs();
    Vec<Scalar> x(n);  // the result handed to numpy: fresh memory every fit
    advise_huge_pages(x.data(), std::size_t(n) * sizeof(Scalar));
    if (request.x0.is_none()) x.setZero();
    else x = to_vector<Scalar>(request.x0.cast<py::array>(), n, "x0");

    SolveRequest hooks_request{SolverOptions{}, py::none(), request.callback, request.callback_every, request.x_shape};
    hooks_request.options.verbose = request.options.verbose;
    PythonHooks hooks(hooks_request);
    attach_iterate_view<Scalar>(hooks, hooks_request, n);
    WorkingSetOptions options = request.options;
    options.callback = hooks.options().callback;
    options.log_sink = hooks.options().log_sink;

    const bool path = !request.path_strengths.empty() || request.path_count > 0;
    if (path && request.path_strengths.empty() && !(request.l1_ratio > 0))
      throw InvalidArgument("a path grid from lambda_max needs l1_ratio > 0; pass the strengths explicitly");
    py::dict out;
    double lambda_max = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> strengths = request.path_strengths;
    Vec<Scalar> stacked;  // the path's points, one after another, written as they come
    Index points = 0;
    std::vector<WorkingSetSummary> summaries;
    {
      py::gil_scoped_release release;
      if (request.compute_lambda_max || (path && strengths.empty())) lambda_max = solver.lambda_max();
      if (path) {
        if (strengths.empty())
          strengths = geometric_grid(lambda_max / request.l1_ratio, request.path_count, request.path_min_ratio);
        stacked.resize(Index(strengths.size()) * n);
        advise_huge_pages(stacked.data(), std::size_t(stacked.size()) * sizeof(Scalar));
        solve_path(solver, strengths, request.l1_ratio, x, options, request.strong_rule,
                   [&](Index, const Vec<Scalar>& point, const WorkingSetSummary& summary) {
                     stacked.segment(points++ * n, n) = point;
                     summaries.push_back(summary);
                     return false;
                   });
      } else {
        summaries.push_back(solver.solve(x, options));
      }
    }
    hooks.rethrow_pending();
    out["lambda_max"] = lambda_max;
    if (path) {
      std::vector<py::ssize_t> shape{py::ssize_t(points)};
      shape.insert(shape.end(), request.x_shape.begin(), request.x_shape.end());
      if (points * n < stacked.size()) stacked.conservativeResize(points * n);  // a path stopped early
      out["coefs"] = owning_array(std::move(stacked), shape);
      out["strengths"] = std::vector<double>(strengths.begin(), strengths.begin() + points);
      py::list listed;
      for (const auto& s : summaries) listed.append(working_set_summary_dict(s));
      out["summaries"] = listed;
    } else {
      out["x"] = owning_array(std::move(x), request.x_shape);
      out["summary"] = working_set_summary_dict(summaries.front());
    }
    return out;
  });
}

}  // namespace southwell::python
