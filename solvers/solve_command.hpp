#pragma once
// The command line of southwell-solve: flags into Arguments, Arguments into SolverOptions. Kept
// apart from the solving so that the parsing can be tested and fuzzed on its own.
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>
#include <utility>

#include "southwell/core/options.hpp"

namespace southwell::cli {

struct Arguments {
  std::string problem, data, matrix, rhs, output, history;
  std::string graph, labels, labelled_split = "train", clamping = "hard", unlabelled = "prior", lattice, eval_split;
  double clamp_weight = 1;
  std::string partition, selection, update, norm = "squared", iht = "plain";
  std::string relaxation = "1", certificate = "kkt", forest_order = "lipschitz";
  double l1 = 0, lower = -std::numeric_limits<double>::infinity(), upper = std::numeric_limits<double>::infinity();
  double l2 = 0, tol = 1e-6, time_limit = std::numeric_limits<double>::infinity();
  Index block_size = 0, max_iter = 100000;
  std::uint64_t seed = 0;
  bool verbose = false;
};

/// Fills `args` from argv. Returns -1 when the solve should go on, otherwise the exit code for
/// --help (0) or a flag error (message written to `err`).
int parse_arguments(int argc, const char* const* argv, Arguments& args, std::ostream& out = std::cout,
                    std::ostream& err = std::cerr);

/// The solver options the arguments ask for, with the per-problem defaults filled in. Throws
/// InvalidArgument for a bad combination, before any file is read.
SolverOptions solver_options(const Arguments& args);

/// "ROWSxCOLS" -> (rows, cols), or an InvalidArgument naming the flag.
std::pair<Index, Index> parse_lattice(const std::string& text);

}  // namespace southwell::cli
