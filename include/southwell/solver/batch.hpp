#pragma once
// Independent solves run concurrently on oneTBB's work-stealing pool: cross-validation folds,
// one-vs-rest classes, batches of small problems. Each task owns its solver and its x, and runs
// its full passes on one OpenMP thread (the parallelism is across tasks), so the results are
// bit-identical to solving the tasks one after another with threads = 1.
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <vector>

#include "southwell/solver/working_set_solver.hpp"

namespace southwell {

/// Solves solvers[k] from xs[k] (updated in place) for every k, on up to `concurrency` threads
/// (0: oneTBB's default). Returns the summaries in order. A callback in `options` is called
/// from several threads at once and must be thread-safe. A caller mistake found before any
/// solve starts (a size mismatch, bad options) throws; each solve's own outcome is its status.
template <class Solver>
std::vector<WorkingSetSummary> solve_batch(std::vector<Solver>& solvers, std::vector<Vec<typename Solver::Scalar>>& xs,
                                           WorkingSetOptions options, int concurrency = 0) {
  options.validate();
  if (solvers.size() != xs.size())
    throw InvalidArgument("solve_batch needs one start per solver (" + std::to_string(solvers.size()) + " solvers, " +
                          std::to_string(xs.size()) + " starts)");
  if (concurrency < 0) throw InvalidArgument("concurrency must be >= 0");
  for (std::size_t k = 0; k < solvers.size(); ++k)
    if (xs[k].size() != solvers[k].num_features() * solvers[k].num_outputs())
      throw InvalidArgument("start " + std::to_string(k) + " has size " + std::to_string(xs[k].size()) +
                            ", expected " + std::to_string(solvers[k].num_features() * solvers[k].num_outputs()));
  options.threads = 1;
  std::vector<WorkingSetSummary> summaries(solvers.size());
  tbb::task_arena arena(concurrency > 0 ? concurrency : tbb::task_arena::automatic);
  arena.execute([&] {
    tbb::parallel_for(std::size_t(0), solvers.size(),
                      [&](std::size_t k) { summaries[k] = solvers[k].solve(xs[k], options); });
  });
  return summaries;
}

}  // namespace southwell
