#pragma once
// A view of a compressed sparse column matrix, plus an optional row index (a CSR copy built on
// demand) so that greedy rules can update the gradient of only the coordinates coupled to a step.
// The viewed matrix is only ever read, so many designs (in many threads) may view one matrix;
// the row index belongs to this object, which is used by one thread at a time.
#include <Eigen/SparseCore>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/core/recycled.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Scalar_, class StorageIndex_ = int>
class SparseDesign {
 public:
  using Scalar = Scalar_;
  using StorageIndex = StorageIndex_;
  using Matrix = Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex>;
  static constexpr bool kIsSparse = true;

  using View = Eigen::Map<const Matrix>;

  /// Non-owning: `A` must outlive the design. Throws InvalidArgument if `A` is not compressed,
  /// has unsorted or duplicate row indices, or a non-finite value.
  explicit SparseDesign(const Matrix& A) : SparseDesign(compressed_view(A)) {}

  /// A view of compressed column storage owned elsewhere (a scipy CSC matrix, say): used in
  /// place, never copied. Same checks as above, plus the column pointers and row indices; the
  /// arrays must hold outer[cols] entries (the caller's promise).
  explicit SparseDesign(const View& A) : SparseDesign(A, AlreadyChecked{}) {
    if (outer_[0] != 0) throw InvalidArgument("column pointers must start at 0");
    for (Index j = 0; j < cols_; ++j)  // all pointers first: a bad one must not steer the reads below
      if (outer_[j + 1] < outer_[j])
        throw InvalidArgument("column pointers must not decrease (column " + std::to_string(j) + ")");
    if (!entries_are_valid()) throw_first_invalid_entry();
  }

  /// The same view without the checks: the caller vouches that `A` passed them before.
  SparseDesign(const View& A, AlreadyChecked)
      : rows_(A.rows()), cols_(A.cols()), outer_(A.outerIndexPtr()), inner_(A.innerIndexPtr()), values_(A.valuePtr()) {}

  /// Where the nonzero values are read from (the caller's buffer).
  const Scalar* values() const { return values_; }

  Index rows() const { return rows_; }
  Index cols() const { return cols_; }
  Index nnz() const { return outer_[cols_]; }
  Index col_nnz(Index j) const { return outer_[j + 1] - outer_[j]; }

  template <class F>
  void for_each_in_col(Index j, F&& f) const {
    for (StorageIndex p = outer_[j], end = outer_[j + 1]; p < end; ++p) f(Index(inner_[p]), values_[p]);
  }

