// The command line of southwell-solve (see solve_command.hpp).
#include "solve_command.hpp"

#include <CLI/CLI.hpp>

#include <cmath>
#include <map>
#include <string_view>
#include <vector>

#include "southwell/core/errors.hpp"

namespace southwell::cli {
namespace sw = southwell;
namespace {

struct Defaults {
  const char* partition;
  const char* selection;
  const char* update;
  Index block_size;
};

// The fastest reliable choice per problem in wall-clock time (measurements in docs/rules.md):
// where a step couples most coordinates (typical design matrices) a greedy iteration costs a full
// gradient pass, so random blocks win; on sparse quadratics (graphs) greedy iterations are cheap.
const std::map<std::string, Defaults> kDefaults = {
    {"least-squares", {"variable", "random", "matrix", 10}},
    {"logistic", {"variable", "random", "newton", 10}},
    {"softmax", {"variable", "random", "newton", 10}},
    {"quadratic", {"variable", "gsd", "exact", 10}},
    {"label-propagation", {"tree-partition", "cyclic", "exact", 10}},
};

// The selection each forest partition is paired with in the paper, used when --selection is absent.
const std::map<std::string, const char*> kPartitionSelection = {
    {"greedy-tree", "gs"}, {"random-tree", "random"}, {"tree-partition", "cyclic"}, {"red-black", "cyclic"},
    {"general", "gs"}};

std::string defaults_help() {
  std::string text = "Defaults of the rule flags, per problem (the fastest reliable choice measured, docs/rules.md):\n";
  for (const auto& [name, d] : kDefaults)
    text += "  " + name + ": --partition " + d.partition + " --selection " + d.selection + " --update " + d.update +
            " --block-size " + std::to_string(d.block_size) + "\n";
  return text;
}

std::string join(const std::vector<std::string_view>& names) {
  std::string s;
  for (auto n : names) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

}  // namespace

int parse_arguments(int argc, const char* const* argv, Arguments& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"southwell-solve: greedy block coordinate descent (Nutini, Laradji & Schmidt, JMLR 2022)"};
  app.footer(defaults_help());
  app.add_option("--problem", args.problem, "least-squares, logistic, softmax, quadratic or label-propagation")
      ->required()
      ->check(CLI::IsMember({"least-squares", "logistic", "softmax", "quadratic", "label-propagation"}));
  app.add_option("--data", args.data, "LIBSVM/svmlight file (rows are samples)");
  app.add_option("--matrix", args.matrix, "Matrix Market file with Q (quadratic)");
  app.add_option("--rhs", args.rhs, "c, one number per line (quadratic)");
  app.add_option("--graph", args.graph, "edge list 'u v [weight]', 0-based (label-propagation)");
  app.add_option("--labels", args.labels,
                 "node labels 'node label [split]' (label-propagation; label -1 = unknown; with a split column "
                 "only --labelled-split nodes count as labelled)");
  app.add_option("--labelled-split", args.labelled_split, "split whose labels are used (default train)");
  app.add_option("--eval-split", args.eval_split, "print the accuracy on this split's known labels (e.g. test)");
  app.add_option("--clamping", args.clamping, "hard (labels fixed, default) or soft (labels as penalties)")
      ->check(CLI::IsMember({"hard", "soft"}));
  app.add_option("--clamp-weight", args.clamp_weight, "soft clamping weight, relative to the node degree (default 1)")
      ->check(CLI::PositiveNumber);
  app.add_option("--unlabelled-components", args.unlabelled,
                 "components without a labelled node: prior (score them by the class frequencies, default) or refuse")
      ->check(CLI::IsMember({"prior", "refuse"}));
  app.add_option("--forest-order", args.forest_order,
                 "node order for red-black and tree-partition on general graphs: lipschitz (descending L_i, "
                 "default) or natural")
      ->check(CLI::IsMember({"lipschitz", "natural"}));
  app.add_option("--lattice", args.lattice,
                 "ROWSxCOLS: node (or coordinate) i is cell i = column * ROWS + row of a lattice; red-black and "
                 "tree-partition then use the checkerboard and the comb trees");
  app.add_option("--l1", args.l1, "add l1 ||x||_1 (default 0; needs a proximal update)")->check(CLI::NonNegativeNumber);
  app.add_option("--lower", args.lower, "lower bound on every coordinate (e.g. 0 for non-negativity)");
  app.add_option("--upper", args.upper, "upper bound on every coordinate");
  app.add_option("--l2", args.l2, "add (l2/2)||x||^2 (default 0)")->check(CLI::NonNegativeNumber);
  app.add_option("--selection", args.selection, "block selection rule: " + join(sw::selection_rule_names()));
  app.add_option("--partition", args.partition,
                 "order, sorted, avg, random (fixed blocks), variable; for quadratics and label propagation also "
                 "red-black and tree-partition (selection cyclic by default), greedy-tree (gs), random-tree (random), "
                 "general (gs, block size floor(n^(1/3)) by default), all with --update exact");
  app.add_option("--block-size", args.block_size, "block size tau (>= 1)")->check(CLI::PositiveNumber);
  app.add_option("--update", args.update, "block update rule: " + join(sw::update_rule_names()));
  app.add_option("--relaxation", args.relaxation,
                 "over-relaxation omega in (0, 2) of --update exact (block SOR; default 1), or auto (Young's "
                 "optimum from the measured rate; cyclic selection over a fixed partition)");
  app.add_option("--norm", args.norm, "fixed-block greedy scores: squared (paper) or l1 (authors' code)");
  app.add_option("--iht", args.iht, "gsq with variable blocks: IHT plain (default, the authors' code) or scaled");
  app.add_option("--max-iter", args.max_iter, "maximum number of block updates (default 100000)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--tol", args.tol, "stop when ||g||_inf <= tol * ||g(x0)||_inf (default 1e-6)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--certificate", args.certificate,
                 "what --tol measures, relative to x0: kkt (KKT violation, the gradient norm without l1/bounds; "
                 "default) or gap (duality gap: least-squares and logistic with --l1/--l2, no bounds)")
      ->check(CLI::IsMember({"kkt", "gap"}));
  app.add_option("--seed", args.seed, "random seed (default 0)");
  app.add_option("--time-limit", args.time_limit, "seconds (default: none)")->check(CLI::PositiveNumber);
  app.add_option("--output", args.output,
                 "write the solution, one value per line (softmax: row-major p x K; label-propagation: "
                 "'node<TAB>class' for every node)");
  app.add_option("--history", args.history, "write CSV iteration,objective,seconds (iteration 0 = start)");
  app.add_flag("--verbose", args.verbose, "progress lines on standard error");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err);
  }
  return -1;
}

