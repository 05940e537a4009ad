// Building blocks: the max structures of greedy selection, partitions, dense block algebra, the
// designs' column products, the logistic loss's fused row evaluation and the sums of its logs.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <thread>

#include <Eigen/SparseCore>
#include <cmath>

#include "southwell/core/recycled.hpp"
#include "southwell/design/dense_design.hpp"
#include "southwell/design/intercept_design.hpp"
#include "southwell/design/sparse_design.hpp"
#include "southwell/linalg/bit_rows.hpp"
#include "southwell/linalg/dense_block.hpp"
#include "southwell/linalg/log1p_sum.hpp"
#include "southwell/linalg/scratch_matrix.hpp"
#include "southwell/partition/partition.hpp"
#include "southwell/selection/chunked_max_index.hpp"
#include "southwell/problems/glm_problem.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/quadratic_problem.hpp"
#include "southwell/selection/indexed_heap.hpp"

namespace southwell {
namespace {

template <class MaxStructure>
class MaxStructures : public ::testing::Test {};
using MaxStructureTypes = ::testing::Types<IndexedMaxHeap<double>, ChunkedMaxIndex<double>>;
TYPED_TEST_SUITE(MaxStructures, MaxStructureTypes);

TYPED_TEST(MaxStructures, TopAndTopKMatchSortingAfterRandomUpdates) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> unit;
  for (const Index n : {1, 63, 300, 1000}) {
    std::vector<double> keys(n);
    for (auto& k : keys) k = std::floor(unit(rng) * 50);  // many ties
    TypeParam structure;
    structure.assign(keys);
    std::vector<Index> top;
    for (int round = 0; round < 200; ++round) {
      for (int u = 0; u < 1 + round % 60; ++u) {  // up to 60 changes between queries
        const Index i = Index(rng() % n);
        keys[i] = round % 7 == 0 ? keys[i] - 10 : std::floor(unit(rng) * 50);  // also pure decreases
        structure.update(i, keys[i]);
      }
      std::vector<Index> order(n);
      std::iota(order.begin(), order.end(), Index(0));
      std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return keys[a] > keys[b]; });
      ASSERT_EQ(structure.top(), order[0]) << "n = " << n;
      const Index k = std::min<Index>(n, 1 + round % 40);
      structure.top_k(k, top);
      ASSERT_EQ(top, std::vector<Index>(order.begin(), order.begin() + k)) << "n = " << n;
    }
  }
}

TEST(Partition, GeneratedPartitionsCoverEveryCoordinateOnce) {
  const Index n = 23;
  Vec<double> L(n);
  for (Index j = 0; j < n; ++j) L[j] = double((j * 7) % 11);
  for (PartitionRule rule : {PartitionRule::Order, PartitionRule::Sorted, PartitionRule::Average, PartitionRule::Random})
    for (Index tau : {1, 4, 5, 23}) {
      const Partition p = Partition::make(rule, n, tau, L, 3);
      std::vector<int> count(n, 0);
      for (Index b = 0; b < p.num_blocks(); ++b) {
        EXPECT_LE(p.block_size(b), tau);
        for (const Index* j = p.block_begin(b); j != p.block_end(b); ++j) {
          ++count[*j];
          EXPECT_EQ(p.block_of(*j), b);
        }
      }
      EXPECT_EQ(p.num_blocks(), (n + tau - 1) / tau);
      for (Index j = 0; j < n; ++j) EXPECT_EQ(count[j], 1) << to_string(rule);
    }
}

TEST(Partition, SortedGroupsSimilarLipschitzAndAvgAlternates) {
  Vec<double> L(8);
  L << 5, 1, 7, 3, 8, 2, 6, 4;  // argsort: 1 5 3 7 0 6 2 4
  const Partition sorted = Partition::make(PartitionRule::Sorted, 8, 2, L, 0);
  EXPECT_EQ(std::vector<Index>(sorted.block_begin(0), sorted.block_end(0)), (std::vector<Index>{1, 5}));
  EXPECT_EQ(std::vector<Index>(sorted.block_begin(3), sorted.block_end(3)), (std::vector<Index>{2, 4}));
  const Partition avg = Partition::make(PartitionRule::Average, 8, 2, L, 0);
  EXPECT_EQ(std::vector<Index>(avg.block_begin(0), avg.block_end(0)), (std::vector<Index>{1, 4}));  // L 1 and 8
  EXPECT_EQ(std::vector<Index>(avg.block_begin(1), avg.block_end(1)), (std::vector<Index>{5, 2}));  // L 2 and 7
}

