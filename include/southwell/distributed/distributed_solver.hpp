#pragma once
// Feature-partitioned distributed block coordinate descent for
//   F(x) = sum_i l_i(a_i' x) + l1 ||x||_1 + (l2/2) ||x||^2
// (least squares, binary logistic). Process k owns the columns A_k of A (CSC) and their
// coefficients x_k, and keeps a full copy of the margins z = A x. One round:
//   1. from z, the per-row derivatives u and curvatures w; the local gradient A_k'u + l2 x_k and
//      its KKT violations; one max-reduction of two scalars gives the global certificate;
//   2. the greedy rules pick the local working set: the nonzeros of x_k plus the coordinates with
//      the largest scaled violation |dist(-g_j, d r_j(x_j))| / sqrt(L_j) (GS-s);
//   3. local coordinate descent on the quadratic model of the loss along A_k d, with the
//      curvature multiplied by sigma (1 by default; CoCoA+'s sigma' = P makes the sum of the P
//      local steps safe for least squares: ||sum_k A_k d_k||^2 <= P sum_k ||A_k d_k||^2);
//   4. one sum-reduction of the change in margins A_k d_k (m doubles, plus two scalars);
//   5. a backtracking line search on the summed direction, evaluated identically by every
//      process from the reduced margins: no further communication (Tseng & Yun's Armijo rule, the
//      regulariser bounded by convexity). The logistic model uses the true curvature, so this is
//      a distributed proximal Newton step (d-GLMNET's design); the line search keeps it monotone.
// The communicator is a template parameter: anything with rank(), size(), sum(double*, n) and
// max(double*, n) (in-place all-reductions whose results are identical on every process) and
// barrier(). SerialCommunicator runs the algorithm in one process; mpi_communicator.hpp wraps MPI.
#include <Eigen/SparseCore>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/core/summary.hpp"
#include "southwell/core/types.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/squared_loss.hpp"

namespace southwell::distributed {

using SparseMatrixD = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

struct Options {
  double l1 = 0;
  double l2 = 0;
  /// Converged when max_j dist(-grad_j f, d(l1|x_j|)) <= tol times its value at x = 0, and the
  /// same for the violations scaled by 1/sqrt(L_j) (southwell-solve's "kkt" certificate).
  double tol = 1e-6;
  Index max_rounds = 10000;
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  /// The curvature multiplier sigma' of the local models. 1 (default): each process's model is
  /// the loss's own quadratic model, and the line search shortens the summed step where the
  /// processes' columns are correlated (d-GLMNET); on rcv1_small and the generated problems it
  /// needs half to a quarter of the rounds of the alternative at P = 2 and 4. 0 = the number of processes: CoCoA+'s safe sigma' = P, for
  /// which the summed step needs no shortening on least squares.
  double sigma = 1;
  /// Coordinate descent epochs over the local working set per round, at most. More local work
  /// means fewer rounds, i.e. fewer reductions: on a9a (logistic, l1) 10 epochs per round took
  /// 300+ rounds, 200 took 16.
  Index local_epochs = 50;
  /// A round's local epochs stop when the largest scaled step falls below this fraction of the
  /// first epoch's.
  double local_tolerance = 0.01;
  /// Each process's working set: its nonzeros plus at least this many violating coordinates
  /// (and as many as it has nonzeros).
  Index min_working_set = 256;
  /// Try an extrapolated point x + t d + beta (x - x_previous) each round and keep it when it
  /// lowers F more than the plain step (costs one reduction of three scalars and O(m + n)).
  bool momentum = true;
  /// Rounds between exact recomputations of z = sum_k A_k x_k (one extra reduction of m values),
  /// which keeps rounding in the incremental updates from accumulating.
  Index refresh_every = 50;
  /// Put a barrier before each reduction so that the time spent waiting for slower processes is
  /// measured apart from the transfer (costs one barrier per reduction; for benchmarks).
  bool measure_wait = false;
  /// Progress lines (process 0 only) every `log_every` rounds.
  bool verbose = false;
  Index log_every = 10;
  std::function<void(const std::string&)> log_sink;

