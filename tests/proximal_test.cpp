// Proximal BCD (l1, elastic net, bounds, l1 with bounds): every proximal rule and update reaches
// the optimum found by brute force over active sets on tiny problems; larger lasso, elastic-net
// and l1-logistic solutions match a reference certified by the KKT conditions (checked here,
// independently of the solver); dataset A with l1 + non-negativity shows the paper's Fig. 7
// behaviour (greedy Newton-type updates identify the support in a few iterations, random
// selection does not); bad combinations are refused.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>

#include "southwell/datasets/synthetic.hpp"
#include "southwell/io/readers.hpp"
#include "test_problems.hpp"

namespace southwell::testing {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Penalty {
  double l1 = 0, l2 = 0, lower = -kInf, upper = kInf;
};

double least_squares_objective(const MatD& A, const VecD& b, const Penalty& p, const VecD& x) {
  for (Index i = 0; i < x.size(); ++i)
    if (x[i] < p.lower || x[i] > p.upper) return kInf;
  return 0.5 * (A * x - b).squaredNorm() + 0.5 * p.l2 * x.squaredNorm() + p.l1 * x.lpNorm<1>();
}

/// Brute force over the state of every coordinate (at a bound, zero, free positive, free
/// negative): the free ones solve their stationarity equations with the others held. Every
/// consistent candidate is feasible, and the optimum is one of them.
double brute_force_optimum(const MatD& A, const VecD& b, const Penalty& p) {
  const Index n = A.cols();
  const MatD H = A.transpose() * A + p.l2 * MatD::Identity(n, n);
  const VecD Atb = A.transpose() * b;
  double best = kInf;
  std::vector<int> state(n, 0);  // 0 lower, 1 upper, 2 zero, 3 free +, 4 free -
  for (;;) {
    VecD x = VecD::Zero(n);
    std::vector<Index> free;
    bool ok = true;
    for (Index i = 0; i < n && ok; ++i) {
      if (state[i] == 0) ok = std::isfinite(p.lower), x[i] = p.lower;
      else if (state[i] == 1) ok = std::isfinite(p.upper) && p.upper != p.lower, x[i] = p.upper;
      else if (state[i] == 2) ok = p.lower <= 0 && p.upper >= 0;
      else free.push_back(i);
    }
    if (ok && !free.empty()) {
      const Index k = Index(free.size());
      MatD HF(k, k);
      VecD rhs(k);
      for (Index a = 0; a < k; ++a) {
        rhs[a] = Atb[free[a]] - p.l1 * (state[free[a]] == 3 ? 1 : -1);
        for (Index i = 0; i < n; ++i)
          if (state[i] < 3) rhs[a] -= H(free[a], i) * x[i];
        for (Index c = 0; c < k; ++c) HF(a, c) = H(free[a], free[c]);
      }
      const VecD xf = HF.ldlt().solve(rhs);
      for (Index a = 0; a < k && ok; ++a) {
        const double v = xf[a];
        ok = (state[free[a]] == 3 ? v >= 0 : v <= 0) && v >= p.lower && v <= p.upper;
        x[free[a]] = v;
      }
    }
    if (ok) best = std::min(best, least_squares_objective(A, b, p, x));
    Index i = 0;
    while (i < n && ++state[i] == 5) state[i++] = 0;
    if (i == n) break;
  }
  return best;
}

/// max_i dist(-grad_i, subdifferential of the penalty at x_i), from the definitions.
double kkt_violation(const VecD& gradient, const Penalty& p, const VecD& x) {
  double worst = 0;
  for (Index i = 0; i < x.size(); ++i) {
    double low = gradient[i] + (x[i] > 0 ? p.l1 : -p.l1), high = gradient[i] + (x[i] < 0 ? -p.l1 : p.l1);
    if (x[i] <= p.lower) low = -kInf;
    if (x[i] >= p.upper) high = kInf;
    worst = std::max(worst, low > 0 ? low : (high < 0 ? -high : 0.0));
  }
  return worst;
}

SeparableRegularizer<double> regularizer_of(const Penalty& p) { return {p.l1, p.lower, p.upper}; }

struct Rules {
  SelectionRule selection;
  UpdateRule update;
  PartitionRule partition;
};

TEST(Proximal, EveryRuleReachesTheBruteForceOptimumOnTinyProblems) {
  const std::vector<Penalty> penalties = {{2.0, 0, -kInf, kInf},   {1.0, 0.5, -kInf, kInf}, {0, 0, 0, kInf},
                                          {1.5, 0, 0, kInf},       {0.5, 0, -0.3, 0.4},     {0, 0.1, -1, 0.2}};
  int runs = 0;
  for (unsigned seed = 0; seed < 3; ++seed) {
    const MatD A = random_design(seed, 9, 5, 0.8, 0.3);
    const VecD b = 3 * random_vector(seed + 10, 9);
    for (const Penalty& p : penalties) {
      const double best = brute_force_optimum(A, b, p);
      const auto reg = regularizer_of(p);
      for (SelectionRule s : {SelectionRule::GSS, SelectionRule::GSR, SelectionRule::GSQP, SelectionRule::GSLR,
                              SelectionRule::GSLQ, SelectionRule::Random, SelectionRule::Cyclic})
        for (UpdateRule u : {UpdateRule::ProxGradient, UpdateRule::ProxNewton, UpdateRule::TwoMetric})
          for (PartitionRule part : {PartitionRule::Variable, PartitionRule::Order}) {
            if (u == UpdateRule::TwoMetric && !reg.smooth_on_feasible_set(5)) continue;
            auto problem = least_squares(A, b, p.l2);
            SolverOptions o = rule_options(s, u, 2, 1e-12, 100000);
            o.partition = part;
            VecD x;
            const Summary sum = solve(problem, reg, o, x);
            const std::string what = std::string(to_string(s)) + "/" + std::string(to_string(u)) + "/" +
                                     std::string(to_string(part)) + " l1=" + std::to_string(p.l1) +
                                     " bounds=[" + std::to_string(p.lower) + "," + std::to_string(p.upper) + "]";
            EXPECT_EQ(sum.status, Status::Converged) << what;
            EXPECT_NEAR(least_squares_objective(A, b, p, x), best, 1e-9 * std::abs(best)) << what;
            const VecD g = A.transpose() * (A * x - b) + p.l2 * x;
            EXPECT_LT(kkt_violation(g, p, x), 1e-7 * (1 + A.norm() * b.norm())) << what;
            ++runs;
          }
    }
  }
  EXPECT_GT(runs, 600);
}

TEST(Proximal, ProxAndViolationFollowTheirDefinitions) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(-2, 2);
  for (int trial = 0; trial < 2000; ++trial) {
    const double l1 = std::abs(u(rng)), lo = trial % 3 == 0 ? -kInf : u(rng) - 1;
    const double hi = trial % 5 == 0 ? kInf : (std::isfinite(lo) ? lo : -1) + 1 + std::abs(u(rng));
    const SeparableRegularizer<double> reg(l1, lo, hi);
    const double z = 2 * u(rng), t = 0.1 + std::abs(u(rng));
    // The prox minimises (y - z)^2 / (2t) + l1 |y| over [lo, hi]: ternary search as reference.
    auto objective = [&](double y) { return (y - z) * (y - z) / (2 * t) + l1 * std::abs(y); };
    double a = std::max(lo, -10.0), c = std::min(hi, 10.0);
    for (int k = 0; k < 300; ++k) {
      const double m1 = a + (c - a) / 3, m2 = c - (c - a) / 3;
      if (objective(m1) < objective(m2)) c = m2;
      else a = m1;
    }
    EXPECT_NEAR(reg.prox(0, z, t), (a + c) / 2, 1e-6);  // ternary search resolves a flat minimum to ~sqrt(eps)
    // At the prox point y, -(y - z)/t is in the subdifferential: zero violation for grad (y - z)/t.
    const double y = reg.prox(0, z, t);
    EXPECT_LT(reg.violation(0, y, (y - z) / t), 1e-12);
    if (y > lo && y < hi && y != 0) EXPECT_NEAR(reg.violation(0, y, (y - z) / t + 0.5), 0.5, 1e-12);
  }
}

