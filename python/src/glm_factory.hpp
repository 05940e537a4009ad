#pragma once
// make_glm: the GLM problems over the three layouts Python hands over (Fortran-ordered dense,
// CSC with int32 or int64 indices), always behind InterceptDesign so that one instantiation
// serves models with and without an intercept.
#include <cstdint>

#include "native_problem.hpp"
#include "southwell/design/dense_design.hpp"
#include "southwell/design/intercept_design.hpp"
#include "southwell/design/sparse_design.hpp"
#include "southwell/problems/glm_problem.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/softmax_loss.hpp"
#include "southwell/problems/squared_loss.hpp"

namespace southwell::python {

template <class Scalar, class Loss>
Loss make_loss(const py::array& targets, Index classes) {
  if constexpr (std::is_same_v<Loss, SoftmaxLoss<Scalar>>) {
    auto y = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(targets);
    if (!y) throw InvalidArgument("class labels must be integers");
    std::vector<Index> labels(y.data(), y.data() + y.size());
    return Loss(std::move(labels), classes);
  } else {
    (void)classes;
    auto y = py::array_t<Scalar, py::array::c_style | py::array::forcecast>::ensure(targets);
    if (!y) throw InvalidArgument("targets must be a numeric array");
    return Loss(Eigen::Map<const Vec<Scalar>>(y.data(), Index(y.size())));
  }
}

template <class Design, class Loss, class Scalar>
std::unique_ptr<NativeProblem> wrap_glm(Design design, std::vector<py::object> arrays, const py::array& targets,
                                        Index classes, double l2, bool intercept, double l1,
                                        const py::object& l1_weights, const py::object& lower,
                                        const py::object& upper) {
  const auto address = reinterpret_cast<std::uintptr_t>(design.values());
  using Problem = GlmProblem<InterceptDesign<Design>, Loss>;
  Problem prototype(InterceptDesign<Design>(std::move(design), intercept), make_loss<Scalar, Loss>(targets, classes),
                    static_cast<Scalar>(l2), intercept ? 1 : 0);
  auto regularizer = make_regularizer<Scalar>(l1, l1_weights, lower, upper, prototype.dim());
  return std::make_unique<NativeProblemOf<Problem>>(nullptr, std::move(arrays), std::move(prototype),
                                                    std::move(regularizer), address);
}

/// Calls visit(design_view, arrays) with the design Python handed over -- Fortran-ordered dense,
/// or CSC with int32 or int64 indices -- viewed in place (checked unless check_design() has
/// checked it); `arrays` are the numpy buffers the view reads, to be kept alive as long as it.
template <class Scalar, class Visitor>
auto visit_design(const DesignArgument& design, Visitor&& visit) {
  if (design.is_dense()) {
    auto A = py::array_t<Scalar, py::array::f_style>::ensure(design.dense);
    if (!A || A.ndim() != 2 || A.data() != design.dense.data())
      throw InvalidArgument("internal: dense design must be a Fortran-ordered 2-D array of the problem's dtype");
    const typename DenseDesign<Scalar>::View matrix(A.data(), A.shape(0), A.shape(1));
    auto view = design.checked ? DenseDesign<Scalar>(matrix, AlreadyChecked{}) : DenseDesign<Scalar>(matrix);
    return visit(std::move(view), std::vector<py::object>{design.dense});
  }
  auto values = py::array_t<Scalar, py::array::c_style>::ensure(design.data);
  if (!values || values.data() != design.data.data())
    throw InvalidArgument("internal: CSC values must be a contiguous array of the problem's dtype");
  auto build = [&](auto index_tag) {
    using StorageIndex = decltype(index_tag);
    auto inner = py::array_t<StorageIndex, py::array::c_style>::ensure(design.indices);
    auto outer = py::array_t<StorageIndex, py::array::c_style>::ensure(design.indptr);
    if (!inner || !outer || Index(outer.size()) != design.cols + 1 || Index(inner.size()) != Index(values.size()) ||
        Index(outer.data()[design.cols]) != Index(values.size()))
      throw InvalidArgument("CSC arrays are inconsistent: indptr needs cols + 1 entries ending at len(data) = len(indices)");
    using Design = SparseDesign<Scalar, StorageIndex>;
    const typename Design::View matrix(design.rows, design.cols, Index(values.size()), outer.data(), inner.data(),
                                       values.data());
    auto view = design.checked ? Design(matrix, AlreadyChecked{}) : Design(matrix);
    return visit(std::move(view), std::vector<py::object>{design.data, design.indices, design.indptr});
  };
  if (py::isinstance<py::array_t<std::int32_t>>(design.indices) && design.indices.itemsize() == 4)
    return build(std::int32_t{});
  if (py::isinstance<py::array_t<std::int64_t>>(design.indices) && design.indices.itemsize() == 8)
    return build(std::int64_t{});
  throw InvalidArgument("CSC index arrays must be int32 or int64");
}

template <class Scalar, class Loss>
std::unique_ptr<NativeProblem> make_glm(const DesignArgument& design, const py::array& targets, Index classes,
                                        double l2, bool intercept, double l1, const py::object& l1_weights,
                                        const py::object& lower, const py::object& upper) {
  return visit_design<Scalar>(design, [&](auto view, std::vector<py::object> arrays) {
    using Design = decltype(view);
    return wrap_glm<Design, Loss, Scalar>(std::move(view), std::move(arrays), targets, classes, l2, intercept, l1,
                                          l1_weights, lower, upper);
  });
}

// make_glm is instantiated in the generated glm_<loss>_<scalar>.cpp units only
// (glm_instance.cpp.in): every other unit that sees its definition would otherwise compile the
// whole solver for all 18 problem types again.
#define SOUTHWELL_PYTHON_EXTERN_MAKE_GLM(SCALAR, LOSS)                                                               \
  extern template std::unique_ptr<NativeProblem> make_glm<SCALAR, LOSS<SCALAR>>(                                     \
      const DesignArgument&, const py::array&, Index, double, bool, double, const py::object&, const py::object&, \
      const py::object&);
SOUTHWELL_PYTHON_EXTERN_MAKE_GLM(float, SquaredLoss)
SOUTHWELL_PYTHON_EXTERN_MAKE_GLM(double, SquaredLoss)
SOUTHWELL_PYTHON_EXTERN_MAKE_GLM(float, LogisticLoss)
SOUTHWELL_PYTHON_EXTERN_MAKE_GLM(double, LogisticLoss)
SOUTHWELL_PYTHON_EXTERN_MAKE_GLM(float, SoftmaxLoss)
SOUTHWELL_PYTHON_EXTERN_MAKE_GLM(double, SoftmaxLoss)
#undef SOUTHWELL_PYTHON_EXTERN_MAKE_GLM

}  // namespace southwell::python
