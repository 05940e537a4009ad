// What may be shared across threads (docs/status_and_errors.md, "Threads"): the data behind a
// design (a matrix, or CSC arrays viewed in place) is read only by every solver and problem, so
// any number of threads may solve over one matrix at once, each with its own problem or solver
// object and its own x. These tests run those patterns concurrently and require results bitwise
// equal to the same solves run one after another; CI runs them under ThreadSanitizer
// (build-tsan/), which reports any data race they contain.
#include <gtest/gtest.h>

#include <functional>
#include <thread>
#include <vector>

#include "southwell/solver/batch.hpp"
#include "test_problems.hpp"

namespace southwell::testing {
namespace {

using Sparse = SparseDesign<double, int>;
using SparseD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

SparseD shared_matrix() {
  SparseD A = random_design(21, 80, 30, 0.3).sparseView();
  A.makeCompressed();
  return A;
}

VecD signs(const VecD& v) { return v.unaryExpr([](double t) { return t > 0 ? 1.0 : -1.0; }); }

/// Runs every job on its own thread, all started together, and returns their solutions.
std::vector<VecD> run_concurrently(const std::vector<std::function<VecD()>>& jobs) {
  std::vector<VecD> out(jobs.size());
  std::vector<std::thread> threads;
  for (std::size_t k = 0; k < jobs.size(); ++k) threads.emplace_back([&, k] { out[k] = jobs[k](); });
  for (auto& t : threads) t.join();
  return out;
}

std::vector<VecD> run_sequentially(const std::vector<std::function<VecD()>>& jobs) {
  std::vector<VecD> out;
  for (const auto& job : jobs) out.push_back(job());
  return out;
}

void expect_bitwise_equal(const std::vector<VecD>& a, const std::vector<VecD>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t k = 0; k < a.size(); ++k) {
    ASSERT_EQ(a[k].size(), b[k].size()) << "job " << k;
    for (Index j = 0; j < a[k].size(); ++j) ASSERT_EQ(a[k][j], b[k][j]) << "job " << k << ", coordinate " << j;
  }
}

TEST(ThreadSafety, BcdSolvesShareOneMatrix) {
  const SparseD A = shared_matrix();
  const VecD b = random_vector(22, A.rows());
  auto job = [&](SelectionRule selection, UpdateRule update, double l1) {
    return std::function<VecD()>([&, selection, update, l1] {
      GlmProblem<Sparse, SquaredLoss<double>> problem(Sparse(A), SquaredLoss<double>(b), 0.1);
      SolverOptions options;
      options.selection = selection;
      options.update = update;
      options.block_size = 3;
      options.max_iterations = 3000;
      options.tol = 1e-10;
      VecD x = VecD::Zero(A.cols());
      solve(problem, SeparableRegularizer<double>(l1), options, x);
      return x;
    });
  };
  const std::vector<std::function<VecD()>> jobs = {
      job(SelectionRule::GSL, UpdateRule::Matrix, 0), job(SelectionRule::Random, UpdateRule::Gradient, 0),
      job(SelectionRule::GSQP, UpdateRule::ProxNewton, 0.5), job(SelectionRule::GSR, UpdateRule::ProxGradient, 0.2)};
  expect_bitwise_equal(run_concurrently(jobs), run_sequentially(jobs));
}

TEST(ThreadSafety, LogisticAndQuadraticSolvesAtOnce) {
  const SparseD A = shared_matrix();
  const VecD y = signs(random_vector(23, A.rows()));
  const Eigen::SparseMatrix<double> Q = random_spd(24, 40);
  const VecD c = random_vector(25, 40);
  const std::vector<std::function<VecD()>> jobs = {
      [&] {
        GlmProblem<Sparse, LogisticLoss<double>> problem(Sparse(A), LogisticLoss<double>(y), 0.05);
        SolverOptions options;
        options.update = UpdateRule::Newton;
        options.tol = 1e-10;
        VecD x = VecD::Zero(A.cols());
        solve(problem, options, x);
        return x;
      },
      [&] {
        QuadraticProblem<double, int> problem(Q, c);
        SolverOptions options;
        options.selection = SelectionRule::GSD;
        options.update = UpdateRule::Exact;
        options.tol = 1e-10;
        VecD x = VecD::Zero(Q.cols());
        solve(problem, options, x);
        return x;
      }};
  expect_bitwise_equal(run_concurrently(jobs), run_sequentially(jobs));
}

TEST(ThreadSafety, WorkingSetSolversShareOneMatrix) {
  const SparseD A = shared_matrix();
  const VecD y = signs(random_vector(26, A.rows()));
  std::vector<std::function<VecD()>> jobs;
  for (double l1 : {0.5, 1.0, 2.0, 4.0})
    jobs.push_back([&, l1] {
      ElasticNetPenalty<double> penalty;
      penalty.l1 = l1;
      WorkingSetSolver<Sparse, LogisticLoss<double>> solver(Sparse(A), LogisticLoss<double>(y), penalty);
      WorkingSetOptions options;
      options.tol = 1e-10;
      options.threads = 1;
      VecD x = VecD::Zero(A.cols());
      solver.solve(x, options);
      return x;
    });
  expect_bitwise_equal(run_concurrently(jobs), run_sequentially(jobs));
}

TEST(ThreadSafety, BatchOfSolversOnTbbMatchesOneAfterAnother) {
  const SparseD A = shared_matrix();
  const VecD b = random_vector(27, A.rows());
  using Solver = WorkingSetSolver<Sparse, SquaredLoss<double>>;
  auto make = [&] {
    std::vector<Solver> solvers;
    for (double l1 : {0.1, 0.5, 1.0, 2.0, 4.0, 8.0}) {
      ElasticNetPenalty<double> penalty;
      penalty.l1 = l1;
      solvers.emplace_back(Sparse(A), SquaredLoss<double>(b), penalty);
    }
    return solvers;
  };
  WorkingSetOptions options;
  options.tol = 1e-10;
  auto batch = make();
  std::vector<VecD> batch_x(batch.size(), VecD::Zero(A.cols()));
  solve_batch(batch, batch_x, options, 3);
  auto one_by_one = make();
  std::vector<VecD> sequential_x(one_by_one.size(), VecD::Zero(A.cols()));
  options.threads = 1;
  for (std::size_t k = 0; k < one_by_one.size(); ++k) one_by_one[k].solve(sequential_x[k], options);
  expect_bitwise_equal(batch_x, sequential_x);
}

}  // namespace
}  // namespace southwell::testing
