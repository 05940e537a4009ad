// Per-iteration cost of the selection rules (gradient updates, tau = 5), measured on the solve
// phase only (setup such as the first full gradient, heaps and curvature bounds excluded):
//   DatasetA : the paper's dataset-A recipe, 1000 x 10000, density 0.069
//   VerySparse: 200k x 2M least squares with 10 nonzeros per column
// Report iterations per second; the greedy/random ratio is the number to watch.
#include <benchmark/benchmark.h>

#include <memory>

#include "southwell/datasets/synthetic.hpp"
#include "southwell/southwell.hpp"
#include "timed_solve.hpp"

namespace sw = southwell;

namespace {

const sw::datasets::RegressionData& dataset_a() {
  static const auto data = sw::datasets::dataset_a();
  return data;
}
const sw::datasets::RegressionData& very_sparse() {
  static const auto data = sw::datasets::sparse_least_squares(200'000, 2'000'000, 10, 3);
  return data;
}

template <const sw::datasets::RegressionData& (*Data)()>
void BM_Selection(benchmark::State& state) {
  const auto& data = Data();
  const auto partition = static_cast<sw::PartitionRule>(state.range(0));
  const auto selection = static_cast<sw::SelectionRule>(state.range(1));
  const sw::Index iterations = state.range(2);
  auto problem = sw::least_squares(data.X, data.y);
  sw::SolverOptions o;
  o.partition = partition;
  o.selection = selection;
  o.update = sw::UpdateRule::Gradient;
  o.block_size = 5;
  time_solve(state, problem, o, iterations);
  state.SetLabel(std::string(sw::to_string(selection)) + (partition == sw::PartitionRule::Variable ? "-VB" : "-FB"));
}

void rules(benchmark::internal::Benchmark* b, long iterations, long slow_iterations) {
  using P = sw::PartitionRule;
  using S = sw::SelectionRule;
  for (auto [p, s] : {std::pair{P::Sorted, S::Random}, {P::Sorted, S::Cyclic}, {P::Sorted, S::GS}, {P::Sorted, S::GSL},
                      {P::Variable, S::Random}, {P::Variable, S::GS}, {P::Variable, S::GSD}, {P::Variable, S::GSQ}})
    b->Args({long(p), long(s), s == S::GSQ ? slow_iterations : iterations});
  b->UseManualTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK_TEMPLATE(BM_Selection, dataset_a)->Apply([](auto* b) { rules(b, 2000, 200); });
BENCHMARK_TEMPLATE(BM_Selection, very_sparse)->Apply([](auto* b) { rules(b, 20000, 100); })->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
