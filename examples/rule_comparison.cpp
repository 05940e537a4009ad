// southwell-demo: compares block selection, partition and update rules on the paper's synthetic
// problems (generated here) and, when present, on real LIBSVM datasets from ../shared/data
// (a9a, mushrooms, cpusmall).
// Prints f - f* after 100, 250 and 500 block updates per method; writes one CSV of histories
// per problem into --output-dir.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "southwell/datasets/synthetic.hpp"
#include "southwell/io/readers.hpp"
#include "southwell/linalg/sparse_cholesky.hpp"
#include "southwell/southwell.hpp"

namespace sw = southwell;
using sw::Index;

namespace {

struct Method {
  std::string name;  // the paper's legend names: <selection>-<FB|VB>
  sw::PartitionRule partition;
  sw::SelectionRule selection;
  sw::UpdateRule update;
};

std::vector<Method> greedy_vs_random(sw::UpdateRule update) {
  using P = sw::PartitionRule;
  using S = sw::SelectionRule;
  return {{"Random-FB", P::Sorted, S::Random, update},  {"Cyclic-FB", P::Sorted, S::Cyclic, update},
          {"Lipschitz-FB", P::Sorted, S::Lipschitz, update}, {"GS-FB", P::Sorted, S::GS, update},
          {"GSL-FB", P::Sorted, S::GSL, update},        {"Random-VB", P::Variable, S::Random, update},
          {"GS-VB", P::Variable, S::GS, update},        {"GSL-VB", P::Variable, S::GSL, update},
          {"GSD-VB", P::Variable, S::GSD, update},      {"GSQ-VB", P::Variable, S::GSQ, update}};
}

// Fig. 6: forest-structured blocks updated exactly by message passing, against independent sets
// and the "general" baseline (greedy blocks of n^(1/3) coordinates, dense exact solves).
std::vector<Method> forest_methods() {
  using P = sw::PartitionRule;
  using S = sw::SelectionRule;
  const auto exact = sw::UpdateRule::Exact;
  return {{"Greedy Tree", P::GreedyTree, S::GS, exact},     {"Tree Partitions", P::TreePartition, S::Cyclic, exact},
          {"Random Tree", P::RandomTree, S::Random, exact}, {"Red Black", P::RedBlack, S::Cyclic, exact},
          {"General (GS, tau=n^(1/3))", P::General, S::GS, exact}};
}

class Report {
 public:
  explicit Report(std::string dir) : dir_(std::move(dir)) {
    std::printf("%-26s %-24s %12s %12s %12s %8s %10s\n", "problem", "method", "@100", "@250", "@500", "iters",
                "ms/iter");
  }
  void open(const std::string& problem) {
    csv_.close();
    csv_.open(dir_ + "/" + problem + ".csv");
    csv_ << "method,iteration,gap\n";
    problem_ = problem;
  }
  void add(const std::string& method, const sw::Summary& s, double f_star) {
    auto gap = [&](std::size_t k) {
      const auto& h = s.objective_history;
      return std::max(h[std::min(k, h.size() - 1)] - f_star, 0.0);
    };
    const double ms = 1e3 * s.solve_seconds / double(std::max<Index>(s.iterations, 1));
    std::printf("%-26s %-24s %12.3e %12.3e %12.3e %8lld %10.4f\n", problem_.c_str(), method.c_str(), gap(100), gap(250),
                gap(500), static_cast<long long>(s.iterations), ms);
    std::fflush(stdout);
    for (std::size_t k = 0; k < s.objective_history.size(); ++k)
      csv_ << '"' << method << "\"," << k << ',' << gap(k) << '\n';  // names may hold commas
  }

