#pragma once
// A view of a compressed sparse column matrix, plus an optional row index (a CSR copy built on
// demand) so that greedy rules can update the gradient of only the coordinates coupled to a step.
#include <Eigen/SparseCore>
#include <cmath>
#include <string>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Scalar_, class StorageIndex_ = int>
class SparseDesign {
 public:
  using Scalar = Scalar_;
  using StorageIndex = StorageIndex_;
  using Matrix = Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex>;
  using RowMatrix = Eigen::SparseMatrix<Scalar, Eigen::RowMajor, StorageIndex>;
  static constexpr bool kIsSparse = true;

  /// Non-owning: `A` must outlive the design. Throws InvalidArgument if `A` is not compressed,
  /// has unsorted or duplicate row indices, or a non-finite value.
  explicit SparseDesign(const Matrix& A) : A_(&A) {
    if (!A.isCompressed()) throw InvalidArgument("sparse matrix must be compressed (call makeCompressed())");
    const StorageIndex* outer = A.outerIndexPtr();
    const StorageIndex* inner = A.innerIndexPtr();
    const Scalar* values = A.valuePtr();
    for (Index j = 0; j < A.cols(); ++j) {
      for (StorageIndex p = outer[j]; p < outer[j + 1]; ++p) {
        if (!std::isfinite(values[p]))
          throw InvalidArgument("matrix entry (" + std::to_string(inner[p]) + ", " + std::to_string(j) +
                                ") is not finite");
        if (p > outer[j] && inner[p] <= inner[p - 1])
          throw InvalidArgument("column " + std::to_string(j) +
                                " has unsorted or duplicate row indices");
      }
    }
  }

  Index rows() const { return A_->rows(); }
  Index cols() const { return A_->cols(); }
  Index nnz() const { return A_->nonZeros(); }
  Index col_nnz(Index j) const { return outer()[j + 1] - outer()[j]; }

  template <class F>
  void for_each_in_col(Index j, F&& f) const {
    const StorageIndex* in = A_->innerIndexPtr();
    const Scalar* val = A_->valuePtr();
    for (StorageIndex p = outer()[j], end = outer()[j + 1]; p < end; ++p) f(Index(in[p]), val[p]);
  }

  /// Row access needs build_row_index() first.
  bool has_row_index() const { return row_index_built_; }
  void build_row_index() {
    if (row_index_built_) return;
    rows_ = RowMatrix(*A_);
    rows_.makeCompressed();
    row_index_built_ = true;
  }
  Index row_nnz(Index i) const { return rows_.outerIndexPtr()[i + 1] - rows_.outerIndexPtr()[i]; }
  template <class F>
  void for_each_in_row(Index i, F&& f) const {
    const StorageIndex* in = rows_.innerIndexPtr();
    const Scalar* val = rows_.valuePtr();
    for (StorageIndex p = rows_.outerIndexPtr()[i], end = rows_.outerIndexPtr()[i + 1]; p < end; ++p)
      f(Index(in[p]), val[p]);
  }

 private:
  const StorageIndex* outer() const { return A_->outerIndexPtr(); }

  const Matrix* A_;
  RowMatrix rows_;
  bool row_index_built_ = false;
};

}  // namespace southwell
