// Scale run: a generated sparse lasso whose matrix takes a given number of GiB, solved by the
// working-set solver; reports generation and solve time, time per nonzero, and peak RSS against
// the matrix size.
//
//   build/bin/scale_run [--rows M] [--cols P] [--nnz-per-row R] [--fraction F] [--tol T] [--threads N]
//
// The matrix is built column by column straight into CSC arrays (no triplets, no copy), with
// values in double and indices in int64 (16 bytes per nonzero): 1M x 10M with 268 nonzeros per
// row is 4.0 GiB. Targets come from 100 random true features plus noise.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "southwell/design/sparse_design.hpp"
#include "southwell/problems/squared_loss.hpp"
#include "southwell/solver/working_set_solver.hpp"

namespace {

using southwell::Index;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double peak_rss_gib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / (1024.0 * 1024.0);  // ru_maxrss is in KiB on Linux
}

struct Arguments {
  Index rows = 1000000, cols = 10000000, nnz_per_row = 268;
  double fraction = 0.1, tol = 1e-6;
  int threads = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  CLI::App app{"scale_run: a generated sparse lasso of a given size, solved by the working-set solver"};
  app.add_option("--rows", args.rows, "rows m")->check(CLI::PositiveNumber);
  app.add_option("--cols", args.cols, "columns p")->check(CLI::PositiveNumber);
  app.add_option("--nnz-per-row", args.nnz_per_row, "average nonzeros per row")->check(CLI::PositiveNumber);
  app.add_option("--fraction", args.fraction, "l1 as a fraction of lambda_max")->check(CLI::Range(1e-9, 1.0));
  app.add_option("--tol", args.tol, "relative KKT tolerance")->check(CLI::PositiveNumber);
  app.add_option("--threads", args.threads, "OpenMP threads (0: all)")->check(CLI::NonNegativeNumber);
  CLI11_PARSE(app, argc, argv);
  if (args.nnz_per_row > args.cols) {
    std::fprintf(stderr, "--nnz-per-row must not exceed --cols\n");
    return 2;
  }
  using Design = southwell::SparseDesign<double, std::int64_t>;
  const Index nnz_target = args.rows * args.nnz_per_row;
  const double per_column = double(nnz_target) / double(args.cols);

  auto start = Clock::now();
  std::vector<std::int64_t> outer(std::size_t(args.cols) + 1, 0);
  std::vector<std::int64_t> inner;
  std::vector<double> values;
  inner.reserve(std::size_t(nnz_target * 1.01));
  values.reserve(std::size_t(nnz_target * 1.01));
  std::mt19937_64 rng(1);
  std::poisson_distribution<Index> count(per_column);
  std::normal_distribution<double> normal;
  std::vector<std::int64_t> rows_of_column;
  for (Index j = 0; j < args.cols; ++j) {
    const Index k = std::min(count(rng), args.rows);
    // k distinct sorted rows: stride through a random start with random gaps (cheap, exact).
    rows_of_column.clear();
    // Gaps uniform in [1, 2 rows / k - 1] average rows / k, so the rows cover the whole range.
    const std::uint64_t spread = std::uint64_t(std::max<Index>(1, 2 * args.rows / std::max<Index>(k, 1) - 1));
    std::int64_t row = std::int64_t(rng() % spread);
    for (Index t = 0; t < k && row < args.rows; ++t) {
      rows_of_column.push_back(row);
      row += 1 + std::int64_t(rng() % spread);
    }
    for (auto r : rows_of_column) {
      inner.push_back(r);
      values.push_back(normal(rng));
    }
    outer[std::size_t(j) + 1] = std::int64_t(inner.size());
  }
  const Index nnz = Index(inner.size());
  Design::View view(args.rows, args.cols, nnz, outer.data(), inner.data(), values.data());
  // Targets from 100 true features.
  southwell::Vec<double> y = southwell::Vec<double>::Zero(args.rows);
  for (int t = 0; t < 100; ++t) {
    const Index j = Index(rng() % std::uint64_t(args.cols));
    const double coef = normal(rng);
    for (std::int64_t p = outer[std::size_t(j)]; p < outer[std::size_t(j) + 1]; ++p) y[inner[std::size_t(p)]] += coef * values[std::size_t(p)];
  }
  for (Index i = 0; i < args.rows; ++i) y[i] += 0.1 * normal(rng);
  const double matrix_gib = double(nnz) * 16.0 / (1024.0 * 1024.0 * 1024.0) + double(args.cols + 1) * 8.0 / (1024.0 * 1024.0 * 1024.0);
  const double generate_seconds = seconds_since(start);
  const double rss_after_generation = peak_rss_gib();

  start = Clock::now();
  southwell::ElasticNetPenalty<double> penalty;
  southwell::WorkingSetSolver<Design, southwell::SquaredLoss<double>> solver(Design(view), southwell::SquaredLoss<double>(y),
                                                                             penalty);
  const double lambda_max = solver.lambda_max();
  solver.set_strength(args.fraction * lambda_max, 1.0);
  const double setup_seconds = seconds_since(start);
  southwell::WorkingSetOptions options;
  options.tol = args.tol;
  options.threads = args.threads;
  options.verbose = true;
  southwell::Vec<double> x = southwell::Vec<double>::Zero(args.cols);
  start = Clock::now();
  const auto summary = solver.solve(x, options);
  const double solve_seconds = seconds_since(start);
  const double peak = peak_rss_gib();
  std::printf("matrix %lld x %lld, nnz %lld (%.2f per row), %.3f GiB in CSC (double values, int64 indices)\n",
              static_cast<long long>(args.rows), static_cast<long long>(args.cols), static_cast<long long>(nnz),
              double(nnz) / double(args.rows), matrix_gib);
  std::printf("generate %.1fs; set-up (column norms, lambda_max) %.2fs; solve %.2fs: %s, %lld outer iterations, "
              "%lld epochs, support %lld\n",
              generate_seconds, setup_seconds, solve_seconds, std::string(southwell::to_string(summary.status)).c_str(),
              static_cast<long long>(summary.iterations), static_cast<long long>(summary.epochs),
              static_cast<long long>(summary.support_size));
  std::printf("solve time per nonzero per outer iteration: %.3f ns\n",
              1e9 * solve_seconds / double(nnz) / double(std::max<Index>(1, summary.iterations)));
  std::printf("peak RSS %.3f GiB (%.3f GiB after generation, besides the matrix: targets and generator buffers); "
              "peak / matrix = %.3f\n",
              peak, rss_after_generation, peak / matrix_gib);
  std::printf("scale_run rows=%lld cols=%lld nnz=%lld matrix_gib=%.3f setup_s=%.3f solve_s=%.3f iterations=%lld "
              "peak_rss_gib=%.3f\n",
              static_cast<long long>(args.rows), static_cast<long long>(args.cols), static_cast<long long>(nnz),
              matrix_gib, setup_seconds, solve_seconds, static_cast<long long>(summary.iterations), peak);
  return summary.status == southwell::Status::Converged ? 0 : 1;
}
