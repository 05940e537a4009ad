#pragma once
// A view of a dense column-major matrix with the same access pattern as SparseDesign.
#include <cmath>
#include <string>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Scalar_>
class DenseDesign {
 public:
  using Scalar = Scalar_;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
  static constexpr bool kIsSparse = false;

  /// Non-owning: `A` must outlive the design. Throws InvalidArgument on a non-finite entry.
  explicit DenseDesign(const Matrix& A) : A_(&A) {
    if (!A.allFinite()) throw InvalidArgument("dense matrix has a non-finite entry");
  }

  Index rows() const { return A_->rows(); }
  Index cols() const { return A_->cols(); }
  Index nnz() const { return A_->size(); }
  Index col_nnz(Index) const { return A_->rows(); }

  template <class F>
  void for_each_in_col(Index j, F&& f) const {
    const Scalar* col = A_->data() + j * A_->rows();
    for (Index i = 0, m = A_->rows(); i < m; ++i) f(i, col[i]);
  }

  bool has_row_index() const { return true; }
  void build_row_index() {}
  Index row_nnz(Index) const { return A_->cols(); }
  template <class F>
  void for_each_in_row(Index i, F&& f) const {
    const Index m = A_->rows();
    const Scalar* base = A_->data() + i;
    for (Index j = 0, p = A_->cols(); j < p; ++j) f(j, base[j * m]);
  }

 private:
  const Matrix* A_;
};

}  // namespace southwell
