// The MPI-free parts of the distributed solver: the column split, the column-share reader and
// the round algorithm in one process (SerialCommunicator) against independent optima. The
// multi-process runs are tested through mpirun in python/tests/test_distributed.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <sstream>

#include "southwell/distributed/distributed_solver.hpp"
#include "southwell/distributed/feature_partition.hpp"
#include "southwell/io/readers.hpp"
#include "test_problems.hpp"

namespace sw = southwell;
namespace dist = southwell::distributed;
using sw::Index;
using sw::testing::MatD;
using sw::testing::VecD;

namespace {

long long largest_part(const std::vector<long long>& counts, const std::vector<Index>& bounds) {
  long long worst = 0;
  for (std::size_t k = 0; k + 1 < bounds.size(); ++k)
    worst = std::max(worst, std::accumulate(counts.begin() + bounds[k], counts.begin() + bounds[k + 1], 0LL));
  return worst;
}

/// The smallest largest part over every contiguous split into `parts` (brute force).
long long best_largest_part(const std::vector<long long>& counts, int parts, Index from = 0) {
  const Index n = Index(counts.size());
  if (parts == 1) return std::accumulate(counts.begin() + from, counts.end(), 0LL);
  long long best = std::numeric_limits<long long>::max(), head = 0;
  for (Index cut = from; cut <= n; ++cut) {
    best = std::min(best, std::max(head, best_largest_part(counts, parts - 1, cut)));
    if (cut < n) head += counts[std::size_t(cut)];
  }
  return best;
}

}  // namespace

TEST(FeaturePartition, RangesAreContiguousCoverAndBalanceNonzeros) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const Index n = 1 + Index(rng() % 9);
    const int parts = 1 + int(rng() % 4);
    std::vector<long long> counts(std::size_t(n), 0);
    for (auto& c : counts) c = rng() % 3 == 0 ? 0 : 1 + rng() % 20;
    const auto bounds = dist::balanced_column_ranges(counts, parts);
    ASSERT_EQ(bounds.size(), std::size_t(parts) + 1);
    EXPECT_EQ(bounds.front(), 0);
    EXPECT_EQ(bounds.back(), n);
    for (int k = 0; k < parts; ++k) EXPECT_LE(bounds[std::size_t(k)], bounds[std::size_t(k) + 1]);
    // Within one column's worth of nonzeros of the best contiguous split.
    const long long widest = *std::max_element(counts.begin(), counts.end());
    EXPECT_LE(largest_part(counts, bounds), best_largest_part(counts, parts) + widest) << "trial " << trial;
  }
}

TEST(FeaturePartition, EmptyColumnsSplitEvenlyAndBadPartsAreRefused) {
  EXPECT_EQ(dist::balanced_column_ranges(std::vector<long long>(10, 0), 3), (std::vector<Index>{0, 3, 6, 10}));
  EXPECT_EQ(dist::balanced_column_ranges({5, 5}, 4).back(), 2);  // more parts than columns: some empty
  EXPECT_THROW(dist::balanced_column_ranges({1, 2}, 0), sw::InvalidArgument);
  EXPECT_THROW(dist::balanced_column_ranges({1, -2}, 2), sw::InvalidArgument);
}

TEST(LibsvmShare, ColumnRangesAndCountsAgreeWithTheWholeFile) {
  const std::string text = "1 1:0.5 3:2 7:-1\n-1 2:4 3:1\n# comment line\n1 7:3 # trailing\n-1\n";
  std::istringstream whole(text);
  const auto all = sw::io::read_libsvm(whole, "t.svm");
  ASSERT_EQ(all.X.cols(), 7);
  std::istringstream scan_in(text);
  const auto shape = sw::io::scan_libsvm(scan_in, "t.svm");
  EXPECT_EQ(shape.rows, 4);
  ASSERT_EQ(shape.column_nonzeros.size(), 7u);
  for (Index j = 0; j < 7; ++j) EXPECT_EQ(shape.column_nonzeros[std::size_t(j)], all.X.col(j).nonZeros()) << j;
  for (const auto [first, last] : {std::pair<Index, Index>{0, 7}, {2, 3}, {1, 6}, {6, 9}, {4, 4}}) {
    std::istringstream in(text);
    const auto part = sw::io::read_libsvm_columns(in, "t.svm", first, last);
    EXPECT_EQ(part.labels, all.labels);
    ASSERT_EQ(part.X.cols(), last - first);
    for (Index j = first; j < last; ++j) {
      const Eigen::VectorXd expected = j < 7 ? Eigen::VectorXd(all.X.col(j)) : Eigen::VectorXd::Zero(4);
      EXPECT_EQ(Eigen::VectorXd(part.X.col(j - first)), expected) << "column " << j;
    }
  }
  std::istringstream bad("1 1:0.5\n-1 2:x\n");
  EXPECT_THROW(sw::io::read_libsvm_columns(bad, "b.svm", 0, 1), sw::ParseError);  // lines outside the range are checked too
  std::istringstream any("1 1:1\n");
  EXPECT_THROW(sw::io::read_libsvm_columns(any, "a.svm", 2, 1), sw::InvalidArgument);
}