/// The reference for a lasso / elastic net: Newton on the support with the signs fixed (a linear
/// solve), certified by the KKT conditions to round-off.
double certified_least_squares_optimum(const MatD& A, const VecD& b, const Penalty& p, const VecD& rough) {
  std::vector<Index> support;
  for (Index i = 0; i < rough.size(); ++i)
    if (rough[i] != 0) support.push_back(i);
  const Index k = Index(support.size());
  MatD AS(A.rows(), k);
  VecD sign(k);
  for (Index a = 0; a < k; ++a) AS.col(a) = A.col(support[a]), sign[a] = rough[support[a]] > 0 ? 1 : -1;
  const VecD xs = (AS.transpose() * AS + p.l2 * MatD::Identity(k, k)).ldlt().solve(AS.transpose() * b - p.l1 * sign);
  VecD x = VecD::Zero(rough.size());
  for (Index a = 0; a < k; ++a) x[support[a]] = xs[a];
  const VecD g = A.transpose() * (A * x - b) + p.l2 * x;
  EXPECT_LT(kkt_violation(g, p, x), 1e-9 * (1 + p.l1)) << "the reference is not optimal";
  return least_squares_objective(A, b, p, x);
}

TEST(Proximal, LassoAndElasticNetMatchACertifiedOptimum) {
  const MatD A = random_design(21, 120, 300, 0.3, 0.5);
  const VecD b = 5 * random_vector(22, 120);
  const double lambda_max = (A.transpose() * b).cwiseAbs().maxCoeff();
  for (const Penalty& p : {Penalty{0.1 * lambda_max, 0}, Penalty{0.05 * lambda_max, 1.0}}) {
    for (UpdateRule u : {UpdateRule::ProxNewton, UpdateRule::ProxGradient}) {
      auto problem = least_squares(A, b, p.l2);
      SolverOptions o = rule_options(SelectionRule::GSLQ, u, 20, 1e-12);
      VecD x;
      const Summary s = solve(problem, regularizer_of(p), o, x);
      EXPECT_EQ(s.status, Status::Converged);
      const double reference = certified_least_squares_optimum(A, b, p, x);
      EXPECT_NEAR(s.final_objective, reference, 1e-7 * std::abs(reference)) << to_string(u);
      EXPECT_GE(s.support_identified_at, 0);
      EXPECT_LE(s.support_identified_at, s.iterations);
      EXPECT_EQ(s.support_size, Index((x.array() != 0).count()));
    }
  }
}

