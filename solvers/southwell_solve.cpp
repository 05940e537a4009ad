// southwell-solve: solve a least-squares, logistic, softmax or sparse quadratic problem from files
// with any combination of the paper's partition, selection and update rules.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
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
};

struct Arguments {
  std::string problem, data, matrix, rhs, output, history;
  std::string partition, selection, update, norm = "squared";
  double l2 = 0, tol = 1e-6, time_limit = std::numeric_limits<double>::infinity();
  Index block_size = 0, max_iter = 100000;
  std::uint64_t seed = 0;
  bool verbose = false;
};

template <class Problem>
int run(Problem& problem, const sw::SolverOptions& options, const Arguments& args) {
  sw::Vec<double> x = sw::Vec<double>::Zero(problem.dim());
  const sw::Summary summary = sw::solve(problem, options, x);
  if (!args.output.empty()) sw::io::write_vector(args.output, x.data(), x.size());
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
  std::printf("status=%s iterations=%lld objective=%.17g seconds=%.6f\n",
              std::string(sw::to_string(summary.status)).c_str(), static_cast<long long>(summary.iterations),
              summary.final_objective, summary.setup_seconds + summary.solve_seconds);
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

int solve_from_files(const Arguments& args, const sw::SolverOptions& options) {
  using Design = sw::SparseDesign<double, int>;
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
  app.add_option("--problem", args.problem, "least-squares, logistic, softmax or quadratic")
      ->required()
      ->check(CLI::IsMember({"least-squares", "logistic", "softmax", "quadratic"}));
  app.add_option("--data", args.data, "LIBSVM/svmlight file (rows are samples)");
  app.add_option("--matrix", args.matrix, "Matrix Market file with Q (quadratic)");
  app.add_option("--rhs", args.rhs, "c, one number per line (quadratic)");
  app.add_option("--l2", args.l2, "add (l2/2)||x||^2 (default 0)")->check(CLI::NonNegativeNumber);
  app.add_option("--selection", args.selection, "block selection rule: " + join(sw::selection_rule_names()));
  app.add_option("--partition", args.partition,
                 "order, sorted, avg, random (fixed blocks), variable; for quadratics also red-black, "
                 "tree-partition, greedy-tree (with --selection gs), random-tree (with --selection random), "
                 "all with --update exact");
  app.add_option("--block-size", args.block_size, "block size tau (>= 1)")->check(CLI::PositiveNumber);
  app.add_option("--update", args.update, "block update rule: " + join(sw::update_rule_names()));
  app.add_option("--norm", args.norm, "fixed-block greedy scores: squared (paper) or l1 (authors' code)");
  app.add_option("--max-iter", args.max_iter, "maximum number of block updates (default 100000)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--tol", args.tol, "stop when ||g||_inf <= tol * ||g(x0)||_inf (default 1e-6)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", args.seed, "random seed (default 0)");
  app.add_option("--time-limit", args.time_limit, "seconds (default: none)")->check(CLI::PositiveNumber);
  app.add_option("--output", args.output, "write the solution, one value per line (softmax: row-major p x K)");
  app.add_option("--history", args.history, "write CSV iteration,objective,seconds (iteration 0 = start)");
  app.add_flag("--verbose", args.verbose, "progress lines on standard error");
  CLI11_PARSE(app, argc, argv);

  try {
    const Defaults& d = kDefaults.at(args.problem);
    sw::SolverOptions options;
    options.partition = sw::parse_partition_rule(args.partition.empty() ? d.partition : args.partition);
    if (options.partition == sw::PartitionRule::User)
      throw sw::InvalidArgument("--partition user: user blocks are given through the C++ or Python API");
    options.selection = sw::parse_selection_rule(args.selection.empty() ? d.selection : args.selection);
    options.update = sw::parse_update_rule(args.update.empty() ? d.update : args.update);
    options.greedy_norm = sw::parse_greedy_norm(args.norm);
    // Refused here too, so that the message comes before any file is read.
    if (options.update == sw::UpdateRule::Exact && args.problem != "least-squares" && args.problem != "quadratic")
      throw sw::InvalidArgument("--update exact: 'exact' needs a quadratic objective (least-squares or quadratic); "
                                "for --problem " + args.problem + " use gradient, adaptive, matrix or newton");
    options.block_size = args.block_size > 0 ? args.block_size : d.block_size;
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
