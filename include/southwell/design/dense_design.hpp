#pragma once
// A view of a dense column-major matrix with the same access pattern as SparseDesign.
#include <cmath>
#include <string>
#include <utility>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Scalar_>
class DenseDesign {
 public:
  using Scalar = Scalar_;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
  static constexpr bool kIsSparse = false;

  using View = Eigen::Map<const Matrix>;

  /// Non-owning: `A` must outlive the design. Throws InvalidArgument on a non-finite entry.
  explicit DenseDesign(const Matrix& A) : DenseDesign(View(A.data(), A.rows(), A.cols())) {}
  /// A view of column-major storage owned elsewhere (a Fortran-ordered numpy array, say): used
  /// in place, never copied.
  explicit DenseDesign(const View& A) : DenseDesign(A, AlreadyChecked{}) {
    if (!A.allFinite()) throw InvalidArgument("dense matrix has a non-finite entry");
  }
  /// The same view without the check: the caller vouches that `A` passed it before.
  DenseDesign(const View& A, AlreadyChecked) : data_(A.data()), rows_(A.rows()), cols_(A.cols()) {}

  /// Where the entries are read from (the caller's buffer).
  const Scalar* values() const { return data_; }
  Index rows() const { return rows_; }
  Index cols() const { return cols_; }
  Index nnz() const { return rows_ * cols_; }
  Index col_nnz(Index) const { return rows_; }

  template <class F>
  void for_each_in_col(Index j, F&& f) const {
    const Scalar* col = data_ + j * rows_;
    for (Index i = 0; i < rows_; ++i) f(i, col[i]);
  }

  /// sum_i A_ij v[i * stride].
  Scalar col_dot(Index j, const Scalar* v, Index stride = 1) const {
    const Eigen::Map<const Vec<Scalar>> column(data_ + j * rows_, rows_);
    if (stride == 1) return column.dot(Eigen::Map<const Vec<Scalar>>(v, rows_));
    return column.dot(Eigen::Map<const Vec<Scalar>, 0, Eigen::InnerStride<>>(v, rows_, Eigen::InnerStride<>(stride)));
  }
  /// {sum_i A_ij v[i], sum_i A_ij^2}.
  std::pair<Scalar, Scalar> col_dot_and_squared_norm(Index j, const Scalar* v) const {
    const Eigen::Map<const Vec<Scalar>> column(data_ + j * rows_, rows_);
    return {column.dot(Eigen::Map<const Vec<Scalar>>(v, rows_)), column.squaredNorm()};
  }

  bool has_row_index() const { return true; }
  void build_row_index() {}
  Index row_nnz(Index) const { return cols_; }
  template <class F>
  void for_each_in_row(Index i, F&& f) const {
    const Scalar* base = data_ + i;
    for (Index j = 0; j < cols_; ++j) f(j, base[j * rows_]);
  }

 private:
  const Scalar* data_;
  Index rows_, cols_;
};

}  // namespace southwell