  void validate() const {
    const auto check = [](bool ok, const std::string& what) {
      if (!ok) throw InvalidArgument(what);
    };
    check(std::isfinite(l1) && l1 >= 0, "l1 must be finite and >= 0");
    check(std::isfinite(l2) && l2 >= 0, "l2 must be finite and >= 0");
    check(std::isfinite(tol) && tol > 0, "tol must be finite and > 0");
    check(max_rounds >= 0, "max_rounds must be >= 0");
    check(time_limit_seconds > 0, "time_limit_seconds must be > 0");
    check(std::isfinite(sigma) && sigma >= 0, "sigma must be finite and >= 0 (0 = number of processes)");
    check(local_epochs >= 1, "local_epochs must be >= 1");
    check(local_tolerance >= 0 && local_tolerance < 1, "local_tolerance must lie in [0, 1)");
    check(min_working_set >= 1, "min_working_set must be >= 1");
    check(refresh_every >= 1, "refresh_every must be >= 1");
    check(log_every >= 1, "log_every must be >= 1");
  }
};

/// Seconds of one process, summed over the rounds.
struct Timing {
  double compute = 0;      ///< local gradient, working set, coordinate descent, line search
  double wait = 0;         ///< in barriers before reductions (only with measure_wait)
  double communicate = 0;  ///< inside the reductions
  /// Of `compute`, the part spent over the local columns (gradient, working set, coordinate
  /// descent) and the nonzeros it read; the rest is O(rows) work on the margins, which every
  /// process repeats (derivatives, line search, updates of z).
  double columns = 0;
  double nonzeros = 0;
};

struct Result {
  Status status = Status::MaxIterations;
  std::string message;
  Index rounds = 0;
  Index coordinate_updates = 0;  ///< over all processes
  double objective = 0;
  double initial_objective = 0;
  double initial_violation = 0;  ///< the KKT violation at x = 0
  double final_violation = 0;
  Index support_size = 0;  ///< nonzeros of x over all processes
  /// The round after which the signs of x (the support) never changed, when converged; else -1.
  Index support_identified_at = -1;
  double seconds = 0;
  Timing timing;  ///< this process's
  int processes = 1;
  double sigma = 1;
};

/// One process: sums and maxima are the identity.
struct SerialCommunicator {
  int rank() const { return 0; }
  int size() const { return 1; }
  void sum(double*, std::size_t) {}
  void max(double*, std::size_t) {}
  void barrier() {}
};

namespace detail {

inline double soft_threshold(double v, double t) { return v > t ? v - t : (v < -t ? v + t : 0.0); }

/// dist(-g, d(l1 |x|)): how far coordinate j is from optimality.
inline double kkt_violation(double x, double g, double l1) {
  if (x > 0) return std::abs(g + l1);
  if (x < 0) return std::abs(g - l1);
  return std::max(std::abs(g) - l1, 0.0);
}

inline int sign(double v) { return (v > 0) - (v < 0); }

/// l_i(z + dz) - l_i(z) given u = l_i'(z). Near the optimum the change is far below the rounding
/// of l_i itself, so the line search would stall on a difference of values; the two losses have
/// closed forms that keep full relative precision.
template <class Loss>
double loss_change(const Loss& loss, Index i, double z, double u, double dz) {
  (void)u;
  const double moved = z + dz;
  return double(loss.value(i, &moved)) - double(loss.value(i, &z));
}
/// (z + dz - b)^2/2 - (z - b)^2/2 = dz (u + dz/2).
inline double loss_change(const SquaredLoss<double>&, Index, double, double u, double dz) { return dz * (u + 0.5 * dz); }
/// log(1 + e^{-y(z+dz)}) - log(1 + e^{-yz}) = log1p(s expm1(-y dz)), s = sigma(-yz) = |u|, y = -sign(u).
inline double loss_change(const LogisticLoss<double>& loss, Index i, double z, double u, double dz) {
  if (u == 0) {  // sigma(-yz) underflowed: fall back to the difference
    const double moved = z + dz;
    return loss.value(i, &moved) - loss.value(i, &z);
  }
  return std::log1p(std::abs(u) * std::expm1((u > 0 ? 1.0 : -1.0) * dz));
}

}  // namespace detail

/// Minimises F over x from x_local = 0 (resized to A_local.cols()). A_local is this process's
/// columns; `loss` gives l_i for every row (the same on every process). Every process must call
/// this with the same options and row count. Throws InvalidArgument for bad options or sizes
/// (before the first reduction, identically on every process when the inputs agree).
template <class Loss, class Communicator>
Result solve(const SparseMatrixD& A_local, const Loss& loss, const Options& options, Communicator& comm,
             Vec<double>& x_local) {
  using Clock = std::chrono::steady_clock;
  options.validate();
  const Index m = A_local.rows(), n = A_local.cols();
  if (loss.rows() != m)
    throw InvalidArgument("the local columns have " + std::to_string(m) + " rows but the loss has " +
                          std::to_string(loss.rows()) + " targets");
  if (loss.outputs() != 1) throw InvalidArgument("distributed solves take one output per row (no softmax)");
  if (!A_local.isCompressed()) throw InvalidArgument("the local columns must be compressed (makeCompressed())");
  const int* outer = A_local.outerIndexPtr();
  const int* inner = A_local.innerIndexPtr();
  const double* value = A_local.valuePtr();
  for (Index k = 0; k < A_local.nonZeros(); ++k)
    if (!std::isfinite(value[k])) throw InvalidArgument("the local columns hold a value that is not finite");

  const auto start = Clock::now();
  const auto since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  Result result;
  result.processes = comm.size();
  const double sigma = options.sigma > 0 ? options.sigma : double(comm.size());
  result.sigma = sigma;
  const double l1 = options.l1, l2 = options.l2;
  const bool sparse_model = l1 > 0;

  // Reductions, timed apart from the local work.
  const auto reduce = [&](double* data, std::size_t count, bool maximum) {
    if (options.measure_wait) {
      const auto t = Clock::now();
      comm.barrier();
      result.timing.wait += since(t);
    }
    const auto t = Clock::now();
    if (maximum)
      comm.max(data, count);
    else
      comm.sum(data, count);
    result.timing.communicate += since(t);
  };

  x_local = Vec<double>::Zero(n);
  Vec<double> column_lipschitz(n);  // L_j = (curvature bound) ||a_j||^2 + l2
  for (Index j = 0; j < n; ++j) {
    double sq = 0;
    for (int p = outer[j]; p < outer[j + 1]; ++p) sq += value[p] * value[p];
    column_lipschitz[j] = double(loss.bound(0, 0, 1)) * sq + l2;
  }

  Vec<double> z = Vec<double>::Zero(m), u(m), w(m), q = Vec<double>::Zero(m);
  std::vector<double> message(std::size_t(m) + 2);
  Vec<double> g(n), d = Vec<double>::Zero(n), curvature(n), x_previous = Vec<double>::Zero(n);
  Vec<double> z_previous = Vec<double>::Zero(m);
  Index momentum_rounds = 0;  // consecutive rounds whose extrapolation was taken
  std::vector<Index> working_set, candidates;
  std::vector<char> in_working_set(std::size_t(n), 0);

  const auto loss_value = [&](const Vec<double>& margins) {
    double s = 0;
    for (Index i = 0; i < m; ++i) s += double(loss.value(i, &margins[i]));
    return s;
  };
  const auto penalty = [&](double v) { return l1 * std::abs(v) + 0.5 * l2 * v * v; };
  // penalty(v + dv) - penalty(v) without the cancellation of subtracting values: near the optimum
  // the changes are ~1e-8 of the values and the line search compares them with second-order terms.
  const auto penalty_change_of = [&](double v, double dv) {
    const double moved = v + dv;
    const double absolute = detail::sign(moved) == detail::sign(v) && v != 0 ? (v > 0 ? dv : -dv)
                                                                             : std::abs(moved) - std::abs(v);
    return l1 * absolute + l2 * dv * (v + 0.5 * dv);
  };
  const auto local_penalty = [&]() {
    double s = 0;
    for (Index j = 0; j < n; ++j) s += penalty(x_local[j]);
    return s;
  };
  const auto global_objective = [&]() {
    double r = local_penalty();
    reduce(&r, 1, false);
    return loss_value(z) + r;
  };
  const auto refresh_margins = [&]() {
    std::fill(message.begin(), message.begin() + m, 0.0);
    for (Index j = 0; j < n; ++j)
      if (x_local[j] != 0)
        for (int p = outer[j]; p < outer[j + 1]; ++p) message[std::size_t(inner[p])] += value[p] * x_local[j];
    reduce(message.data(), std::size_t(m), false);
    for (Index i = 0; i < m; ++i) z[i] = message[std::size_t(i)];
  };

  auto compute_start = Clock::now();
  const auto pause_compute = [&]() { result.timing.compute += since(compute_start); };
  const auto resume_compute = [&]() { compute_start = Clock::now(); };

  double f = loss_value(z);
  pause_compute();
  result.initial_objective = global_objective();
  resume_compute();
  double reference = 0, reference_scaled = 0;
  Index last_support_change = 0;
  Index updates = 0;

  for (Index round = 0;; ++round) {
    // 1. derivatives, local gradient and the global certificate
    for (Index i = 0; i < m; ++i) {
      loss.derivative(i, &z[i], &u[i]);
      loss.hessian(i, &z[i], &w[i]);
    }
    const auto columns_start = Clock::now();
    double violation[2] = {0, 0};
    result.timing.nonzeros += double(A_local.nonZeros());
    for (Index j = 0; j < n; ++j) {
      double s = l2 * x_local[j];
      for (int p = outer[j]; p < outer[j + 1]; ++p) s += value[p] * u[inner[p]];
      g[j] = s;
      const double v = detail::kkt_violation(x_local[j], s, l1);
      violation[0] = std::max(violation[0], v);
      if (column_lipschitz[j] > 0) violation[1] = std::max(violation[1], v / std::sqrt(column_lipschitz[j]));
    }
    result.timing.columns += since(columns_start);
    pause_compute();
    reduce(violation, 2, true);
    resume_compute();
    if (round == 0) {
      result.initial_violation = violation[0];
      reference = violation[0];
      reference_scaled = violation[1];
    }
    result.final_violation = violation[0];
    result.rounds = round;
    if (!std::isfinite(violation[0]) || !std::isfinite(f)) {
      result.status = Status::NumericalFailure;
      result.message = "the gradient or the objective is not finite";
      break;
    }
    if (violation[0] <= options.tol * reference && violation[1] <= options.tol * reference_scaled) {
      result.status = Status::Converged;
      break;
    }
    if (round >= options.max_rounds) {
      result.status = Status::MaxIterations;
      break;
    }
    if (since(start) >= options.time_limit_seconds) {
      result.status = Status::TimeLimit;
      break;
    }

    // 2. working set: the nonzeros plus the largest scaled violations among the zeros
    const auto local_start = Clock::now();
    working_set.clear();
    candidates.clear();
    for (Index j = 0; j < n; ++j) {
      if (x_local[j] != 0 || !sparse_model)
        working_set.push_back(j);
      else if (detail::kkt_violation(0, g[j], l1) > 0)
        candidates.push_back(j);
    }
    const auto score = [&](Index j) {
      return detail::kkt_violation(0, g[j], l1) / std::sqrt(std::max(column_lipschitz[j], 1e-300));
    };
    const std::size_t grow = std::min(candidates.size(), std::size_t(std::max<Index>(options.min_working_set, Index(working_set.size()))));
    if (grow < candidates.size())
      std::nth_element(candidates.begin(), candidates.begin() + std::ptrdiff_t(grow), candidates.end(),
                       [&](Index a, Index b) { return score(a) > score(b) || (score(a) == score(b) && a < b); });
    working_set.insert(working_set.end(), candidates.begin(), candidates.begin() + std::ptrdiff_t(grow));
    std::sort(working_set.begin(), working_set.end());

    // 3. local coordinate descent on sum_i u_i q_i + (sigma/2) w_i q_i^2 + r(x + d), q = A_k d
    for (const Index j : working_set) {
      double h = 0;
      for (int p = outer[j]; p < outer[j + 1]; ++p) h += w[inner[p]] * value[p] * value[p];
      curvature[j] = sigma * h + l2;
      result.timing.nonzeros += double(outer[j + 1] - outer[j]);
    }
    double first_epoch_step = 0;
    for (Index epoch = 0; epoch < options.local_epochs; ++epoch) {
      double largest_step = 0;
      for (const Index j : working_set) {
        const double h = curvature[j];
        if (!(h > 0)) continue;
        double s = l2 * (x_local[j] + d[j]);
        for (int p = outer[j]; p < outer[j + 1]; ++p) {
          const Index i = inner[p];
          s += value[p] * (u[i] + sigma * w[i] * q[i]);
        }
        const double current = x_local[j] + d[j];
        const double step = detail::soft_threshold(current - s / h, l1 / h) - current;
        ++updates;
        result.timing.nonzeros += double(outer[j + 1] - outer[j]);
        if (step == 0) continue;
        result.timing.nonzeros += double(outer[j + 1] - outer[j]);
        d[j] += step;
        for (int p = outer[j]; p < outer[j + 1]; ++p) q[inner[p]] += step * value[p];
        largest_step = std::max(largest_step, std::abs(step) * std::sqrt(h));
      }
      if (epoch == 0) first_epoch_step = largest_step;
      if (largest_step <= options.local_tolerance * first_epoch_step) break;
    }

    result.timing.columns += since(local_start);

    // 4. one reduction: the change in margins, the change in the penalty, sign changes
    double penalty_change = 0, sign_changes = 0;
    for (const Index j : working_set) {
      if (d[j] == 0) continue;
      penalty_change += penalty_change_of(x_local[j], d[j]);
      sign_changes += detail::sign(x_local[j] + d[j]) != detail::sign(x_local[j]);
    }
    for (Index i = 0; i < m; ++i) message[std::size_t(i)] = q[i];
    message[std::size_t(m)] = penalty_change;
    message[std::size_t(m) + 1] = sign_changes;
    pause_compute();
    reduce(message.data(), message.size(), false);
    resume_compute();
    penalty_change = message[std::size_t(m)];
    sign_changes = message[std::size_t(m) + 1];

    // 5. line search on F(x + t d) <= F(x) + c t D, D = u'(A d) + r(x + d) - r(x)
    double directional = penalty_change;
    for (Index i = 0; i < m; ++i) directional += u[i] * message[std::size_t(i)];
    double step = 1, change = 0;
    bool accepted = false;
    if (directional < 0) {
      for (int halvings = 0; halvings < 50; ++halvings, step *= 0.5) {
        change = 0;
        for (Index i = 0; i < m; ++i) change += detail::loss_change(loss, i, z[i], u[i], step * message[std::size_t(i)]);
        accepted = change + step * penalty_change <= 1e-4 * step * directional;
        if (accepted) break;
      }
    }
    if (!accepted) {
      // No descent left at working precision: report where we are rather than loop.
      result.status = Status::NumericalFailure;
      result.message = "no descent along the combined direction (the tolerance is below working precision)";
      result.rounds = round + 1;
      for (const Index j : working_set) d[j] = 0;
      q.setZero();
      break;
    }
    // 6. momentum, safeguarded: x + t d + beta (x - x_previous) replaces x + t d when its F is
    //    lower (exact penalties: one reduction of three scalars). Block-Jacobi rounds converge
    //    linearly with a rate that worsens with P; extrapolation is the classic remedy.
    double beta = 0;
    if (options.momentum && round > 0) {
      beta = double(momentum_rounds + 1) / double(momentum_rounds + 4);
      double totals[3] = {0, 0, 0};  // penalty changes of the plain and extrapolated points; sign changes
      for (Index j = 0; j < n; ++j) {
        const double plain = step * d[j], extrapolated = plain + beta * (x_local[j] - x_previous[j]);
        if (plain != 0) totals[0] += penalty_change_of(x_local[j], plain);
        if (extrapolated != 0) {
          totals[1] += penalty_change_of(x_local[j], extrapolated);
          totals[2] += detail::sign(x_local[j] + extrapolated) != detail::sign(x_local[j]);
        }
      }
      pause_compute();
      reduce(totals, 3, false);
      resume_compute();
      double extrapolated_change = 0;
      for (Index i = 0; i < m; ++i)
        extrapolated_change += detail::loss_change(loss, i, z[i], u[i],
                                                   step * message[std::size_t(i)] + beta * (z[i] - z_previous[i]));
      if (extrapolated_change + totals[1] < change + totals[0]) {
        ++momentum_rounds;
        change = extrapolated_change;
        sign_changes = totals[2];
      } else {
        momentum_rounds = 0;
        beta = 0;
      }
    }
    for (Index j = 0; j < n; ++j) {
      const double moved = step * d[j] + beta * (x_local[j] - x_previous[j]);
      x_previous[j] = x_local[j];
      x_local[j] += moved;
      d[j] = 0;
    }
    q.setZero();
    if (sign_changes > 0) last_support_change = round + 1;
    if ((round + 1) % options.refresh_every == 0) {
      z_previous = z;
      pause_compute();
      refresh_margins();
      resume_compute();
      f = loss_value(z);
    } else {
      for (Index i = 0; i < m; ++i) {
        const double moved = step * message[std::size_t(i)] + beta * (z[i] - z_previous[i]);
        z_previous[i] = z[i];
        z[i] += moved;
      }
      f += change;
    }
    if (options.verbose && comm.rank() == 0 && (round + 1) % options.log_every == 0) {
      char line[200];
      std::snprintf(line, sizeof line, "round %lld: loss %.10g, kkt %.3e (tol %.1e), step %.3g, seconds %.3f",
                    static_cast<long long>(round + 1), f, violation[0] / std::max(reference, 1e-300), options.tol,
                    step, since(start));
      if (options.log_sink)
        options.log_sink(line);
      else
        std::fprintf(stderr, "%s\n", line);
    }
  }
  pause_compute();

  result.objective = global_objective();
  double counts[2] = {double((x_local.array() != 0).count()), double(updates)};
  reduce(counts, 2, false);
  result.support_size = Index(counts[0]);
  result.coordinate_updates = Index(counts[1]);
  result.support_identified_at = (sparse_model && result.status == Status::Converged) ? last_support_change : -1;
  result.seconds = since(start);
  return result;
}

}  // namespace southwell::distributed
