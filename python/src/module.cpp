// The compiled core of the Python package (southwell._core). The public API is the pure-Python
// layer in python/southwell, which validates and converts inputs before they reach here.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <Eigen/SparseCore>
#include <optional>
#include <tuple>

#include "error_translation.hpp"
#include "glm_factory.hpp"
#include "native_problem.hpp"
#include "working_set.hpp"
#include "southwell/graph/label_propagation.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/quadratic_problem.hpp"
#include "southwell/problems/softmax_loss.hpp"
#include "southwell/problems/squared_loss.hpp"

namespace southwell::python {

std::string_view python_status(Status status) {
  switch (status) {
    case Status::Converged: return "converged";
    case Status::MaxIterations: return "max_iter";
    case Status::TimeLimit: return "time_limit";
    case Status::StoppedByCallback: return "callback";
    case Status::NumericalFailure: return "numerical_failure";
  }
  return "unknown";
}

py::dict summary_dict(const Summary& summary) {
  py::dict d;
  d["status"] = std::string(python_status(summary.status));
  d["message"] = summary.message;
  d["n_iter"] = summary.iterations;
  d["fun"] = summary.final_objective;
  d["initial_fun"] = summary.initial_objective;
  d["kkt_violation"] = summary.final_gradient_norm;
  d["initial_kkt_violation"] = summary.initial_gradient_norm;
  d["support_size"] = summary.support_size;
  d["support_identified_at"] = summary.support_identified_at;
  d["duality_gap"] = summary.duality_gap;
  d["setup_seconds"] = summary.setup_seconds;
  d["solve_seconds"] = summary.solve_seconds;
  d["history"] = summary.objective_history;
  d["history_seconds"] = summary.seconds_history;
  d["report"] = summary.brief_report();
  return d;
}

py::dict working_set_summary_dict(const WorkingSetSummary& summary) {
  py::dict d = summary_dict(summary);
  d["epochs"] = summary.epochs;
  d["newton_steps"] = summary.newton_steps;
  d["row_space_steps"] = summary.row_space_steps;
  d["working_set_size"] = summary.working_set_size;
  d["screened_in"] = summary.screened_in;
  d["screened_out"] = summary.screened_out;
  d["focused"] = summary.focused;
  d["dual"] = summary.dual;
  return d;
}

namespace {
constexpr auto kSignalCheckInterval = std::chrono::milliseconds(50);
}

PythonHooks::PythonHooks(const SolveRequest& request)
    : options_(request.options), callback_(request.callback), callback_every_(request.callback_every),
      last_signal_check_(std::chrono::steady_clock::now()) {
  options_.callback_every = 1;
  options_.callback = [this](const IterationInfo& info) { return on_iteration(info); };
  if (options_.verbose) {
    options_.log_sink = [this](const std::string& line) {
      py::gil_scoped_acquire gil;
      try {
        py::print(line, py::arg("flush") = true);
      } catch (py::error_already_set&) {
        if (!pending_) pending_ = std::current_exception();
      }
    };
  }
}

bool PythonHooks::on_iteration(const IterationInfo& info) {
  const bool callback_due = !callback_.is_none() && info.iteration % callback_every_ == 0;
  const auto now = std::chrono::steady_clock::now();
  const bool signal_due = now - last_signal_check_ >= kSignalCheckInterval;
  if (!callback_due && !signal_due && !pending_) return false;
  py::gil_scoped_acquire gil;
  if (pending_) return true;
  try {
    if (signal_due) {
      last_signal_check_ = now;
      if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    }
    if (callback_due) {
      py::object stop = callback_(info.iteration, make_view_(info.x), info.objective);
      return stop.is_none() ? false : stop.cast<bool>();
    }
  } catch (...) {
    pending_ = std::current_exception();
    return true;
  }
  return false;
}

namespace {

SolverOptions make_options(const std::string& selection, const std::string& partition, const std::string& update,
                           Index block_size, Index max_iter, double tol, std::uint64_t seed, double time_limit,
                           bool record_history, bool verbose, const std::string& norm, double relaxation,
                           const std::string& certificate, const std::string& forest_order, Index check_every,
                           std::optional<double> optimal_value, const std::string& iht) {
  SolverOptions options;
  options.selection = parse_selection_rule(selection);
  options.partition = parse_partition_rule(partition);
  options.update = parse_update_rule(update);
  options.block_size = block_size;
  options.max_iterations = max_iter;
  options.tol = tol;
  options.seed = seed;
  options.time_limit_seconds = time_limit;
  options.record_history = record_history;
  options.verbose = verbose;
  options.greedy_norm = parse_greedy_norm(norm);
  options.iht = parse_iht_variant(iht);
  options.relaxation = relaxation;
  options.certificate = parse_certificate(certificate);
  options.forest_order = parse_forest_order(forest_order);
  options.check_every = check_every;
  options.optimal_value = optimal_value;
  options.validate();
  return options;
}

DesignArgument dense_design(py::array A) {
  DesignArgument d;
  d.dense_layout = true;
  d.dense = std::move(A);
  return d;
}
DesignArgument csc_design(py::array data, py::array indices, py::array indptr, Index rows, Index cols) {
  DesignArgument d;
  d.data = std::move(data);
  d.indices = std::move(indices);
  d.indptr = std::move(indptr);
  d.rows = rows;
  d.cols = cols;
  return d;
}

bool is_float32(const py::array& a) { return a.dtype().kind() == 'f' && a.itemsize() == 4; }

/// The checks of the matrix (finite values; for CSC, pointers and sorted, in-range row
/// indices), made once when a problem is built, so that a bad matrix is refused there and not
/// at its first use; the solves that follow skip them. O(nnz).
void check_design(DesignArgument& design) {
  const auto nothing = [](auto, std::vector<py::object>) { return 0; };
  design.checked = false;
  if (is_float32(design.is_dense() ? design.dense : design.data)) visit_design<float>(design, nothing);
  else visit_design<double>(design, nothing);
  design.checked = true;
}

std::unique_ptr<NativeProblem> make_glm_problem(const std::string& loss, const DesignArgument& design,
                                                const py::array& targets, Index classes, double l2, bool intercept,
                                                double l1, const py::object& l1_weights, const py::object& lower,
                                                const py::object& upper) {
  const bool single = is_float32(design.is_dense() ? design.dense : design.data);
  if (loss == "squared")
    return single ? make_glm<float, SquaredLoss<float>>(design, targets, classes, l2, intercept, l1, l1_weights, lower, upper)
                  : make_glm<double, SquaredLoss<double>>(design, targets, classes, l2, intercept, l1, l1_weights, lower, upper);
  if (loss == "logistic")
    return single ? make_glm<float, LogisticLoss<float>>(design, targets, classes, l2, intercept, l1, l1_weights, lower, upper)
                  : make_glm<double, LogisticLoss<double>>(design, targets, classes, l2, intercept, l1, l1_weights, lower, upper);
  if (loss == "softmax")
    return single ? make_glm<float, SoftmaxLoss<float>>(design, targets, classes, l2, intercept, l1, l1_weights, lower, upper)
                  : make_glm<double, SoftmaxLoss<double>>(design, targets, classes, l2, intercept, l1, l1_weights, lower, upper);
  throw InvalidArgument("unknown loss '" + loss + "'");
}

py::dict fit_working_set_any(const std::string& loss, const DesignArgument& design, const py::array& targets,
                             Index classes, bool intercept, const WorkingSetRequest& request) {
  const bool single = is_float32(design.is_dense() ? design.dense : design.data);
  if (loss == "squared")
    return single ? fit_working_set<float, SquaredLoss<float>>(design, targets, classes, intercept, request)
                  : fit_working_set<double, SquaredLoss<double>>(design, targets, classes, intercept, request);
  if (loss == "logistic")
    return single ? fit_working_set<float, LogisticLoss<float>>(design, targets, classes, intercept, request)
                  : fit_working_set<double, LogisticLoss<double>>(design, targets, classes, intercept, request);
  if (loss == "softmax")
    return single ? fit_working_set<float, SoftmaxLoss<float>>(design, targets, classes, intercept, request)
                  : fit_working_set<double, SoftmaxLoss<double>>(design, targets, classes, intercept, request);
  throw InvalidArgument("unknown loss '" + loss + "'");
}

/// Q is copied once into the solver's own CSC (int indices): the quadratic's graph algorithms
/// need both triangles and a compressed matrix they can keep.
template <class Scalar>
std::unique_ptr<NativeProblem> make_quadratic_typed(const DesignArgument& Q, const py::array& c, double l2, double l1,
                                                    const py::object& lower, const py::object& upper,
                                                    const std::optional<LatticeGeometry>& lattice) {
  using Matrix = Eigen::SparseMatrix<Scalar, Eigen::ColMajor, int>;
  auto values = py::array_t<Scalar, py::array::c_style | py::array::forcecast>::ensure(Q.data);
  auto inner = py::array_t<int, py::array::c_style | py::array::forcecast>::ensure(Q.indices);
  auto outer = py::array_t<int, py::array::c_style | py::array::forcecast>::ensure(Q.indptr);
  if (!values || !inner || !outer || Index(outer.size()) != Q.cols + 1 || inner.size() != values.size() ||
      Index(outer.data()[Q.cols]) != Index(values.size()))
    throw InvalidArgument("CSC arrays of Q are inconsistent");
  auto matrix = std::make_shared<Matrix>(Eigen::Map<const Matrix>(Q.rows, Q.cols, Index(values.size()), outer.data(),
                                                                  inner.data(), values.data()));
  matrix->makeCompressed();
  QuadraticProblem<Scalar, int> prototype(*matrix, to_vector<Scalar>(c, Q.rows, "c"), static_cast<Scalar>(l2));
  if (lattice) prototype.set_lattice(*lattice);
  auto regularizer = make_regularizer<Scalar>(l1, py::none(), lower, upper, prototype.dim());
  const auto address = reinterpret_cast<std::uintptr_t>(matrix->valuePtr());
  return std::make_unique<NativeProblemOf<QuadraticProblem<Scalar, int>>>(matrix, std::vector<py::object>{},
                                                                           std::move(prototype),
                                                                           std::move(regularizer), address);
}

/// `lattice`: None, or (rows, cols, cells) with cells[j] = column * rows + row of coordinate j.
std::unique_ptr<NativeProblem> make_quadratic(const DesignArgument& Q, const py::array& c, double l2, double l1,
                                              const py::object& lower, const py::object& upper,
                                              const py::object& lattice) {
  if (Q.rows != Q.cols)
    throw InvalidArgument("Q must be square, got " + std::to_string(Q.rows) + " x " + std::to_string(Q.cols));
  std::optional<LatticeGeometry> geometry;
  if (!lattice.is_none()) {
    const auto parts = lattice.cast<std::tuple<Index, Index, std::vector<Index>>>();
    geometry = LatticeGeometry{std::get<0>(parts), std::get<1>(parts), std::get<2>(parts)};
  }
  if (is_float32(Q.data)) return make_quadratic_typed<float>(Q, c, l2, l1, lower, upper, geometry);
  return make_quadratic_typed<double>(Q, c, l2, l1, lower, upper, geometry);
}

/// Label propagation on the graph W (CSC, float64): returns (scores n x K, solve summary).
py::tuple label_propagation(const DesignArgument& W_parts, const std::vector<Index>& labelled,
                            const py::array& targets, const std::string& clamping, double clamp_weight,
                            const std::string& unlabelled_components, const SolveRequest& request) {
  using Matrix = LabelPropagation::SparseMatrix;
  auto values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(W_parts.data);
  auto inner = py::array_t<int, py::array::c_style | py::array::forcecast>::ensure(W_parts.indices);
  auto outer = py::array_t<int, py::array::c_style | py::array::forcecast>::ensure(W_parts.indptr);
  if (!values || !inner || !outer || Index(outer.size()) != W_parts.cols + 1 ||
      Index(outer.data()[W_parts.cols]) != Index(values.size()))
    throw InvalidArgument("CSC arrays of W are inconsistent");
  const Matrix W = Eigen::Map<const Matrix>(W_parts.rows, W_parts.cols, Index(values.size()), outer.data(),
                                            inner.data(), values.data());
  auto y = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(targets);
  if (!y || y.ndim() != 2 || Index(y.shape(0)) != Index(labelled.size()))
    throw InvalidArgument("targets must be a (labelled nodes, K) array");
  const Mat<double> Y = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      y.data(), y.shape(0), y.shape(1));
  LabelPropagationOptions lp_options;
  lp_options.clamping = parse_clamping(clamping);
  lp_options.clamp_weight = clamp_weight;
  lp_options.unlabelled_components = parse_unlabelled_components(unlabelled_components);
  lp_options.validate();
  const LabelPropagation propagation(W, labelled, Y, lp_options);
  Vec<double> x = Vec<double>::Zero(propagation.c().size());
  Summary summary;
  if (x.size() > 0) {
    PythonHooks hooks(request);
    SolveRequest flat = request;  // the system's size is known only now
    flat.x_shape = {py::ssize_t(x.size())};
    attach_iterate_view<double>(hooks, flat, x.size());
    {
      py::gil_scoped_release release;
      QuadraticProblem<double, int> problem(propagation.Q(), propagation.c());
      summary = solve(problem, hooks.options(), x);
    }
    hooks.rethrow_pending();
  } else {
    summary.status = Status::Converged;
    summary.message = "nothing to solve: every node is labelled or scored by the prior";
  }
  Mat<double> scores = propagation.scores(x);
  py::array_t<double> out({py::ssize_t(scores.rows()), py::ssize_t(scores.cols())});
  auto o = out.mutable_unchecked<2>();
  for (Index i = 0; i < scores.rows(); ++i)
    for (Index k = 0; k < scores.cols(); ++k) o(i, k) = scores(i, k);
  return py::make_tuple(out, summary_dict(summary));
}

}  // namespace
}  // namespace southwell::python

