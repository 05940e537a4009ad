// The working-set proximal Newton solver and regularisation paths, checked against optimality
// conditions computed here with dense Eigen (never with the solver's own gradient), against row
// duplication for sample weights, and for thread-count independence.
#include <gtest/gtest.h>

#include <cmath>

#include "southwell/solver/batch.hpp"
#include "southwell/solver/regularization_path.hpp"
#include "southwell/solver/working_set_solver.hpp"
#include "test_problems.hpp"

namespace southwell::testing {
namespace {

using Dense = DenseDesign<double>;
using Sparse = SparseDesign<double>;

/// Per-row loss derivatives u_i(z) for the three losses, written out here.
MatD loss_derivatives(Family family, const MatD& Z, const VecD& y) {
  MatD U(Z.rows(), Z.cols());
  for (Index i = 0; i < Z.rows(); ++i) {
    if (family == Family::LeastSquares) {
      U(i, 0) = Z(i, 0) - y[i];
    } else if (family == Family::Logistic) {
      U(i, 0) = -y[i] / (1 + std::exp(y[i] * Z(i, 0)));
    } else {
      const Eigen::RowVectorXd e = (Z.row(i).array() - Z.row(i).maxCoeff()).exp();
      U.row(i) = e / e.sum();
      U(i, Index(y[i])) -= 1;
    }
  }
  return U;
}

struct Penalty {
  double l1 = 0, l2 = 0;
  VecD factors;  // empty: all 1
  Index free = 0;
  bool nonnegative = false;
  VecD weights;  // sample weights, empty: all 1
};

/// max_j dist(-grad_j f, subdifferential) at X (p x K), relative to max |grad f(0)|.
double relative_kkt(Family family, const MatD& A, const VecD& y, Index K, const VecD& x, const Penalty& pen) {
  const Index p = A.cols();
  const MatD X = Eigen::Map<const Eigen::Matrix<double, -1, -1, Eigen::RowMajor>>(x.data(), p, K);
  const VecD w = pen.weights.size() ? pen.weights : VecD::Ones(A.rows());
  auto gradient = [&](const MatD& at) {
    MatD U = loss_derivatives(family, A * at, y);
    U = w.asDiagonal() * U;
    MatD G = A.transpose() * U;
    for (Index f = 0; f < p - pen.free; ++f) G.row(f) += pen.l2 * (pen.factors.size() ? pen.factors[f] : 1.0) * at.row(f);
    return G;
  };
  const MatD G = gradient(X), G0 = gradient(MatD::Zero(p, K));
  double worst = 0;
  for (Index f = 0; f < p; ++f)
    for (Index c = 0; c < K; ++c) {
      const bool is_free = f >= p - pen.free;
      const double l1 = is_free ? 0 : pen.l1 * (pen.factors.size() ? pen.factors[f] : 1.0);
      const double g = G(f, c), v = X(f, c);
      double viol;
      if (v > 0) viol = std::abs(g + l1);
      else if (v < 0) viol = std::abs(g - l1);
      else if (pen.nonnegative && !is_free) viol = std::max(-g - l1, 0.0);
      else viol = std::max(std::abs(g) - l1, 0.0);
      if (pen.nonnegative && !is_free) EXPECT_GE(v, 0.0);
      worst = std::max(worst, viol);
    }
  return worst / G0.cwiseAbs().maxCoeff();
}

/// `pen` at one point of an elastic-net path: l1 = strength x l1_ratio, l2 = the rest.
Penalty at_strength(Penalty pen, double strength, double l1_ratio) {
  pen.l1 = strength * l1_ratio;
  pen.l2 = strength * (1 - l1_ratio);
  return pen;
}

ElasticNetPenalty<double> to_solver(const Penalty& pen) {
  ElasticNetPenalty<double> p;
  p.l1 = pen.l1;
  p.l2 = pen.l2;
  p.factors = pen.factors;
  p.free_features = pen.free;
  p.nonnegative = pen.nonnegative;
  return p;
}

VecD labels(Family family, const MatD& A, unsigned seed, Index K) {
  const VecD noise = random_vector(seed, A.rows());
  const VecD signal = A * random_vector(seed + 1, A.cols()) / std::sqrt(double(A.cols()));
  VecD y(A.rows());
  for (Index i = 0; i < A.rows(); ++i) {
    const double s = signal[i] + 0.5 * noise[i];
    if (family == Family::LeastSquares) y[i] = s;
    else if (family == Family::Logistic) y[i] = s > 0 ? 1 : -1;
    else y[i] = double(std::min<Index>(K - 1, Index(std::floor(std::abs(s) * K / 2)) % K));
  }
  return y;
}

template <class Design>
VecD solve(Family family, const Design& design, const VecD& y, Index K, const Penalty& pen,
           WorkingSetOptions options, WorkingSetSummary* out = nullptr) {
  VecD x = VecD::Zero(design.cols() * K);
  WorkingSetSummary summary;
  if (family == Family::LeastSquares) {
    WorkingSetSolver<Design, SquaredLoss<double>> solver(design, SquaredLoss<double>(y), to_solver(pen), pen.weights);
    summary = solver.solve(x, options);
  } else if (family == Family::Logistic) {
    WorkingSetSolver<Design, LogisticLoss<double>> solver(design, LogisticLoss<double>(y), to_solver(pen), pen.weights);
    summary = solver.solve(x, options);
  } else {
    std::vector<Index> classes(y.data(), y.data() + y.size());
    WorkingSetSolver<Design, SoftmaxLoss<double>> solver(design, SoftmaxLoss<double>(classes, K), to_solver(pen),
                                                         pen.weights);
    summary = solver.solve(x, options);
  }
  EXPECT_EQ(summary.status, Status::Converged) << summary.message;
  if (out) *out = summary;
  return x;
}

double lambda_max(Family family, const MatD& A, const VecD& y, Index K) {
  const MatD U = loss_derivatives(family, MatD::Zero(A.rows(), K), y);
  return (A.transpose() * U).cwiseAbs().maxCoeff();
}

struct Case {
  Family family;
  Index K;
  double l1_fraction, l2;
  bool intercept, nonnegative, factors, weights;
};

class WorkingSetKkt : public ::testing::TestWithParam<Case> {};

TEST_P(WorkingSetKkt, MeetsKktConditionsOnDenseAndSparseDesigns) {
  const Case c = GetParam();
  const Index m = 120, p = 300;
  MatD A = random_design(7, m, p, 0.2);
  if (c.intercept) {
    A.conservativeResize(m, p + 1);
    A.col(p).setOnes();
  }
  const VecD y = labels(c.family, A.leftCols(p), 11, c.K);
  Penalty pen;
  pen.l1 = c.l1_fraction * lambda_max(c.family, A.leftCols(p), y, c.K);
  pen.l2 = c.l2;
  pen.free = c.intercept ? 1 : 0;
  pen.nonnegative = c.nonnegative;
  if (c.factors) pen.factors = (random_vector(3, A.cols()).array().abs() + 0.2).matrix();
  if (c.weights) pen.weights = (random_vector(5, m).array().abs() * 2).matrix();
  WorkingSetOptions options;
  options.tol = 1e-9;
  WorkingSetSummary summary;
  const VecD x_dense = solve(c.family, Dense(A), y, c.K, pen, options, &summary);
  EXPECT_LE(relative_kkt(c.family, A, y, c.K, x_dense, pen), 1e-8);
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD x_sparse = solve(c.family, Sparse(S), y, c.K, pen, options);
  EXPECT_LE(relative_kkt(c.family, A, y, c.K, x_sparse, pen), 1e-8);
  if (c.l1_fraction > 0) EXPECT_LT(summary.working_set_size, A.cols()) << "the working set never shrank the problem";
}

INSTANTIATE_TEST_SUITE_P(
    Problems, WorkingSetKkt,
    ::testing::Values(Case{Family::LeastSquares, 1, 0.1, 0, false, false, false, false},
                      Case{Family::LeastSquares, 1, 0.01, 0.5, true, false, true, true},
                      Case{Family::LeastSquares, 1, 0.05, 0, false, true, false, false},
                      Case{Family::LeastSquares, 1, 0, 1.0, true, false, false, false},
                      Case{Family::Logistic, 1, 0.05, 0, false, false, false, false},
                      Case{Family::Logistic, 1, 0.02, 0.1, true, false, true, true},
                      Case{Family::Logistic, 1, 0, 1.0, true, false, false, false},
                      Case{Family::Logistic, 1, 0.1, 0, true, true, false, false},
                      Case{Family::Softmax, 3, 0.05, 0, true, false, false, false},
                      Case{Family::Softmax, 4, 0.02, 0.2, false, false, true, true},
                      Case{Family::Softmax, 3, 0, 1.0, true, false, false, false}),
    [](const auto& info) {
      const Case& c = info.param;
      std::string name = family_name(c.family);
      name += c.l1_fraction > 0 ? (c.l2 > 0 ? "ElasticNet" : "L1") : "L2";
      if (c.intercept) name += "Intercept";
      if (c.nonnegative) name += "Nonnegative";
      if (c.factors) name += "Factors";
      if (c.weights) name += "Weights";
      return name;
    });

/// Wide problems (40 rows, 400 features): smooth models whose Newton steps are solved in the
/// row space (Woodbury), with free features handled by their Schur complement.
struct Wide {
  static constexpr Index m = 40, p = 400;
  MatD A;
  Penalty pen;
  Wide(bool intercept, bool factors, bool weights) : A(random_design(17, m, p, 0.3)) {
    if (intercept) {
      A.conservativeResize(m, p + 1);
      A.col(p).setOnes();
      pen.free = 1;
    }
    if (factors) pen.factors = (random_vector(3, A.cols()).array().abs() + 0.2).matrix();
    if (weights) {  // a weight of 0 takes a row out of the problem
      pen.weights = (random_vector(5, m).array().abs() * 2).matrix();
      pen.weights[3] = 0;
    }
  }
  /// The ridge solution from the normal equations (A' S A + L) x = A' S y, formed densely.
  VecD ridge(const VecD& y, double l2) const {
    const VecD s = pen.weights.size() ? pen.weights : VecD::Ones(m);
    MatD normal = A.transpose() * s.asDiagonal() * A;
    for (Index f = 0; f < A.cols() - pen.free; ++f) normal(f, f) += l2 * (pen.factors.size() ? pen.factors[f] : 1.0);
    return normal.ldlt().solve(A.transpose() * (s.asDiagonal() * y));
  }
};

TEST(WorkingSet, RowSpaceNewtonStepsMeetKktOnWideLogisticProblems) {
  for (const bool intercept : {false, true})
    for (const bool extras : {false, true}) {
      Wide wide(intercept, extras, extras);
      const VecD y = labels(Family::Logistic, wide.A.leftCols(Wide::p), 23, 1);
      wide.pen.l2 = 0.5;
      WorkingSetOptions options;
      options.tol = 1e-10;
      options.dual = WorkingSetOptions::Dual::Never;
      for (const bool sparse : {false, true}) {
        WorkingSetSummary summary;
        const Eigen::SparseMatrix<double> S = wide.A.sparseView();
        const VecD x = sparse ? solve(Family::Logistic, Sparse(S), y, 1, wide.pen, options, &summary)
                              : solve(Family::Logistic, Dense(wide.A), y, 1, wide.pen, options, &summary);
        const std::string name = std::string(sparse ? "sparse" : "dense") + (intercept ? " intercept" : "") +
                                 (extras ? " factors weights" : "");
        EXPECT_GT(summary.row_space_steps, 0) << name;
        EXPECT_LE(relative_kkt(Family::Logistic, wide.A, y, 1, x, wide.pen), 1e-10) << name;
        // Exact Newton steps: a handful, not the dozens of products conjugate gradients take.
        EXPECT_LE(summary.newton_steps, 12) << name;
      }
    }
}

TEST(WorkingSet, RowSpaceNewtonSolvesWideRidgeAlongAPath) {
  Wide wide(true, true, true);
  const VecD y = random_vector(29, Wide::m) * 3;
  WorkingSetSolver<Dense, SquaredLoss<double>> solver(Dense(wide.A), SquaredLoss<double>(y), to_solver(wide.pen),
                                                      wide.pen.weights);
  WorkingSetOptions options;
  options.tol = 1e-12;
  const std::vector<double> strengths = {100, 10, 1, 0.1};
  VecD x = VecD::Zero(wide.A.cols());
  Index points = 0;
  solve_path(solver, strengths, 0.0, x, options, true, [&](Index k, const VecD& point, const WorkingSetSummary& summary) {
    EXPECT_EQ(summary.status, Status::Converged) << summary.message;
    EXPECT_GT(summary.row_space_steps, 0);
    const VecD expected = wide.ridge(y, strengths[std::size_t(k)]);
    EXPECT_LE((point - expected).cwiseAbs().maxCoeff(), 1e-8 * expected.cwiseAbs().maxCoeff()) << "strength " << strengths[std::size_t(k)];
    ++points;
    return false;
  });
  EXPECT_EQ(points, 4);
  // New penalty factors: the row Gram matrix, which holds them, is formed again.
  auto penalty = solver.penalty();
  penalty.l2 = 2;
  wide.pen.factors = (random_vector(31, wide.A.cols()).array().abs() + 0.5).matrix();
  penalty.factors = wide.pen.factors;
  solver.set_penalty(penalty);
  x.setZero();
  const WorkingSetSummary summary = solver.solve(x, options);
  EXPECT_EQ(summary.status, Status::Converged) << summary.message;
  const VecD expected = wide.ridge(y, 2);
  EXPECT_LE((x - expected).cwiseAbs().maxCoeff(), 1e-8 * expected.cwiseAbs().maxCoeff());
}

/// A sparse softmax problem whose working sets grow past the Gram matrix's size: their Gram
/// matrix would be denser than the columns (n^2 > 4 K nnz(A), n = |W| K), so they are solved by
/// coordinate descent over the columns.
struct WideSoftmax {
  static constexpr Index K = 4;
  MatD A = random_design(43, 300, 900, 0.02);
  VecD y = labels(Family::Softmax, A, 5, K);
  Eigen::SparseMatrix<double> S = A.sparseView();
  Penalty pen;
  WideSoftmax() { pen.l1 = 0.02 * lambda_max(Family::Softmax, A, y, K); }
  bool reached_columns(const WorkingSetSummary& summary) const {
    const double n = double(summary.working_set_size * K);
    return n * n > 4.0 * double(S.nonZeros()) * K;
  }
};

TEST(WorkingSet, SparseSoftmaxWithManyFeaturesSolvedOverColumnsMeetsKkt) {
  // Over the columns, coordinates that sit at zero rest between exact checks.
  const WideSoftmax problem;
  WorkingSetOptions options;
  options.tol = 1e-9;
  WorkingSetSummary summary;
  const VecD x = solve(Family::Softmax, Sparse(problem.S), problem.y, problem.K, problem.pen, options, &summary);
  ASSERT_TRUE(problem.reached_columns(summary)) << "the test must reach the column solver";
  EXPECT_LE(relative_kkt(Family::Softmax, problem.A, problem.y, problem.K, x, problem.pen), 1e-8);
  EXPECT_EQ(summary.status, Status::Converged);
}

TEST(WorkingSet, SoftmaxNewtonStepsOverColumnsConvergeSuperlinearly) {
  // The column solver's model for the softmax carries each row's full K x K Hessian, so its steps
  // are Newton steps: with the model solved closely, each one near the solution cuts the KKT
  // violation (computed here from the data at every accepted iterate) by a large factor, and a
  // handful take it from 1e-3 to 1e-10. With only the Hessian's diagonal the steps converge
  // linearly (hundreds of steps at ratios near 1 on this problem).
  const WideSoftmax problem;
  const MatD& A = problem.A;
  const VecD& y = problem.y;
  const Penalty& pen = problem.pen;
  const Index K = problem.K;
  WorkingSetOptions options;
  options.tol = 1e-11;
  options.max_model_epochs = 1000;
  options.inner_tolerance = 1e-4;  // so that an outer iteration holds several Newton steps
  std::vector<VecD> iterates;
  double last_objective = std::numeric_limits<double>::quiet_NaN();
  options.callback = [&](const IterationInfo& info) {
    if (!(info.objective == last_objective)) iterates.push_back(*static_cast<const VecD*>(info.x));
    last_objective = info.objective;
    return false;
  };
  WorkingSetSummary summary;
  const VecD x = solve(Family::Softmax, Sparse(problem.S), y, K, pen, options, &summary);
  ASSERT_TRUE(problem.reached_columns(summary)) << "the test must reach the column solver";
  iterates.push_back(x);
  double worst_ratio = 0;
  Index local_steps = 0;
  double before = relative_kkt(Family::Softmax, A, y, K, iterates.front(), pen);
  for (std::size_t k = 1; k < iterates.size(); ++k) {
    const double after = relative_kkt(Family::Softmax, A, y, K, iterates[k], pen);
    if (before < 1e-3 && after > 1e-10) {
      worst_ratio = std::max(worst_ratio, after / before);
      ++local_steps;
    }
    before = after;
  }
  ASSERT_GE(local_steps, 1);
  EXPECT_LE(local_steps, 8);
  EXPECT_LE(worst_ratio, 0.2);
  EXPECT_LE(relative_kkt(Family::Softmax, A, y, K, x, pen), 1e-10);
}

/// Newton's method with the exact Hessian and Armijo backtracking, written out with dense Eigen:
/// the steps it takes from 0 to a relative KKT violation of `tol` on l2-regularised logistic
/// regression.
Index dense_newton_steps(const MatD& A, const VecD& y, double l2, double tol) {
  auto objective = [&](const VecD& x) {
    const VecD z = A * x;
    double f = 0.5 * l2 * x.squaredNorm();
    for (Index i = 0; i < A.rows(); ++i) {
      const double t = -y[i] * z[i];
      f += std::max(t, 0.0) + std::log1p(std::exp(-std::abs(t)));
    }
    return f;
  };
  VecD x = VecD::Zero(A.cols());
  double reference = 0;
  for (Index steps = 0;; ++steps) {
    const VecD z = A * x;
    VecD u(A.rows()), h(A.rows());
    for (Index i = 0; i < A.rows(); ++i) {
      const double sigma = 1 / (1 + std::exp(y[i] * z[i]));
      u[i] = -y[i] * sigma;
      h[i] = sigma * (1 - sigma);
    }
    const VecD g = A.transpose() * u + l2 * x;
    if (steps == 0) reference = g.cwiseAbs().maxCoeff();
    if (g.cwiseAbs().maxCoeff() <= tol * reference || steps == 100) return steps;
    const MatD H = A.transpose() * h.asDiagonal() * A + l2 * MatD::Identity(A.cols(), A.cols());
    const VecD d = -H.ldlt().solve(g);
    const double f = objective(x);
    double t = 1;
    while (objective(x + t * d) > f + 1e-4 * t * g.dot(d) && t > 1e-10) t /= 2;
    x += t * d;
  }
}

TEST(WorkingSet, LogisticNewtonStepsWithAnUpdatedGramMatrixAreNewtonSteps) {
  // A Newton step for the logistic loss re-sums the Gram matrix A' H A only over the rows whose
  // curvature moved by more than a fraction of the step's forcing term; the rows kept make the
  // model's Hessian wrong by at most that fraction, which shrinks near the solution. The steps
  // must still converge like Newton's: no more than exact Newton's with one step to spare (with
  // a fixed relative error of 0.15 instead: 9 steps where Newton takes 6 or 7).
  for (const unsigned seed : {61u, 62u}) {
    // More rows than features, 60 features: the model is solved on the Gram matrix.
    const MatD A = random_design(seed, 600, 60, 0.3);
    const Eigen::SparseMatrix<double> S = A.sparseView();
    const VecD y = labels(Family::Logistic, A, seed + 10, 1);
    for (const double l2 : {1.0, 0.01}) {
      Penalty pen;
      pen.l2 = l2;
      WorkingSetOptions options;
      options.tol = 1e-8;
      WorkingSetSummary summary;
      const VecD x = solve(Family::Logistic, Sparse(S), y, 1, pen, options, &summary);
      const Index newton = dense_newton_steps(A, y, l2, 1e-8);
      ASSERT_LT(newton, 100) << "the reference must converge";
      EXPECT_LE(summary.newton_steps, newton + 1) << "l2 " << l2;
      EXPECT_LE(relative_kkt(Family::Logistic, A, y, 1, x, pen), 1e-7) << "l2 " << l2;
    }
  }
}

TEST(WorkingSet, EmptyColumnsWithNonzeroStartsGoToZero) {
  // The full passes skip features whose column is empty, unless they start away from zero: those
  // must still be moved to 0 (their only term is the penalty) and reported with gradient 0.
  MatD A = random_design(51, 80, 40, 0.2);
  for (Index f : {0, 7, 8, 39}) A.col(f).setZero();
  const Eigen::SparseMatrix<double> S = A.sparseView();
  for (Family family : {Family::LeastSquares, Family::Logistic}) {
    const VecD y = labels(family, A, 9, 1);
    for (bool with_l1 : {true, false}) {
      Penalty pen;
      pen.l1 = with_l1 ? 0.05 * lambda_max(family, A, y, 1) : 0.0;
      pen.l2 = with_l1 ? 0.0 : 0.5;
      VecD x = VecD::Zero(40);
      x[7] = 2.5;
      x[39] = -1.0;
      x[3] = 0.5;
      WorkingSetOptions options;
      options.tol = 1e-10;
      WorkingSetSummary summary;
      VecD gradient;
      if (family == Family::LeastSquares) {
        WorkingSetSolver<Sparse, SquaredLoss<double>> solver(Sparse(S), SquaredLoss<double>(y), to_solver(pen));
        summary = solver.solve(x, options);
        gradient = solver.gradient();
      } else {
        WorkingSetSolver<Sparse, LogisticLoss<double>> solver(Sparse(S), LogisticLoss<double>(y), to_solver(pen));
        summary = solver.solve(x, options);
        gradient = solver.gradient();
      }
      EXPECT_EQ(summary.status, Status::Converged) << summary.message;
      for (Index f : {0, 7, 8, 39}) {
        // l1: exactly 0 (soft thresholding); l2 alone: 0 to the tolerance, gradient l2 x.
        if (with_l1) EXPECT_EQ(x[f], 0.0) << "feature " << f;
        else EXPECT_LE(std::abs(x[f]), 1e-10) << "feature " << f;
        EXPECT_NEAR(gradient[f], pen.l2 * x[f], 1e-15) << "feature " << f;
      }
      EXPECT_LE(relative_kkt(family, A, y, 1, x, pen), 1e-9);
    }
  }
}

TEST(WorkingSet, IntegerSampleWeightsEqualDuplicatedRows) {
  const MatD A = random_design(21, 60, 80, 0.3);
  const VecD y = labels(Family::Logistic, A, 2, 1);
  VecD weights(60);
  for (Index i = 0; i < 60; ++i) weights[i] = double(i % 3);  // 0, 1 or 2 copies
  MatD B(int(weights.sum()), 80);
  VecD z(B.rows());
  for (Index i = 0, r = 0; i < 60; ++i)
    for (int k = 0; k < int(weights[i]); ++k, ++r) {
      B.row(r) = A.row(i);
      z[r] = y[i];
    }
  Penalty weighted;
  weighted.l1 = 0.05 * lambda_max(Family::Logistic, A, y, 1);
  weighted.weights = weights;
  Penalty duplicated = weighted;
  duplicated.weights = VecD();
  WorkingSetOptions options;
  options.tol = 1e-11;
  const VecD a = solve(Family::Logistic, Dense(A), y, 1, weighted, options);
  const VecD b = solve(Family::Logistic, Dense(B), z, 1, duplicated, options);
  EXPECT_LE((a - b).cwiseAbs().maxCoeff(), 1e-7 * std::max(1.0, b.cwiseAbs().maxCoeff()));
}

TEST(WorkingSet, LassoDualityGapClosesAtTheSolution) {
  // The duality gap of ½||Ax − b||² + λ||x||₁ with the rescaled residual as dual point (written
  // here from the definitions) bounds the suboptimality.
  const MatD A = random_design(31, 80, 200, 0.3);
  const VecD b = labels(Family::LeastSquares, A, 4, 1);
  Penalty pen;
  pen.l1 = 0.02 * lambda_max(Family::LeastSquares, A, b, 1);
  WorkingSetOptions options;
  options.tol = 1e-10;
  const VecD x = solve(Family::LeastSquares, Dense(A), b, 1, pen, options);
  const VecD r = b - A * x;
  const double primal = 0.5 * r.squaredNorm() + pen.l1 * x.lpNorm<1>();
  const VecD theta = r / std::max(1.0, (A.transpose() * r).cwiseAbs().maxCoeff() / pen.l1);
  const double dual = 0.5 * b.squaredNorm() - 0.5 * (b - theta).squaredNorm();
  EXPECT_LE(primal - dual, 1e-8 * primal);
}

TEST(WorkingSet, GapSafeScreeningRemovesFeaturesAndKeepsTheSolution) {
  // Features removed by the gap-safe test must be zero at the optimum: the KKT conditions are
  // checked here on every feature, screened or not, and the solution matches the unscreened one.
  const MatD A = random_design(33, 150, 400, 0.3);
  for (const Family family : {Family::LeastSquares, Family::Logistic}) {
    const VecD y = labels(family, A, 6, 1);
    for (const double l2 : {0.0, 0.5}) {
      Penalty pen;
      pen.l1 = 0.2 * lambda_max(family, A, y, 1);
      pen.l2 = l2;
      if (l2 > 0) {  // weights and factors change the dual's scaling and smoothness
        pen.weights = 0.5 + random_vector(7, 150).array().abs();
        pen.factors = 0.5 + random_vector(8, 400).array().abs();
      }
      WorkingSetOptions options;
      options.tol = 1e-10;
      WorkingSetSummary screened, plain;
      const VecD a = solve(family, Dense(A), y, 1, pen, options, &screened);
      options.screening = false;
      const VecD b = solve(family, Dense(A), y, 1, pen, options, &plain);
      EXPECT_GT(screened.screened_out, 0) << family_name(family) << " l2 " << l2;
      EXPECT_EQ(plain.screened_out, 0);
      EXPECT_LE(relative_kkt(family, A, y, 1, a, pen), 1e-9) << family_name(family) << " l2 " << l2;
      EXPECT_LE((a - b).cwiseAbs().maxCoeff(), 1e-7 * std::max(1.0, b.cwiseAbs().maxCoeff()));
    }
  }
}

TEST(WorkingSet, FocusedPassesBringBackAFeatureTheyLeftOut) {
  // Built so that the focus drops a feature that the optimum needs: rows 0-2 carry
  // y = (2, 1, -1); feature 0 = e0, feature 1 = e1 + e2, feature 2 = e1, and twenty features on
  // rows of their own with y = 0 (gradient 0 throughout, outside any focus). With one feature per
  // working set, feature 0 is fitted first; then feature 1's gradient is (e1 + e2)'r = 0 and
  // only features 0 and 2 are in focus. With features 0 and 2 fitted, r = (-0.1, -0.1, 1) and
  // feature 1's gradient is 0.9 > l1: the final pass over every feature must bring it back.
  const Index fillers = 20, m = 3 + fillers, p = 3 + fillers;
  MatD A = MatD::Zero(m, p);
  A(0, 0) = 1;
  A(1, 1) = A(2, 1) = 1;
  A(1, 2) = 1;
  for (Index k = 0; k < fillers; ++k) A(3 + k, 3 + k) = 1;
  VecD y = VecD::Zero(m);
  y.head(3) << 2, 1, -1;
  Penalty pen;
  pen.l1 = 0.1;
  WorkingSetOptions options;
  options.tol = 1e-12;
  options.initial_working_set = 1;
  options.screening = false;
  WorkingSetSummary summary;
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD x = solve(Family::LeastSquares, Sparse(S), y, 1, pen, options, &summary);
  EXPECT_GT(summary.focused, 0) << "the passes were never focused";
  EXPECT_GE(summary.screened_in, 1) << "the final pass found no violator";
  EXPECT_NE(x[1], 0.0);
  EXPECT_LE(relative_kkt(Family::LeastSquares, A, y, 1, x, pen), 1e-12);
}

TEST(WorkingSet, FocusedPassesMeetKktOnEveryFeature) {
  // Many features, a small support: the focus starts, and the result must satisfy the optimality
  // conditions on every feature, inside the focus or not, for each loss and with bounds,
  // factors, an intercept and weights.
  const Index m = 200, p = 2000;
  MatD A = random_design(61, m, p, 0.02);
  A.conservativeResize(m, p + 1);
  A.col(p).setOnes();
  const Eigen::SparseMatrix<double> S = A.sparseView();
  for (const Family family : {Family::LeastSquares, Family::Logistic, Family::Softmax}) {
    const Index K = family == Family::Softmax ? 3 : 1;
    const VecD y = labels(family, A.leftCols(p), 13, K);
    for (const bool variants : {false, true}) {
      Penalty pen;
      pen.l1 = 0.2 * lambda_max(family, A.leftCols(p), y, K);
      if (variants) {
        pen.nonnegative = family != Family::Softmax;
        pen.free = 1;
        pen.factors = (random_vector(17, p + 1).array().abs() + 0.5).matrix();
        pen.weights = (random_vector(19, m).array().abs() + 0.5).matrix();
      }
      const MatD design = variants ? A : MatD(A.leftCols(p));
      const Eigen::SparseMatrix<double> sparse = variants ? S : Eigen::SparseMatrix<double>(S.leftCols(p));
      WorkingSetOptions options;
      options.tol = 1e-10;
      options.screening = false;
      WorkingSetSummary summary;
      const VecD x = solve(family, Sparse(sparse), y, K, pen, options, &summary);
      EXPECT_GT(summary.focused, 0) << family_name(family) << " variants " << variants;
      EXPECT_LE(relative_kkt(family, design, y, K, x, pen), 1e-9) << family_name(family) << " variants " << variants;
    }
  }
}

TEST(WorkingSet, ScaledTestSolvesATinyColumnOthersOutweigh) {
  // Feature p is a column scaled by 1e-6, with its l1 weight scaled alike (a standardised
  // feature stored in other units): its plain violation is 1e-6 of its violation per unit norm,
  // so only the scaled test sees it, while hundreds of ordinary features keep small plain
  // violations. The solve must bring the tiny feature to the scaled tolerance: its working sets
  // must be chosen by the scaled violations once the plain test is met.
  const Index m = 80, p = 400;
  const double tiny = 1e-6;
  MatD A = random_design(71, m, p, 0.3);
  const VecD y = labels(Family::LeastSquares, A, 5, 1);
  const VecD column = y + 0.5 * random_vector(9, m);
  A.conservativeResize(m, p + 1);
  A.col(p) = tiny * column;
  Penalty pen;
  pen.l1 = 0.3 * lambda_max(Family::LeastSquares, A.leftCols(p), y, 1);
  pen.factors = VecD::Ones(p + 1);
  pen.factors[p] = tiny;
  WorkingSetOptions options;
  options.tol = 1e-4;
  options.initial_working_set = 5;
  options.screening = false;
  options.max_iterations = 100;
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD x = solve(Family::LeastSquares, Sparse(S), y, 1, pen, options);
  // The standardised feature z = tiny x_p: gradient column'(A x - y), l1 weight pen.l1.
  const double z = tiny * x[p], g = column.dot(A * x - y);
  const double violation = z != 0 ? std::abs(g + std::copysign(pen.l1, z)) : std::max(std::abs(g) - pen.l1, 0.0);
  EXPECT_NE(z, 0.0);
  EXPECT_LE(violation, 1e-3 * std::abs(column.dot(y)));
}

TEST(WorkingSet, AndersonExtrapolationOfLogisticModelsKeepsTheSolution) {
  // A sparse l1-logistic problem whose working sets are solved over columns (too large for the
  // Gram matrix at this density): the extrapolated model steps must still lead to the optimum,
  // checked by the KKT conditions computed here, with and without weights, in fewer epochs.
  const Index m = 300, p = 3000;
  const MatD A = random_design(71, m, p, 0.01);
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD y = labels(Family::Logistic, A, 23, 1);
  for (const bool weighted : {false, true}) {
    Penalty pen;
    pen.l1 = 0.01 * lambda_max(Family::Logistic, A, y, 1);
    if (weighted) pen.weights = (random_vector(29, m).array().abs() + 0.5).matrix();
    Index epochs[2] = {};
    for (const Index memory : {0, 5}) {
      WorkingSetOptions options;
      options.tol = 1e-10;
      options.anderson_memory = memory;
      WorkingSetSummary summary;
      const VecD x = solve(Family::Logistic, Sparse(S), y, 1, pen, options, &summary);
      EXPECT_LE(relative_kkt(Family::Logistic, A, y, 1, x, pen), 1e-9) << "memory " << memory << " weighted " << weighted;
      epochs[memory > 0] = summary.epochs;
    }
    // Here the extrapolation cuts the epochs four- to sixfold (1,240 -> 306 unweighted); it must
    // at least have been accepted and helped.
    EXPECT_LT(epochs[1], epochs[0]) << "weighted " << weighted;
  }
}

TEST(WorkingSet, ResultDoesNotDependOnTheThreadCount) {
  const MatD A = random_design(41, 3000, 400, 0.1);  // large enough for the parallel passes
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD y = labels(Family::Logistic, A, 8, 1);
  Penalty pen;
  pen.l1 = 0.02 * lambda_max(Family::Logistic, A, y, 1);
  WorkingSetOptions options;
  options.tol = 1e-8;
  options.threads = 1;
  const VecD one = solve(Family::Logistic, Sparse(S), y, 1, pen, options);
  options.threads = 2;
  const VecD two = solve(Family::Logistic, Sparse(S), y, 1, pen, options);
  options.threads = 3;
  const VecD three = solve(Family::Logistic, Sparse(S), y, 1, pen, options);
  EXPECT_EQ(one, two);
  EXPECT_EQ(one, three);
}

TEST(WorkingSet, LambdaMaxIsTheSmallestL1WithAZeroSolution) {
  for (bool intercept : {false, true}) {
    MatD A = random_design(51, 90, 60, 0.4);
    if (intercept) {
      A.conservativeResize(90, 61);
      A.col(60).setOnes();
    }
    const VecD y = labels(Family::Logistic, A.leftCols(60), 9, 1);
    ElasticNetPenalty<double> pen;
    pen.free_features = intercept ? 1 : 0;
    WorkingSetSolver<Dense, LogisticLoss<double>> solver{Dense(A), LogisticLoss<double>(y), pen};
    const double lmax = solver.lambda_max();
    if (!intercept) EXPECT_NEAR(lmax, lambda_max(Family::Logistic, A, y, 1), 1e-12 * lmax);
    WorkingSetOptions options;
    options.tol = 1e-10;
    VecD x = VecD::Zero(A.cols());
    solver.set_strength(lmax * (1 + 1e-9), 1.0);
    solver.solve(x, options);
    EXPECT_EQ(x.head(60).cwiseAbs().maxCoeff(), 0.0);
    x.setZero();
    solver.set_strength(lmax * 0.99, 1.0);
    solver.solve(x, options);
    EXPECT_GT(x.head(60).cwiseAbs().maxCoeff(), 0.0);
  }
}

TEST(WorkingSet, PathWithStrongRuleMatchesPathWithout) {
  const MatD A = random_design(61, 100, 500, 0.1);
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD y = labels(Family::LeastSquares, A, 3, 1);
  Penalty pen;
  WorkingSetSolver<Sparse, SquaredLoss<double>> solver{Sparse(S), SquaredLoss<double>(y), to_solver(pen)};
  const auto lambdas = geometric_grid(solver.lambda_max(), 30, 1e-3);
  WorkingSetOptions options;
  options.tol = 1e-10;
  std::vector<VecD> with, without;
  for (bool strong : {true, false}) {
    VecD x = VecD::Zero(500);
    solve_path(solver, lambdas, 1.0, x, options, strong, [&](Index k, const VecD& point, const WorkingSetSummary& s) {
      EXPECT_EQ(s.status, Status::Converged) << "point " << k;
      Penalty at = pen;
      at.l1 = lambdas[std::size_t(k)];
      EXPECT_LE(relative_kkt(Family::LeastSquares, A, y, 1, point, at), 1e-9) << "point " << k;
      (strong ? with : without).push_back(point);
      return false;
    });
  }
  ASSERT_EQ(with.size(), lambdas.size());
  ASSERT_EQ(without.size(), lambdas.size());
  for (std::size_t k = 0; k < lambdas.size(); ++k)
    EXPECT_LE((with[k] - without[k]).cwiseAbs().maxCoeff(), 1e-6 * std::max(1.0, without[k].cwiseAbs().maxCoeff()));
}

// Least squares keeps the Gram products of the working sets' features for the solver's life
// (the Hessian is the constant sample weights): along an elastic-net path each point has its own
// l2 on the diagonal and working sets that differ by a few features or by many.
TEST(WorkingSet, ElasticNetPathWithWeightsMeetsKktAtEveryPoint) {
  const Index m = 150, p = 400;
  const MatD A = random_design(67, m, p, 0.15);
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD y = labels(Family::LeastSquares, A, 13, 1);
  Penalty pen;
  pen.weights = (random_vector(17, m).array().abs() * 2).matrix();
  const double l1_ratio = 0.5;
  auto check = [&](auto design) {
    using Design = decltype(design);
    WorkingSetSolver<Design, SquaredLoss<double>> solver{design, SquaredLoss<double>(y), to_solver(pen), pen.weights};
    const auto strengths = geometric_grid(solver.lambda_max() / l1_ratio, 25, 1e-3);
    WorkingSetOptions options;
    options.tol = 1e-10;
    VecD x = VecD::Zero(p);
    Index points = 0;
    solve_path(solver, strengths, l1_ratio, x, options, true, [&](Index k, const VecD& point, const WorkingSetSummary& s) {
      EXPECT_EQ(s.status, Status::Converged) << "point " << k;
      const Penalty at = at_strength(pen, strengths[std::size_t(k)], l1_ratio);
      EXPECT_LE(relative_kkt(Family::LeastSquares, A, y, 1, point, at), 1e-9) << "point " << k;
      ++points;
      return false;
    });
    EXPECT_EQ(points, Index(strengths.size()));
    EXPECT_GT((x.array() != 0).count(), 40) << "the path should end with a large support";
  };
  check(Dense(A));
  check(Sparse(S));
}

/// The weighted logistic objective with an elastic net, written out here.
double logistic_objective(const MatD& A, const VecD& y, const VecD& x, const Penalty& pen) {
  const VecD z = A * x;
  double total = 0;
  for (Index i = 0; i < A.rows(); ++i) {
    const double t = -y[i] * z[i];
    total += (pen.weights.size() ? pen.weights[i] : 1.0) * (t > 0 ? t + std::log1p(std::exp(-t)) : std::log1p(std::exp(t)));
  }
  for (Index f = 0; f < A.cols() - pen.free; ++f) {
    const double factor = pen.factors.size() ? pen.factors[f] : 1.0;
    total += factor * (pen.l1 * std::abs(x[f]) + 0.5 * pen.l2 * x[f] * x[f]);
  }
  return total;
}

// A path's next point starts from the rows and gradient the last one left (the l2 term moved to
// the new strength), and a line search's accepted trial leaves its rows' margins and values:
// every point must still meet its own KKT conditions, with sample weights (some 0) and penalty
// factors (one feature free).
TEST(WorkingSet, LogisticElasticNetPathMeetsKktAtEveryPoint) {
  const Index m = 160, p = 300;
  const MatD A = random_design(73, m, p, 0.1);
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD y = labels(Family::Logistic, A, 19, 1);
  Penalty pen;
  pen.weights = (random_vector(23, m).array().abs() * 2).matrix();
  for (Index i = 0; i < m; i += 17) pen.weights[i] = 0;
  pen.factors = (random_vector(29, p).array().abs() + 0.5).matrix();
  pen.factors[p - 1] = 0;
  const double l1_ratio = 0.7;
  WorkingSetSolver<Sparse, LogisticLoss<double>> solver{Sparse(S), LogisticLoss<double>(y), to_solver(pen), pen.weights};
  const auto strengths = geometric_grid(solver.lambda_max() / l1_ratio, 30, 1e-3);
  WorkingSetOptions options;
  options.tol = 1e-10;
  VecD x = VecD::Zero(p), previous = x;
  Index points = 0;
  solve_path(solver, strengths, l1_ratio, x, options, true, [&](Index k, const VecD& point, const WorkingSetSummary& s) {
    EXPECT_EQ(s.status, Status::Converged) << "point " << k;
    const Penalty at = at_strength(pen, strengths[std::size_t(k)], l1_ratio);
    EXPECT_LE(relative_kkt(Family::Logistic, A, y, 1, point, at), 1e-9) << "point " << k;
    // Each point starts at the last one's solution, under its own penalty.
    const double start = logistic_objective(A, y, previous, at);
    EXPECT_NEAR(s.initial_objective, start, 1e-12 * start) << "point " << k;
    previous = point;
    ++points;
    return false;
  });
  EXPECT_EQ(points, Index(strengths.size()));
  EXPECT_GT((x.array() != 0).count(), 30) << "the path should end with a large support";
}

// The state a solve leaves is reused only from the same x: a solve from another start, after
// new penalty factors, or after the dual solver (which leaves no rows behind) starts afresh.
TEST(WorkingSet, SolvesAfterASolveStartFromTheirOwnX) {
  const Index m = 60, p = 240;
  const MatD A = random_design(79, m, p, 0.08);
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD y = labels(Family::Logistic, A, 31, 1);
  Penalty pen;
  pen.l2 = 0.05 * lambda_max(Family::Logistic, A, y, 1);
  WorkingSetSolver<Sparse, LogisticLoss<double>> solver{Sparse(S), LogisticLoss<double>(y), to_solver(pen)};
  WorkingSetOptions options;
  options.tol = 1e-10;
  options.dual = WorkingSetOptions::Dual::Always;
  VecD x = VecD::Zero(p);
  ASSERT_EQ(solver.solve(x, options).status, Status::Converged);
  ASSERT_LE(relative_kkt(Family::Logistic, A, y, 1, x, pen), 1e-9);
  // From the dual's solution with an l1 term: the primal solver.
  options.dual = WorkingSetOptions::Dual::Never;
  pen.l1 = 0.02 * lambda_max(Family::Logistic, A, y, 1);
  solver.set_strength(pen.l1 + pen.l2, pen.l1 / (pen.l1 + pen.l2));
  ASSERT_EQ(solver.solve(x, options).status, Status::Converged);
  EXPECT_LE(relative_kkt(Family::Logistic, A, y, 1, x, pen), 1e-9) << "after the dual";
  // The same problem from another start (where the summary's first objective is taken).
  VecD other = 0.1 * random_vector(37, p);
  const double start = logistic_objective(A, y, other, pen);
  const WorkingSetSummary from_other = solver.solve(other, options);
  ASSERT_EQ(from_other.status, Status::Converged);
  EXPECT_NEAR(from_other.initial_objective, start, 1e-12 * start);
  EXPECT_LE(relative_kkt(Family::Logistic, A, y, 1, other, pen), 1e-9) << "from another start";
  // From the last solution, with new penalty factors: the kept gradient's l2 terms are stale.
  pen.factors = (random_vector(41, p).array().abs() + 0.5).matrix();
  ElasticNetPenalty<double> changed = to_solver(pen);
  solver.set_penalty(changed);
  ASSERT_EQ(solver.solve(other, options).status, Status::Converged);
  EXPECT_LE(relative_kkt(Family::Logistic, A, y, 1, other, pen), 1e-9) << "after new factors";
}

// l1 a rounding error below lambda_max (computed elsewhere, as a path's first point gets it):
// the violation at 0 is rounding, tol times it is out of reach, and the solve must still stop
// at once, converged, instead of spending its epoch budget.
TEST(WorkingSet, L1AtLambdaMaxUpToRoundingConvergesAtOnce) {
  const MatD A = random_design(83, 40, 200, 0.3);
  const Eigen::SparseMatrix<double> S = A.sparseView();
  for (Family family : {Family::LeastSquares, Family::Logistic}) for (double below : {0.0, 1.0, 3.0}) {
    const VecD y = labels(family, A, 43, 1);
    Penalty pen;
    const double largest = lambda_max(family, A, y, 1);  // summed here, not as the solver sums it
    const double ulp = largest - std::nextafter(largest, 0.0);
    pen.l1 = largest - below * ulp;
    SCOPED_TRACE(::testing::Message() << "l1 " << below << " ulps below lambda_max");
    VecD x = VecD::Zero(200);
    WorkingSetOptions options;
    options.tol = 1e-8;
    options.max_epochs = 20000;
    WorkingSetSummary summary;
    if (family == Family::LeastSquares)
      summary = WorkingSetSolver<Sparse, SquaredLoss<double>>{Sparse(S), SquaredLoss<double>(y), to_solver(pen)}.solve(x, options);
    else
      summary = WorkingSetSolver<Sparse, LogisticLoss<double>>{Sparse(S), LogisticLoss<double>(y), to_solver(pen)}.solve(x, options);
    EXPECT_EQ(summary.status, Status::Converged) << summary.message;
    EXPECT_LE(summary.epochs, 10);
    EXPECT_LE(relative_kkt(family, A, y, 1, x, pen), 1e-10);
  }
}

TEST(WorkingSet, Float32SolvesToSinglePrecision) {
  const MatD A = random_design(71, 100, 150, 0.3);
  const VecD y = labels(Family::LeastSquares, A, 5, 1);
  const Eigen::MatrixXf Af = A.cast<float>();
  ElasticNetPenalty<float> pen;
  pen.l1 = 0.05 * lambda_max(Family::LeastSquares, A, y, 1);
  WorkingSetSolver<DenseDesign<float>, SquaredLoss<float>> solver{DenseDesign<float>(Af), SquaredLoss<float>(y.cast<float>()),
                                                                  pen};
  Eigen::VectorXf x = Eigen::VectorXf::Zero(150);
  WorkingSetOptions options;
  options.tol = 1e-4;
  EXPECT_EQ(solver.solve(x, options).status, Status::Converged);
  Penalty check;
  check.l1 = pen.l1;
  EXPECT_LE(relative_kkt(Family::LeastSquares, A, y, 1, x.cast<double>(), check), 1e-3);
}

/// Wide sparse l2-logistic data: the dual (m variables) is the smaller problem.
struct WideL2Logistic {
  MatD A = random_design(31, 80, 400, 0.05);
  VecD y = labels(Family::Logistic, A, 4, 1);
  Eigen::SparseMatrix<double> S = A.sparseView();
  Penalty pen;
  WideL2Logistic() { pen.l2 = 0.1 * lambda_max(Family::Logistic, A, y, 1); }
};

TEST(WorkingSet, DualCoordinateDescentMeetsKktAndMatchesTheWorkingSets) {
  WideL2Logistic wide;
  for (const bool weighted : {false, true}) {
    if (weighted) {  // weight 0 takes a row out of the problem; 2 counts it twice
      wide.pen.weights.resize(80);
      for (Index i = 0; i < 80; ++i) wide.pen.weights[i] = double(i % 3);
    }
    WorkingSetOptions options;
    options.tol = 1e-10;
    options.dual = WorkingSetOptions::Dual::Always;
    WorkingSetSummary dual, primal;
    const VecD x_dual = solve(Family::Logistic, Sparse(wide.S), wide.y, 1, wide.pen, options, &dual);
    EXPECT_TRUE(dual.dual);
    EXPECT_LE(relative_kkt(Family::Logistic, wide.A, wide.y, 1, x_dual, wide.pen), 1e-9) << "weighted " << weighted;
    options.dual = WorkingSetOptions::Dual::Never;
    const VecD x_primal = solve(Family::Logistic, Sparse(wide.S), wide.y, 1, wide.pen, options, &primal);
    EXPECT_FALSE(primal.dual);
    EXPECT_LE((x_dual - x_primal).cwiseAbs().maxCoeff(), 1e-7 * x_primal.cwiseAbs().maxCoeff());
    EXPECT_NEAR(dual.final_objective, primal.final_objective, 1e-10 * primal.final_objective);
  }
}

// The first epoch starts every dual variable next to 0, many orders of magnitude below its
// root; Newton's iterates from there creep up by a factor 1 + |h| each (about 9 a row on
// rcv1_small). Started from the root without the quadratic term, a row needs one or two.
TEST(WorkingSet, DualFirstEpochNeedsFewNewtonIterationsPerRow) {
  WideL2Logistic wide;
  const double largest = lambda_max(Family::Logistic, wide.A, wide.y, 1);
  for (const double fraction : {0.1, 0.01, 0.001}) {
    wide.pen.l2 = fraction * largest;
    WorkingSetOptions options;
    options.dual = WorkingSetOptions::Dual::Always;
    options.max_iterations = 1;
    VecD x = VecD::Zero(wide.A.cols());
    WorkingSetSolver<Sparse, LogisticLoss<double>> solver(Sparse(wide.S), LogisticLoss<double>(wide.y),
                                                          to_solver(wide.pen), wide.pen.weights);
    const WorkingSetSummary summary = solver.solve(x, options);
    ASSERT_TRUE(summary.dual);
    ASSERT_EQ(summary.epochs, 1);
    EXPECT_LE(summary.newton_steps, 5 * wide.A.rows()) << "l2 = " << fraction << " lambda_max";
  }
}

// Solvers hand their arrays to the next solver on the thread (core/recycled.hpp): a solve in
// recycled memory, full of another problem's numbers, must equal one in fresh memory.
TEST(WorkingSet, RepeatedSolvesInRecycledMemoryGiveIdenticalResults) {
  for (const Family family : {Family::LeastSquares, Family::Logistic, Family::Softmax}) {
    const Index K = family == Family::Softmax ? 3 : 1;
    const MatD A = random_design(43, 120, 300, 0.1);
    const Eigen::SparseMatrix<double> S = A.sparseView();
    const VecD y = labels(family, A, 9, K);
    const MatD B = random_design(44, 120, 300, 0.3);  // same sizes, other numbers
    const Eigen::SparseMatrix<double> T = B.sparseView();
    const VecD z = labels(family, B, 10, K);
    Penalty pen, other;
    pen.l1 = 0.05 * lambda_max(family, A, y, K);
    other.l1 = 0.02 * lambda_max(family, B, z, K);
    other.l2 = 0.1;
    WorkingSetOptions options;
    options.tol = 1e-9;
    const VecD first = solve(family, Sparse(S), y, K, pen, options);
    const VecD dense_first = solve(family, Dense(A), y, K, pen, options);
    solve(family, Sparse(T), z, K, other, options);
    solve(family, Dense(B), z, K, other, options);
    EXPECT_EQ(solve(family, Sparse(S), y, K, pen, options), first) << family_name(family);
    EXPECT_EQ(solve(family, Dense(A), y, K, pen, options), dense_first) << family_name(family);
  }
  WideL2Logistic wide, other;
  other.pen.l2 *= 3;
  WorkingSetOptions options;
  options.tol = 1e-10;
  options.dual = WorkingSetOptions::Dual::Always;
  const VecD first = solve(Family::Logistic, Sparse(wide.S), wide.y, 1, wide.pen, options);
  solve(Family::Logistic, Sparse(other.S), other.y, 1, other.pen, options);
  EXPECT_EQ(solve(Family::Logistic, Sparse(wide.S), wide.y, 1, wide.pen, options), first);
}

TEST(WorkingSet, DualCoordinateDescentHandlesRowsFittedPastExpsRange) {
  // Row 0 is ten times the sum of the other rows, signed by their labels: the optimum fits it
  // with a margin of about 1,500, so its dual variable's root, C e^-1500, underflows. The solve
  // must still converge on every other row (news20 at lambda_max/100 stalled on such a row).
  MatD A = random_design(71, 60, 300, 0.05);
  VecD y = labels(Family::Logistic, A, 3, 1);
  Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(300);
  for (Index i = 1; i < 60; ++i) sum += y[i] * A.row(i);
  A.row(0) = 10 * sum;
  y[0] = 1;
  const Eigen::SparseMatrix<double> S = A.sparseView();
  Penalty pen;
  pen.l2 = 0.01 * lambda_max(Family::Logistic, A, y, 1);
  WorkingSetOptions options;
  options.tol = 1e-9;
  options.dual = WorkingSetOptions::Dual::Always;
  options.max_iterations = 500;
  WorkingSetSummary summary;
  const VecD x = solve(Family::Logistic, Sparse(S), y, 1, pen, options, &summary);
  EXPECT_TRUE(summary.dual);
  EXPECT_GT((A.row(0) * x)(0), 745) << "the margin must pass exp's range for the test to mean anything";
  EXPECT_LE(relative_kkt(Family::Logistic, A, y, 1, x, pen), 1e-8);
}

TEST(WorkingSet, DualCoordinateDescentIsTheAutomaticChoiceForWideSparseData) {
  WideL2Logistic wide;
  WorkingSetOptions options;
  options.tol = 1e-8;
  WorkingSetSummary summary;
  solve(Family::Logistic, Sparse(wide.S), wide.y, 1, wide.pen, options, &summary);
  EXPECT_TRUE(summary.dual) << "80 rows, 400 features, 5% nonzero";
  solve(Family::Logistic, Dense(wide.A), wide.y, 1, wide.pen, options, &summary);
  EXPECT_FALSE(summary.dual) << "the same matrix stored dense counts as dense";
  const MatD tall = wide.A.transpose();  // 400 rows, 80 features: the primal is smaller
  const VecD y = labels(Family::Logistic, tall, 4, 1);
  solve(Family::Logistic, Dense(tall), y, 1, wide.pen, options, &summary);
  EXPECT_FALSE(summary.dual);
}

TEST(WorkingSet, AutomaticDualHandsSlowProblemsToTheWorkingSets) {
  // Few rows that share most of their direction, and a weak penalty: dual coordinate descent
  // crawls (each row's step undoes the others'), the primal Newton steps do not. The rows are
  // sparse (5% of 3,000 features), so the automatic choice tries the dual first.
  MatD block = random_design(61, 20, 150, 1.0);
  const VecD common = random_vector(8, 150);
  for (Index i = 0; i < 20; ++i) block.row(i) = 0.1 * block.row(i) + common.transpose();
  MatD A = MatD::Zero(20, 3000);
  A.leftCols(150) = block;
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD y = labels(Family::Logistic, block, 9, 1);
  Penalty pen;
  pen.l2 = 1e-4 * lambda_max(Family::Logistic, A, y, 1);
  WorkingSetOptions options;
  options.tol = 1e-9;
  options.dual = WorkingSetOptions::Dual::Always;
  options.max_iterations = 300;
  VecD x = VecD::Zero(3000);
  WorkingSetSolver<Sparse, LogisticLoss<double>> solver(Sparse(S), LogisticLoss<double>(y), to_solver(pen));
  const WorkingSetSummary forced = solver.solve(x, options);
  ASSERT_TRUE(forced.dual);
  EXPECT_GT(forced.epochs, 100) << "the test problem must be one the dual solves slowly";
  options.dual = WorkingSetOptions::Dual::Automatic;
  options.max_iterations = 1000;
  WorkingSetSummary handed;
  const VecD x_auto = solve(Family::Logistic, Sparse(S), y, 1, pen, options, &handed);
  EXPECT_FALSE(handed.dual);
  EXPECT_GT(handed.epochs, 0) << "the dual's epochs before handing over are counted";
  EXPECT_LE(relative_kkt(Family::Logistic, A, y, 1, x_auto, pen), 1e-8);
}

TEST(WorkingSet, DualRefusesProblemsItDoesNotSolve) {
  WideL2Logistic wide;
  WorkingSetOptions options;
  options.dual = WorkingSetOptions::Dual::Always;
  const auto attempt = [&](const ElasticNetPenalty<double>& pen) {
    WorkingSetSolver<Sparse, LogisticLoss<double>> solver(Sparse(wide.S), LogisticLoss<double>(wide.y), pen);
    VecD x = VecD::Zero(400);
    solver.solve(x, options);
  };
  ElasticNetPenalty<double> pen = to_solver(wide.pen);
  EXPECT_NO_THROW(attempt(pen));
  pen.l1 = 0.1;
  EXPECT_THROW(attempt(pen), InvalidArgument);
  pen = to_solver(wide.pen);
  pen.nonnegative = true;
  EXPECT_THROW(attempt(pen), InvalidArgument);
  pen = to_solver(wide.pen);
  pen.free_features = 1;
  EXPECT_THROW(attempt(pen), InvalidArgument);
  pen = to_solver(wide.pen);
  pen.factors = VecD::Ones(400);
  pen.factors[3] = 2;
  EXPECT_THROW(attempt(pen), InvalidArgument);
  WorkingSetSolver<Sparse, SquaredLoss<double>> squares(Sparse(wide.S), SquaredLoss<double>(wide.y),
                                                        to_solver(wide.pen));
  VecD x = VecD::Zero(400);
  EXPECT_THROW(squares.solve(x, options), InvalidArgument);
}

TEST(WorkingSet, RejectsBadInputsBeforeSolving) {
  const MatD A = random_design(81, 20, 10);
  const VecD y = labels(Family::LeastSquares, A, 1, 1);
  ElasticNetPenalty<double> pen;
  using Solver = WorkingSetSolver<Dense, SquaredLoss<double>>;
  pen.l1 = -1;
  EXPECT_THROW(Solver(Dense(A), SquaredLoss<double>(y), pen), InvalidArgument);
  pen.l1 = 0;
  pen.factors = VecD::Ones(3);
  EXPECT_THROW(Solver(Dense(A), SquaredLoss<double>(y), pen), InvalidArgument);
  pen.factors = VecD();
  EXPECT_THROW(Solver(Dense(A), SquaredLoss<double>(y), pen, VecD::Constant(20, -1)), InvalidArgument);
  EXPECT_THROW(Solver(Dense(A), SquaredLoss<double>(y), pen, VecD::Ones(19)), InvalidArgument);
  EXPECT_THROW(Solver(Dense(A), SquaredLoss<double>(y.head(19)), pen), InvalidArgument);
  Solver solver(Dense(A), SquaredLoss<double>(y), pen);
  VecD x = VecD::Zero(9);
  EXPECT_THROW(solver.solve(x, WorkingSetOptions{}), InvalidArgument);
  x = VecD::Zero(10);
  x[2] = std::nan("");
  EXPECT_THROW(solver.solve(x, WorkingSetOptions{}), InvalidArgument);
  x.setZero();
  WorkingSetOptions bad;
  bad.tol = -1;
  EXPECT_THROW(solver.solve(x, bad), InvalidArgument);
  bad = WorkingSetOptions{};
  bad.growth = 0.5;
  EXPECT_THROW(solver.solve(x, bad), InvalidArgument);
  EXPECT_THROW(geometric_grid(1.0, 0, 0.1), InvalidArgument);
  EXPECT_THROW(solve_path(solver, {1.0, 2.0}, 1.0, x, WorkingSetOptions{}, true,
                          [](Index, const VecD&, const WorkingSetSummary&) { return false; }),
               InvalidArgument);
}

TEST(WorkingSet, LimitsEndWithAStatusNotAThrow) {
  const MatD A = random_design(91, 200, 300, 0.3);
  const VecD y = labels(Family::Logistic, A, 6, 1);
  Penalty pen;
  pen.l1 = 0.001 * lambda_max(Family::Logistic, A, y, 1);
  WorkingSetSolver<Dense, LogisticLoss<double>> solver(Dense(A), LogisticLoss<double>(y), to_solver(pen));
  VecD x = VecD::Zero(300);
  WorkingSetOptions options;
  options.tol = 1e-14;
  options.max_iterations = 1;
  auto summary = solver.solve(x, options);
  EXPECT_EQ(summary.status, Status::MaxIterations);
  EXPECT_TRUE(x.allFinite());
  EXPECT_LE(summary.final_objective, summary.initial_objective);
  options.max_iterations = 1000;
  int calls = 0;
  options.callback = [&](const IterationInfo&) { return ++calls == 3; };
  x.setZero();
  summary = solver.solve(x, options);
  EXPECT_EQ(summary.status, Status::StoppedByCallback);
  EXPECT_NEAR(solver.objective(x), summary.final_objective, 1e-9 * std::abs(summary.final_objective));
}

TEST(WorkingSet, BatchOnTbbEqualsSolvingOneAfterAnother) {
  using Solver = WorkingSetSolver<Sparse, LogisticLoss<double>>;
  std::vector<Eigen::SparseMatrix<double>> designs;
  std::vector<VecD> labels_of;
  for (unsigned k = 0; k < 6; ++k) {
    designs.push_back(random_design(100 + k, 150, 60, 0.2).sparseView());
    labels_of.push_back(labels(Family::Logistic, MatD(designs.back()), 200 + k, 1));
  }
  auto make = [&] {
    std::vector<Solver> solvers;
    for (unsigned k = 0; k < 6; ++k) {
      ElasticNetPenalty<double> pen;
      pen.l1 = 0.5 + 0.1 * k;
      solvers.emplace_back(Sparse(designs[k]), LogisticLoss<double>(labels_of[k]), pen);
    }
    return solvers;
  };
  WorkingSetOptions options;
  options.tol = 1e-9;
  options.threads = 1;
  auto sequential = make();
  std::vector<VecD> expected;
  for (auto& solver : sequential) {
    VecD x = VecD::Zero(60);
    EXPECT_EQ(solver.solve(x, options).status, Status::Converged);
    expected.push_back(x);
  }
  auto concurrent = make();
  std::vector<VecD> xs(6, VecD::Zero(60));
  const auto summaries = solve_batch(concurrent, xs, options, 3);
  for (std::size_t k = 0; k < 6; ++k) {
    EXPECT_EQ(summaries[k].status, Status::Converged);
    EXPECT_EQ(xs[k], expected[k]) << "task " << k;
  }
  std::vector<VecD> wrong(6, VecD::Zero(59));
  EXPECT_THROW(solve_batch(concurrent, wrong, options), InvalidArgument);
}

}  // namespace
}  // namespace southwell::testing
