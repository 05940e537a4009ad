// Caller mistakes are refused before the first iteration with a message naming the culprit.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "southwell/io/readers.hpp"
#include "test_problems.hpp"

namespace southwell::testing {
namespace {

using SparseD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

/// Expects `f` to throw E with a message containing `needle`.
template <class E, class F>
void expect_error(F&& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning '" << needle << "'";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

std::string write_temp(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << content;
  return path;
}

TEST(OptionErrors, ValidateNamesTheField) {
  auto check = [](auto mutate, const std::string& field) {
    SolverOptions o;
    mutate(o);
    expect_error<InvalidArgument>([&] { o.validate(); }, "SolverOptions::" + field);
  };
  check([](SolverOptions& o) { o.block_size = 0; }, "block_size");
  check([](SolverOptions& o) { o.max_iterations = -1; }, "max_iterations");
  check([](SolverOptions& o) { o.tol = -1; }, "tol");
  check([](SolverOptions& o) { o.tol = std::nan(""); }, "tol");
  check([](SolverOptions& o) { o.check_every = -2; }, "check_every");
  check([](SolverOptions& o) { o.time_limit_seconds = 0; }, "time_limit_seconds");
  check([](SolverOptions& o) { o.callback_every = 0; }, "callback_every");
  check([](SolverOptions& o) { o.optimal_value = INFINITY; }, "optimal_value");
  check([](SolverOptions& o) { o.partition = PartitionRule::User; }, "user_blocks");
  check([](SolverOptions& o) { o.user_blocks = {{0}}; }, "user_blocks");
}

TEST(OptionErrors, UnknownRuleNamesListTheValidOnes) {
  expect_error<InvalidArgument>([] { parse_selection_rule("gauss"); }, "valid names: cyclic, random, lipschitz, gs, gsl, gsd, gsq");
  expect_error<InvalidArgument>([] { parse_partition_rule("blocks"); }, "valid names: order, sorted, avg");
  expect_error<InvalidArgument>([] { parse_update_rule("fast"); }, "valid names: gradient");
  EXPECT_EQ(parse_selection_rule("gsq"), SelectionRule::GSQ);
  EXPECT_EQ(parse_partition_rule("avg"), PartitionRule::Average);
}

TEST(ProblemErrors, InvalidCombinationsAndShapes) {
  const MatD A = random_design(71, 10, 6);
  SparseD As = A.sparseView();
  As.makeCompressed();
  VecD y = VecD::Ones(10);
  GlmProblem<SparseDesign<double, int>, LogisticLoss<double>> logistic{SparseDesign<double, int>(As), LogisticLoss<double>(y)};
  SolverOptions o;
  o.block_size = 2;
  o.update = UpdateRule::Exact;
  VecD x;
  expect_error<InvalidArgument>([&] { solve(logistic, o, x); }, "'exact' needs a quadratic objective");
  o.update = UpdateRule::Matrix;
  o.block_size = 7;
  expect_error<InvalidArgument>([&] { solve(logistic, o, x); }, "block_size = 7 exceeds");
  o.block_size = 2;
  x = VecD::Zero(5);
  expect_error<InvalidArgument>([&] { solve(logistic, o, x); }, "x has size 5");
  x = VecD::Zero(6);
  x[2] = NAN;
  expect_error<InvalidArgument>([&] { solve(logistic, o, x); }, "x0 has a non-finite entry");
  o.partition = PartitionRule::User;
  o.user_blocks = {{0, 1}, {1, 2, 3, 4, 5}};
  x = VecD();
  expect_error<InvalidArgument>([&] { solve(logistic, o, x); }, "more than one user block");

  expect_error<InvalidArgument>([&] { LogisticLoss<double>(VecD::Constant(3, 2.0)); }, "must be -1 or +1");
  expect_error<InvalidArgument>([&] { SoftmaxLoss<double>({0, 1, 3}, 3); }, "outside 0..2");
  expect_error<InvalidArgument>([&] { SoftmaxLoss<double>({0, 0}, 1); }, "at least 2 classes");
  expect_error<InvalidArgument>([&] { SquaredLoss<double>(VecD::Constant(2, NAN)); }, "not finite");
  expect_error<InvalidArgument>(
      [&] { GlmProblem<SparseDesign<double, int>, SquaredLoss<double>>(SparseDesign<double, int>(As), SquaredLoss<double>(VecD::Zero(9))); },
      "10 rows but there are 9 targets");
  expect_error<InvalidArgument>(
      [&] { GlmProblem<SparseDesign<double, int>, SquaredLoss<double>>(SparseDesign<double, int>(As), SquaredLoss<double>(VecD::Zero(10)), -1.0); },
      "l2 must be");
  SparseD bad = As;
  bad.valuePtr()[3] = INFINITY;
  expect_error<InvalidArgument>([&] { SparseDesign<double, int>{bad}; }, "is not finite");
}

TEST(ProblemErrors, QuadraticMatrixChecks) {
  Eigen::SparseMatrix<double> rect(2, 3);
  rect.insert(0, 0) = 1;
  rect.makeCompressed();
  expect_error<InvalidArgument>([&] { QuadraticProblem<double, int>(rect, VecD::Zero(2)); }, "Q must be square");
  Eigen::SparseMatrix<double> asym(2, 2);
  asym.insert(0, 0) = 2;
  asym.insert(1, 1) = 2;
  asym.insert(0, 1) = 1;
  asym.makeCompressed();
  expect_error<InvalidArgument>([&] { QuadraticProblem<double, int>(asym, VecD::Zero(2)); }, "symmetric");
  Eigen::SparseMatrix<double> zero_diag(2, 2);
  zero_diag.insert(0, 0) = 1;
  zero_diag.makeCompressed();
  expect_error<InvalidArgument>([&] { QuadraticProblem<double, int>(zero_diag, VecD::Zero(2)); }, "Q(1, 1) must be positive");
  Eigen::SparseMatrix<double> ok(2, 2);
  ok.insert(0, 0) = 1;
  ok.insert(1, 1) = 1;
  ok.makeCompressed();
  expect_error<InvalidArgument>([&] { QuadraticProblem<double, int>(ok, VecD::Zero(3)); }, "c has size 3");
}

TEST(ProblemErrors, ForeignCscStorageIsCheckedBeforeUse) {
  // Column storage owned elsewhere (scipy's arrays): every index is checked before any is used.
  using LongDesign = SparseDesign<double, long>;
  using View = LongDesign::View;
  const std::vector<double> values = {1.0, 2.0, 3.0};
  const std::vector<long> outer = {0, 2, 3};
  const std::vector<long> good_rows = {0, 2, 1};
  const LongDesign design(View(3, 2, 3, outer.data(), good_rows.data(), values.data()));
  EXPECT_EQ(design.values(), values.data());  // read in place
  EXPECT_EQ(design.col_nnz(0), 2);
  const std::vector<long> outside = {0, 3, 1};
  EXPECT_THROW(LongDesign(View(3, 2, 3, outer.data(), outside.data(), values.data())), InvalidArgument);
  const std::vector<long> unsorted = {2, 0, 1};
  EXPECT_THROW(LongDesign(View(3, 2, 3, outer.data(), unsorted.data(), values.data())), InvalidArgument);
  const std::vector<long> decreasing = {0, 3, 2};
  EXPECT_THROW(LongDesign(View(3, 2, 3, decreasing.data(), good_rows.data(), values.data())),
               InvalidArgument);
}

TEST(ProblemErrors, CscChecksAgreeWithAColumnByColumnReference) {
  // Foreign arrays must be accepted exactly when a plain per-column test accepts them: random
  // small storages with empty columns, descents across column boundaries (allowed), duplicates,
  // unsorted rows, NaN, infinity and indices outside the rows.
  using Design = SparseDesign<double, int>;
  std::mt19937 rng(7);
  int accepted = 0, refused = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    const int rows = 1 + int(rng() % 5), cols = 1 + int(rng() % 6);
    std::vector<int> outer(std::size_t(cols) + 1, 0), inner;
    std::vector<double> values;
    for (int j = 0; j < cols; ++j) {
      const int count = int(rng() % 4);
      for (int k = 0; k < count; ++k) {
        inner.push_back(int(rng() % std::uint32_t(rows + 1)) - (rng() % 16 == 0 ? rows + 1 : 0));  // sometimes < 0
        values.push_back(rng() % 50 == 0 ? std::nan("") : rng() % 50 == 0 ? INFINITY : 1.0 + double(k));
      }
      outer[std::size_t(j) + 1] = int(inner.size());
    }
    // Sort most columns so that valid storages are common.
    if (rng() % 3 != 0)
      for (int j = 0; j < cols; ++j) std::sort(inner.begin() + outer[std::size_t(j)], inner.begin() + outer[std::size_t(j) + 1]);
    bool valid = true;
    for (int j = 0; j < cols; ++j)
      for (int p = outer[std::size_t(j)]; p < outer[std::size_t(j) + 1]; ++p)
        valid = valid && inner[std::size_t(p)] >= 0 && inner[std::size_t(p)] < rows && std::isfinite(values[std::size_t(p)]) &&
                (p == outer[std::size_t(j)] || inner[std::size_t(p)] > inner[std::size_t(p) - 1]);
    inner.push_back(0);  // data() must not be null for an empty matrix
    values.push_back(0);
    bool threw = false;
    try {
      Design(Design::View(rows, cols, outer.back(), outer.data(), inner.data(), values.data()));
    } catch (const InvalidArgument&) {
      threw = true;
    }
    EXPECT_EQ(threw, !valid) << "trial " << trial;
    (valid ? accepted : refused) += 1;
  }
  EXPECT_GT(accepted, 500);  // both outcomes well represented
  EXPECT_GT(refused, 500);
}

TEST(ReaderErrors, LibsvmNamesFileAndLine) {
  const std::string good = write_temp("good.svm", "1 1:0.5 3:2\n# comment\n-1 2:1e-3 # trailing\n");
  const io::LibsvmData d = io::read_libsvm(good);
  EXPECT_EQ(d.X.rows(), 2);
  EXPECT_EQ(d.X.cols(), 3);
  EXPECT_EQ(d.X.coeff(0, 2), 2.0);
  EXPECT_EQ(d.line_of_row[1], 3);
  const std::pair<std::string, std::string> bad[] = {
      {"1 1:0.5\n1 2:abc\n", ":2: bad feature value 'abc'"},
      {"1 0:1\n", ":1: feature index 0 must be >= 1"},
      {"1 3:1 2:1\n", ":1: feature indices must increase"},
      {"1 1:1\n0 4\n", ":2: expected index:value"},
      {"1 1:nan\n", "is not finite"},
      {"1 1:inf\n", "is not finite"},
      {"x 1:1\n", ":1: bad label 'x'"},
      {"\n\n", "no samples"},
  };
  for (const auto& [content, message] : bad) {
    const std::string& text = content;  // a lambda may not capture a structured binding before C++20
    expect_error<ParseError>([&] { io::read_libsvm(write_temp("bad.svm", text)); }, message);
  }
  expect_error<ParseError>([&] { io::read_libsvm("/nonexistent/file.svm"); }, "cannot open");
}

TEST(ReaderErrors, MatrixMarketNamesFileAndLine) {
  const std::string sym = write_temp("sym.mtx",
                                     "%%MatrixMarket matrix coordinate real symmetric\n% c\n2 2 3\n1 1 4\n2 1 -1\n2 2 3\n");
  const io::SparseMatrixD Q = io::read_matrix_market(sym);
  EXPECT_EQ(Q.coeff(0, 1), -1);
  EXPECT_EQ(Q.coeff(1, 0), -1);
  EXPECT_EQ(Q.coeff(1, 1), 3);
  const std::pair<std::string, std::string> bad[] = {
      {"%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n", ":1: only the 'coordinate' format"},
      {"hello\n", ":1: not a Matrix Market file"},
      {"%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n", ":3: entry (3, 1) is outside"},
      {"%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n", "1 entries, but 2 declared"},
      {"%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 x\n", ":3: bad value 'x'"},
      {"%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 nan\n", "is not finite"},
      {"%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n", "lower triangle"},
      {"%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n1 1 2\n", "duplicate entries"},
  };
  for (const auto& [content, message] : bad) {
    const std::string& text = content;  // a lambda may not capture a structured binding before C++20
    expect_error<ParseError>([&] { io::read_matrix_market(write_temp("bad.mtx", text)); }, message);
  }
}

TEST(ReaderErrors, VectorFile) {
  EXPECT_EQ(io::read_vector(write_temp("v.txt", "1\n\n# x\n-2.5e3\n")), (std::vector<double>{1, -2500}));
  expect_error<ParseError>([&] { io::read_vector(write_temp("v.txt", "1\n2 3\n")); }, ":2: expected one number per line");
  expect_error<ParseError>([&] { io::read_vector(write_temp("v.txt", "1\ninf\n")); }, ":2: value 'inf' is not finite");
}

/// A few bytes must not be able to ask for gigabytes: sizes above ReadLimits::max_dimension are a
/// ParseError before anything is allocated (found while writing the fuzz targets).
TEST(ReaderErrors, SizeLimitsAreCheckedBeforeAllocating) {
  io::ReadLimits limits;
  limits.max_dimension = 1000;
  std::istringstream huge_feature("1 1:1 2000000000:1\n");
  expect_error<ParseError>([&] { io::read_libsvm(huge_feature, "f.svm", limits); },
                           "f.svm:1: feature index 2000000000 exceeds the limit 1000");
  std::istringstream huge_matrix("%%MatrixMarket matrix coordinate real general\n5000000000 2 1\n1 1 1\n");
  expect_error<ParseError>([&] { io::read_matrix_market(huge_matrix, "m.mtx"); }, "m.mtx:2: 5000000000 x 2 exceeds");
  std::istringstream too_many("%%MatrixMarket matrix coordinate real general\n2 2 999999999999\n1 1 1\n");
  expect_error<ParseError>([&] { io::read_matrix_market(too_many, "m.mtx", limits); }, "the matrix has only 4 positions");
  std::istringstream big_node("0 5000\n");
  expect_error<ParseError>([&] { io::read_edge_list(big_node, "g.tsv", 0, limits); }, "g.tsv:1: node id 5000 exceeds");
  std::istringstream graph("0 1\n");
  EXPECT_THROW(io::read_edge_list(graph, "g.tsv", 5000, limits), InvalidArgument);
  // Within the limits, the stream readers agree with the path readers.
  std::istringstream small("1 1:0.5 3:2\n-1 2:1e-3\n");
  const io::LibsvmData d = io::read_libsvm(small, "s.svm", limits);
  EXPECT_EQ(d.X.cols(), 3);
  EXPECT_EQ(d.X.coeff(1, 1), 1e-3);
}

}  // namespace
}  // namespace southwell::testing