 private:
  std::string dir_, problem_;
  std::ofstream csv_;
};

template <class Problem>
void compare(Report& report, const std::string& name, Problem& problem, double f_star, const std::vector<Method>& methods,
             Index block_size) {
  report.open(name);
  for (const Method& m : methods) {
    sw::SolverOptions o;
    o.partition = m.partition;
    o.selection = m.selection;
    o.update = m.update;
    o.block_size = block_size;
    o.max_iterations = 500;
    o.record_history = true;
    o.optimal_value = f_star;
    o.tol = 1e-8;  // stop at f - f* < 1e-8, as the paper's runs
    sw::Vec<double> x;
    report.add(m.name, sw::solve(problem, o, x), f_star);
  }
}

/// f* for the small real problems: Newton's method on the whole vector (one block of all n
/// coordinates, exact Hessian, line search), which converges in a few dozen iterations.
template <class Problem>
double reference_optimum(Problem& problem) {
  sw::SolverOptions o;
  o.partition = sw::PartitionRule::Order;
  o.selection = sw::SelectionRule::Cyclic;
  o.update = sw::UpdateRule::Newton;
  o.block_size = problem.dim();
  o.tol = 1e-12;
  o.max_iterations = 200;
  sw::Vec<double> x;
  const sw::Summary s = sw::solve(problem, o, x);
  if (s.status != sw::Status::Converged)
    std::fprintf(stderr, "note: the reference Newton run ended with %s\n", std::string(sw::to_string(s.status)).c_str());
  return s.final_objective;
}

void real_datasets(Report& report, const std::string& shared) {
  const std::string libsvm = shared + "/libsvm";
  if (!std::filesystem::exists(libsvm)) {
    std::printf("\n(%s not found: skipping the real datasets)\n", libsvm.c_str());
    return;
  }
  std::printf("\nReal datasets from %s (l2 = 1; f* by full Newton)\n", libsvm.c_str());
  for (const char* name : {"a9a", "mushrooms"}) {
    const std::string path = libsvm + "/" + name;
    if (!std::filesystem::exists(path)) continue;
    const auto data = sw::io::read_libsvm(path);
    sw::Vec<double> y(Index(data.labels.size()));
    for (Index i = 0; i < y.size(); ++i) y[i] = data.labels[i] > 0 ? 1.0 : -1.0;  // +-1 or 0/1 labels
    auto problem = sw::logistic_regression(data.X, y, 1.0);
    const double f_star = reference_optimum(problem);
    compare(report, std::string(name) + "-logistic", problem, f_star, greedy_vs_random(sw::UpdateRule::Newton), 5);
  }
  const std::string cpusmall = libsvm + "/cpusmall";
  if (std::filesystem::exists(cpusmall)) {
    const auto data = sw::io::read_libsvm(cpusmall);
    sw::Vec<double> y = Eigen::Map<const sw::Vec<double>>(data.labels.data(), Index(data.labels.size()));
    auto problem = sw::least_squares(data.X, y, 1.0);
    const double f_star = reference_optimum(problem);
    compare(report, "cpusmall-least-squares", problem, f_star, greedy_vs_random(sw::UpdateRule::Matrix), 3);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"southwell-demo: greedy vs random block coordinate descent on the paper's problems"};
  std::string output_dir = "out/demo", shared = "../shared/data";
  bool synthetic_only = false;
  app.add_option("--output-dir", output_dir, "where the CSV histories go (default out/demo)");
  app.add_option("--shared-data", shared, "folder holding libsvm/ (default ../shared/data)");
  app.add_flag("--synthetic-only", synthetic_only, "skip the real datasets");
  CLI11_PARSE(app, argc, argv);
  try {
    std::filesystem::create_directories(output_dir);
    Report report(output_dir);

    const auto a = sw::datasets::dataset_a();  // 1000 x 10000, consistent: f* = 0
    auto ls = sw::least_squares(a.X, a.y);
    compare(report, "A-least-squares-gradient", ls, 0.0, greedy_vs_random(sw::UpdateRule::Gradient), 5);
    compare(report, "A-least-squares-matrix", ls, 0.0, greedy_vs_random(sw::UpdateRule::Matrix), 5);

    const auto b = sw::datasets::dataset_b();  // separable: f* = 0
    auto logistic = sw::logistic_regression(b.X, b.y);
    compare(report, "B-logistic-newton", logistic, 0.0, greedy_vs_random(sw::UpdateRule::Newton), 5);

    const auto d = sw::datasets::dataset_d();  // 50 x 50 lattice label propagation
    const sw::Vec<double> x_star = sw::SparseCholesky(d.Q).solve(d.c);
    const double f_star = -0.5 * d.c.dot(x_star);
    sw::QuadraticProblem<double, int> quadratic(d.Q, d.c);
    compare(report, "D-lattice-exact", quadratic, f_star, greedy_vs_random(sw::UpdateRule::Exact), 5);
    quadratic.set_lattice(d.lattice);  // checkerboard and comb partitions
    compare(report, "D-lattice-forests", quadratic, f_star, forest_methods(), sw::general_block_size(d.Q.rows()));

    const auto e = sw::datasets::dataset_e();  // two moons, 5-NN graph
    const sw::Vec<double> e_star = sw::SparseCholesky(e.Q).solve(e.c);
    sw::QuadraticProblem<double, int> knn(e.Q, e.c);
    compare(report, "E-knn-forests", knn, -0.5 * e.c.dot(e_star), forest_methods(),
            sw::general_block_size(e.Q.rows()));

    if (!synthetic_only) real_datasets(report, shared);
    std::printf("\nHistories written to %s/*.csv\n", output_dir.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "southwell-demo: %s\n", e.what());
    return 1;
  }
  return 0;
}
