#pragma once
// A design with an optional implicit column of ones appended (the intercept), so that a model
// with an intercept needs no copy of the caller's matrix. Whether the column is present is a
// run-time flag: one instantiation serves both cases, and the flag is tested once per column or
// row visit, never per nonzero.
#include <utility>

#include "southwell/core/types.hpp"

namespace southwell {

template <class Base>
class InterceptDesign {
 public:
  using Scalar = typename Base::Scalar;
  static constexpr bool kIsSparse = Base::kIsSparse;

  InterceptDesign(Base base, bool intercept) : base_(std::move(base)), intercept_(intercept) {}

  const Base& base() const { return base_; }
  bool has_intercept() const { return intercept_; }
  /// The index of the intercept column (valid when has_intercept()).
  Index intercept_column() const { return base_.cols(); }

  Index rows() const { return base_.rows(); }
  Index cols() const { return base_.cols() + (intercept_ ? 1 : 0); }
  Index nnz() const { return base_.nnz() + (intercept_ ? base_.rows() : 0); }
  Index col_nnz(Index j) const { return j == base_.cols() ? base_.rows() : base_.col_nnz(j); }

  template <class F>
  void for_each_in_col(Index j, F&& f) const {
    if (j == base_.cols()) {
      for (Index i = 0, m = base_.rows(); i < m; ++i) f(i, Scalar(1));
    } else {
      base_.for_each_in_col(j, f);
    }
  }

  /// sum_i A_ij v[i * stride].
  Scalar col_dot(Index j, const Scalar* v, Index stride = 1) const {
    if (j == base_.cols())
      return Eigen::Map<const Vec<Scalar>, 0, Eigen::InnerStride<>>(v, base_.rows(), Eigen::InnerStride<>(stride)).sum();
    return base_.col_dot(j, v, stride);
  }
  /// {sum_i A_ij v[i], sum_i A_ij^2}.
  std::pair<Scalar, Scalar> col_dot_and_squared_norm(Index j, const Scalar* v) const {
    if (j == base_.cols()) return {col_dot(j, v), Scalar(base_.rows())};
    return base_.col_dot_and_squared_norm(j, v);
  }

  bool has_row_index() const { return base_.has_row_index(); }
  void build_row_index() { base_.build_row_index(); }
  Index row_nnz(Index i) const { return base_.row_nnz(i) + (intercept_ ? 1 : 0); }
  template <class F>
  void for_each_in_row(Index i, F&& f) const {
    base_.for_each_in_row(i, f);
    if (intercept_) f(base_.cols(), Scalar(1));
  }

 private:
  Base base_;
  bool intercept_;
};

}  // namespace southwell
