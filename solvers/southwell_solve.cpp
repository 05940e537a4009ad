// southwell-solve: solve a least-squares, logistic, softmax, sparse quadratic or graph label
// propagation problem from files with any combination of the paper's partition, selection and
// update rules.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <set>
#include <string>

#include "southwell/io/readers.hpp"
#include "southwell/southwell.hpp"

namespace sw = southwell;
using sw::Index;

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

/// Writes the history and prints the summary line (always the last line of standard output).
void finish(const sw::Summary& summary, const Arguments& args) {
  if (!args.history.empty()) {
    std::ofstream out(args.history);
    if (!out) throw sw::Error(args.history + ": cannot open for writing");
    out << "iteration,objective,seconds\n";
    char line[96];
    for (std::size_t k = 0; k < summary.objective_history.size(); ++k) {
      std::snprintf(line, sizeof line, "%zu,%.17g,%.6f\n", k, summary.objective_history[k], summary.seconds_history[k]);
      out << line;
    }
    if (!out) throw sw::Error(args.history + ": write failed");
  }
  std::printf("status=%s iterations=%lld objective=%.17g seconds=%.6f support=%lld identified_at=%lld\n",
              std::string(sw::to_string(summary.status)).c_str(), static_cast<long long>(summary.iterations),
              summary.final_objective, summary.setup_seconds + summary.solve_seconds,
              static_cast<long long>(summary.support_size), static_cast<long long>(summary.support_identified_at));
}

template <class Problem>
int run(Problem& problem, const sw::SolverOptions& options, const Arguments& args) {
  sw::Vec<double> x = sw::Vec<double>::Zero(problem.dim());
  sw::SeparableRegularizer<double> regularizer(args.l1, args.lower, args.upper);
  const sw::Summary summary = sw::solve(problem, regularizer, options, x);
  if (!args.output.empty()) sw::io::write_vector(args.output, x.data(), x.size());
  finish(summary, args);
  return 0;
}

/// "ROWSxCOLS" -> (rows, cols), or an InvalidArgument naming the flag.
std::pair<Index, Index> parse_lattice(const std::string& text) {
  const auto x = text.find('x');
  try {
    std::size_t used_rows = 0, used_cols = 0;
    if (x != std::string::npos) {
      const long long rows = std::stoll(text.substr(0, x), &used_rows);
      const long long cols = std::stoll(text.substr(x + 1), &used_cols);
      if (used_rows == x && used_cols == text.size() - x - 1 && rows > 0 && cols > 0) return {Index(rows), Index(cols)};
    }
  } catch (const std::exception&) {
  }
  throw sw::InvalidArgument("--lattice '" + text + "': expected ROWSxCOLS with positive integers, e.g. 1000x1000");
}

/// Orders class names numerically when all are integers, else as text.
bool class_name_less(const std::string& a, const std::string& b) {
  char* end_a = nullptr;
  char* end_b = nullptr;
  const long long va = std::strtoll(a.c_str(), &end_a, 10), vb = std::strtoll(b.c_str(), &end_b, 10);
  if (*end_a == 0 && *end_b == 0 && !a.empty() && !b.empty()) return va < vb;
  return a < b;
}