/// The duality gap bounds F - F* from above at every point (weak duality), vanishes at the
/// optimum, and stops the solve when asked to.
TEST(Proximal, DualityGapBoundsTheSuboptimality) {
  const MatD A = random_design(41, 80, 150, 0.4, 0.4);
  const VecD b = 4 * random_vector(42, 80);
  VecD y(80);
  for (Index i = 0; i < 80; ++i) y[i] = b[i] > 0 ? 1 : -1;
  const double lambda_max = (A.transpose() * b).cwiseAbs().maxCoeff();
  for (const Penalty& p : {Penalty{0.1 * lambda_max, 0}, Penalty{0.05 * lambda_max, 2.0}}) {
    for (const bool logistic : {false, true}) {
      const double l1 = logistic ? 0.05 * (A.transpose() * y).cwiseAbs().maxCoeff() : p.l1;
      auto run = [&](Index iterations, Certificate certificate, double tol) {
        SolverOptions o;
        o.selection = SelectionRule::GSS;
        o.update = UpdateRule::ProxNewton;
        o.block_size = 10;
        o.tol = tol;
        o.certificate = certificate;
        o.max_iterations = iterations;
        o.check_every = 1;
        VecD x;
        if (logistic) {
          auto problem = logistic_regression(A, y, p.l2);
          return solve(problem, SeparableRegularizer<double>(l1), o, x);
        }
        auto problem = least_squares(A, b, p.l2);
        return solve(problem, SeparableRegularizer<double>(l1), o, x);
      };
      const double f_star = run(100000, Certificate::Kkt, 1e-13).final_objective;
      for (Index k : {1, 3, 10, 30}) {
        const Summary s = run(k, Certificate::DualityGap, 0);
        EXPECT_GE(s.duality_gap, s.final_objective - f_star - 1e-9 * std::abs(f_star)) << k;
      }
      const Summary done = run(100000, Certificate::DualityGap, 1e-10);
      EXPECT_EQ(done.status, Status::Converged);
      EXPECT_LE(done.duality_gap, 1e-10 * done.initial_gradient_norm);
      EXPECT_NEAR(done.final_objective, f_star, 1e-8 * std::abs(f_star));
    }
  }
  // Not available with bounds, or for softmax and quadratics.
  auto problem = least_squares(A, b);
  SolverOptions o;
  o.selection = SelectionRule::GSS;
  o.update = UpdateRule::ProxNewton;
  o.certificate = Certificate::DualityGap;
  VecD x;
  EXPECT_THROW(solve(problem, SeparableRegularizer<double>(1.0, 0.0), o, x), InvalidArgument);
}