TEST(Partition, UserBlocksMustBeADisjointCover) {
  EXPECT_NO_THROW(Partition::from_blocks({{0, 2}, {1}, {3}}, 4));
  EXPECT_THROW(Partition::from_blocks({{0, 2}, {1, 2}, {3}}, 4), InvalidArgument);  // overlap
  EXPECT_THROW(Partition::from_blocks({{0, 2}, {3}}, 4), InvalidArgument);          // 1 missing
  EXPECT_THROW(Partition::from_blocks({{0, 1, 2, 4}, {3}}, 4), InvalidArgument);    // out of range
  EXPECT_THROW(Partition::from_blocks({{0, 1, 2, 3}, {}}, 4), InvalidArgument);     // empty block
}

TEST(DenseBlock, PseudoInverseHandlesSingularBlocks) {
  Mat<double> H(3, 3);
  H << 2, 2, 0, 2, 2, 0, 0, 0, 1;  // duplicate columns: rank 2
  Vec<double> g(3);
  g << 1, 1, 3;
  const Vec<double> d = psd_solve(H, g);
  EXPECT_TRUE(d.allFinite());
  EXPECT_NEAR((H * d - g).norm(), 0, 1e-12);  // g is in the range of H
  EXPECT_NEAR(d[0], d[1], 1e-12);             // the minimum-norm solution
  EXPECT_NEAR(largest_eigenvalue(H), 4, 1e-12);
}

/// Columns scaled by 1e150 and 1e-150: H = D S D. The step must be D^-1 S^-1 D^-1 g, as if the
/// columns had unit scale; with S = [[2, 1], [1, 2]], S^-1 = [[2, -1], [-1, 2]] / 3.
TEST(DenseBlock, SolvesAreInvariantToColumnScaling) {
  const double big = 1e150, small = 1e-150;
  Mat<double> H(3, 3);
  H << 2 * big * big, big * small, 0, big * small, 2 * small * small, 0, 0, 0, 0;  // third column all zero
  Vec<double> g(3);
  g << 1 * big, 2 * small, 0;  // D (1, 2, 0)
  const Vec<double> d = psd_solve(H, g);
  EXPECT_NEAR(d[0] * big, (2 * 1 - 2) / 3.0, 1e-12);
  EXPECT_NEAR(d[1] * small, (-1 + 2 * 2) / 3.0, 1e-12);
  EXPECT_EQ(d[2], 0);  // an all-zero column gets no step
  const Mat<double> inverse = psd_pseudo_inverse(H);
  EXPECT_NEAR(inverse(0, 0) * big * big, 2 / 3.0, 1e-12);
  EXPECT_NEAR(inverse(0, 1) * big * small, -1 / 3.0, 1e-12);
  EXPECT_NEAR(inverse(1, 1) * small * small, 2 / 3.0, 1e-12);
  EXPECT_EQ(inverse(2, 2), 0);
}