int solve_label_propagation(const Arguments& args, sw::SolverOptions options) {
  if (args.graph.empty() || args.labels.empty())
    throw sw::InvalidArgument("--problem label-propagation needs --graph edges.tsv and --labels nodes.tsv");
  const auto labels = sw::io::read_node_labels(args.labels);
  const bool has_split = !labels.split.empty();
  if (!has_split && !args.eval_split.empty())
    throw sw::InvalidArgument("--eval-split: " + args.labels + " has no split column");
  auto graph = sw::io::read_edge_list(args.graph);
  const Index nodes = std::max<Index>(graph.W.rows(), *std::max_element(labels.node.begin(), labels.node.end()) + 1);
  if (nodes > graph.W.rows()) graph.W.conservativeResize(nodes, nodes);

  std::set<std::string, decltype(&class_name_less)> names(&class_name_less);
  for (const auto& label : labels.label)
    if (label != "-1") names.insert(label);
  const std::vector<std::string> class_names(names.begin(), names.end());
  if (class_names.empty()) throw sw::ParseError(args.labels + ": every label is -1 (unknown)");
  std::map<std::string, Index> class_of;
  for (std::size_t k = 0; k < class_names.size(); ++k) class_of[class_names[k]] = Index(k);
  std::vector<Index> train(nodes, -1);
  for (std::size_t t = 0; t < labels.node.size(); ++t)
    if (labels.label[t] != "-1" && (!has_split || labels.split[t] == args.labelled_split))
      train[labels.node[t]] = class_of[labels.label[t]];
  const auto targets = sw::one_hot_targets(train, Index(class_names.size()));
  if (targets.labelled.empty())
    throw sw::InvalidArgument(args.labels + ": no node has a known label in split '" + args.labelled_split +
                              "' (--labelled-split)");

  sw::LabelPropagationOptions lp;
  lp.clamping = sw::parse_clamping(args.clamping);
  lp.clamp_weight = args.clamp_weight;
  lp.unlabelled_components = sw::parse_unlabelled_components(args.unlabelled);
  const sw::LabelPropagation system(graph.W, targets.labelled, targets.targets, lp);
  std::cerr << system.report() << '\n';
  if (system.unknown_nodes().empty())
    throw sw::InvalidArgument("every node is labelled or unreachable from a label: nothing to solve");
  sw::QuadraticProblem<double, int> problem(system.Q(), system.c(), args.l2);
  if (!args.lattice.empty()) {
    const auto [rows, cols] = parse_lattice(args.lattice);
    problem.set_lattice(system.lattice(rows, cols));
  }
  if (options.partition == sw::PartitionRule::General && args.block_size == 0)
    options.block_size = sw::general_block_size(problem.dim());
  sw::Vec<double> x = sw::Vec<double>::Zero(problem.dim());
  const sw::Summary summary = sw::solve(problem, options, x);
  const std::vector<Index> predicted = system.predict(x);
  if (!args.output.empty()) {
    std::ofstream out(args.output);
    if (!out) throw sw::Error(args.output + ": cannot open for writing");
    for (Index i = 0; i < nodes; ++i) out << i << '\t' << class_names[predicted[i]] << '\n';
    if (!out) throw sw::Error(args.output + ": write failed");
  }
  if (!args.eval_split.empty()) {
    Index right = 0, total = 0;
    for (std::size_t t = 0; t < labels.node.size(); ++t)
      if (labels.split[t] == args.eval_split && labels.label[t] != "-1") {
        ++total;
        right += class_names[predicted[labels.node[t]]] == labels.label[t];
      }
    if (total == 0) throw sw::InvalidArgument("--eval-split: no node with a known label in split '" + args.eval_split + "'");
    std::printf("accuracy on %s: %.4f (%lld of %lld)\n", args.eval_split.c_str(), double(right) / double(total),
                (long long)right, (long long)total);
  }
  finish(summary, args);
  return 0;
}

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

[[noreturn]] void label_error(const sw::io::LibsvmData& data, const std::string& path, std::size_t row,
                              const std::string& what) {
  throw sw::ParseError(path + ":" + std::to_string(data.line_of_row[row]) + ": " + what);
}

