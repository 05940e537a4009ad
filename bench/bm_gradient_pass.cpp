// One full gradient pass g_j = a_j'u over every column of a sparse matrix (what the working-set
// solver's outer iterations and its certifying pass cost), by SparseDesign::col_dot, against a
// plain loop per column as the baseline in the same run:
//   Wide  : 100,000 x 1,000,000, 20 random columns per row (2 entries per column on average, in
//           lengths that vary from column to column: the generated problem of bench/compare)
//   Text  : 16,000 x 62,000, 80 random columns per row (about 20 per column, news20's shape)
//   Short : 1,000 x 47,000, 78 random columns per row (1.7 per column, rcv1_small's shape)
//   Long  : 32,561 x 123, 14 random columns per row (about 3,700 per column, a9a's shape)
// The ratios on Wide and Short are the numbers to watch; Text and Long must not lose.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "southwell/southwell.hpp"

namespace sw = southwell;

namespace {

struct Shape {
  sw::Index rows, cols, per_row;
};
constexpr Shape kWide{100'000, 1'000'000, 20};
constexpr Shape kText{16'000, 62'000, 80};
constexpr Shape kShort{1'000, 47'000, 78};
constexpr Shape kLong{32'561, 123, 14};

struct PassData {
  Eigen::SparseMatrix<double> A;
  sw::Vec<double> u;
};

/// Each row takes per_row columns uniformly at random, so column lengths are nearly Poisson.
PassData make_data(const Shape& shape) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<sw::Index> column(0, shape.cols - 1);
  std::vector<Eigen::Triplet<double>> entries;
  entries.reserve(std::size_t(shape.rows * shape.per_row));
  for (sw::Index i = 0; i < shape.rows; ++i)
    for (sw::Index k = 0; k < shape.per_row; ++k) entries.emplace_back(i, column(rng), normal(rng));
  PassData data{Eigen::SparseMatrix<double>(shape.rows, shape.cols), sw::Vec<double>(shape.rows)};
  data.A.setFromTriplets(entries.begin(), entries.end());  // repeated pairs are summed
  data.A.makeCompressed();
  for (sw::Index i = 0; i < shape.rows; ++i) data.u[i] = normal(rng);
  return data;
}

template <const Shape& S>
const PassData& data() {
  static const PassData d = make_data(S);
  return d;
}

template <const Shape& S>
void BM_GradientPass(benchmark::State& state) {
  const auto& d = data<S>();
  const sw::SparseDesign<double> design(d.A);
  sw::Vec<double> g(d.A.cols());
  for (auto _ : state) {
    for (sw::Index j = 0; j < d.A.cols(); ++j) g[j] = design.col_dot(j, d.u.data());
    benchmark::DoNotOptimize(g.data());
  }
  state.counters["nnz"] = double(d.A.nonZeros());
}

/// The baseline: one running sum per column, looping to the column's end.
template <const Shape& S>
void BM_GradientPassPlainLoop(benchmark::State& state) {
  const auto& d = data<S>();
  const int* outer = d.A.outerIndexPtr();
  const int* inner = d.A.innerIndexPtr();
  const double* values = d.A.valuePtr();
  sw::Vec<double> g(d.A.cols());
  for (auto _ : state) {
    for (sw::Index j = 0; j < d.A.cols(); ++j) {
      double sum = 0;
      for (int p = outer[j]; p < outer[j + 1]; ++p) sum += values[p] * d.u[inner[p]];
      g[j] = sum;
    }
    benchmark::DoNotOptimize(g.data());
  }
  state.counters["nnz"] = double(d.A.nonZeros());
}

BENCHMARK_TEMPLATE(BM_GradientPass, kWide)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_GradientPassPlainLoop, kWide)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_GradientPass, kText)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_GradientPassPlainLoop, kText)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_GradientPass, kShort)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_GradientPassPlainLoop, kShort)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_GradientPass, kLong)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_GradientPassPlainLoop, kLong)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