TEST(Designs, ColumnDotProductsMatchBruteForce) {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  const Index m = 23, n = 9;  // column lengths 0 .. 23: every remainder of the unrolled loop
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(m, n);
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < m; ++i)
      if (Index(rng() % 9) < j) A(i, j) = normal(rng);
  Eigen::VectorXd v(m);
  for (Index i = 0; i < m; ++i) v[i] = normal(rng);
  Eigen::SparseMatrix<double> S = A.sparseView();
  S.makeCompressed();
  const SparseDesign<double> sparse(S);
  const DenseDesign<double> dense(A);
  const InterceptDesign<SparseDesign<double>> with_intercept(sparse, true);
  for (Index j = 0; j < n; ++j) {
    long double expected = 0;
    for (Index i = 0; i < m; ++i) expected += (long double)A(i, j) * v[i];
    EXPECT_NEAR(sparse.col_dot(j, v.data()), double(expected), 1e-12) << "column " << j;
    EXPECT_NEAR(dense.col_dot(j, v.data()), double(expected), 1e-12) << "column " << j;
    EXPECT_NEAR(with_intercept.col_dot(j, v.data()), double(expected), 1e-12) << "column " << j;
  }
  EXPECT_NEAR(with_intercept.col_dot(n, v.data()), v.sum(), 1e-12);  // the intercept's column of ones

  // Strided: entry i of v at v[i * 3 + 1] (one class of a row-major m x 3 array).
  Eigen::VectorXd interleaved = Eigen::VectorXd::Constant(3 * m, 1e6);
  for (Index i = 0; i < m; ++i) interleaved[3 * i + 1] = v[i];
  for (Index j = 0; j < n; ++j) {
    EXPECT_NEAR(sparse.col_dot(j, interleaved.data() + 1, 3), sparse.col_dot(j, v.data()), 1e-12);
    EXPECT_NEAR(dense.col_dot(j, interleaved.data() + 1, 3), dense.col_dot(j, v.data()), 1e-12);
  }
  EXPECT_NEAR(with_intercept.col_dot(n, interleaved.data() + 1, 3), v.sum(), 1e-12);
}

TEST(Designs, ShortColumnsMatchBruteForceUpToTheArraysEnd) {
  // Columns of 0 .. 6 entries in a repeating pattern, the last ones short too: the dot products
  // read columns of at most four entries in four masked slots (past the end: the next columns'
  // entries), except within four entries of the arrays' end. v[0] is huge, so a masked slot that
  // let its row through would show.
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  const Index m = 12, n = 41;
  const int lengths[] = {2, 0, 4, 1, 5, 3, 6, 1, 0, 2};
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(m, n);
  for (Index j = 0; j < n; ++j) {
    std::vector<Index> rows(static_cast<std::size_t>(m));
    for (Index i = 0; i < m; ++i) rows[std::size_t(i)] = i;
    std::shuffle(rows.begin(), rows.end(), rng);
    for (int k = 0; k < lengths[j % 10]; ++k) A(rows[std::size_t(k)], j) = normal(rng);
  }
  Eigen::VectorXd v(m);
  for (Index i = 0; i < m; ++i) v[i] = normal(rng);
  v[0] = 1e200;
  Eigen::SparseMatrix<double> S = A.sparseView();
  S.makeCompressed();
  const SparseDesign<double> sparse(S);
  Eigen::VectorXd interleaved = Eigen::VectorXd::Constant(2 * m, -1e200);
  for (Index i = 0; i < m; ++i) interleaved[2 * i] = v[i];
  for (Index j = 0; j < n; ++j) {
    long double dot = 0, squares = 0;
    for (Index i = 0; i < m; ++i) {
      dot += (long double)A(i, j) * v[i];
      squares += (long double)A(i, j) * A(i, j);
    }
    const double scale = std::abs(A(0, j)) * 1e200 + 1;  // a nonzero in row 0 makes the dot huge
    EXPECT_NEAR(sparse.col_dot(j, v.data()), double(dot), 1e-14 * scale) << "column " << j;
    EXPECT_NEAR(sparse.col_dot(j, interleaved.data(), 2), double(dot), 1e-14 * scale) << "column " << j;
    const auto [both_dot, both_squares] = sparse.col_dot_and_squared_norm(j, v.data());
    EXPECT_NEAR(both_dot, double(dot), 1e-14 * scale) << "column " << j;
    EXPECT_NEAR(both_squares, double(squares), 1e-14 * (double(squares) + 1)) << "column " << j;
  }
}