/// L1-logistic: Newton with fixed signs on the support (smooth there), certified by KKT.
TEST(Proximal, L1LogisticMatchesACertifiedOptimum) {
  const MatD A = random_design(31, 150, 60, 0.5, 0.3);
  std::vector<int> y(150);
  const VecD w = random_vector(32, 60);
  const VecD noise = random_vector(33, 150);
  VecD yv(150);
  for (Index i = 0; i < 150; ++i) yv[i] = y[i] = (A.row(i).dot(w) + 2 * noise[i] > 0) ? 1 : -1;
  const double l1 = 0.05 * (A.transpose() * yv).cwiseAbs().maxCoeff();
  auto logistic_parts = [&](const VecD& x, VecD* grad, MatD* hess) {
    double f = 0;
    if (grad) *grad = VecD::Zero(x.size());
    if (hess) *hess = MatD::Zero(x.size(), x.size());
    for (Index i = 0; i < 150; ++i) {
      const double m = y[i] * A.row(i).dot(x);
      f += m > 0 ? std::log1p(std::exp(-m)) : -m + std::log1p(std::exp(m));
      const double s = 1 / (1 + std::exp(m));
      if (grad) *grad -= y[i] * s * A.row(i).transpose();
      if (hess) *hess += s * (1 - s) * A.row(i).transpose() * A.row(i);
    }
    return f;
  };
  for (UpdateRule u : {UpdateRule::ProxNewton, UpdateRule::ProxGradient}) {
    auto problem = logistic_regression(A, yv);
    SolverOptions o = rule_options(SelectionRule::GSS, u, 10, 1e-11);
    VecD x;
    const Summary s = solve(problem, SeparableRegularizer<double>(l1), o, x);
    EXPECT_EQ(s.status, Status::Converged) << s.brief_report();
    // Reference: Newton on the support with fixed signs from x, then the KKT certificate.
    std::vector<Index> S;
    for (Index i = 0; i < 60; ++i)
      if (x[i] != 0) S.push_back(i);
    VecD z = x;
    for (int it = 0; it < 50; ++it) {
      VecD g;
      MatD H;
      logistic_parts(z, &g, &H);
      const Index k = Index(S.size());
      MatD HS(k, k);
      VecD gS(k);
      for (Index a = 0; a < k; ++a) {
        gS[a] = g[S[a]] + l1 * (x[S[a]] > 0 ? 1 : -1);
        for (Index c = 0; c < k; ++c) HS(a, c) = H(S[a], S[c]);
      }
      const VecD step = HS.ldlt().solve(gS);
      for (Index a = 0; a < k; ++a) z[S[a]] -= step[a];
    }
    VecD g;
    const double reference = logistic_parts(z, &g, nullptr) + l1 * z.lpNorm<1>();
    EXPECT_LT(kkt_violation(g, Penalty{l1}, z), 1e-9) << "the reference is not optimal";
    EXPECT_NEAR(s.final_objective, reference, 1e-7 * reference) << to_string(u);
  }
}