  /// sum_i A_ij v[i * stride], in four partial sums: one running sum would wait on every addition.
  /// The last (at most four) entries are read branch-free (masked_tail()).
  Scalar col_dot(Index j, const Scalar* v, Index stride = 1) const {
    StorageIndex p = outer_[j];
    const StorageIndex end = outer_[j + 1];
    Scalar s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    if (end - p > kTail)
      for (; p + 4 <= end; p += 4) {
        s0 += values_[p] * v[Index(inner_[p]) * stride];
        s1 += values_[p + 1] * v[Index(inner_[p + 1]) * stride];
        s2 += values_[p + 2] * v[Index(inner_[p + 2]) * stride];
        s3 += values_[p + 3] * v[Index(inner_[p + 3]) * stride];
      }
    if (masked_tail(p)) {
      const StorageIndex left = end - p;
      // Slot k holds entry p + k if k < left, else a value of 0 at row 0.
      auto slot = [&](StorageIndex k) {
        const StorageIndex in = StorageIndex(k < left);
        return values_[p + k] * Scalar(in) * v[Index(inner_[p + k] & -in) * stride];
      };
      s0 += slot(0);
      s1 += slot(1);
      s2 += slot(2);
      s3 += slot(3);
    } else {
      for (; p < end; ++p) s0 += values_[p] * v[Index(inner_[p]) * stride];
    }
    return (s0 + s1) + (s2 + s3);
  }
  /// {sum_i A_ij v[i], sum_i A_ij^2} from one read of the column (read as by col_dot).
  std::pair<Scalar, Scalar> col_dot_and_squared_norm(Index j, const Scalar* v) const {
    StorageIndex p = outer_[j];
    const StorageIndex end = outer_[j + 1];
    Scalar s0 = 0, s1 = 0, s2 = 0, s3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    auto add = [&](Scalar a, StorageIndex row, Scalar& s, Scalar& q) {
      s += a * v[Index(row)];
      q += a * a;
    };
    if (end - p > kTail)
      for (; p + 4 <= end; p += 4) {
        add(values_[p], inner_[p], s0, q0);
        add(values_[p + 1], inner_[p + 1], s1, q1);
        add(values_[p + 2], inner_[p + 2], s2, q2);
        add(values_[p + 3], inner_[p + 3], s3, q3);
      }
    if (masked_tail(p)) {
      const StorageIndex left = end - p;
      auto slot = [&](StorageIndex k, Scalar& s, Scalar& q) {
        const StorageIndex in = StorageIndex(k < left);
        add(values_[p + k] * Scalar(in), inner_[p + k] & -in, s, q);
      };
      slot(0, s0, q0);
      slot(1, s1, q1);
      slot(2, s2, q2);
      slot(3, s3, q3);
    } else {
      for (; p < end; ++p) add(values_[p], inner_[p], s0, q0);
    }
    return {(s0 + s1) + (s2 + s3), (q0 + q1) + (q2 + q3)};
  }

  /// Row access needs build_row_index() first.
  bool has_row_index() const { return row_index_built_; }
  /// A compressed-row copy by counting sort: two passes over the columns, rows' entries in column
  /// order. (Eigen's storage-order assignment took 6 ms for rcv1_small's 78k entries.)
  void build_row_index() {
    if (row_index_built_) return;
    row_outer_.assign(std::size_t(rows_) + 1, 0);
    const Index count = nnz();
    for (Index p = 0; p < count; ++p) ++row_outer_[std::size_t(inner_[p]) + 1];
    for (Index i = 0; i < rows_; ++i) row_outer_[std::size_t(i) + 1] += row_outer_[std::size_t(i)];
    row_inner_.resize(std::size_t(count));
    row_values_.resize(std::size_t(count));
    std::vector<StorageIndex> next(row_outer_.begin(), row_outer_.end() - 1);
    for (Index j = 0; j < cols_; ++j)
      for (StorageIndex p = outer_[j]; p < outer_[j + 1]; ++p) {
        const StorageIndex at = next[std::size_t(inner_[p])]++;
        row_inner_[std::size_t(at)] = StorageIndex(j);
        row_values_[std::size_t(at)] = values_[p];
      }
    row_index_built_ = true;
  }
  Index row_nnz(Index i) const { return row_outer_[std::size_t(i) + 1] - row_outer_[std::size_t(i)]; }
  template <class F>
  void for_each_in_row(Index i, F&& f) const {
    const StorageIndex* in = row_inner_.data();
    const Scalar* val = row_values_.data();
    for (StorageIndex p = row_outer_[std::size_t(i)], end = row_outer_[std::size_t(i) + 1]; p < end; ++p)
      f(Index(in[p]), val[p]);
  }

 private:
  /// A column's last entries, at most kTail of them (all of a short column's), are read in kTail
  /// slots, those past its end masked to a value of 0 at row 0, instead of by a loop whose
  /// length changes from column to column: its exit mispredicts about once a column, the main
  /// cost of a pass over short columns (bench/bm_gradient_pass: a pass over 1,000,000 columns
  /// of 2 entries on average, or over rcv1_small's shape, in about half the time of a plain loop
  /// per column; columns of 20 or 3,500 entries in 0.88-0.98 of it).
  static constexpr StorageIndex kTail = 4;
  /// The masked slots read the next columns' entries (finite: checked), so the tail must not
  /// start within kTail entries of the arrays' end. A masked slot adds 0 * v[0]: v is a finite
  /// residual or derivative wherever the solve is still meaningful.
  bool masked_tail(StorageIndex p) const { return p + kTail <= outer_[cols_]; }