TEST(LogisticLoss, FusedRowTermsEqualTheSeparateEvaluationsAndTheClosedForms) {
  std::vector<double> margins;
  for (double z : {0.0, 1e-300, 1e-8, 0.3, 2.0, 19.0, 40.0, 700.0, 745.0, 800.0}) {
    margins.push_back(z);
    margins.push_back(-z);
  }
  const Index m = Index(margins.size());
  Vec<double> labels(2 * m);
  for (Index i = 0; i < 2 * m; ++i) labels[i] = i < m ? 1 : -1;
  const LogisticLoss<double> loss(labels);
  for (Index i = 0; i < 2 * m; ++i) {
    const double z = margins[std::size_t(i % m)];
    double u, h, u_separate, h_separate;
    const double value = loss.row_terms(i, &z, &u, &h);
    loss.derivative(i, &z, &u_separate);
    loss.diagonal_hessian(i, &z, &h_separate);
    EXPECT_EQ(value, loss.value(i, &z)) << "z = " << z << ", y = " << labels[i];  // the same arithmetic
    EXPECT_EQ(u, u_separate) << "z = " << z;
    EXPECT_EQ(h, h_separate) << "z = " << z;
    double u_split, h_split, tail;
    const double lead = loss.row_terms_split(i, &z, &u_split, &h_split, &tail);
    EXPECT_EQ(lead + std::log1p(tail), value) << "z = " << z;
    EXPECT_EQ(u_split, u);
    EXPECT_EQ(h_split, h);
    EXPECT_GE(lead, 0);
    EXPECT_TRUE(tail >= 0 && tail <= 1) << "tail " << tail;
    // log(1 + e^t), -y sigma(t), sigma(t)(1 - sigma(t)) with t = -y z, in long double.
    const long double t = -labels[i] * z, sigma = 1 / (1 + std::exp(-t));
    EXPECT_NEAR(value, double(t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t))), 1e-15 * (1 + std::abs(value)));
    EXPECT_NEAR(u, double(-labels[i] * sigma), 1e-15);
    EXPECT_NEAR(h, double(sigma * (1 - sigma)), 1e-15);
  }
}

// common_bits against counting the shared rows one by one.
TEST(BitRows, CommonBitsCountsTheRowsTwoColumnsShare) {
  std::mt19937_64 rng(11);
  for (std::size_t rows : {1, 63, 64, 65, 1000, 32561}) {
    const std::size_t words = (rows + 63) / 64;
    std::vector<std::uint64_t> a(words), b(words);
    std::int64_t shared = 0, in_a_count = 0;
    for (std::size_t i = 0; i < rows; ++i) {
      const bool in_a = rng() % 3 == 0, in_b = rng() % 2 == 0;
      if (in_a) a[i / 64] |= std::uint64_t(1) << (i % 64);
      if (in_b) b[i / 64] |= std::uint64_t(1) << (i % 64);
      shared += in_a && in_b;
      in_a_count += in_a;
    }
    EXPECT_EQ(common_bits(a.data(), b.data(), words), shared) << rows << " rows";
    EXPECT_EQ(common_bits(a.data(), a.data(), words), in_a_count) << rows << " rows";
  }
}

// Log1pSum against log1p summed term by term in long double: arguments over its whole range,
// products that would leave double's range without the periodic logs, and small arguments
// (the series) whose sum must keep their own relative precision.
TEST(Log1pSum, MatchesTheSumOfLog1pTermByTerm) {
  auto check = [](const std::vector<double>& terms, double relative, const char* what) {
    Log1pSum sum;
    long double reference = 0, magnitude = 0;
    for (double t : terms) {
      sum.add(t);
      reference += std::log1p((long double)t);
      magnitude += std::abs(std::log1p((long double)t));
    }
    EXPECT_NEAR(sum.total(), double(reference), relative * double(magnitude)) << what;
  };
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> wide(-0.5, 1.0), exponent(-40.0, -3.0), tiny_exponent(-40.0, -20.0);
  std::vector<double> mixed, small, doubling(5000, 1.0), halving(5000, -0.5), cancelling;
  for (int k = 0; k < 20000; ++k) {
    mixed.push_back(k % 3 == 0 ? std::pow(2.0, exponent(rng)) * (k % 2 ? 1 : -1) : wide(rng));
    // Summed as a product of the (1 + t), these would be off by 1e-13: 7000 times the tolerance.
    small.push_back(std::pow(2.0, tiny_exponent(rng)) * (k % 2 ? 1 : -1));
    const double t = wide(rng);  // one factor and its inverse: log1p(t) + log1p(-t / (1 + t)) = 0
    cancelling.push_back(t);
    cancelling.push_back(-t / (1 + t));
  }
  check(mixed, 1e-14, "mixed");
  check(small, 1e-14, "small");
  check(doubling, 1e-15, "5000 factors of 2");   // 2^5000 overflows a double
  check(halving, 1e-15, "5000 factors of 1/2");  // 2^-5000 underflows
  Log1pSum sum;
  for (double t : cancelling) sum.add(t);
  EXPECT_NEAR(sum.total(), 0.0, 1e-12);
  EXPECT_EQ(Log1pSum().total(), 0.0);
}

