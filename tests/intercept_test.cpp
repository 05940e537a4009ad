// Models with an intercept (an implicit column of ones, never stored) and per-coordinate l1
// weights: the intercept design visits the same entries as an explicit matrix with a ones
// column; ridge with an unpenalised intercept matches the closed form on centred data; the
// lasso and l1-logistic solutions with an unpenalised intercept satisfy their KKT conditions,
// computed here from the definitions.
#include <gtest/gtest.h>

#include <map>

#include "test_problems.hpp"

namespace southwell::testing {
namespace {

SolverOptions tight(SelectionRule selection, UpdateRule update) {
  return rule_options(selection, update, 3, 1e-12, 500000);
}

/// l1 on every coordinate but the last (the intercept).
SeparableRegularizer<double> l1_except_intercept(double l1, Index n) {
  SeparableRegularizer<double> reg(l1);
  VecD weights = VecD::Ones(n);
  weights[n - 1] = 0;
  reg.set_l1_weights(weights);
  return reg;
}

TEST(InterceptDesign, VisitsTheEntriesOfAnExplicitOnesColumn) {
  const MatD A = random_design(3, 7, 4, 0.5);
  MatD explicit_A(7, 5);
  explicit_A << A, VecD::Ones(7);
  const Eigen::SparseMatrix<double> S = A.sparseView();
  for (bool sparse : {false, true}) {
    std::map<std::pair<Index, Index>, double> by_col, by_row;
    auto collect = [&](auto& design) {
      design.build_row_index();
      EXPECT_EQ(design.cols(), 5);
      for (Index j = 0; j < design.cols(); ++j)
        design.for_each_in_col(j, [&](Index i, double a) { by_col[{i, j}] = a; });
      for (Index i = 0; i < design.rows(); ++i)
        design.for_each_in_row(i, [&](Index j, double a) { by_row[{i, j}] = a; });
    };
    if (sparse) {
      InterceptDesign<SparseDesign<double>> design(SparseDesign<double>(S), true);
      collect(design);
      EXPECT_EQ(design.nnz(), S.nonZeros() + 7);
    } else {
      InterceptDesign<DenseDesign<double>> design(DenseDesign<double>(A), true);
      collect(design);
    }
    EXPECT_EQ(by_col, by_row);
    for (Index i = 0; i < 7; ++i)
      for (Index j = 0; j < 5; ++j) {
        const auto it = by_col.find({i, j});
        EXPECT_EQ(it == by_col.end() ? 0.0 : it->second, explicit_A(i, j)) << i << "," << j;
      }
  }
}

TEST(Intercept, RidgeMatchesTheClosedFormOnCentredData) {
  const MatD A = random_design(5, 40, 6, 0.6);
  const VecD b = random_vector(6, 40).array() + 3.0;  // a large offset: the intercept matters
  const double l2 = 2.5;
  // Closed form: w = (Ac'Ac + l2 I)^{-1} Ac'bc, intercept = mean(b) - mean(A) w.
  const Eigen::RowVectorXd mean_A = A.colwise().mean();
  const MatD Ac = A.rowwise() - mean_A;
  const VecD bc = b.array() - b.mean();
  const VecD w = (Ac.transpose() * Ac + l2 * MatD::Identity(6, 6)).ldlt().solve(Ac.transpose() * bc);
  const double intercept = b.mean() - mean_A.dot(w);

  GlmProblem<InterceptDesign<DenseDesign<double>>, SquaredLoss<double>> problem(
      InterceptDesign<DenseDesign<double>>(DenseDesign<double>(A), true), SquaredLoss<double>(b), l2, 1);
  VecD x = VecD::Zero(7);
  const Summary s = solve(problem, tight(SelectionRule::GSL, UpdateRule::Matrix), x);
  ASSERT_EQ(s.status, Status::Converged) << s.message;
  EXPECT_LT((x.head(6) - w).norm(), 1e-8 * (1 + w.norm()));
  EXPECT_NEAR(x[6], intercept, 1e-8 * (1 + std::abs(intercept)));
}

TEST(Intercept, LassoWithUnpenalisedInterceptSatisfiesKkt) {
  const MatD A = random_design(8, 50, 10, 0.5);
  const Eigen::SparseMatrix<double> S = A.sparseView();
  const VecD b = random_vector(9, 50).array() - 2.0;
  const double l1 = 0.3 * (A.transpose() * (b.array() - b.mean()).matrix()).cwiseAbs().maxCoeff();
  GlmProblem<InterceptDesign<SparseDesign<double>>, SquaredLoss<double>> problem(
      InterceptDesign<SparseDesign<double>>(SparseDesign<double>(S), true), SquaredLoss<double>(b), 0.0, 1);
  const auto reg = l1_except_intercept(l1, 11);
  VecD x = VecD::Zero(11);
  const Summary s = solve(problem, reg, tight(SelectionRule::GSLR, UpdateRule::ProxNewton), x);
  ASSERT_EQ(s.status, Status::Converged) << s.message;
  const VecD residual = A * x.head(10) + VecD::Constant(50, x[10]) - b;
  EXPECT_NEAR(residual.sum(), 0.0, 1e-8 * b.norm());  // the intercept's stationarity
  const VecD g = A.transpose() * residual;
  Index nonzeros = 0;
  for (Index j = 0; j < 10; ++j) {
    if (x[j] != 0) {
      ++nonzeros;
      EXPECT_NEAR(g[j], -l1 * (x[j] > 0 ? 1 : -1), 1e-8 * l1) << j;
    } else {
      EXPECT_LE(std::abs(g[j]), l1 * (1 + 1e-8)) << j;
    }
  }
  EXPECT_GT(nonzeros, 0);
  EXPECT_LT(nonzeros, 10);
  EXPECT_NE(x[10], 0.0);
}

TEST(Intercept, L1WeightsScaleThePenaltyPerCoordinate) {
  // Orthogonal columns decouple the lasso: x_j = soft_threshold(a_j'b, l1 w_j) / ||a_j||^2.
  MatD A = MatD::Zero(6, 3);
  A(0, 0) = 2;
  A(1, 0) = 1;
  A(2, 1) = 1;
  A(3, 2) = 3;
  A(4, 2) = 1;
  const VecD b = (VecD(6) << 1.5, 0.5, -2.0, 4.0, 1.0, 7.0).finished();
  const VecD w = (VecD(3) << 0.0, 3.0, 0.5).finished();
  const double l1 = 0.4;
  auto problem = least_squares(A, b);
  SeparableRegularizer<double> reg(l1);
  reg.set_l1_weights(w);
  VecD x = VecD::Zero(3);
  const Summary s = solve(problem, reg, tight(SelectionRule::Cyclic, UpdateRule::ProxGradient), x);
  ASSERT_EQ(s.status, Status::Converged) << s.message;
  for (Index j = 0; j < 3; ++j) {
    const double c = A.col(j).dot(b), t = l1 * w[j];
    const double expected = (c > t ? c - t : (c < -t ? c + t : 0.0)) / A.col(j).squaredNorm();
    EXPECT_NEAR(x[j], expected, 1e-10) << j;
  }
  EXPECT_THROW(reg.set_l1_weights((VecD(3) << 1.0, -1.0, 1.0).finished()), InvalidArgument);
  reg.set_l1_weights(VecD::Ones(2));
  VecD y = VecD::Zero(3);
  EXPECT_THROW(solve(problem, reg, tight(SelectionRule::Cyclic, UpdateRule::ProxGradient), y), InvalidArgument);
}

TEST(Intercept, L1LogisticWithInterceptSatisfiesKkt) {
  const MatD A = random_design(11, 80, 8, 0.6);
  VecD y(80);
  const VecD noise = random_vector(12, 80);
  for (Index i = 0; i < 80; ++i) y[i] = A(i, 0) - A(i, 3) + noise[i] + 1.5 > 0 ? 1 : -1;  // unbalanced classes
  const double l1 = 2.0, l2 = 0.5;
  GlmProblem<InterceptDesign<DenseDesign<double>>, LogisticLoss<double>> problem(
      InterceptDesign<DenseDesign<double>>(DenseDesign<double>(A), true), LogisticLoss<double>(y), l2, 1);
  const auto reg = l1_except_intercept(l1, 9);
  VecD x = VecD::Zero(9);
  const Summary s = solve(problem, reg, tight(SelectionRule::GSLR, UpdateRule::ProxNewton), x);
  ASSERT_EQ(s.status, Status::Converged) << s.message;
  // Gradient of sum log(1 + exp(-y z)) + (l2/2)||w||^2, z = A w + c.
  const VecD z = A * x.head(8) + VecD::Constant(80, x[8]);
  VecD u(80);
  for (Index i = 0; i < 80; ++i) u[i] = -y[i] / (1 + std::exp(y[i] * z[i]));
  EXPECT_NEAR(u.sum(), 0.0, 1e-7);
  const VecD g = A.transpose() * u + l2 * x.head(8);
  for (Index j = 0; j < 8; ++j) {
    if (x[j] != 0) EXPECT_NEAR(g[j], -l1 * (x[j] > 0 ? 1 : -1), 1e-7) << j;
    else EXPECT_LE(std::abs(g[j]), l1 + 1e-7) << j;
  }
}

TEST(Intercept, DualityGapIsRefusedWithUnpenalisedCoordinates) {
  const MatD A = random_design(13, 20, 4);
  GlmProblem<InterceptDesign<DenseDesign<double>>, SquaredLoss<double>> problem(
      InterceptDesign<DenseDesign<double>>(DenseDesign<double>(A), true), SquaredLoss<double>(random_vector(14, 20)),
      0.0, 1);
  EXPECT_FALSE(problem.duality_gap(0.1).has_value());
  SolverOptions o = tight(SelectionRule::GSLR, UpdateRule::ProxGradient);
  o.certificate = Certificate::DualityGap;
  VecD x = VecD::Zero(5);
  EXPECT_THROW(solve(problem, SeparableRegularizer<double>(0.1), o, x), InvalidArgument);
}

}  // namespace
}  // namespace southwell::testing