  /// The entry checks as loops over whole arrays without a branch per entry or per column (they
  /// vectorise; three branches per entry took a seventh of a9a's elastic net from Python, and a
  /// loop per column most of the check on a million short columns). Rows ascend within every
  /// column exactly when each descent of the row index array is at the start of a column.
  bool entries_are_valid() const {
    const StorageIndex entries = outer_[cols_];
    // Written so that they vectorise (plain loops were left scalar: 1.4 ms of a problem's
    // construction on news20's 1.27 M entries, 0.7 now): v - v is 0 exactly when v is finite
    // (NaN otherwise, which the sum keeps), and the index range is one unsigned comparison
    // (negative indices wrap past every row count).
    Scalar differences = 0;
#pragma omp simd reduction(+ : differences)
    for (StorageIndex p = 0; p < entries; ++p) differences += values_[p] - values_[p];
    unsigned bad = unsigned(!(differences == 0));
    using Unsigned = std::make_unsigned_t<StorageIndex>;
    constexpr StorageIndex kMostIndex = std::numeric_limits<StorageIndex>::max();
    const Unsigned row_limit = rows_ > Index(kMostIndex) ? Unsigned(kMostIndex) + 1 : Unsigned(rows_);
#pragma omp simd reduction(| : bad)
    for (StorageIndex p = 0; p < entries; ++p) bad |= unsigned(Unsigned(inner_[p]) >= row_limit);
    if (entries < 2) return bad == 0;
    StorageIndex descents = 0, at_column_starts = 0;
    for (StorageIndex p = 1; p < entries; ++p) descents += StorageIndex(inner_[p] <= inner_[p - 1]);
    for (Index j = 0; j < cols_; ++j) {
      const StorageIndex begin = outer_[j], at = std::min(std::max(begin, StorageIndex(1)), entries - 1);
      at_column_starts +=
          StorageIndex((begin > 0) & (begin < outer_[j + 1]) & (inner_[at] <= inner_[at - 1]));
    }
    return bad == 0 && descents == at_column_starts;
  }
  /// Names the first bad entry (called once entries_are_valid() has failed).
  [[noreturn]] void throw_first_invalid_entry() const {
    for (Index j = 0; j < cols_; ++j) {
      for (StorageIndex p = outer_[j]; p < outer_[j + 1]; ++p) {
        if (inner_[p] < 0 || inner_[p] >= rows_)
          throw InvalidArgument("row index " + std::to_string(inner_[p]) + " in column " + std::to_string(j) +
                                " is outside [0, " + std::to_string(rows_) + ")");
        if (!std::isfinite(values_[p]))
          throw InvalidArgument("matrix entry (" + std::to_string(inner_[p]) + ", " + std::to_string(j) +
                                ") is not finite");
        if (p > outer_[j] && inner_[p] <= inner_[p - 1])
          throw InvalidArgument("column " + std::to_string(j) + " has unsorted or duplicate row indices");
      }
    }
    throw InvalidArgument("invalid sparse matrix");  // unreachable: entries_are_valid() found a bad entry
  }

  static View compressed_view(const Matrix& A) {
    if (!A.isCompressed()) throw InvalidArgument("sparse matrix must be compressed (call makeCompressed())");
    return View(A.rows(), A.cols(), A.nonZeros(), A.outerIndexPtr(), A.innerIndexPtr(), A.valuePtr());
  }

  Index rows_, cols_;
  const StorageIndex* outer_;
  const StorageIndex* inner_;
  const Scalar* values_;
  RecycledList<StorageIndex> row_outer_, row_inner_;  ///< the row index (build_row_index())
  RecycledList<Scalar> row_values_;
  bool row_index_built_ = false;
};

}  // namespace southwell