// The scale against which the BCD stopping test judges a gradient entry's rounding error.
TEST(Problems, GradientTermMagnitudesMatchBruteForce) {
  std::mt19937 rng(11);
  std::normal_distribution<double> normal;
  const Index m = 17, n = 6;
  const double l2 = 0.7;
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(m, n);
  for (Index j = 0; j < n; ++j)
    for (Index i = 0; i < m; ++i)
      if (rng() % 3 == 0) A(i, j) = normal(rng);
  Vec<double> labels(m), x(n);
  for (Index i = 0; i < m; ++i) labels[i] = rng() % 2 ? 1 : -1;
  for (Index j = 0; j < n; ++j) x[j] = normal(rng);
  Eigen::SparseMatrix<double> S = A.sparseView();
  S.makeCompressed();
  GlmProblem<SparseDesign<double>, LogisticLoss<double>> logistic(SparseDesign<double>(S), LogisticLoss<double>(labels), l2);
  logistic.reset(x);
  Vec<double> magnitudes;
  logistic.gradient_term_magnitudes(magnitudes);
  const Eigen::VectorXd margins = A * x;
  for (Index j = 0; j < n; ++j) {
    double expected = l2 * std::abs(x[j]);  // d/dz log(1 + e^{-yz}) = -y / (1 + e^{yz})
    for (Index i = 0; i < m; ++i) expected += std::abs(A(i, j) / (1 + std::exp(labels[i] * margins[i])));
    EXPECT_NEAR(magnitudes[j], expected, 1e-13 * expected) << "feature " << j;
  }

  // Quadratic: |l2 x_j| + |c_j| + sum_k |Q_jk x_k| for a symmetric Q with a positive diagonal.
  Eigen::MatrixXd Q = A.transpose() * A + Eigen::MatrixXd::Identity(n, n);
  Eigen::SparseMatrix<double> Qs = Q.sparseView();
  Qs.makeCompressed();
  Vec<double> c(n);
  for (Index j = 0; j < n; ++j) c[j] = normal(rng);
  QuadraticProblem<double, int> quadratic(Qs, c, l2);
  quadratic.reset(x);
  quadratic.gradient_term_magnitudes(magnitudes);
  for (Index j = 0; j < n; ++j) {
    double expected = l2 * std::abs(x[j]) + std::abs(c[j]);
    for (Index k = 0; k < n; ++k) expected += std::abs(Q(j, k) * x[k]);
    EXPECT_NEAR(magnitudes[j], expected, 1e-13 * expected) << "coordinate " << j;
  }
}