namespace {

Eigen::SparseMatrix<double, Eigen::ColMajor, int> sparse(const MatD& A) {
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> S = A.sparseView();
  S.makeCompressed();
  return S;
}

}  // namespace

TEST(DistributedSerial, RidgeMatchesTheNormalEquations) {
  const MatD A = sw::testing::random_design(3, 60, 25, 0.4);
  const VecD b = sw::testing::random_vector(4, 60);
  const double l2 = 0.3;
  dist::Options options;
  options.l2 = l2;
  options.tol = 1e-11;
  dist::SerialCommunicator comm;
  VecD x;
  const auto result = dist::solve(sparse(A), sw::SquaredLoss<double>(b), options, comm, x);
  EXPECT_EQ(result.status, sw::Status::Converged);
  const double optimum = sw::testing::least_squares_optimum(A, b, l2);
  EXPECT_NEAR(result.objective, optimum, 1e-10 * optimum);
  EXPECT_NEAR(0.5 * (A * x - b).squaredNorm() + 0.5 * l2 * x.squaredNorm(), optimum, 1e-10 * optimum);
}

TEST(DistributedSerial, L1LogisticSatisfiesKkt) {
  const MatD A = sw::testing::random_design(5, 80, 30, 0.5);
  const VecD score = sw::testing::random_vector(6, 80);
  VecD y(80);
  for (Index i = 0; i < 80; ++i) y[i] = score[i] > 0 ? 1 : -1;
  dist::Options options;
  options.l1 = 2;
  options.l2 = 0.1;
  options.tol = 1e-10;
  dist::SerialCommunicator comm;
  VecD x;
  const auto result = dist::solve(sparse(A), sw::LogisticLoss<double>(y), options, comm, x);
  ASSERT_EQ(result.status, sw::Status::Converged);
  // KKT from scratch: g = A'u + l2 x, u_i = -y_i / (1 + exp(y_i a_i'x)).
  const VecD z = A * x;
  VecD u(80);
  for (Index i = 0; i < 80; ++i) u[i] = -y[i] / (1 + std::exp(y[i] * z[i]));
  const VecD g = A.transpose() * u + options.l2 * x;
  const double g0 = (A.transpose() * (-0.5 * y)).cwiseAbs().maxCoeff();
  Index nonzeros = 0;
  for (Index j = 0; j < 30; ++j) {
    if (x[j] != 0) {
      ++nonzeros;
      EXPECT_NEAR(g[j], -options.l1 * (x[j] > 0 ? 1 : -1), 1e-8 * g0) << j;
    } else {
      EXPECT_LE(std::abs(g[j]), options.l1 + 1e-8 * g0) << j;
    }
  }
  EXPECT_GT(nonzeros, 0);
  EXPECT_LT(nonzeros, 30);
  EXPECT_EQ(result.support_size, nonzeros);
}

TEST(DistributedSerial, BadOptionsAndShapesAreRefusedBeforeTheFirstRound) {
  const MatD A = sw::testing::random_design(3, 10, 4, 1.0);
  const VecD b = VecD::Ones(10);
  dist::SerialCommunicator comm;
  VecD x;
  dist::Options options;
  options.tol = 0;
  EXPECT_THROW(dist::solve(sparse(A), sw::SquaredLoss<double>(b), options, comm, x), sw::InvalidArgument);
  options = {};
  options.l1 = std::nan("");
  EXPECT_THROW(dist::solve(sparse(A), sw::SquaredLoss<double>(b), options, comm, x), sw::InvalidArgument);
  EXPECT_THROW(dist::solve(sparse(A), sw::SquaredLoss<double>(VecD::Ones(9)), dist::Options{}, comm, x),
               sw::InvalidArgument);
  MatD bad = A;
  bad(0, 0) = std::numeric_limits<double>::infinity();
  EXPECT_THROW(dist::solve(sparse(bad), sw::SquaredLoss<double>(b), dist::Options{}, comm, x), sw::InvalidArgument);
}

TEST(DistributedSerial, RoundLimitIsAStatus) {
  const MatD A = sw::testing::random_design(3, 60, 25, 0.4);
  const VecD b = sw::testing::random_vector(4, 60);
  dist::Options options;
  options.l1 = 0.5;
  options.tol = 1e-14;
  options.max_rounds = 2;
  options.local_epochs = 1;
  dist::SerialCommunicator comm;
  VecD x;
  const auto result = dist::solve(sparse(A), sw::SquaredLoss<double>(b), options, comm, x);
  EXPECT_EQ(result.status, sw::Status::MaxIterations);
  EXPECT_EQ(result.rounds, 2);
  EXPECT_LT(result.objective, result.initial_objective);
  EXPECT_TRUE(x.allFinite());
}
