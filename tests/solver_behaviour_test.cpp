// Statuses, determinism, stopping and numerical failure.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include <omp.h>

#include "southwell/datasets/synthetic.hpp"

#include "test_problems.hpp"

namespace southwell::testing {
namespace {

using SparseD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;
using LsProblem = GlmProblem<SparseDesign<double, int>, SquaredLoss<double>>;

struct LsFixture {
  MatD A = random_design(61, 80, 60);
  SparseD As = A.sparseView();
  VecD b = random_vector(62, 80);
  LsFixture() { As.makeCompressed(); }
  LsProblem problem() const { return LsProblem{SparseDesign<double, int>(As), SquaredLoss<double>(b)}; }
};

TEST(Determinism, SameSeedGivesBitIdenticalIterates) {
  LsFixture data;
  for (SelectionRule s : {SelectionRule::Random, SelectionRule::Lipschitz, SelectionRule::Cyclic, SelectionRule::GSQ}) {
    SolverOptions o;
    o.selection = s;
    o.partition = PartitionRule::Variable;
    o.update = UpdateRule::Gradient;
    o.block_size = 5;
    o.max_iterations = 500;
    o.seed = 42;
    VecD x1, x2, x3;
    LsProblem p1 = data.problem(), p2 = data.problem(), p3 = data.problem();
    solve(p1, o, x1);
    solve(p2, o, x2);
    o.seed = 43;
    solve(p3, o, x3);
    EXPECT_EQ(x1, x2) << to_string(s);  // bitwise
    if (s != SelectionRule::GSQ) EXPECT_NE(x1, x3) << to_string(s);  // the seed matters
  }
}

TEST(Determinism, ThreadCountDoesNotChangeTheIterates) {
  // Over 4096 coordinates, so the full-gradient passes run in parallel.
  const auto data = datasets::sparse_least_squares(3000, 6000, 5, 7);
  for (SelectionRule s : {SelectionRule::Random, SelectionRule::GS}) {
    SolverOptions o;
    o.selection = s;
    o.block_size = 8;
    o.max_iterations = 3000;
    o.tol = 0;
    VecD x_one, x_two;
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    auto p1 = least_squares(data.X, data.y);
    solve(p1, o, x_one);
    omp_set_num_threads(2);
    auto p2 = least_squares(data.X, data.y);
    solve(p2, o, x_two);
    omp_set_num_threads(threads);
    EXPECT_EQ(x_one, x_two) << to_string(s);  // bitwise
  }
}

TEST(Status, MaxIterations) {
  LsFixture data;
  LsProblem p = data.problem();
  SolverOptions o;
  o.max_iterations = 7;
  o.tol = 0;
  VecD x;
  const Summary s = solve(p, o, x);
  EXPECT_EQ(s.status, Status::MaxIterations);
  EXPECT_EQ(s.iterations, 7);
  EXPECT_LT(s.final_objective, s.initial_objective);
}

TEST(Status, WarmStartAtTheOptimumConvergesAtOnce) {
  // The violation at the optimum is rounding noise: relative to it, no tol could be met.
  const MatD A = random_design(21, 40, 10);
  const VecD b = random_vector(22, 40);
  const VecD optimum = (A.transpose() * A).ldlt().solve(A.transpose() * b);
  auto problem = least_squares(A, b);
  SolverOptions o;
  o.tol = 1e-8;
  VecD x = optimum;
  const Summary s = solve(problem, o, x);
  EXPECT_EQ(s.status, Status::Converged) << s.message;
  EXPECT_EQ(s.iterations, 0);
  EXPECT_LT((x - optimum).norm(), 1e-10 * optimum.norm());
}

TEST(Status, CallbackStopsAndSeesEveryIteration) {
  LsFixture data;
  LsProblem p = data.problem();
  SolverOptions o;
  o.tol = 0;
  Index calls = 0;
  o.callback = [&](const IterationInfo& info) {
    EXPECT_EQ(info.iteration, ++calls);
    EXPECT_NE(info.x, nullptr);
    return info.iteration == 12;
  };
  VecD x;
  const Summary s = solve(p, o, x);
  EXPECT_EQ(s.status, Status::StoppedByCallback);
  EXPECT_EQ(s.iterations, 12);
  EXPECT_EQ(calls, 12);
}

TEST(Status, TimeLimitIsRespected) {
  LsFixture data;
  LsProblem p = data.problem();
  SolverOptions o;
  o.tol = 0;
  o.max_iterations = 1'000'000'000;
  o.time_limit_seconds = 0.2;
  o.callback = [](const IterationInfo&) {  // slow iterations, so the limit is what stops us
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    return false;
  };
  VecD x;
  const auto start = std::chrono::steady_clock::now();
  const Summary s = solve(p, o, x);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(s.status, Status::TimeLimit);
  EXPECT_LT(seconds, 2.0);
}

TEST(Status, ConvergedMeansTheGradientCriterionHolds) {
  LsFixture data;
  LsProblem p = data.problem();
  SolverOptions o;
  o.tol = 1e-8;
  VecD x;
  const Summary s = solve(p, o, x);
  ASSERT_EQ(s.status, Status::Converged);
  const VecD g = data.A.transpose() * (data.A * x - data.b);
  EXPECT_LE(g.lpNorm<Eigen::Infinity>(), 1.01e-8 * (data.A.transpose() * data.b).lpNorm<Eigen::Infinity>());
}

TEST(Status, KnownOptimalValueStopsOnTheGap) {
  LsFixture data;
  LsProblem p = data.problem();
  SolverOptions o;
  o.optimal_value = least_squares_optimum(data.A, data.b, 0);
  o.tol = 1e-6;
  o.record_history = true;
  VecD x;
  const Summary s = solve(p, o, x);
  ASSERT_EQ(s.status, Status::Converged);
  EXPECT_LE(s.final_objective - *o.optimal_value, 1e-6);
  EXPECT_GT(s.objective_history[s.iterations - 1] - *o.optimal_value, 1e-6);  // it stopped at the first such iterate
}

/// An indefinite Q (with a positive diagonal, so it passes the cheap checks) makes f unbounded
/// below: the iterates blow up until the objective overflows. The solve must end with
/// numerical-failure and a finite x, never throw.
TEST(NumericalFailure, OverflowEndsWithTheLastFiniteIterate) {
  Eigen::SparseMatrix<double> Q(2, 2);
  Q.insert(0, 0) = 1;
  Q.insert(1, 1) = 1;
  Q.insert(0, 1) = 3;
  Q.insert(1, 0) = 3;
  Q.makeCompressed();
  VecD c(2);
  c << 1, 0;
  QuadraticProblem<double, int> problem(Q, c);
  SolverOptions o;
  o.partition = PartitionRule::Order;
  o.selection = SelectionRule::Cyclic;
  o.update = UpdateRule::Exact;
  o.block_size = 1;
  o.tol = 0;
  o.max_iterations = 1'000'000;
  VecD x;
  Summary s;
  EXPECT_NO_THROW(s = solve(problem, o, x));
  EXPECT_EQ(s.status, Status::NumericalFailure) << s.brief_report();
  EXPECT_TRUE(x.allFinite());
  EXPECT_TRUE(std::isfinite(s.final_objective));
}

TEST(NumericalFailure, NonFiniteStartIsReportedNotThrown) {
  // Huge but finite data whose objective at x0 = 0 overflows: 0.5 * (1e200)^2 = inf.
  MatD A = MatD::Identity(3, 3);
  SparseD As = A.sparseView();
  As.makeCompressed();
  VecD b = VecD::Constant(3, 1e200);
  LsProblem p{SparseDesign<double, int>(As), SquaredLoss<double>(b)};
  SolverOptions o;
  o.block_size = 2;
  VecD x;
  Summary s;
  EXPECT_NO_THROW(s = solve(p, o, x));
  EXPECT_EQ(s.status, Status::NumericalFailure);
  EXPECT_EQ(s.iterations, 0);
  EXPECT_TRUE(x.allFinite());
}

TEST(WarmStart, StartingAtTheSolutionConvergesImmediately) {
  LsFixture data;
  LsProblem p = data.problem();
  SolverOptions o;
  o.tol = 1e-10;
  VecD x;
  ASSERT_EQ(solve(p, o, x).status, Status::Converged);
  o.optimal_value = least_squares_optimum(data.A, data.b, 0);
  const Summary again = solve(p, o, x);
  EXPECT_EQ(again.status, Status::Converged);
  EXPECT_EQ(again.iterations, 0);
}

TEST(Report, BriefReportNamesTheStatus) {
  LsFixture data;
  LsProblem p = data.problem();
  SolverOptions o;
  o.max_iterations = 3;
  o.tol = 0;
  VecD x;
  const std::string report = solve(p, o, x).brief_report();
  EXPECT_NE(report.find("max-iterations"), std::string::npos) << report;
  EXPECT_NE(report.find("3 iterations"), std::string::npos) << report;
}

}  // namespace
}  // namespace southwell::testing