SolverOptions solver_options(const Arguments& args) {
  const Defaults& d = kDefaults.at(args.problem);
  sw::SolverOptions options;
  const std::string partition = args.partition.empty() ? d.partition : args.partition;
  options.partition = sw::parse_partition_rule(partition);
  if (options.partition == sw::PartitionRule::User)
    throw sw::InvalidArgument("--partition user: user blocks are given through the C++ or Python API");
  const auto paired = kPartitionSelection.find(partition);
  const bool regularized = args.l1 > 0 || std::isfinite(args.lower) || std::isfinite(args.upper);
  if (regularized && args.problem == "label-propagation")
    throw sw::InvalidArgument("--l1/--lower/--upper are not available for --problem label-propagation");
  if (!(args.lower <= args.upper)) throw sw::InvalidArgument("--lower must not exceed --upper");
  const char* smooth_selection = paired != kPartitionSelection.end() ? paired->second : d.selection;
  // With l1 or bounds the smooth greedy default becomes its proximal counterpart.
  const char* default_selection =
      regularized && std::string(smooth_selection).rfind("gs", 0) == 0 ? "gs-q" : smooth_selection;
  options.selection = sw::parse_selection_rule(args.selection.empty() ? default_selection : args.selection);
  options.update = sw::parse_update_rule(args.update.empty() ? (regularized ? "prox-newton" : d.update) : args.update);
  options.greedy_norm = sw::parse_greedy_norm(args.norm);
  options.iht = sw::parse_iht_variant(args.iht);
  // Refused here too, so that the message comes before any file is read.
  const bool quadratic = args.problem == "least-squares" || args.problem == "quadratic" || args.problem == "label-propagation";
  if (args.update.empty() && paired != kPartitionSelection.end()) options.update = sw::UpdateRule::Exact;
  if (options.update == sw::UpdateRule::Exact && !quadratic)
    throw sw::InvalidArgument("--update exact: 'exact' needs a quadratic objective (least-squares or quadratic); "
                              "for --problem " + args.problem + " use gradient, adaptive, matrix or newton");
  options.block_size = args.block_size > 0 ? args.block_size : d.block_size;
  if (args.relaxation == "auto") {
    options.relaxation = 0;
  } else {
    std::size_t used = 0;
    try {
      options.relaxation = std::stod(args.relaxation, &used);
    } catch (const std::exception&) {
    }
    if (used != args.relaxation.size() || !(options.relaxation > 0 && options.relaxation < 2))
      throw sw::InvalidArgument("--relaxation '" + args.relaxation + "': expected auto or a number in (0, 2); "
                                "relaxation must lie in (0, 2)");
  }
  options.certificate = sw::parse_certificate(args.certificate);
  options.forest_order = sw::parse_forest_order(args.forest_order);
  options.max_iterations = args.max_iter;
  options.tol = args.tol;
  options.seed = args.seed;
  options.time_limit_seconds = args.time_limit;
  options.record_history = !args.history.empty();
  options.verbose = args.verbose;
  // CLI11's number checks let "nan" through.
  for (const auto& [flag, value] : {std::pair<const char*, double>{"--l1", args.l1}, {"--l2", args.l2},
                                    {"--clamp-weight", args.clamp_weight}})
    if (!std::isfinite(value)) throw sw::InvalidArgument(std::string(flag) + " must be finite");
  options.validate();
  return options;
}

/// "ROWSxCOLS" -> (rows, cols), or an InvalidArgument naming the flag.
std::pair<Index, Index> parse_lattice(const std::string& text) {
  const auto x = text.find('x');
  try {
    std::size_t used_rows = 0, used_cols = 0;
    if (x != std::string::npos) {
      const long long rows = std::stoll(text.substr(0, x), &used_rows);
      const long long cols = std::stoll(text.substr(x + 1), &used_cols);
      // Every cell is a coordinate, so rows * cols must fit the 32-bit indices.
      const bool fits = rows > 0 && cols > 0 && rows <= std::numeric_limits<int>::max() / cols;
      if (used_rows == x && used_cols == text.size() - x - 1 && fits) return {Index(rows), Index(cols)};
    }
  } catch (const std::exception&) {
  }
  throw sw::InvalidArgument("--lattice '" + text + "': expected ROWSxCOLS with positive integers, e.g. 1000x1000");
}

}  // namespace southwell::cli
