// southwell-solve end to end: output formats, and an exit code with a message naming the file
// and line, or the flag, for every kind of bad input.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct CliRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

/// Runs a shell command line (prefix + southwell-solve + args), capturing stdout and stderr.
CliRun run_cli(const std::string& args, const std::string& shell_prefix = "") {
  const std::string command = shell_prefix + std::string(SOUTHWELL_SOLVE_PATH) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  std::string out;
  std::array<char, 4096> buffer;
  while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) out.append(buffer.data(), n);
  const int status = pclose(pipe);
  return {WEXITSTATUS(status), out};
}

std::string write_temp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << content;
  return path;
}

std::string last_line(const std::string& text) {
  std::string line, last;
  std::istringstream in(text);
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

struct BadCase {
  std::string args;
  std::string message;
};

const char* kLeastSquares = "1.5 1:1 2:0.5\n-0.5 2:2 3:1\n2 1:-1 3:3\n0.25 1:0.5 2:0.5 3:0.5\n";

TEST(Cli, SolvesAndWritesSolutionAndHistory) {
  const std::string data = write_temp("ls.svm", kLeastSquares);
  const std::string x = ::testing::TempDir() + "x.txt", h = ::testing::TempDir() + "h.csv";
  const CliRun r = run_cli("--problem least-squares --data " + data + " --block-size 2 --tol 1e-12 --output " + x +
                        " --history " + h);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::regex summary(R"(status=converged iterations=\d+ objective=-?[0-9.e+-]+ seconds=[0-9.]+ support=\d+ identified_at=-1)");
  EXPECT_TRUE(std::regex_match(last_line(r.output), summary)) << last_line(r.output);
  // 4 x 3 with full column rank: the solution solves the normal equations (checked in numpy
  // terms by hand: the residual is orthogonal to the columns).
  std::ifstream xs(x);
  double v[3];
  for (double& vi : v) ASSERT_TRUE(xs >> vi);
  const double A[4][3] = {{1, 0.5, 0}, {0, 2, 1}, {-1, 0, 3}, {0.5, 0.5, 0.5}};
  const double b[4] = {1.5, -0.5, 2, 0.25};
  for (int j = 0; j < 3; ++j) {
    double g = 0;
    for (int i = 0; i < 4; ++i) g += A[i][j] * (A[i][0] * v[0] + A[i][1] * v[1] + A[i][2] * v[2] - b[i]);
    EXPECT_NEAR(g, 0, 1e-9);
  }
  std::ifstream hs(h);
  std::string header, first;
  std::getline(hs, header);
  std::getline(hs, first);
  EXPECT_EQ(header, "iteration,objective,seconds");
  EXPECT_EQ(first.substr(0, 2), "0,");  // iteration 0 is the start: f(0) = |b|^2 / 2
  EXPECT_NEAR(std::stod(first.substr(2)), 0.5 * (1.5 * 1.5 + 0.25 + 4 + 0.0625), 1e-12);
}

/// Non-negative lasso: the solution meets the KKT conditions (checked here from the data) and
/// the last line reports the support and when it was identified.
TEST(Cli, L1AndBoundsGiveAKktPointAndReportTheSupport) {
  const std::string data = write_temp("ls_l1.svm", kLeastSquares);
  const std::string x = ::testing::TempDir() + "x_l1.txt";
  for (const char* update : {"prox-newton", "prox-gradient", "two-metric"}) {
    const CliRun r = run_cli("--problem least-squares --data " + data + " --l1 1 --lower 0 --block-size 2 --tol 1e-12 " +
                             "--selection gs-q --update " + update + " --output " + x);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::smatch m;
    const std::string last = last_line(r.output);
    ASSERT_TRUE(std::regex_search(last, m, std::regex(R"(support=(\d+) identified_at=(-?\d+)$)"))) << last;
    std::ifstream xs(x);
    double v[3];
    for (double& vi : v) ASSERT_TRUE(xs >> vi);
    const double A[4][3] = {{1, 0.5, 0}, {0, 2, 1}, {-1, 0, 3}, {0.5, 0.5, 0.5}};
    const double b[4] = {1.5, -0.5, 2, 0.25};
    int support = 0;
    for (int j = 0; j < 3; ++j) {
      double g = 1;  // gradient of the smooth part plus l1 (x >= 0, so l1 |x| = x)
      for (int i = 0; i < 4; ++i) g += A[i][j] * (A[i][0] * v[0] + A[i][1] * v[1] + A[i][2] * v[2] - b[i]);
      EXPECT_GE(v[j], 0);
      if (v[j] > 0) EXPECT_NEAR(g, 0, 1e-9) << update;
      else EXPECT_GE(g, -1e-9) << update;
      support += v[j] != 0;
    }
    EXPECT_EQ(std::stoi(m[1]), support);
    EXPECT_GE(std::stoi(m[2]), 0);
  }
  const BadCase cases[] = {
      {"--problem least-squares --data " + data + " --l1 1 --update matrix", "must be prox-gradient, prox-newton or two-metric"},
      {"--problem least-squares --data " + data + " --l1 1 --selection gsl", "ignores l1 and bounds"},
      {"--problem least-squares --data " + data + " --l1 1 --update two-metric", "update 'two-metric' needs"},
      {"--problem least-squares --data " + data + " --lower 1 --upper 0", "--lower must not exceed --upper"},
      {"--problem least-squares --data " + data + " --l1 -1", "--l1"},
  };
  for (const BadCase& c : cases) {
    const CliRun r = run_cli(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.args << "\n" << r.output;
  }
}

TEST(Cli, SoftmaxAndLogisticLabelConventions) {
  const std::string zero_one = write_temp("lg01.svm", "0 1:1\n1 1:-1 2:1\n1 2:2\n0 1:0.5 2:-1\n");
  EXPECT_EQ(run_cli("--problem logistic --l2 1 --block-size 1 --data " + zero_one).exit_code, 0);
  const std::string one_based = write_temp("sm1.svm", "1 1:1\n2 1:-1 2:1\n3 2:2\n1 1:0.5 2:-1\n");
  const CliRun r = run_cli("--problem softmax --l2 1 --block-size 2 --data " + one_based + " --output " +
                        ::testing::TempDir() + "xs.txt");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  std::ifstream xs(::testing::TempDir() + "xs.txt");
  int lines = 0;
  for (std::string line; std::getline(xs, line);) ++lines;
  EXPECT_EQ(lines, 2 * 3);  // p x K, row-major
}

TEST(Cli, BadInputExitsNonZeroWithAPreciseMessage) {
  const std::string good = write_temp("good.svm", kLeastSquares);
  const std::string bad_token = write_temp("badtok.svm", "1 1:1\n2 2:zz\n");
  const std::string index_zero = write_temp("idx0.svm", "1 1:1\n1 0:1\n");
  const std::string decreasing = write_temp("dec.svm", "1 2:1 1:1\n");
  const std::string nan_value = write_temp("nan.svm", "1 1:1\n1 1:NaN\n");
  const std::string bad_label = write_temp("lab.svm", "1 1:1\n-1 1:2\n2 1:3\n");
  const std::string frac_label = write_temp("frac.svm", "0 1:1\n1.5 1:2\n");
  const std::string rect = write_temp("rect.mtx", "%%MatrixMarket matrix coordinate real general\n2 3 1\n1 1 1\n");
  const std::string rhs = write_temp("c.txt", "1\n2\n");
  const BadCase cases[] = {
      {"--problem least-squares --data " + bad_token, "badtok.svm:2: bad feature value 'zz'"},
      {"--problem least-squares --data " + index_zero, "idx0.svm:2: feature index 0"},
      {"--problem least-squares --data " + decreasing, "dec.svm:1: feature indices must increase"},
      {"--problem least-squares --data " + nan_value, "nan.svm:2: feature value 'NaN' is not finite"},
      {"--problem logistic --data " + bad_label, "lab.svm:3: logistic label"},
      {"--problem softmax --data " + frac_label, "frac.svm:2: softmax label"},
      {"--problem quadratic --matrix " + rect + " --rhs " + rhs, "rect.mtx: Q must be square"},
      {"--problem least-squares --data " + good + " --selection fastest", "unknown selection rule 'fastest'"},
      {"--problem least-squares --data " + good + " --partition blocks", "unknown partition 'blocks'"},
      {"--problem least-squares --data " + good + " --update magic", "unknown update rule 'magic'"},
      {"--problem least-squares --data " + good + " --block-size 0", "--block-size"},
      {"--problem least-squares --data " + good + " --block-size -3", "--block-size"},
      {"--problem least-squares --data " + good + " --block-size 9", "block_size = 9 exceeds"},
      {"--problem logistic --data " + good + " --update exact", "'exact' needs a quadratic objective"},
      {"--problem least-squares --data /nonexistent.svm", "cannot open"},
      {"--problem least-squares", "needs --data"},
      {"--problem least-squares --data " + write_temp("labels_only.svm", "1\n2\n"), "labels_only.svm: no feature values"},
      {"--problem nonsense --data " + good, "--problem"},
  };
  for (const BadCase& c : cases) {
    const CliRun r = run_cli(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.args << "\n" << r.output;
    EXPECT_EQ(r.output.find("terminate"), std::string::npos) << r.output;  // never a crash
  }
}

/// Two triangles joined by an edge, one train label in each; test labels agree with the sides.
TEST(Cli, LabelPropagationWritesAClassPerNodeAndTheAccuracy) {
  const std::string edges = write_temp("tri.tsv", "# two triangles\n0\t1\n1\t2\n0\t2\n2\t3\n3\t4\n4\t5\n3\t5\n");
  const std::string nodes = write_temp("tri_nodes.tsv",
                                       "# node label split\n0\tcat\ttrain\n1\tcat\ttest\n2\tcat\ttest\n"
                                       "3\tdog\ttest\n4\tdog\ttest\n5\tdog\ttrain\n6\tdog\tnone\n");
  const std::string out = ::testing::TempDir() + "classes.tsv";
  for (const std::string partition : {"", "tree-partition", "red-black", "random-tree", "general"}) {
    const CliRun r = run_cli("--problem label-propagation --graph " + edges + " --labels " + nodes +
                             " --eval-split test --tol 1e-10 --output " + out +
                             (partition.empty() ? "" : " --partition " + partition));
    ASSERT_EQ(r.exit_code, 0) << partition << "\n" << r.output;
    EXPECT_NE(r.output.find("accuracy on test: 1.0000 (4 of 4)"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("1 component(s) without labels (1 nodes) scored by the prior"), std::string::npos)
        << r.output;  // node 6 is isolated
    EXPECT_EQ(last_line(r.output).substr(0, 17), "status=converged ") << r.output;
    std::ifstream in(out);
    std::string line, text;
    while (std::getline(in, line)) text += line + "\n";
    // Node 6 gets the prior (cat 1/2, dog 1/2): the tie goes to the first class.
    EXPECT_EQ(text, "0\tcat\n1\tcat\n2\tcat\n3\tdog\n4\tdog\n5\tdog\n6\tcat\n") << partition;
  }
  const BadCase cases[] = {
      {"--problem label-propagation --graph " + edges, "needs --graph edges.tsv and --labels nodes.tsv"},
      {"--problem label-propagation --graph " + edges + " --labels " + nodes + " --unlabelled-components refuse",
       "component of node 6 (1 nodes)"},
      {"--problem label-propagation --graph " + edges + " --labels " + nodes + " --labelled-split dev",
       "no node has a known label in split 'dev'"},
      {"--problem label-propagation --graph " + edges + " --labels " + nodes + " --lattice 3by2", "--lattice '3by2'"},
      {"--problem label-propagation --graph " + edges + " --labels " + nodes + " --lattice 2x2", "does not have 7 nodes"},
      {"--problem label-propagation --graph " + edges + " --labels " + nodes + " --lattice 7x1 --clamping soft",
       "not lattice neighbours"},  // soft: every node is unknown, and the edge 0-2 skips a cell
      {"--problem label-propagation --graph " + edges + " --labels " + nodes + " --relaxation 2", "relaxation must lie"},
      {"--problem least-squares --graph " + edges, "only for --problem label-propagation"},
      {"--problem label-propagation --graph " + write_temp("neg.tsv", "0 1 -2\n") + " --labels " + nodes,
       "neg.tsv:1: weight -2 must be > 0"},
      {"--problem label-propagation --graph " + edges + " --labels " + nodes + " --partition greedy-tree --selection random",
       "'greedy-tree' goes with selection 'gs'"},
  };
  for (const BadCase& c : cases) {
    const CliRun r = run_cli(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.args << "\n" << r.output;
  }
}

/// A 3 x 4 lattice Laplacian plus identity, through --problem quadratic with --lattice and
/// over-relaxed comb blocks; the solution satisfies Qx = c.
TEST(Cli, QuadraticOnALatticeWithCombBlocks) {
  std::string mtx = "%%MatrixMarket matrix coordinate real symmetric\n12 12 ";
  std::string entries;
  int count = 0;
  for (int col = 0; col < 4; ++col)
    for (int row = 0; row < 3; ++row) {
      const int i = col * 3 + row;
      const int degree = (row > 0) + (row < 2) + (col > 0) + (col < 3);
      entries += std::to_string(i + 1) + " " + std::to_string(i + 1) + " " + std::to_string(degree + 1) + "\n", ++count;
      if (row < 2) entries += std::to_string(i + 2) + " " + std::to_string(i + 1) + " -1\n", ++count;
      if (col < 3) entries += std::to_string(i + 4) + " " + std::to_string(i + 1) + " -1\n", ++count;
    }
  const std::string Q = write_temp("lat.mtx", mtx + std::to_string(count) + "\n" + entries);
  const std::string c = write_temp("lat_c.txt", "1\n0\n0\n0\n2\n0\n0\n0\n0\n-1\n0\n3\n");
  const std::string x = ::testing::TempDir() + "lat_x.txt";
  for (const std::string partition : {"tree-partition", "red-black"}) {
    const CliRun r = run_cli("--problem quadratic --matrix " + Q + " --rhs " + c + " --lattice 3x4 --relaxation 1.5 " +
                             "--tol 1e-12 --partition " + partition + " --output " + x);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    std::ifstream in(x);
    std::vector<double> v(12);
    for (double& vi : v) ASSERT_TRUE(in >> vi);
    const double rhs[12] = {1, 0, 0, 0, 2, 0, 0, 0, 0, -1, 0, 3};
    for (int col = 0; col < 4; ++col)
      for (int row = 0; row < 3; ++row) {
        const int i = col * 3 + row;
        double Qx = v[i];
        for (int j : {row > 0 ? i - 1 : -1, row < 2 ? i + 1 : -1, col > 0 ? i - 3 : -1, col < 3 ? i + 3 : -1})
          if (j >= 0) Qx += v[i] - v[j];
        EXPECT_NEAR(Qx, rhs[i], 1e-9) << partition << " row " << i;
      }
  }
}

TEST(Cli, HelpListsEveryRuleAndTheDefaults) {
  const CliRun r = run_cli("--help");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* word : {"gsq", "lipschitz", "newton", "adaptive", "variable", "Defaults", "least-squares:"})
    EXPECT_NE(r.output.find(word), std::string::npos) << word;
}

}  // namespace

namespace {

/// The exit codes of docs/status_and_errors.md: every solver status exits 0 with the status in
/// the summary line; a bad flag exits with CLI11's code; bad data or a bad combination with 2.
TEST(Cli, ExitCodesFollowTheDocumentedTable) {
  const std::string data = write_temp("codes.svm", kLeastSquares);
  const CliRun limited = run_cli("--problem least-squares --data " + data + " --block-size 1 --tol 0 --max-iter 3");
  EXPECT_EQ(limited.exit_code, 0) << limited.output;
  EXPECT_EQ(last_line(limited.output).rfind("status=max-iterations iterations=3 ", 0), 0u) << limited.output;
  const CliRun timed = run_cli("--problem least-squares --data " + data + " --block-size 1 --tol 0 --max-iter 2000000000 "
                               "--time-limit 0.05");
  EXPECT_EQ(timed.exit_code, 0) << timed.output;
  EXPECT_EQ(last_line(timed.output).rfind("status=time-limit ", 0), 0u) << timed.output;
  EXPECT_EQ(run_cli("--problem least-squares --data " + data + " --seed x").exit_code, 104);        // conversion
  EXPECT_EQ(run_cli("--problem least-squares --data " + data + " --block-size x").exit_code, 105);  // check
  EXPECT_EQ(run_cli("--problem least-squares --data " + data + " --tol -1").exit_code, 105);       // validation
  EXPECT_EQ(run_cli("--data " + data).exit_code, 106);                                             // required
  EXPECT_EQ(run_cli("--problem least-squares --data " + data + " --bogus").exit_code, 109);        // extras
  EXPECT_EQ(run_cli("--problem least-squares --data " + data + " --l1 nan").exit_code, 2);
  EXPECT_EQ(run_cli("--problem least-squares --data " + write_temp("e.svm", "1 0:1\n")).exit_code, 2);
  EXPECT_EQ(run_cli("--help").exit_code, 0);
  const CliRun unwritable = run_cli("--problem least-squares --data " + data + " --block-size 1 --output /nonexistent/dir/x.txt");
  EXPECT_EQ(unwritable.exit_code, 2);
  EXPECT_NE(unwritable.output.find("/nonexistent/dir/x.txt: cannot open for writing"), std::string::npos)
      << unwritable.output;
}

// Built with a sanitizer? GCC says so by __SANITIZE_*__, clang by __has_feature.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SOUTHWELL_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SOUTHWELL_TEST_SANITIZED 1
#endif
#endif

/// Exit code 3 is for what no check can foresee, such as running out of memory: a file naming
/// feature 2e9 needs 8 GB of column pointers under the default ReadLimits, more than the 2 GB
/// address space allowed here. (ASan reserves terabytes of address space, so not under ASan.)
TEST(Cli, OutOfMemoryIsExitCodeThree) {
#ifdef SOUTHWELL_TEST_SANITIZED
  GTEST_SKIP() << "a limited address space does not work with the sanitizers";
#endif
  const std::string data = write_temp("wide.svm", "1 2000000000:1\n");
  const CliRun r = run_cli("--problem least-squares --data " + data, "ulimit -v 2000000; ");
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("southwell-solve: unexpected error:"), std::string::npos) << r.output;
}

}  // namespace
