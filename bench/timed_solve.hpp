#pragma once
// The timed loop shared by the benchmarks: solve phase only (setup excluded, manual time), no
// gradient-norm checks inside it, and the rate reported as iterations (block updates) per second.
#include <benchmark/benchmark.h>

#include "southwell/southwell.hpp"

template <class Problem>
void time_solve(benchmark::State& state, Problem& problem, southwell::SolverOptions options,
                southwell::Index iterations) {
  options.max_iterations = iterations;
  options.tol = 0;
  options.check_every = iterations + 1;
  for (auto _ : state) {
    southwell::Vec<typename Problem::Scalar> x;
    const southwell::Summary s = southwell::solve(problem, options, x);
    state.SetIterationTime(s.solve_seconds);
    benchmark::DoNotOptimize(s.final_objective);
  }
  state.counters["iters_per_s"] =
      benchmark::Counter(double(iterations) * double(state.iterations()), benchmark::Counter::kIsRate);
}
