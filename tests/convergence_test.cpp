// Every valid (partition x selection x update) combination converges to an independently
// computed optimum, on every problem family, for float and double, dense and sparse designs.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>

#include "test_problems.hpp"

namespace southwell::testing {
namespace {

struct Case {
  Family family;
  PartitionRule partition;
  SelectionRule selection;
  UpdateRule update;
  bool dense;
  bool single;  // float instead of double
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  const Case& c = info.param;
  std::string name = std::string(family_name(c.family)) + "_" + std::string(to_string(c.partition)) + "_" +
                     std::string(to_string(c.selection)) + "_" + std::string(to_string(c.update)) +
                     (c.dense ? "_dense" : "_sparse") + (c.single ? "_float" : "_double");
  return name;
}

// gtest prints parameters in failure messages and test lists: use the readable name.
void PrintTo(const Case& c, std::ostream* os) {
  *os << family_name(c.family) << '/' << to_string(c.partition) << '/' << to_string(c.selection) << '/'
      << to_string(c.update) << (c.dense ? "/dense" : "/sparse") << (c.single ? "/float" : "/double");
}

constexpr Index kRows = 40, kFeatures = 14, kClasses = 3, kQuadraticSize = 30;
constexpr double kL2 = 0.5;

SolverOptions options_for(const Case& c, Index n) {
  SolverOptions o;
  o.partition = c.partition;
  o.selection = c.selection;
  o.update = c.update;
  o.block_size = 4;
  o.max_iterations = 400000;
  o.tol = c.single ? 1e-5 : 1e-9;
  o.seed = 7;
  if (c.partition == PartitionRule::User) {
    o.user_blocks.resize(5);  // blocks of unequal size: j mod 5
    for (Index j = 0; j < n; ++j) o.user_blocks[j % 5].push_back(j);
  }
  return o;
}

template <class Scalar, class Problem>
void solve_and_check(Problem& problem, const Case& c, double f_star) {
  const SolverOptions options = options_for(c, problem.dim());
  Vec<Scalar> x;
  const Summary s = solve(problem, options, x);
  ASSERT_TRUE(x.allFinite());
  const double tolerance = c.single ? 2e-4 : 1e-9;
  EXPECT_NEAR(s.final_objective, f_star, tolerance * (1 + std::abs(f_star))) << s.brief_report();
  if (!c.single) EXPECT_EQ(s.status, Status::Converged) << s.brief_report();
}

template <class Scalar, class Design, class DesignMatrix>
void run_glm(const Case& c, const DesignMatrix& A_typed, const MatD& A) {
  const Design design(A_typed);
  switch (c.family) {
    case Family::LeastSquares: {
      const VecD b = random_vector(11, kRows);
      GlmProblem<Design, SquaredLoss<Scalar>> problem(design, SquaredLoss<Scalar>(b.cast<Scalar>()), Scalar(kL2));
      solve_and_check<Scalar>(problem, c, least_squares_optimum(A.template cast<Scalar>().template cast<double>(), b.cast<Scalar>().template cast<double>(), kL2));
      return;
    }
    case Family::Logistic: {
      const VecD z = random_vector(12, kRows);
      std::vector<int> labels(kRows);
      Vec<Scalar> y(kRows);
      for (Index i = 0; i < kRows; ++i) y[i] = labels[i] = z[i] > 0 ? 1 : -1;
      GlmProblem<Design, LogisticLoss<Scalar>> problem(design, LogisticLoss<Scalar>(y), Scalar(kL2));
      solve_and_check<Scalar>(problem, c, DenseGlm{A.template cast<Scalar>().template cast<double>(), labels, 1, kL2}.optimum());
      return;
    }
    case Family::Softmax: {
      std::vector<int> labels(kRows);
      std::vector<Index> y(kRows);
      for (Index i = 0; i < kRows; ++i) y[i] = labels[i] = int((i * 7) % kClasses);
      GlmProblem<Design, SoftmaxLoss<Scalar>> problem(design, SoftmaxLoss<Scalar>(y, kClasses), Scalar(kL2));
      solve_and_check<Scalar>(problem, c, DenseGlm{A.template cast<Scalar>().template cast<double>(), labels, kClasses, kL2}.optimum());
      return;
    }
    case Family::Quadratic:
      break;
  }
}

template <class Scalar>
void run_case(const Case& c) {
  if (c.family == Family::Quadratic) {
    const Eigen::SparseMatrix<double> Q = random_spd(13, kQuadraticSize);
    const VecD rhs = random_vector(14, kQuadraticSize);
    Eigen::SparseMatrix<Scalar> Qs = Q.cast<Scalar>();
    Qs.makeCompressed();
    QuadraticProblem<Scalar, int> problem(Qs, rhs.cast<Scalar>(), Scalar(kL2));
    solve_and_check<Scalar>(problem, c, quadratic_optimum(Qs.template cast<double>(), rhs.cast<Scalar>().template cast<double>(), kL2));
    return;
  }
  const MatD A = random_design(10, kRows, kFeatures);
  if (c.dense) {
    const Mat<Scalar> Ad = A.cast<Scalar>();
    run_glm<Scalar, DenseDesign<Scalar>>(c, Ad, A);
  } else {
    Eigen::SparseMatrix<Scalar, Eigen::ColMajor, int> As = A.cast<Scalar>().sparseView();
    As.makeCompressed();
    run_glm<Scalar, SparseDesign<Scalar, int>>(c, As, A);
  }
}

class AllCombinations : public ::testing::TestWithParam<Case> {};

TEST_P(AllCombinations, ConvergesToTheIndependentOptimum) {
  if (GetParam().single) run_case<float>(GetParam());
  else run_case<double>(GetParam());
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  const PartitionRule partitions[] = {PartitionRule::Order, PartitionRule::Sorted, PartitionRule::Average,
                                      PartitionRule::Random, PartitionRule::User, PartitionRule::Variable};
  const SelectionRule selections[] = {SelectionRule::Cyclic, SelectionRule::Random, SelectionRule::Lipschitz,
                                      SelectionRule::GS,     SelectionRule::GSL,    SelectionRule::GSD,
                                      SelectionRule::GSQ};
  const UpdateRule updates[] = {UpdateRule::Gradient, UpdateRule::Adaptive, UpdateRule::Matrix, UpdateRule::Newton,
                                UpdateRule::Exact};
  const Family families[] = {Family::LeastSquares, Family::Logistic, Family::Softmax, Family::Quadratic};
  for (Family f : families)
    for (PartitionRule p : partitions)
      for (SelectionRule s : selections)
        for (UpdateRule u : updates) {
          const bool quadratic = f == Family::LeastSquares || f == Family::Quadratic;
          if (u == UpdateRule::Exact && !quadratic) continue;  // refused: tested in errors_test
          for (bool dense : {false, true}) {
            if (dense && f == Family::Quadratic) continue;  // Q is always sparse
            for (bool single : {false, true}) cases.push_back({f, p, s, u, dense, single});
          }
        }
  return cases;
}

TEST(IndexTypes, Int64SparseIndicesGiveTheSameSolutionAsInt32) {
  const MatD A = random_design(15, kRows, kFeatures);
  const VecD b = random_vector(16, kRows);
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> A32 = A.sparseView();
  Eigen::SparseMatrix<double, Eigen::ColMajor, std::int64_t> A64 = A.sparseView();
  A32.makeCompressed();
  A64.makeCompressed();
  auto p32 = least_squares(A32, b);
  auto p64 = least_squares(A64, b);
  SolverOptions o;
  o.block_size = 3;
  o.tol = 1e-10;
  VecD x32, x64;
  ASSERT_EQ(solve(p32, o, x32).status, Status::Converged);
  ASSERT_EQ(solve(p64, o, x64).status, Status::Converged);
  EXPECT_EQ(x32, x64);  // same arithmetic in the same order
  EXPECT_NEAR(0.5 * (A * x64 - b).squaredNorm(), least_squares_optimum(A, b, 0), 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Grid, AllCombinations, ::testing::ValuesIn(all_cases()), case_name);

}  // namespace
}  // namespace southwell::testing