/// Fig. 7: dataset A, l1 = 5e4 with x >= 0, gsl-q over variable blocks. Newton-type updates
/// identify the support within a few iterations and reach the optimum within ~30; the
/// prox-gradient update needs more than 100; random selection identifies nothing in 500.
TEST(Proximal, PaperFigure7ActiveSetIdentification) {
  const auto a = datasets::dataset_a();
  const SeparableRegularizer<double> reg(5e4, 0.0);
  auto run = [&](SelectionRule s, UpdateRule u, Index tau, Index iterations, std::optional<double> f_star,
                 std::vector<double>* history) {
    auto problem = least_squares(a.X, a.y);
    SolverOptions o;
    o.selection = s;
    o.update = u;
    o.block_size = tau;
    o.max_iterations = iterations;
    o.tol = f_star ? 1e-12 * (0.5 * a.y.squaredNorm() - *f_star) : 1e-13;
    o.optimal_value = f_star;
    o.record_history = history != nullptr;
    VecD x;
    const Summary summary = solve(problem, reg, o, x);
    if (history) *history = summary.objective_history;
    return std::pair{summary, x};
  };
  const auto [reference, x_star] = run(SelectionRule::GSLQ, UpdateRule::ProxNewton, 100, 5000, std::nullopt, nullptr);
  ASSERT_EQ(reference.status, Status::Converged);
  Penalty p{5e4, 0, 0, kInf};
  const VecD g = a.X.transpose() * (a.X * x_star - a.y);
  ASSERT_LT(kkt_violation(g, p, x_star), 1e-6 * 5e4);  // certified independently of the solver
  const double f_star = reference.final_objective;
  std::vector<Index> optimal_support;
  for (Index i = 0; i < x_star.size(); ++i)
    if (x_star[i] > 0) optimal_support.push_back(i);
  for (Index tau : {50, 100}) {
    for (UpdateRule u : {UpdateRule::ProxNewton, UpdateRule::TwoMetric}) {
      const auto [s, x] = run(SelectionRule::GSLQ, u, tau, 500, f_star, nullptr);
      EXPECT_EQ(s.status, Status::Converged) << tau << " " << to_string(u);
      EXPECT_LE(s.iterations, 30) << tau << " " << to_string(u);
      EXPECT_LE(s.support_identified_at, 15) << tau << " " << to_string(u);
      std::vector<Index> support;
      for (Index i = 0; i < x.size(); ++i)
        if (x[i] > 0) support.push_back(i);
      EXPECT_EQ(support, optimal_support);
    }
    const auto [pg, x_pg] = run(SelectionRule::GSLQ, UpdateRule::ProxGradient, tau, 500, f_star, nullptr);
    EXPECT_GT(pg.iterations, 100) << tau;
    const auto [random, x_random] = run(SelectionRule::Random, UpdateRule::ProxNewton, tau, 500, f_star, nullptr);
    EXPECT_NE(random.status, Status::Converged) << tau;
    EXPECT_EQ(random.support_identified_at, -1);
  }
}

