// Greedy selection where coupling is sparse: per-iteration cost on a 1000 x 1000 lattice
// (label propagation, dataset-D recipe with 10,000 labelled nodes), tau = 5, exact updates.
// With O(degree) gradient updates and the chunked max index, GS/GSD/GSL should stay within a
// small factor of a random iteration.
// BM_LatticeThreads: forest blocks (checkerboard, combs) on a 2000 x 2000 lattice with 1 and 2
// OpenMP threads; their steps update about half the nodes, in parallel.
#include <benchmark/benchmark.h>
#include <omp.h>

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
  problem.set_lattice(d.lattice);
  sw::SolverOptions o;
  o.partition = partition;
  o.selection = selection;
  o.update = sw::UpdateRule::Exact;
  o.block_size = 5;
  time_solve(state, problem, o, iterations);
  state.SetLabel(std::string(sw::to_string(partition)) + "/" + std::string(sw::to_string(selection)));
}

void BM_LatticeThreads(benchmark::State& state) {
  static const auto big = sw::datasets::dataset_d(2000, 40000, 5);
  const auto partition = static_cast<sw::PartitionRule>(state.range(0));
  const int threads = int(state.range(1));
  const int previous = omp_get_max_threads();
  omp_set_num_threads(threads);
  sw::QuadraticProblem<double, int> problem(big.Q, big.c);
  problem.set_lattice(big.lattice);
  sw::SolverOptions o;
  o.partition = partition;
  o.selection = sw::SelectionRule::Cyclic;
  o.update = sw::UpdateRule::Exact;
  time_solve(state, problem, o, 20);
  omp_set_num_threads(previous);
  state.SetLabel(std::string(sw::to_string(partition)) + " threads=" + std::to_string(threads));
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
BENCHMARK(BM_LatticeThreads)
    ->Args({long(P::RedBlack), 1})
    ->Args({long(P::RedBlack), 2})
    ->Args({long(P::TreePartition), 1})
    ->Args({long(P::TreePartition), 2})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
