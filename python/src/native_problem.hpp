#pragma once
// The bridge between Python and the templated solver. A NativeProblem is one instantiation
// (scalar, design layout, loss) behind a small virtual interface: virtual calls happen once per
// solve or evaluation, never per coordinate. The problem built at construction is a prototype:
// every solve and evaluation works on a copy, so one Python problem object can be used from
// several threads at once.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/core/options.hpp"
#include "southwell/core/summary.hpp"
#include "southwell/regularizers/separable.hpp"
#include "southwell/solver/bcd_solver.hpp"

namespace southwell::python {

namespace py = pybind11;

/// What minimize() passes down besides the rule options.
struct SolveRequest {
  SolverOptions options;
  py::object x0;        ///< None, or a C-contiguous array of the problem's dtype and size
  py::object callback;  ///< None, or callback(iteration, x_view, objective) -> bool
  Index callback_every = 1;
  std::vector<py::ssize_t> x_shape;  ///< the shape users see, e.g. (p, K) for softmax
};

class NativeProblem {
 public:
  virtual ~NativeProblem() = default;
  virtual Index dim() const = 0;
  /// "float32" or "float64".
  virtual std::string dtype() const = 0;
  /// The address the solver reads the matrix from (tests compare it with numpy's buffer).
  virtual std::uintptr_t data_address() const = 0;
  /// The objective F(x) = f(x) + g(x) (infinite outside the bounds).
  virtual double value(const py::array& x) const = 0;
  /// The gradient of the smooth part f.
  virtual py::array gradient(const py::array& x) const = 0;
  virtual py::dict solve(const SolveRequest& request) const = 0;
};

std::string_view python_status(Status status);

/// Options plus the Python-facing machinery: verbose lines on sys.stdout, the user's callback,
/// and a check for pending signals (Ctrl-C) every 50 ms. A Python exception raised in either
/// stops the solve and is kept in `pending`, to be rethrown once the GIL is held again.
class PythonHooks {
 public:
  explicit PythonHooks(const SolveRequest& request);
  SolverOptions& options() { return options_; }
  /// Called with the GIL held after the solve: rethrows what a hook caught.
  void rethrow_pending() const {
    if (pending_) std::rethrow_exception(pending_);
  }
  /// The user callback sees a read-only view of this buffer, refreshed before each call.
  void set_view_source(std::function<py::array(const void*)> make_view) { make_view_ = std::move(make_view); }

 private:
  bool on_iteration(const IterationInfo& info);
  SolverOptions options_;
  py::object callback_;
  Index callback_every_;
  std::function<py::array(const void*)> make_view_;
  std::chrono::steady_clock::time_point last_signal_check_;
  std::exception_ptr pending_;
};

/// Asks the kernel to back [data, data + bytes) with transparent huge pages, where it offers
/// them on request (Linux's "madvise" mode): a large output written once in full then faults
/// once per 2 MiB instead of once per 4 KiB, and a fault costs about 10 us in a virtual
/// machine (a path's 100 points of rcv1_small's 47,117 features, 38 MB: 50-100 ms against
/// under 10). Advice only: where it is refused nothing changes.
inline void advise_huge_pages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::size_t kHugePage = std::size_t(2) << 20;
  if (bytes < 2 * kHugePage) return;
  const auto page = std::uintptr_t(sysconf(_SC_PAGESIZE));
  const auto begin = reinterpret_cast<std::uintptr_t>(data) & ~(page - 1);
  madvise(reinterpret_cast<void*>(begin), reinterpret_cast<std::uintptr_t>(data) + bytes - begin, MADV_HUGEPAGE);
#else
  (void)data, (void)bytes;
#endif
}

/// A numpy array that owns `values` (no copy), with the given shape.
template <class Scalar>
py::array owning_array(Vec<Scalar>&& values, const std::vector<py::ssize_t>& shape) {
  auto* owned = new Vec<Scalar>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<Vec<Scalar>*>(p); });
  return py::array_t<Scalar>(shape, owned->data(), free_when_done);
}

/// Gives the user's callback (if any) a read-only view of the iterate: one numpy-owned buffer,
/// refilled before each call, so a view kept past the call stays valid memory.
template <class Scalar>
void attach_iterate_view(PythonHooks& hooks, const SolveRequest& request, Index n) {
  if (request.callback.is_none()) return;
  auto view = std::make_shared<py::array>(owning_array(Vec<Scalar>(Vec<Scalar>::Zero(n)), request.x_shape));
  view->attr("flags").attr("writeable") = false;
  hooks.set_view_source([view, n](const void* source) {
    const auto& solver_x = *static_cast<const Vec<Scalar>*>(source);
    std::copy(solver_x.data(), solver_x.data() + n, static_cast<Scalar*>(const_cast<void*>(view->data())));
    return *view;
  });
}