TEST(ScratchMatrix, GrowingKeepsTheCornerOnRequestAndViewsAreSquare) {
  ScratchMatrix<double> scratch;
  scratch.resize(3);
  Eigen::MatrixXd expected(3, 3);
  expected << 1, 2, 3, 4, 5, 6, 7, 8, 9;
  scratch.view() = expected;
  scratch.resize(500, true);  // beyond any shelved capacity: new storage
  ASSERT_EQ(scratch.view().rows(), 500);
  ASSERT_EQ(scratch.view().cols(), 500);
  EXPECT_EQ(Eigen::MatrixXd(scratch.view().topLeftCorner(3, 3)), expected);
  scratch.resize(2, true);
  EXPECT_EQ(Eigen::MatrixXd(scratch.view()), expected.topLeftCorner(2, 2));

  const ScratchMatrix<double> copy = scratch;
  EXPECT_EQ(Eigen::MatrixXd(copy.view()), expected.topLeftCorner(2, 2));
  ScratchMatrix<double> moved = std::move(scratch);
  EXPECT_EQ(scratch.size(), 0);
  EXPECT_EQ(Eigen::MatrixXd(moved.view()), expected.topLeftCorner(2, 2));
}

// What the class is for: a solver made after another on the same thread works in the memory
// the first one already touched, and another thread does not see it.
TEST(ScratchMatrix, TheNextOneOnTheSameThreadReusesTheStorage) {
  const double* first = nullptr;
  Index stride = 0;
  {
    ScratchMatrix<double> scratch;
    scratch.resize(700);
    scratch.view().setZero();
    first = scratch.view().data();
    stride = scratch.view().outerStride();
  }
  {
    ScratchMatrix<double> again;
    again.resize(600);  // within the shelved capacity: no allocation
    EXPECT_EQ(again.view().data(), first);
    EXPECT_EQ(again.view().outerStride(), stride);
  }
  const double* elsewhere = nullptr;
  std::thread([&] {
    ScratchMatrix<double> other;
    other.resize(600);
    elsewhere = other.view().data();
  }).join();
  EXPECT_NE(elsewhere, first);
}

TEST(Recycled, VectorsBehaveLikeEigenVectorsAndReuseReleasedStorage) {
  const Eigen::VectorXd values = Eigen::VectorXd::LinSpaced(1000, -1, 1);
  const double* released = nullptr;
  {
    RecycledVector<double> v = values;
    EXPECT_EQ(Eigen::VectorXd(v), values);
    v = 2 * values;
    EXPECT_EQ(Eigen::VectorXd(v), 2 * values);
    RecycledVector<double> copy = v;
    const RecycledVector<double> moved = std::move(copy);
    EXPECT_EQ(Eigen::VectorXd(moved), 2 * values);
    released = v.data();
  }
  RecycledVector<double> other_size(999);
  EXPECT_NE(other_size.data(), released);  // only a buffer of the same size is taken
  RecycledVector<double> same_size;
  same_size.setZero(1000);
  EXPECT_EQ(same_size.data(), released);
  EXPECT_EQ(same_size, Eigen::VectorXd::Zero(1000));
}

TEST(Recycled, ListsKeepTheirContentsWhenTheyTakeReleasedStorage) {
  RecycledList<Index> list;
  list.assign(3, 7);
  const Index* released = nullptr;
  {
    RecycledList<Index> large;
    large.reserve(5000);
    released = large.data();
  }
  list.resize(4000, 9);  // past its capacity: takes the released storage, keeps its contents
  EXPECT_EQ(list.data(), released);
  ASSERT_EQ(list.size(), 4000u);
  EXPECT_EQ(list[0], 7);
  EXPECT_EQ(list[2], 7);
  EXPECT_EQ(list[3], 9);
  EXPECT_EQ(list[3999], 9);
  const RecycledList<Index> copy = list;
  EXPECT_EQ(std::vector<Index>(copy), std::vector<Index>(list));
}

TEST(Recycled, ShelvesStayWithinTheirBudget) {
  const Index too_large = Index(detail::kShelfBudget / sizeof(double)) + 1;
  const double* small_data = nullptr;
  {
    RecycledVector<double> large;
    large.setZero(too_large);
    RecycledVector<double> small;
    small.setZero(1000);
    small_data = small.data();
  }
  EXPECT_LT(detail::shelf_state().bytes, std::size_t(too_large) * sizeof(double));  // freed, not kept
  RecycledVector<double> again;
  again.setZero(1000);
  EXPECT_EQ(again.data(), small_data);  // kept
}

}  // namespace
}  // namespace southwell
