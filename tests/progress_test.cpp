// The paper's per-iteration claims, checked against quantities computed here with dense linear
// algebra: descent, the guaranteed-progress chain, and what each greedy rule picks.
#include <gtest/gtest.h>

#include <Eigen/Eigenvalues>
#include <set>

#include "test_problems.hpp"

namespace southwell::testing {
namespace {

using SparseD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;
using LsProblem = GlmProblem<SparseDesign<double, int>, SquaredLoss<double>>;
using LogisticProblem = GlmProblem<SparseDesign<double, int>, LogisticLoss<double>>;

SparseD to_sparse(const MatD& A) {
  SparseD S = A.sparseView();
  S.makeCompressed();
  return S;
}

double lambda_max(const MatD& H) { return Eigen::SelfAdjointEigenSolver<MatD>(H).eigenvalues().maxCoeff(); }

/// One step of `update` on the block `block` from x (via a user partition {block, rest}).
template <class Problem>
VecD one_step(Problem& problem, const VecD& x, const std::vector<Index>& block, UpdateRule update) {
  SolverOptions o;
  o.partition = PartitionRule::User;
  std::vector<Index> rest;
  for (Index j = 0; j < problem.dim(); ++j)
    if (std::find(block.begin(), block.end(), j) == block.end()) rest.push_back(j);
  o.user_blocks = {block, rest};
  o.selection = SelectionRule::Cyclic;
  o.update = update;
  o.max_iterations = 1;
  o.tol = 0;
  VecD x1 = x;
  solve(problem, o, x1);
  return x1;
}

TEST(GuaranteedProgress, ChainHoldsAndUpdatesAchieveTheirBoundsOnQuadratics) {
  const Index n = 24;
  const SparseD Q = random_spd(3, n, 0.3);
  const MatD Qd = MatD(Q);
  const VecD c = random_vector(4, n);
  auto f = [&](const VecD& x) { return 0.5 * x.dot(Qd * x) - c.dot(x); };
  const double L_max = lambda_max(Qd);
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    const VecD x = random_vector(100 + trial, n);
    std::vector<Index> perm(n);
    std::iota(perm.begin(), perm.end(), Index(0));
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<Index> block(perm.begin(), perm.begin() + 1 + trial % 6);
    std::sort(block.begin(), block.end());
    const Index tau = Index(block.size());
    VecD g_b(tau);
    MatD H_b(tau, tau);
    const VecD g = Qd * x - c;
    for (Index s = 0; s < tau; ++s) {
      g_b[s] = g[block[s]];
      for (Index t = 0; t < tau; ++t) H_b(s, t) = Qd(block[s], block[t]);
    }
    const double L_b = lambda_max(H_b);
    const double gs = g_b.squaredNorm() / (2 * L_max), gsl = g_b.squaredNorm() / (2 * L_b),
                 gsq = 0.5 * g_b.dot(H_b.ldlt().solve(g_b));
    EXPECT_LE(gs, gsl * (1 + 1e-12));
    EXPECT_LE(gsl, gsq * (1 + 1e-12));

    QuadraticProblem<double, int> problem(Q, c);
    const double f0 = f(x);
    const double progress_gradient = f0 - f(one_step(problem, x, block, UpdateRule::Gradient));
    const double progress_matrix = f0 - f(one_step(problem, x, block, UpdateRule::Matrix));
    const double progress_exact = f0 - f(one_step(problem, x, block, UpdateRule::Exact));
    const double progress_newton = f0 - f(one_step(problem, x, block, UpdateRule::Newton));
    const double slack = 1e-10 * (1 + std::abs(f0));
    EXPECT_GE(progress_gradient, gsl - slack);
    EXPECT_NEAR(progress_matrix, gsq, slack);  // H_b is exact: the matrix step is exact
    EXPECT_NEAR(progress_exact, gsq, slack);
    EXPECT_NEAR(progress_newton, gsq, slack);
  }
}

TEST(GuaranteedProgress, LogisticUpdatesBeatTheirBounds) {
  const MatD A = random_design(6, 50, 12);
  const SparseD As = to_sparse(A);
  const VecD z = random_vector(7, 50);
  VecD y(50);
  for (Index i = 0; i < 50; ++i) y[i] = z[i] > 0 ? 1 : -1;
  auto f = [&](const VecD& x) {
    const VecD m = A * x;
    double s = 0;
    for (Index i = 0; i < 50; ++i) s += std::log1p(std::exp(-y[i] * m[i]));
    return s;
  };
  for (int trial = 0; trial < 10; ++trial) {
    const VecD x = 0.1 * random_vector(200 + trial, 12);
    const std::vector<Index> block = {Index(trial % 12), Index((trial + 5) % 12), Index((trial + 7) % 12)};
    VecD sigma_term = VecD::Zero(50);
    const VecD m = A * x;
    for (Index i = 0; i < 50; ++i) sigma_term[i] = -y[i] / (1 + std::exp(y[i] * m[i]));
    MatD A_b(50, 3);
    for (int t = 0; t < 3; ++t) A_b.col(t) = A.col(block[t]);
    const VecD g_b = A_b.transpose() * sigma_term;
    const MatD H_b = 0.25 * A_b.transpose() * A_b;
    const double gsl = g_b.squaredNorm() / (2 * lambda_max(H_b));
    const double gsq = 0.5 * g_b.dot(H_b.ldlt().solve(g_b));
    EXPECT_LE(gsl, gsq * (1 + 1e-12));
    LogisticProblem problem{SparseDesign<double, int>(As), LogisticLoss<double>(y)};
    const double f0 = f(x), slack = 1e-10 * (1 + f0);
    EXPECT_GE(f0 - f(one_step(problem, x, block, UpdateRule::Gradient)), gsl - slack);
    EXPECT_GE(f0 - f(one_step(problem, x, block, UpdateRule::Matrix)), gsq - slack);
    EXPECT_GT(f0 - f(one_step(problem, x, block, UpdateRule::Newton)), 0);
    EXPECT_GT(f0 - f(one_step(problem, x, block, UpdateRule::Adaptive)), 0);
  }
}

TEST(Descent, EveryUpdateNeverIncreasesTheObjective) {
  const MatD A = random_design(8, 40, 16, 0.5, 1.5);
  const SparseD As = to_sparse(A);
  const VecD z = random_vector(9, 40);
  VecD y(40);
  for (Index i = 0; i < 40; ++i) y[i] = z[i] > 0 ? 1 : -1;
  for (SelectionRule s : {SelectionRule::Random, SelectionRule::GS, SelectionRule::GSL, SelectionRule::GSQ})
    for (PartitionRule p : {PartitionRule::Sorted, PartitionRule::Variable})
      for (UpdateRule u : {UpdateRule::Gradient, UpdateRule::Adaptive, UpdateRule::Matrix, UpdateRule::Newton}) {
        SolverOptions o;
        o.selection = s;
        o.partition = p;
        o.update = u;
        o.block_size = 3;
        o.max_iterations = 300;
        o.tol = 0;
        o.record_history = true;
        LogisticProblem logistic{SparseDesign<double, int>(As), LogisticLoss<double>(y), 0.01};
        LsProblem ls{SparseDesign<double, int>(As), SquaredLoss<double>(z)};
        VecD x_logistic, x_ls;
        const std::vector<double> histories[] = {solve(logistic, o, x_logistic).objective_history,
                                                 solve(ls, o, x_ls).objective_history};
        for (const auto& history : histories) {
          ASSERT_EQ(history.size(), 301u);
          for (std::size_t k = 1; k < history.size(); ++k)
            ASSERT_LE(history[k], history[k - 1] + 1e-12 * std::abs(history[k - 1]))
                << to_string(s) << "/" << to_string(p) << "/" << to_string(u) << " at iteration " << k;
        }
      }
}

/// On a quadratic with fixed blocks, GSQ with matrix updates is the maximum-improvement rule:
/// each step decreases f by exactly max_b g_b' Q_bb^{-1} g_b / 2 (brute force over blocks).
TEST(GreedyRules, GsqWithMatrixUpdatesIsMaximumImprovement) {
  const Index n = 18, tau = 3;
  const SparseD Q = random_spd(21, n, 0.3);
  const MatD Qd = MatD(Q);
  const VecD c = random_vector(22, n);
  auto f = [&](const VecD& x) { return 0.5 * x.dot(Qd * x) - c.dot(x); };
  QuadraticProblem<double, int> problem(Q, c);
  SolverOptions o;
  o.partition = PartitionRule::Order;
  o.selection = SelectionRule::GSQ;
  o.update = UpdateRule::Matrix;
  o.block_size = tau;
  o.max_iterations = 1;
  o.tol = 0;
  VecD x = random_vector(23, n);
  for (int step = 0; step < 15; ++step) {
    const VecD g = Qd * x - c;
    double best = 0;
    for (Index b = 0; b < n / tau; ++b) {
      const VecD g_b = g.segment(b * tau, tau);
      best = std::max(best, 0.5 * g_b.dot(Qd.block(b * tau, b * tau, tau, tau).ldlt().solve(g_b)));
    }
    const double f0 = f(x);
    solve(problem, o, x);
    EXPECT_NEAR(f0 - f(x), best, 1e-10 * (1 + std::abs(f0))) << "step " << step;
  }
}

/// GS, GSL and GSD with fixed blocks move exactly the block with the best score (brute force).
TEST(GreedyRules, FixedBlockRulesPickTheBestScoredBlock) {
  const MatD A = random_design(31, 30, 20, 0.6, 1.2);
  const SparseD As = to_sparse(A);
  const VecD b = random_vector(32, 30);
  const Index tau = 4;
  VecD L(20);
  for (Index j = 0; j < 20; ++j) L[j] = A.col(j).squaredNorm();
  for (SelectionRule rule : {SelectionRule::GS, SelectionRule::GSL, SelectionRule::GSD})
    for (GreedyNorm norm : {GreedyNorm::Squared, GreedyNorm::L1}) {
      SolverOptions o;
      o.partition = PartitionRule::Order;
      o.selection = rule;
      o.greedy_norm = norm;
      o.update = UpdateRule::Gradient;
      o.block_size = tau;
      o.max_iterations = 1;
      o.tol = 0;
      LsProblem problem{SparseDesign<double, int>(As), SquaredLoss<double>(b)};
      VecD x = 0.3 * random_vector(33, 20);
      for (int step = 0; step < 10; ++step) {
        const VecD g = A.transpose() * (A * x - b);
        Index best_block = -1;
        double best = -1;
        for (Index blk = 0; blk < 20 / tau; ++blk) {
          const VecD g_b = g.segment(blk * tau, tau);
          const MatD A_b = A.middleCols(blk * tau, tau);
          const double L_b = lambda_max(A_b.transpose() * A_b);
          double score = 0;
          const bool l1 = norm == GreedyNorm::L1;
          if (rule == SelectionRule::GS) score = l1 ? g_b.lpNorm<1>() : g_b.squaredNorm();
          if (rule == SelectionRule::GSL) score = l1 ? g_b.lpNorm<1>() / std::sqrt(L_b) : g_b.squaredNorm() / L_b;
          if (rule == SelectionRule::GSD)
            for (Index t = 0; t < tau; ++t)
              score += l1 ? std::abs(g_b[t]) / std::sqrt(L[blk * tau + t]) : g_b[t] * g_b[t] / (tau * L[blk * tau + t]);
          if (score > best) best = score, best_block = blk;
        }
        const VecD before = x;
        solve(problem, o, x);
        for (Index j = 0; j < 20; ++j)
          if (x[j] != before[j]) EXPECT_EQ(j / tau, best_block) << to_string(rule) << " step " << step;
      }
    }
}

/// Drives a selector directly, changing the iterate between selections.
template <class Problem>
void check_variable_selector(Problem& problem, SelectionRule rule, Index tau) {
  SolverOptions o;
  o.partition = PartitionRule::Variable;
  o.selection = rule;
  o.block_size = tau;
  SolveContext<Problem> ctx(problem, o);
  auto selector = make_selector<Problem>(o);
  problem.reset(VecD::Zero(problem.dim()));
  problem.set_gradient_tracking(selector->needs_gradient());
  selector->initialize(ctx);
  Block block;
  for (int k = 0; k < 60; ++k) {
    selector->select(ctx, k, block);
    ASSERT_EQ(block.size(), tau) << to_string(rule);
    std::set<Index> distinct(block.coords.begin(), block.coords.end());
    ASSERT_EQ(Index(distinct.size()), tau) << to_string(rule);
    ASSERT_GE(*distinct.begin(), 0);
    ASSERT_LT(*distinct.rbegin(), problem.dim());
    problem.apply_step(block, 0.01 * random_vector(unsigned(k), tau));
    selector->after_step(ctx);
  }
}

TEST(VariableBlocks, EveryRuleReturnsTauDistinctIndices) {
  const MatD A = random_design(41, 30, 23);
  const SparseD As = to_sparse(A);
  const VecD b = random_vector(42, 30);
  for (SelectionRule rule : {SelectionRule::Cyclic, SelectionRule::Random, SelectionRule::Lipschitz, SelectionRule::GS,
                             SelectionRule::GSL, SelectionRule::GSD, SelectionRule::GSQ})
    for (Index tau : {1, 5, 10, 23}) {  // 23 = n; 5 and 10 do not divide n
      LsProblem problem{SparseDesign<double, int>(As), SquaredLoss<double>(b)};
      check_variable_selector(problem, rule, tau);
    }
}

TEST(VariableBlocks, GreedyRulesPickTheTopTauCoordinates) {
  const MatD A = random_design(43, 30, 25);
  const SparseD As = to_sparse(A);
  const VecD b = random_vector(44, 30);
  const MatD H = A.transpose() * A;
  for (SelectionRule rule : {SelectionRule::GS, SelectionRule::GSD, SelectionRule::GSL}) {
    LsProblem problem{SparseDesign<double, int>(As), SquaredLoss<double>(b)};
    SolverOptions o;
    o.partition = PartitionRule::Variable;
    o.selection = rule;
    o.block_size = 6;
    SolveContext<LsProblem> ctx(problem, o);
    auto selector = make_selector<LsProblem>(o);
    problem.reset(VecD::Zero(25));
    problem.set_gradient_tracking(true);
    selector->initialize(ctx);
    Block block;
    for (int k = 0; k < 20; ++k) {
      selector->select(ctx, k, block);
      const VecD g = A.transpose() * (A * problem.x() - b);
      std::vector<std::pair<double, Index>> scored;
      for (Index j = 0; j < 25; ++j) {
        const double w = rule == SelectionRule::GS ? 1 : rule == SelectionRule::GSD ? H(j, j) : H.row(j).cwiseAbs().sum();
        scored.emplace_back(g[j] * g[j] / w, j);
      }
      std::sort(scored.rbegin(), scored.rend());
      std::set<Index> expected;
      for (int t = 0; t < 6; ++t) expected.insert(scored[t].second);
      EXPECT_EQ(std::set<Index>(block.coords.begin(), block.coords.end()), expected) << to_string(rule);
      problem.apply_step(block, 0.05 * random_vector(unsigned(50 + k), 6));
      selector->after_step(ctx);
    }
  }
}

TEST(IncrementalState, TrackedGradientMatchesAFreshOne) {
  const MatD A = random_design(51, 35, 30, 0.15);  // sparse enough for the incremental path
  const SparseD As = to_sparse(A);
  const VecD b = random_vector(52, 35);
  LsProblem problem{SparseDesign<double, int>(As), SquaredLoss<double>(b), 0.3};
  problem.set_gradient_tracking(true);
  std::mt19937 rng(53);
  Block block;
  for (int k = 0; k < 25; ++k) {  // fewer than n coordinate updates: no refresh in between
    block.coords = {Index(rng() % 30)};
    problem.apply_step(block, random_vector(unsigned(k), 1));
    const VecD fresh = A.transpose() * (A * problem.x() - b) + 0.3 * problem.x();
    ASSERT_LT((problem.gradient() - fresh).lpNorm<Eigen::Infinity>(), 1e-9 * (1 + fresh.lpNorm<Eigen::Infinity>()));
    ASSERT_NEAR(problem.value(), 0.5 * (A * problem.x() - b).squaredNorm() + 0.15 * problem.x().squaredNorm(), 1e-9);
  }
}

}  // namespace
}  // namespace southwell::testing