/// A C-contiguous array of the right dtype and size as an Eigen vector (copied).
template <class Scalar>
Vec<Scalar> to_vector(const py::array& x, Index n, const char* what) {
  auto a = py::array_t<Scalar, py::array::c_style | py::array::forcecast>::ensure(x);
  if (!a) throw InvalidArgument(std::string(what) + " must be a numeric array");
  if (Index(a.size()) != n)
    throw InvalidArgument(std::string(what) + " has " + std::to_string(a.size()) + " entries, expected " +
                          std::to_string(n));
  return Eigen::Map<const Vec<Scalar>>(a.data(), n);
}

py::dict summary_dict(const Summary& summary);

/// The regulariser from Python's arguments: l1, optional per-coordinate l1 weights and bounds
/// (arrays of length n, or None).
template <class Scalar>
SeparableRegularizer<Scalar> make_regularizer(double l1, const py::object& l1_weights, const py::object& lower,
                                              const py::object& upper, Index n) {
  SeparableRegularizer<Scalar> reg(static_cast<Scalar>(l1));
  if (!l1_weights.is_none()) reg.set_l1_weights(to_vector<Scalar>(l1_weights.cast<py::array>(), n, "l1 weights"));
  if (!lower.is_none() || !upper.is_none()) {
    constexpr Scalar inf = std::numeric_limits<Scalar>::infinity();
    Vec<Scalar> lo = lower.is_none() ? Vec<Scalar>::Constant(n, -inf) : to_vector<Scalar>(lower.cast<py::array>(), n, "lower");
    Vec<Scalar> up = upper.is_none() ? Vec<Scalar>::Constant(n, inf) : to_vector<Scalar>(upper.cast<py::array>(), n, "upper");
    reg.set_bounds(std::move(lo), std::move(up));
  }
  return reg;
}

/// NativeProblem over any solver problem type: the prototype is copied for every call.
template <class Problem>
class NativeProblemOf final : public NativeProblem {
  using Scalar = typename Problem::Scalar;

 public:
  /// `owned` keeps alive whatever the prototype views (numpy buffers, or a converted matrix).
  NativeProblemOf(std::shared_ptr<const void> owned, std::vector<py::object> arrays, Problem prototype,
                  SeparableRegularizer<Scalar> regularizer, std::uintptr_t address)
      : owned_(std::move(owned)), arrays_(std::move(arrays)), prototype_(std::move(prototype)),
        regularizer_(std::move(regularizer)), address_(address) {
    regularizer_.check_dimension(prototype_.dim());
  }

  Index dim() const override { return prototype_.dim(); }
  std::string dtype() const override { return std::is_same_v<Scalar, float> ? "float32" : "float64"; }
  std::uintptr_t data_address() const override { return address_; }

  double value(const py::array& x) const override {
    Vec<Scalar> v = to_vector<Scalar>(x, dim(), "x");
    py::gil_scoped_release release;
    Problem problem = prototype_;
    problem.reset(v);
    return problem.exact_value() + regularizer_.value(v);
  }

  py::array gradient(const py::array& x) const override {
    Vec<Scalar> v = to_vector<Scalar>(x, dim(), "x");
    Vec<Scalar> g;
    {
      py::gil_scoped_release release;
      Problem problem = prototype_;
      problem.reset(v);
      problem.compute_full_gradient(g);
    }
    return owning_array(std::move(g), {py::ssize_t(g.size())});
  }

  py::dict solve(const SolveRequest& request) const override {
    Vec<Scalar> x = request.x0.is_none() ? Vec<Scalar>::Zero(dim())
                                         : to_vector<Scalar>(request.x0.cast<py::array>(), dim(), "x0");
    PythonHooks hooks(request);
    attach_iterate_view<Scalar>(hooks, request, dim());
    Summary summary;
    {
      py::gil_scoped_release release;
      Problem problem = prototype_;
      summary = southwell::solve(problem, regularizer_, hooks.options(), x);
    }
    hooks.rethrow_pending();
    py::dict result = summary_dict(summary);
    result["x"] = owning_array(std::move(x), request.x_shape);
    return result;
  }

 private:
  std::shared_ptr<const void> owned_;
  std::vector<py::object> arrays_;
  Problem prototype_;
  SeparableRegularizer<Scalar> regularizer_;
  std::uintptr_t address_;
};

/// A design as Python hands it over: a Fortran-ordered 2-D array, or CSC parts.
struct DesignArgument {
  bool dense_layout = false;
  py::array dense;                  // when dense_layout
  py::array data, indices, indptr;  // otherwise
  Index rows = 0, cols = 0;
  /// Set by check_design(): later solves over these arrays skip the O(nnz) checks (the
  /// problem's documentation forbids changing the matrix while the problem is in use).
  bool checked = false;
  bool is_dense() const { return dense_layout; }
};

/// Factories, instantiated per scalar and loss in separate translation units (compile time).
template <class Scalar, class Loss>
std::unique_ptr<NativeProblem> make_glm(const DesignArgument& design, const py::array& targets, Index classes,
                                        double l2, bool intercept, double l1, const py::object& l1_weights,
                                        const py::object& lower, const py::object& upper);

}  // namespace southwell::python
