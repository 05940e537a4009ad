// southwell-solve: solve a least-squares, logistic, softmax, sparse quadratic or graph label
// propagation problem from files with any combination of the paper's partition, selection and
// update rules.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <set>
#include <string>

#include "solve_command.hpp"
#include "southwell/io/readers.hpp"
#include "southwell/southwell.hpp"

namespace sw = southwell;
using sw::Index;
using sw::cli::Arguments;
using sw::cli::parse_lattice;

namespace {

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
    const auto labels = sw::io::logistic_targets(data, args.data);
    const sw::Vec<double> y = Eigen::Map<const sw::Vec<double>>(labels.data(), m);
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

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  if (const int exit_code = sw::cli::parse_arguments(argc, argv, args); exit_code >= 0) return exit_code;
  try {
    return solve_from_files(args, sw::cli::solver_options(args));
  } catch (const sw::Error& e) {
    std::cerr << "southwell-solve: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "southwell-solve: unexpected error: " << e.what() << '\n';
    return 3;
  }
}