/// Lasso and l1-logistic on real data (../shared/data/libsvm: rcv1_small, leukemia), each
/// checked against Newton on the support with fixed signs, certified by the KKT conditions.
TEST(Proximal, RealDataMatchACertifiedOptimum) {
  const char* env = std::getenv("SOUTHWELL_SHARED_DATA");
  const std::string root = std::string(env ? env : SOUTHWELL_SHARED_DATA) + "/libsvm/";
  int checked = 0;
  for (const char* name : {"rcv1_small", "leukemia"}) {
    if (!std::ifstream(root + name)) continue;
    const auto data = io::read_libsvm(root + name);
    const Eigen::SparseMatrix<double> A = data.X;
    const Index m = A.rows(), n = A.cols();
    VecD y(m);
    for (Index i = 0; i < m; ++i) y[i] = data.labels[i] > 0 ? 1 : -1;  // +-1 and 0/1 labels
    const VecD Aty = A.transpose() * y;
    for (const bool logistic : {false, true}) {
      const double l1 = (logistic ? 0.5 : 1.0) * 0.1 * Aty.cwiseAbs().maxCoeff();
      SolverOptions o;
      o.selection = SelectionRule::GSLQ;
      o.update = UpdateRule::ProxNewton;
      o.block_size = 50;
      o.tol = 1e-10;
      o.max_iterations = 100000;
      VecD x;
      Summary s;
      if (logistic) {
        auto problem = logistic_regression(A, y);
        s = solve(problem, SeparableRegularizer<double>(l1), o, x);
      } else {
        auto problem = least_squares(A, y);
        s = solve(problem, SeparableRegularizer<double>(l1), o, x);
      }
      EXPECT_EQ(s.status, Status::Converged) << name << " " << s.brief_report();
      std::vector<Index> S;
      for (Index i = 0; i < n; ++i)
        if (x[i] != 0) S.push_back(i);
      const Index k = Index(S.size());
      MatD AS(m, k);
      for (Index a = 0; a < k; ++a) AS.col(a) = A.col(S[a]);
      VecD sign(k), z(k);
      for (Index a = 0; a < k; ++a) sign[a] = x[S[a]] > 0 ? 1 : -1, z[a] = x[S[a]];
      auto smooth = [&](const VecD& w, VecD* grad, MatD* hess) {  // on the support
        const VecD margin = AS * w;
        double f = 0;
        VecD r(m);
        VecD curvature(m);
        for (Index i = 0; i < m; ++i) {
          if (logistic) {
            const double t = y[i] * margin[i];
            f += t > 0 ? std::log1p(std::exp(-t)) : -t + std::log1p(std::exp(t));
            const double p = 1 / (1 + std::exp(t));
            r[i] = -y[i] * p;
            curvature[i] = p * (1 - p);
          } else {
            r[i] = margin[i] - y[i];
            f += 0.5 * r[i] * r[i];
            curvature[i] = 1;
          }
        }
        if (grad) *grad = AS.transpose() * r;
        if (hess) *hess = AS.transpose() * curvature.asDiagonal() * AS;
        return std::pair{f, r};
      };
      for (int it = 0; it < 30; ++it) {  // Newton with fixed signs (converges in one step for lasso)
        VecD g;
        MatD H;
        smooth(z, &g, &H);
        z -= H.ldlt().solve(g + l1 * sign);
      }
      const auto [f_ref, r] = smooth(z, nullptr, nullptr);
      const double reference = f_ref + l1 * z.lpNorm<1>();
      VecD full = VecD::Zero(n);
      for (Index a = 0; a < k; ++a) full[S[a]] = z[a];
      const VecD gradient = A.transpose() * r;
      EXPECT_LT(kkt_violation(gradient, Penalty{l1}, full), 1e-8 * l1) << name << " reference not optimal";
      EXPECT_NEAR(s.final_objective, reference, 1e-7 * reference) << name << (logistic ? " logistic" : " lasso");
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "needs " << root << "rcv1_small or leukemia (../shared/data), absent";
}

TEST(Proximal, BadCombinationsAreRefused) {
  const MatD A = random_design(1, 6, 4);
  const VecD b = random_vector(2, 6);
  auto problem = least_squares(A, b);
  SolverOptions o;
  o.block_size = 2;
  VecD x;
  o.update = UpdateRule::Matrix;
  EXPECT_THROW(solve(problem, SeparableRegularizer<double>(1.0), o, x), InvalidArgument);
  o.update = UpdateRule::ProxNewton;
  o.selection = SelectionRule::GS;
  EXPECT_THROW(solve(problem, SeparableRegularizer<double>(1.0), o, x), InvalidArgument);
  o.selection = SelectionRule::GSS;
  o.update = UpdateRule::TwoMetric;
  EXPECT_THROW(solve(problem, SeparableRegularizer<double>(1.0), o, x), InvalidArgument);  // sign not fixed
  EXPECT_NO_THROW(solve(problem, SeparableRegularizer<double>(1.0, 0.0), o, x));
  EXPECT_THROW(SeparableRegularizer<double>(-1.0), InvalidArgument);
  EXPECT_THROW(SeparableRegularizer<double>(0.0, 1.0, 0.0), InvalidArgument);
  SeparableRegularizer<double> per_coordinate(0.0);
  per_coordinate.set_bounds(VecD::Zero(3), VecD::Ones(3));
  EXPECT_THROW(solve(problem, per_coordinate, o, x), InvalidArgument);  // 3 bounds, 4 coordinates
  // An infeasible x0 is projected onto the bounds.
  x = VecD::Constant(4, -5);
  o.update = UpdateRule::ProxGradient;
  const Summary s = solve(problem, SeparableRegularizer<double>(0.0, 0.0, 1.0), o, x);
  EXPECT_TRUE((x.array() >= 0).all() && (x.array() <= 1).all());
  EXPECT_TRUE(std::isfinite(s.final_objective));
}

}  // namespace
}  // namespace southwell::testing