int solve_from_files(const Arguments& args, sw::SolverOptions options) {
  using Design = sw::SparseDesign<double, int>;
  const bool graph_inputs = !args.graph.empty() || !args.labels.empty() || !args.eval_split.empty();
  if (graph_inputs && args.problem != "label-propagation")
    throw sw::InvalidArgument("--graph/--labels/--eval-split are only for --problem label-propagation");
  if (!args.lattice.empty() && args.problem != "quadratic" && args.problem != "label-propagation")
    throw sw::InvalidArgument("--lattice is only for --problem quadratic or label-propagation");
  if (args.problem == "label-propagation") {
    if (!args.data.empty() || !args.matrix.empty() || !args.rhs.empty())
      throw sw::InvalidArgument("--problem label-propagation reads --graph and --labels (not --data/--matrix/--rhs)");
    return solve_label_propagation(args, options);
  }
  if (args.problem == "quadratic") {
    if (args.matrix.empty() || args.rhs.empty())
      throw sw::InvalidArgument("--problem quadratic needs --matrix Q.mtx and --rhs c.txt");
    if (!args.data.empty()) throw sw::InvalidArgument("--data is not used by --problem quadratic (use --matrix and --rhs)");
    const auto Q = sw::io::read_matrix_market(args.matrix);
    if (Q.rows() != Q.cols())
      throw sw::ParseError(args.matrix + ": Q must be square, got " + std::to_string(Q.rows()) + " x " +
                           std::to_string(Q.cols()));
    const auto c = sw::io::read_vector(args.rhs);
    if (Index(c.size()) != Q.rows())
      throw sw::ParseError(args.rhs + ": has " + std::to_string(c.size()) + " values, Q has " +
                           std::to_string(Q.rows()) + " rows");
    sw::QuadraticProblem<double, int> problem(Q, Eigen::Map<const sw::Vec<double>>(c.data(), Index(c.size())), args.l2);
    if (!args.lattice.empty()) {
      const auto [rows, cols] = parse_lattice(args.lattice);
      if (rows * cols != Q.rows())
        throw sw::InvalidArgument("--lattice " + args.lattice + " has " + std::to_string(rows * cols) +
                                  " cells, Q has " + std::to_string(Q.rows()) + " rows");
      sw::LatticeGeometry geometry{rows, cols, std::vector<Index>(std::size_t(Q.rows()))};
      std::iota(geometry.cell.begin(), geometry.cell.end(), Index(0));
      problem.set_lattice(std::move(geometry));
    }
    if (options.partition == sw::PartitionRule::General && args.block_size == 0)
      options.block_size = sw::general_block_size(problem.dim());
    return run(problem, options, args);
  }
  if (args.data.empty()) throw sw::InvalidArgument("--problem " + args.problem + " needs --data FILE.libsvm");
  if (!args.matrix.empty() || !args.rhs.empty())
    throw sw::InvalidArgument("--matrix/--rhs are only for --problem quadratic");
  const auto data = sw::io::read_libsvm(args.data);
  if (data.X.cols() == 0) throw sw::ParseError(args.data + ": no feature values (every sample is empty)");
  const Index m = Index(data.labels.size());
  if (args.problem == "least-squares") {
    sw::GlmProblem<Design, sw::SquaredLoss<double>> problem(
        Design(data.X), sw::SquaredLoss<double>(Eigen::Map<const sw::Vec<double>>(data.labels.data(), m)), args.l2);
    return run(problem, options, args);
  }
  if (args.problem == "logistic") {
    // Labels are +-1, or 0/1 (0 maps to -1).
    const bool zero_one = std::any_of(data.labels.begin(), data.labels.end(), [](double v) { return v == 0; });
    sw::Vec<double> y(m);
    for (Index i = 0; i < m; ++i) {
      const double v = data.labels[i];
      if (zero_one ? (v != 0 && v != 1) : (v != 1 && v != -1))
        label_error(data, args.data, i,
                    "logistic label " + number(v) + " is not in " + (zero_one ? "{0, 1}" : "{-1, +1}") +
                        " (labels must be all -1/+1 or all 0/1)");
      y[i] = (v == 0) ? -1.0 : v;
    }
    sw::GlmProblem<Design, sw::LogisticLoss<double>> problem(Design(data.X), sw::LogisticLoss<double>(y), args.l2);
    return run(problem, options, args);
  }
  // softmax: labels 0..K-1 or 1..K
  double lowest = *std::min_element(data.labels.begin(), data.labels.end());
  const double base = lowest >= 1 ? 1.0 : 0.0;
  std::vector<Index> y(m);
  Index classes = 0;
  for (Index i = 0; i < m; ++i) {
    const double v = data.labels[i];
    if (v != std::floor(v) || v < base || v - base > 1e9)
      label_error(data, args.data, i,
                  "softmax label " + number(v) + " is not a class number (0..K-1 or 1..K)");
    y[i] = Index(v - base);
    classes = std::max(classes, y[i] + 1);
  }
  if (classes < 2) throw sw::ParseError(args.data + ": softmax needs at least two classes, found one");
  sw::GlmProblem<Design, sw::SoftmaxLoss<double>> problem(Design(data.X), sw::SoftmaxLoss<double>(y, classes), args.l2);
  return run(problem, options, args);
}

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

int main(int argc, char** argv) {
  CLI::App app{"southwell-solve: greedy block coordinate descent (Nutini, Laradji & Schmidt, JMLR 2022)"};
  app.footer(defaults_help());
  Arguments args;
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
  CLI11_PARSE(app, argc, argv);

  try {
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
    return solve_from_files(args, options);
  } catch (const sw::ParseError& e) {
    std::cerr << "southwell-solve: " << e.what() << '\n';
    return 2;
  } catch (const sw::Error& e) {
    std::cerr << "southwell-solve: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "southwell-solve: unexpected error: " << e.what() << '\n';
    return 3;
  }
}
