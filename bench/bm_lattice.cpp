// Greedy selection where coupling is sparse: per-iteration cost on a 1000 x 1000 lattice
// (label propagation, dataset-D recipe with 10,000 labelled nodes), tau = 5, exact updates.
// With O(degree) gradient updates and the chunked max index, GS/GSD/GSL should stay within a
// small factor of a random iteration.
#include <benchmark/benchmark.h>

#include "southwell/datasets/synthetic.hpp"
#include "southwell/southwell.hpp"
#include "timed_solve.hpp"

namespace sw = southwell;

namespace {

const sw::datasets::QuadraticData& lattice() {
  static const auto data = sw::datasets::dataset_d(1000, 10000, 5);
  return data;
}

void BM_Lattice(benchmark::State& state) {
  const auto& d = lattice();
  const auto partition = static_cast<sw::PartitionRule>(state.range(0));
  const auto selection = static_cast<sw::SelectionRule>(state.range(1));
  const sw::Index iterations = state.range(2);
  sw::QuadraticProblem<double, int> problem(d.Q, d.c);
  sw::SolverOptions o;
  o.partition = partition;
  o.selection = selection;
  o.update = sw::UpdateRule::Exact;
  o.block_size = 5;
  time_solve(state, problem, o, iterations);
  state.SetLabel(std::string(sw::to_string(partition)) + "/" + std::string(sw::to_string(selection)));
}

using P = sw::PartitionRule;
using S = sw::SelectionRule;
BENCHMARK(BM_Lattice)
    ->Args({long(P::Variable), long(S::Random), 200000})
    ->Args({long(P::Variable), long(S::GS), 200000})
    ->Args({long(P::Variable), long(S::GSD), 200000})
    ->Args({long(P::Variable), long(S::GSL), 200000})
    ->Args({long(P::Sorted), long(S::Random), 200000})
    ->Args({long(P::Sorted), long(S::GS), 200000})
    ->Args({long(P::Sorted), long(S::GSL), 200000})
    ->Args({long(P::RedBlack), long(S::Cyclic), 20})
    ->Args({long(P::TreePartition), long(S::Cyclic), 20})
    ->Args({long(P::GreedyTree), long(S::GS), 10})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