PYBIND11_MODULE(_core, m) {
  namespace py = pybind11;
  namespace sp = southwell::python;
  using southwell::Index;
  m.doc() = "Compiled core of southwell; use the functions and classes of the southwell package instead.";

  southwell::python::register_error_translation();

  py::class_<southwell::SolverOptions>(m, "SolverOptions");
  m.def("make_options", &sp::make_options, py::arg("selection"), py::arg("partition"), py::arg("update"),
        py::arg("block_size"), py::arg("max_iter"), py::arg("tol"), py::arg("seed"), py::arg("time_limit"),
        py::arg("record_history"), py::arg("verbose"), py::arg("norm"), py::arg("relaxation"),
        py::arg("certificate"), py::arg("forest_order"), py::arg("check_every"), py::arg("optimal_value") = py::none(),
        py::arg("iht") = "plain");

  py::class_<sp::DesignArgument>(m, "DesignArgument");
  m.def("dense_design", &sp::dense_design, py::arg("A"));
  m.def("csc_design", &sp::csc_design, py::arg("data"), py::arg("indices"), py::arg("indptr"), py::arg("rows"),
        py::arg("cols"));

  py::class_<sp::SolveRequest>(m, "SolveRequest")
      .def(py::init([](const southwell::SolverOptions& options, py::object x0, py::object callback, Index every,
                       std::vector<py::ssize_t> shape) {
             if (every < 1) throw southwell::InvalidArgument("callback_every must be >= 1");
             return sp::SolveRequest{options, std::move(x0), std::move(callback), every, std::move(shape)};
           }),
           py::arg("options"), py::arg("x0"), py::arg("callback"), py::arg("callback_every"), py::arg("x_shape"));

  py::class_<sp::NativeProblem>(m, "NativeProblem")
      .def_property_readonly("dim", &sp::NativeProblem::dim)
      .def_property_readonly("dtype", &sp::NativeProblem::dtype)
      .def_property_readonly("data_address", &sp::NativeProblem::data_address)
      .def("value", &sp::NativeProblem::value, py::arg("x"))
      .def("gradient", &sp::NativeProblem::gradient, py::arg("x"))
      .def("solve", &sp::NativeProblem::solve, py::arg("request"));

  m.def("check_design", &sp::check_design, py::arg("design"));
  m.def("make_glm", &sp::make_glm_problem, py::arg("loss"), py::arg("design"), py::arg("targets"),
        py::arg("classes"), py::arg("l2"), py::arg("intercept"), py::arg("l1"), py::arg("l1_weights"),
        py::arg("lower"), py::arg("upper"));
  py::class_<southwell::WorkingSetOptions> working_set_options(m, "WorkingSetOptions");
  py::enum_<southwell::WorkingSetOptions::Dual>(working_set_options, "Dual")
      .value("automatic", southwell::WorkingSetOptions::Dual::Automatic)
      .value("never", southwell::WorkingSetOptions::Dual::Never)
      .value("always", southwell::WorkingSetOptions::Dual::Always);
  working_set_options.def(py::init<>())
      .def_readwrite("dual", &southwell::WorkingSetOptions::dual)
      .def_readwrite("tol", &southwell::WorkingSetOptions::tol)
      .def_readwrite("max_iterations", &southwell::WorkingSetOptions::max_iterations)
      .def_readwrite("max_epochs", &southwell::WorkingSetOptions::max_epochs)
      .def_readwrite("initial_working_set", &southwell::WorkingSetOptions::initial_working_set)
      .def_readwrite("growth", &southwell::WorkingSetOptions::growth)
      .def_readwrite("inner_tolerance", &southwell::WorkingSetOptions::inner_tolerance)
      .def_readwrite("max_model_epochs", &southwell::WorkingSetOptions::max_model_epochs)
      .def_readwrite("anderson_memory", &southwell::WorkingSetOptions::anderson_memory)
      .def_readwrite("screening", &southwell::WorkingSetOptions::screening)
      .def_readwrite("focus_fraction", &southwell::WorkingSetOptions::focus_fraction)
      .def_readwrite("threads", &southwell::WorkingSetOptions::threads)
      .def_readwrite("time_limit_seconds", &southwell::WorkingSetOptions::time_limit_seconds)
      .def_readwrite("record_history", &southwell::WorkingSetOptions::record_history)
      .def_readwrite("verbose", &southwell::WorkingSetOptions::verbose)
      .def("validate", &southwell::WorkingSetOptions::validate);
  py::class_<sp::WorkingSetRequest>(m, "WorkingSetRequest")
      .def(py::init<>())
      .def_readwrite("l1", &sp::WorkingSetRequest::l1)
      .def_readwrite("l2", &sp::WorkingSetRequest::l2)
      .def_readwrite("factors", &sp::WorkingSetRequest::factors)
      .def_readwrite("nonnegative", &sp::WorkingSetRequest::nonnegative)
      .def_readwrite("sample_weight", &sp::WorkingSetRequest::sample_weight)
      .def_readwrite("x0", &sp::WorkingSetRequest::x0)
      .def_readwrite("path_strengths", &sp::WorkingSetRequest::path_strengths)
      .def_readwrite("path_count", &sp::WorkingSetRequest::path_count)
      .def_readwrite("path_min_ratio", &sp::WorkingSetRequest::path_min_ratio)
      .def_readwrite("l1_ratio", &sp::WorkingSetRequest::l1_ratio)
      .def_readwrite("strong_rule", &sp::WorkingSetRequest::strong_rule)
      .def_readwrite("compute_lambda_max", &sp::WorkingSetRequest::compute_lambda_max)
      .def_readwrite("options", &sp::WorkingSetRequest::options)
      .def_readwrite("callback", &sp::WorkingSetRequest::callback)
      .def_readwrite("callback_every", &sp::WorkingSetRequest::callback_every)
      .def_readwrite("x_shape", &sp::WorkingSetRequest::x_shape);
  m.def("fit_working_set", &sp::fit_working_set_any, py::arg("loss"), py::arg("design"), py::arg("targets"),
        py::arg("classes"), py::arg("intercept"), py::arg("request"));
  m.def("make_quadratic", &sp::make_quadratic, py::arg("Q"), py::arg("c"), py::arg("l2"), py::arg("l1"),
        py::arg("lower"), py::arg("upper"), py::arg("lattice"));
  m.def("label_propagation", &sp::label_propagation, py::arg("W"), py::arg("labelled"), py::arg("targets"),
        py::arg("clamping"), py::arg("clamp_weight"), py::arg("unlabelled_components"), py::arg("request"));
  m.def("rule_names", [] {
    auto names = [](std::vector<std::string_view> v) { return std::vector<std::string>(v.begin(), v.end()); };
    py::dict d;
    d["selection"] = names(southwell::selection_rule_names());
    d["partition"] = names(southwell::partition_rule_names());
    d["update"] = names(southwell::update_rule_names());
    return d;
  });
}
