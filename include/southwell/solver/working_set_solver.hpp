#pragma once
// Working-set proximal Newton for penalised generalised linear models: the practical solver
// behind the estimators and the regularisation paths (docs/performance.md).
//
//   F(X) = sum_i s_i l_i(a_i' X) + sum_f w_f (l1 ||X_f||_1 + l2/2 ||X_f||^2)   [X_f >= 0 optional]
//
// over X in R^{p x K} (K = 1 for least squares and logistic regression, K classes for softmax);
// s are sample weights, w penalty factors (glmnet's penalty.factor), and the trailing `free`
// features (an intercept) carry no penalty and no bound.
//
// Outer loop: one full gradient pass scores every feature by its KKT violation (the GS-s rule of
// the paper at full scale: the distance of -grad to the subdifferential). The working set is the
// current support plus the worst violators, max(initial, growth x support) features (growth^2
// when every feature of the last one joined the model). Inner loop:
// proximal Newton on the working set -- the loss is replaced by its second-order model (exact
// for least squares), the model is minimised by cyclic coordinate descent that keeps the model's
// residual up to date in O(nnz of the column), and a backtracking line search on F accepts the
// step. Least squares gets Anderson extrapolation of the coordinate descent iterates instead. The
// inner tolerance is a fraction of the outer violation, so early working sets are solved
// loosely. Small working sets get their Gram matrix A_W' H A_W; larger ones are solved over the
// columns; smooth models with fewer rows than working-set features solve Newton's system in the
// row space (an m x m matrix, m <= 2048). Either way the softmax's model has each row's full
// K x K Hessian, so its steps are Newton's; the line search makes every step safe.
//
// Full passes (gradient, row refresh) run on OpenMP threads over fixed chunks, so the result is
// the same for every thread count. Never forms A'A or a Hessian; memory beyond the design is
// O(m K + p K).
//
// Threads: a WorkingSetSolver holds the state of its solve (margins, gradient, working set), so
// one object serves one solve at a time; any number of solvers may view the same matrix at once
// (solve_batch runs them on oneTBB).
#include <omp.h>

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/core/options.hpp"
#include "southwell/core/recycled.hpp"
#include "southwell/core/summary.hpp"
#include "southwell/core/types.hpp"
#include "southwell/linalg/bit_rows.hpp"
#include "southwell/linalg/dense_block.hpp"
#include "southwell/linalg/log1p_sum.hpp"
#include "southwell/linalg/scratch_matrix.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/softmax_loss.hpp"
#include "southwell/solver/logistic_dual.hpp"
#include "southwell/problems/squared_loss.hpp"

namespace southwell {

/// The penalty of a working-set solve.
template <class Scalar>
struct ElasticNetPenalty {
  double l1 = 0;
  double l2 = 0;
  /// Per-feature multipliers of both terms (empty: all 1); each finite and >= 0.
  Vec<Scalar> factors;
  /// The last `free_features` features (an intercept) have no penalty and no bound.
  Index free_features = 0;
  /// X_f >= 0 for every feature that is not free.
  bool nonnegative = false;
};

struct WorkingSetOptions {
  /// Converged when the largest KKT violation max_j dist(-grad_j f, d g_j(x_j)) is at most
  /// tol * max(violation at x0, violation at 0), and so is the largest violation divided by its
  /// column's norm (so that large-scale columns cannot hide the others) -- as in the BCD engine.
  double tol = 1e-6;
  /// Outer iterations (one full gradient pass each).
  Index max_iterations = 1000;
  /// Coordinate descent epochs over working sets, all inner solves together.
  Index max_epochs = 1000000;
  /// Features in the first working set, and the least any working set holds.
  Index initial_working_set = 10;
  /// A working set holds max(initial_working_set, growth x support size) features (growth^2
  /// when every feature of the previous one joined the support).
  double growth = 2.0;
  /// Inner solves stop at inner_tolerance x the outer violation (skglm uses 0.3).
  double inner_tolerance = 0.3;
  /// Coordinate descent epochs on one Newton model (the model need not be solved exactly).
  Index max_model_epochs = 20;
  /// Anderson extrapolation over this many epochs of the column solver, one output (least squares,
  /// logistic); the Gram solver uses it for every loss (0: off).
  Index anderson_memory = 5;
  /// Gap-safe screening (Ndiaye, Fercoq, Gramfort & Salmon, JMLR 2017): after each outer pass,
  /// features whose dual constraint provably holds strictly at the optimum (so their coefficient
  /// is 0 there) leave the solve, and later full passes skip their columns. Applies to least
  /// squares and logistic regression with l1 > 0, every penalty factor > 0, no bounds, no free
  /// features and no candidate set (paths use the strong rule instead); elsewhere it is off.
  bool screening = true;
  /// Passes restricted to likely features (the strong rule's idea inside one solve): after an
  /// outer pass, when fewer than a quarter of the features are nonzero, free or have a gradient
  /// of at least `focus_fraction` x their l1 weight (outside it, for a bound), the following
  /// full passes visit only those until the solve converges on them; then one pass over every
  /// feature certifies the result, and any violator joins them (the same check runs whenever
  /// the focused violation has fallen 100x below the last check's). Where the gradient is far below
  /// l1 on most features (large, sparse problems), each outer iteration then costs the working
  /// set, not all of p. In [0, 1); 0 turns it off.
  double focus_fraction = 0.5;
  /// Dual coordinate descent (LogisticDual) instead of the working sets, for binary logistic
  /// regression with an l2 penalty only: one common penalty factor > 0, no l1, no bounds, no
  /// free features (an intercept). Automatic uses it where it applies, rows are fewer than
  /// features (the dual is then the smaller problem) and at most 10% of the entries are nonzero,
  /// and hands over to the working sets if its rate turns out slow; Always where it applies, and
  /// asking for it elsewhere is an InvalidArgument; Never leaves every problem to the working sets.
  enum class Dual { Automatic, Never, Always };
  Dual dual = Dual::Automatic;
  /// OpenMP threads for the full passes (0: OpenMP's default). Results do not depend on it.
  int threads = 0;
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  bool record_history = false;
  /// Called after every outer iteration and every inner epoch; return true to stop.
  IterationCallback callback;
  bool verbose = false;
  std::function<void(const std::string&)> log_sink;

  void validate() const {
    if (!(tol >= 0) || !std::isfinite(tol)) throw InvalidArgument("tol must be finite and >= 0");
    if (max_iterations < 1) throw InvalidArgument("max_iterations must be >= 1");
    if (max_epochs < 1) throw InvalidArgument("max_epochs must be >= 1");
    if (initial_working_set < 1) throw InvalidArgument("initial_working_set must be >= 1");
    if (!(growth >= 1) || !std::isfinite(growth)) throw InvalidArgument("growth must be finite and >= 1");
    if (!(inner_tolerance > 0 && inner_tolerance < 1)) throw InvalidArgument("inner_tolerance must lie in (0, 1)");
    if (max_model_epochs < 1) throw InvalidArgument("max_model_epochs must be >= 1");
    if (anderson_memory < 0) throw InvalidArgument("anderson_memory must be >= 0");
    if (!(focus_fraction >= 0 && focus_fraction < 1)) throw InvalidArgument("focus_fraction must lie in [0, 1)");
    if (threads < 0) throw InvalidArgument("threads must be >= 0");
    if (!(time_limit_seconds > 0)) throw InvalidArgument("time_limit_seconds must be > 0");
  }
};

/// Summary plus the working-set counters. `iterations` counts outer iterations.
struct WorkingSetSummary : Summary {
  Index epochs = 0;             ///< coordinate descent epochs over working sets
  Index newton_steps = 0;       ///< accepted model steps (one per inner solve for least squares)
  Index row_space_steps = 0;    ///< model steps solved in the row space (fewer rows than working-set features)
  Index working_set_size = 0;   ///< features in the last working set
  Index screened_in = 0;        ///< features outside the candidate set that failed the KKT check
  Index screened_out = 0;       ///< features removed by gap-safe screening
  Index focused = 0;            ///< features the focused passes visited (0: they never started)
  bool dual = false;            ///< solved by dual coordinate descent: epochs over rows, no working sets
};

template <class Design, class Loss>
class WorkingSetSolver {
 public:
  using Scalar = typename Design::Scalar;
  static constexpr bool kQuadratic = std::is_same_v<Loss, SquaredLoss<Scalar>>;
  /// Softmax: the outputs of a row share one Hessian block.
  static constexpr bool kCoupledOutputs = std::is_same_v<Loss, SoftmaxLoss<Scalar>>;
  /// Losses that compute a row's value, derivative and curvature together (one exp per output).
  template <class L, class = void>
  struct HasRowTerms : std::false_type {};
  template <class L>
  struct HasRowTerms<L, std::void_t<decltype(std::declval<const L&>().row_terms(Index(0), (const Scalar*)nullptr,
                                                                                 (Scalar*)nullptr, (Scalar*)nullptr))>>
      : std::true_type {};
  static constexpr bool kFusedRowTerms = HasRowTerms<Loss>::value;
  /// One-output losses with fused row terms: a line search's trial keeps each moved row's
  /// margin, value, derivative and curvature, all from its one exp, for the step it takes.
  static constexpr bool kTrialRows = kFusedRowTerms && !kCoupledOutputs;
  /// Losses whose row value is lead + log1p(tail) (LogisticLoss::row_terms_split): the rows'
  /// log1p terms are summed with one log per block of rows (Log1pSum), not one per row.
  template <class L, class = void>
  struct HasSplitRowTerms : std::false_type {};
  template <class L>
  struct HasSplitRowTerms<L, std::void_t<decltype(std::declval<const L&>().row_terms_split(
                                 Index(0), (const Scalar*)nullptr, (Scalar*)nullptr, (Scalar*)nullptr, (Scalar*)nullptr))>>
      : std::true_type {};
  static constexpr bool kSplitRows = kTrialRows && HasSplitRowTerms<Loss>::value;

  /// `design` and `loss` are copied (designs are views). `sample_weight` empty means all 1.
  WorkingSetSolver(Design design, Loss loss, ElasticNetPenalty<Scalar> penalty, Vec<Scalar> sample_weight = {})
      : A_(std::move(design)), loss_(std::move(loss)), m_(A_.rows()), p_(A_.cols()), K_(loss_.outputs()),
        weight_(std::move(sample_weight)) {
    if (loss_.rows() != m_)
      throw InvalidArgument("matrix has " + std::to_string(m_) + " rows but there are " +
                            std::to_string(loss_.rows()) + " targets");
    if (m_ == 0 || p_ == 0) throw InvalidArgument("matrix is empty");
    if (weight_.size() == 0) weight_ = Vec<Scalar>::Ones(m_);
    if (weight_.size() != m_)
      throw InvalidArgument("sample_weight has " + std::to_string(weight_.size()) + " entries, expected " +
                            std::to_string(m_));
    for (Index i = 0; i < m_; ++i)
      if (!(weight_[i] >= 0) || !std::isfinite(weight_[i]))
        throw InvalidArgument("sample_weight[" + std::to_string(i) + "] must be finite and >= 0");
    set_penalty(std::move(penalty));
  }

  Index num_features() const { return p_; }
  Index num_outputs() const { return K_; }
  const ElasticNetPenalty<Scalar>& penalty() const { return pen_; }

  void set_penalty(ElasticNetPenalty<Scalar> penalty) {
    if (!(penalty.l1 >= 0) || !std::isfinite(penalty.l1)) throw InvalidArgument("l1 must be finite and >= 0");
    if (!(penalty.l2 >= 0) || !std::isfinite(penalty.l2)) throw InvalidArgument("l2 must be finite and >= 0");
    if (penalty.free_features < 0 || penalty.free_features > p_)
      throw InvalidArgument("free_features must lie in [0, " + std::to_string(p_) + "]");
    // Empty factors stay empty (all 1: no p-sized array to fault in) unless free features need 0s.
    if (penalty.factors.size() == 0 && penalty.free_features > 0) penalty.factors = Vec<Scalar>::Ones(p_);
    if (penalty.factors.size() != 0 && penalty.factors.size() != p_)
      throw InvalidArgument("penalty factors have " + std::to_string(penalty.factors.size()) + " entries, expected " +
                            std::to_string(p_));
    for (Index f = 0; f < penalty.factors.size(); ++f)
      if (!(penalty.factors[f] >= 0) || !std::isfinite(penalty.factors[f]))
        throw InvalidArgument("penalty factor " + std::to_string(f) + " must be finite and >= 0");
    for (Index f = p_ - penalty.free_features; f < p_; ++f) penalty.factors[f] = 0;
    pen_ = std::move(penalty);
    warm_ = warm_gradient_ = false;  // the kept gradient's l2 terms and live features followed the old penalty
    row_gram_ws_.clear();  // row_gram_ holds 1 / factor
    // The screening test divides by every factor; with one common factor (the usual case) that
    // is one division, not p.
    inverse_factors_ = uniform_factors() ? Vec<double>() : pen_.factors.template cast<double>().cwiseInverse();
  }
  /// l1 = strength x l1_ratio, l2 = strength x (1 - l1_ratio): one point of an elastic-net path.
  void set_strength(double strength, double l1_ratio) {
    if (!(strength >= 0) || !std::isfinite(strength)) throw InvalidArgument("strength must be finite and >= 0");
    if (!(l1_ratio >= 0 && l1_ratio <= 1)) throw InvalidArgument("l1_ratio must lie in [0, 1]");
    pen_.l1 = strength * l1_ratio;
    pen_.l2 = strength * (1 - l1_ratio);
  }

  /// F(x) computed from scratch (O(nnz(A) K)): independent of the solver's incremental state.
  double objective(const Vec<Scalar>& x) const {
    check_size(x);
    Vec<Scalar> z;
    times_design(x, z);
    double total = 0;
    for (Index i = 0; i < m_; ++i)
      if (weight_[i] != 0) total += double(weight_[i]) * double(loss_.value(i, &z[i * K_]));
    return total + penalty_value(x);
  }

  /// The smallest l1 at which every penalised feature is 0 at the optimum (free features fitted).
  double lambda_max() {
    Vec<Scalar> x = Vec<Scalar>::Zero(p_ * K_);
    if (pen_.free_features > 0) {
      std::vector<char> only_free(p_, 0);
      for (Index f = p_ - pen_.free_features; f < p_; ++f) only_free[f] = 1;
      WorkingSetOptions options;
      options.tol = 1e-10;
      run(x, options, &only_free, false);
    } else {
      load(x);
    }
    live_gradient();
    double largest = 0;
    for (Index f = 0; f < p_ - pen_.free_features; ++f) {
      if (factor(f) == 0) continue;
      for (Index c = 0; c < K_; ++c) {
        const double g = double(g_[f * K_ + c]);
        largest = std::max(largest, (pen_.nonnegative ? std::max(-g, 0.0) : std::abs(g)) / factor(f));
      }
    }
    return largest;
  }

  /// Minimises F from x (size p K, features major: x[f K + c]); x holds the result.
  WorkingSetSummary solve(Vec<Scalar>& x, const WorkingSetOptions& options) {
    return solve_restricted(x, options, nullptr);
  }

  /// As solve(), but working sets are drawn from `candidates` (features with a nonzero entry;
  /// the strong rule's survivors on a path) until they are solved; then the KKT conditions of
  /// all features are checked and violators join the candidates, so the result is certified
  /// for the whole problem.
  WorkingSetSummary solve_restricted(Vec<Scalar>& x, const WorkingSetOptions& options,
                                     std::vector<char>* candidates) {
    return run(x, options, candidates, true);
  }

  /// The gradient of the smooth part at the last solution; every feature's entry is current
  /// after a converged solve (what a path's strong rule needs).
  const Vec<Scalar>& gradient() const { return g_; }

 private:
  using Clock = std::chrono::steady_clock;
  enum class InnerOutcome { Solved, Budget, Stopped, Time, Failed };
  static constexpr Index kChunks = 64;  // fixed work split: sums do not depend on the thread count
  /// Dual solves that would take more epochs than this hand over to the working sets (automatic choice).
  static constexpr double kDualEpochBudget = 100;
  /// The automatic choice takes the dual for designs with at most this fraction of nonzeros.
  static constexpr double kDualDensity = 0.1;
  /// Epochs of the dual between two primal checks, at most.
  static constexpr Index kMaxUnchecked = 10;
  /// Fewest epochs over which the dual's rate of convergence is measured (solve_dual's fallback).
  static constexpr Index kRateEpochs = 5;
  /// Violations below this fraction of the largest gradient entry are taken as rounding.
  static constexpr double kGradientRounding = 1e-12;

  /// With `certify_all`, a solve restricted to candidates ends with the KKT check of every
  /// feature (violators join the candidates); without it, the others simply stay where they are.
  WorkingSetSummary run(Vec<Scalar>& x, const WorkingSetOptions& options, std::vector<char>* candidates,
                        bool certify_all) {
    options.validate();
    check_size(x);
    if (candidates && Index(candidates->size()) != p_) throw InvalidArgument("candidate mask has the wrong size");
    if (!x.allFinite())
      for (Index j = 0; j < x.size(); ++j)
        if (!std::isfinite(x[j])) throw InvalidArgument("x0[" + std::to_string(j) + "] is not finite");
    const bool dual = use_dual(options.dual, candidates);
    const auto start = Clock::now();
    opts_ = &options;
    start_ = start;
    const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
    threads_ = threads;
    WorkingSetSummary summary;
    project_bounds(x);
    // From where the last primal solve ended (a path's next point), its rows and gradient hold.
    const bool warm = warm_ && x.size() == x_.size() && (x.array() == x_.array()).all();
    const bool warm_gradient = warm && warm_gradient_;
    load(x, warm);
    visit(candidates);
    summary.initial_objective = value_;

    // The reference violation: the larger of the one at x0 and the one at 0.
    if (warm_gradient) shift_gradient_l2();
    else live_gradient();
    // Convergence needs the violation divided by the column norms to fall by tol as well: the plain
    // one alone is dominated by the largest-scale columns and can stop far from the optimum.
    double reference = max_violation(visited(), !dual);
    double scaled_reference = scaled_violation_;
    summary.initial_gradient_norm = reference;
    if (x.cwiseAbs().maxCoeff() != 0) {
      reference = std::max(reference, violation_at_zero(candidates));
      scaled_reference = std::max(scaled_reference, scaled_violation_);
    }
    double tol_abs = options.tol * reference, tol_scaled = options.tol * scaled_reference;
    // With l1 at (or a rounding error below) lambda_max, the violation at the start is rounding
    // itself, and tol times it could never be met (a leukemia l1-logistic path spent 2 s of
    // epochs on its first point): never ask for less than the gradient's rounding.
    if (reference < kGradientRounding * pen_.l1 * largest_factor()) {
      double largest = 0, scaled = 0;
      for (Index f : visited()) {
        for (Index c = 0; c < K_; ++c) {
          const double g = std::abs(double(g_[f * K_ + c]));
          largest = std::max(largest, g);
          scaled = std::max(scaled, per_column_norm(f, g));
        }
      }
      tol_abs = std::max(tol_abs, kGradientRounding * largest);
      tol_scaled = std::max(tol_scaled, kGradientRounding * scaled);
    }
    reference_ = reference > 0 ? reference : 1.0;
    tol_abs_ = tol_abs;
    tol_scaled_ = tol_scaled;
    gram_ws_.clear();
    model_solver_ws_.clear();
    record(summary, start);
    if (dual) {
      if (solve_dual(x, summary, tol_abs, tol_scaled, options.dual == WorkingSetOptions::Dual::Automatic))
        return summary;
      visit(candidates);  // handed over: the working sets start from the dual's x
    }

    // Screening works on a candidate mask of its own; screened features are certified by the
    // safe rule, not by a KKT pass.
    // The mask becomes the candidate set once it has removed a feature; tests that remove
    // nothing are retried after 1, 2, 4, ... outer iterations, so that a problem where screening
    // does not pay costs next to nothing.
    bool screen = options.screening && !candidates && screening_applies();
    Index next_screen = 0, screen_backoff = 1;
    if (screen) screen_mask_.assign(std::size_t(p_), 1);
    // Focused passes (WorkingSetOptions::focus_fraction) are tried at outer iterations 0, 1, 2,
    // 4, ... while the solve has no candidate set of its own.
    const bool penalised = pen_.l1 > 0 && largest_factor() > 0;
    Index next_focus = options.focus_fraction > 0 && penalised ? 0 : std::numeric_limits<Index>::max();
    double checked_kkt = reference;  // the violation over every feature at the last full check

    Status status = Status::MaxIterations;
    std::string message;
    double kkt = summary.initial_gradient_norm;
    // Without l1 or bounds every feature with a nonzero gradient moves at the optimum: the
    // working set is everything from the start (plain Newton on the candidates).
    const bool smooth_everywhere = (pen_.l1 == 0 || largest_factor() == 0) && !pen_.nonnegative;
    Index ws_size = smooth_everywhere ? p_ : std::min(options.initial_working_set, p_);
    previous_ws_.clear();
    for (Index outer = 0;; ++outer) {
      // The inner solve left the gradient current on the working set: when that is every
      // candidate (the smooth case), the full pass would repeat it.
      if (outer > 0 && !(ws_gradient_current_ && ws_.size() == visited().size())) full_gradient(visited());
      if (screen && outer >= next_screen) {
        const Index removed = screen_features(screen_mask_);
        summary.screened_out += removed;
        if (removed > 0) {
          // Screened features are certified by the safe rule, not by a final pass.
          candidates = &screen_mask_;
          certify_all = false;
          visit(candidates);
        }
        screen_backoff = removed > 0 ? 1 : 2 * screen_backoff;
        next_screen = outer + screen_backoff;
      }
      if (!candidates && outer >= next_focus) {
        if (focus(options.focus_fraction)) {
          candidates = &focus_mask_;
          certify_all = true;
          screen = false;  // its mask would replace the focus
          visit(candidates);
          summary.focused = Index(focused_.size());
        } else {
          next_focus = std::max<Index>(1, 2 * outer);
        }
      }
      kkt = max_violation(visited());
      // The features a focus leaves out can start to violate as the focused ones move (lasso,
      // rcv1_small, lambda_max/10: 0.17 found only once the focus was solved to 2e-4, five outer
      // iterations later): they are checked whenever the focused violation has fallen
      // kFocusCheckDrop below the last full check's, as well as at tol.
      const bool focus_check = candidates == &focus_mask_ && kkt * kFocusCheckDrop <= checked_kkt;
      if (((kkt <= tol_abs && scaled_violation_ <= tol_scaled) || focus_check) && candidates && certify_all) {
        // Solved on the candidates: certify on everyone else; violators join the candidates.
        // The pass above left the visited features' gradients current.
        unvisited_gradient(*candidates);
        const double rest = max_violation(live_);
        const double rest_scaled = scaled_violation_;
        Index joined = 0;
        // A violator by either test joins: one the scaled test alone flags would otherwise stay
        // outside, and the solve would certify again and again without converging.
        for (Index f : live_)
          if (!(*candidates)[std::size_t(f)] &&
              (violation_[f] > tol_abs || (violation_[f] > 0 && per_column_norm(f, violation_[f]) > tol_scaled))) {
            (*candidates)[std::size_t(f)] = 1;
            ++joined;
          }
        if (joined > 0) visit(candidates);
        summary.screened_in += joined;
        if (candidates == &focus_mask_) summary.focused = Index(focused_.size());
        kkt = rest;
        scaled_violation_ = rest_scaled;
        checked_kkt = kkt;
      }
      summary.iterations = outer;
      log_progress(outer, kkt, ws_size, summary);
      if (!std::isfinite(value_) || !std::isfinite(kkt)) {
        status = Status::NumericalFailure;
        message = "the objective or its gradient is not finite";
        break;
      }
      if (kkt <= tol_abs && scaled_violation_ <= tol_scaled) {
        status = Status::Converged;
        message = "KKT violation " + format(kkt) + " <= " + format(tol_abs);
        break;
      }
      if (outer >= options.max_iterations) {
        message = "outer iteration limit reached";
        break;
      }
      if (stop_requested(outer, status, message)) break;
      const Index support = support_among(visited());
      // A working set that every one of its features joined was too small: grow faster. For
      // least squares this cost more inner epochs than it saved outer passes (rcv1_small at
      // lambda_max/1000: 1.2x) until the Gram products were cached across working sets; since
      // then lasso news20 at lambda_max/1000 takes 0.7x the time, elastic nets about the same.
      const bool filled = !ws_.empty() && support >= Index(ws_.size());
      const double growth = filled ? options.growth * options.growth : options.growth;
      ws_size = std::max<Index>(ws_size, std::min<Index>(p_, Index(growth * double(support))));
      ws_size = std::max<Index>(ws_size, std::min(options.initial_working_set, p_));
      // Met in plain terms, the scaled test picks the violators.
      choose_working_set(ws_size, visited(), kkt <= tol_abs);
      summary.working_set_size = Index(ws_.size());
      // The same working set as the last inner solve's: the full pass added nobody, so the
      // violation left lies inside it; solve it to tol now, not by another inner_tolerance step
      // (lasso, rcv1_small, lambda_max/10: the violation fell ~4x per outer iteration there).
      const bool repeated = ws_ == previous_ws_;
      previous_ws_ = ws_;
      // Met in plain terms, the scaled test is asked of each coordinate: a plain target as tight
      // as the scaled test needs would solve the large columns far beyond it (news20's lasso
      // path: most of its epochs at the last points went to a target 70x below the plain one).
      // Before that, the plain test alone (asking both made news20's multinomial at
      // lambda_max/100 take 1.2x the time).
      const double inner_target = repeated ? tol_abs : std::max(options.inner_tolerance * kkt, tol_abs);
      const double inner_scaled = kkt > tol_abs ? std::numeric_limits<double>::infinity()
                                  : repeated    ? tol_scaled
                                                : std::max(options.inner_tolerance * scaled_violation_, tol_scaled);
      const InnerOutcome inner = solve_working_set(inner_target, inner_scaled, summary);
      if (inner != InnerOutcome::Solved && inner != InnerOutcome::Budget) {
        status = inner == InnerOutcome::Stopped ? Status::StoppedByCallback
                 : inner == InnerOutcome::Time  ? Status::TimeLimit
                                                : Status::NumericalFailure;
        message = inner == InnerOutcome::Stopped ? "stopped by the callback"
                  : inner == InnerOutcome::Time  ? "time limit reached"
                                                 : "line search found no decrease (precision limit)";
        full_gradient(live_);
        kkt = max_violation(live_);
        break;
      }
      record(summary, start);
      if (summary.epochs >= options.max_epochs) {
        full_gradient(live_);
        kkt = max_violation(live_);
        message = "epoch limit reached";
        break;
      }
    }
    // A converged solve that certified every feature left g_ current on all of them.
    warm_ = std::isfinite(value_);
    warm_gradient_ = warm_ && status == Status::Converged && (!candidates || certify_all);
    gradient_l2_ = pen_.l2;
    finish(x, summary, status, std::move(message), kkt);
    record(summary, start);
    opts_ = nullptr;
    return summary;
  }

  /// The time limit or the callback ends the solve at this iteration: sets status and message.
  bool stop_requested(Index iteration, Status& status, std::string& message) {
    if (seconds() > opts_->time_limit_seconds) {
      status = Status::TimeLimit;
      message = "time limit reached";
      return true;
    }
    if (callback_says_stop(iteration)) {
      status = Status::StoppedByCallback;
      message = "stopped by the callback";
      return true;
    }
    return false;
  }
  /// The result: x from the solver's state, the summary's closing fields.
  void finish(Vec<Scalar>& x, WorkingSetSummary& summary, Status status, std::string message, double kkt) {
    x = x_;
    summary.status = status;
    summary.message = std::move(message);
    summary.final_objective = value_;
    summary.final_gradient_norm = kkt;
    summary.support_size = support_size();
    summary.solve_seconds = seconds();
  }

  /// Whether this solve goes to LogisticDual (WorkingSetOptions::dual); asking for it where it
  /// does not apply is a caller's mistake.
  bool use_dual(WorkingSetOptions::Dual mode, const std::vector<char>* candidates) const {
    using Dual = WorkingSetOptions::Dual;
    if (mode == Dual::Never) return false;
    bool applies = std::is_same_v<Loss, LogisticLoss<Scalar>> && pen_.l1 == 0 && pen_.l2 > 0 && !pen_.nonnegative &&
                   pen_.free_features == 0 && factor(0) > 0 && uniform_factors();
    // A path's strong rule keeps every feature when there is no l1 term; other candidate sets
    // are the working sets' business.
    if (applies && candidates) applies = std::all_of(candidates->begin(), candidates->end(), [](char c) { return c != 0; });
    if (mode == Dual::Always && !applies)
      throw InvalidArgument("the dual solver takes binary logistic regression with an l2 penalty only (equal "
                            "penalty factors > 0, no l1, no bounds, no intercept)");
    // Automatic: fewer rows than features, and sparse rows (text data: nearly orthogonal rows,
    // where coordinate steps barely undo each other; on dense ones, e.g. leukemia, they crawl).
    const bool wide_and_sparse = m_ < p_ && double(A_.nnz()) <= kDualDensity * double(m_) * double(p_);
    return applies && (mode == Dual::Always || wide_and_sparse);
  }

  /// Epochs of LogisticDual until its primal point x = sum alpha_i y_i a_i passes the same KKT
  /// test as the working sets'; `summary` holds what run() set up and gets the rest. False
  /// when an automatic choice turns out slow (the dual's rate predicts more than
  /// kDualEpochBudget epochs: rows that are few, dense and strongly correlated): the solver's
  /// state is then at the dual's x, and the working sets carry on from there.
  bool solve_dual(Vec<Scalar>& x, WorkingSetSummary& summary, double tol_abs, double tol_scaled, bool may_fall_back) {
    if constexpr (std::is_same_v<Loss, LogisticLoss<Scalar>>) {
      A_.build_row_index();
      const double l2 = pen_.l2 * factor(0);
      LogisticDual<Design> dual(A_, loss_.labels().data(), weight_.data(), l2);
      dual.start(x_);
      summary.dual = true;
      Status status = Status::MaxIterations;
      std::string message = "iteration limit reached";
      double kkt = summary.initial_gradient_norm;
      // Primal checks cost about an epoch each. Between them the violation is predicted from the
      // dual's largest slope times their ratio at the last check; a check runs when the
      // prediction meets tol, and at least every kMaxUnchecked epochs (the callback, which also
      // watches for interrupts, and the history see the checks).
      double ratio = 0, scaled_ratio = 0;
      std::vector<std::pair<Index, double>> checks;  // (epoch, violation) of every check
      for (Index epoch = 1;; ++epoch) {
        summary.newton_steps += dual.epoch();
        summary.epochs = summary.iterations = epoch;
        const bool last = epoch >= opts_->max_iterations || epoch >= opts_->max_epochs;
        const double slope = dual.largest_slope();
        // The first check waits for epoch 2: after one epoch the violation is far above any tol
        // the solve is likely given, and a check costs about an epoch.
        const bool predicted = !checks.empty() && ratio * slope <= tol_abs && scaled_ratio * slope <= tol_scaled;
        const Index checked_at = checks.empty() ? 0 : checks.back().first;
        if (!(last || epoch == 2 || epoch - checked_at >= kMaxUnchecked || predicted)) continue;
        // g_ and value_ at the dual's x: after the last check, the solver's result.
        value_ = dual.primal_gradient(weight_.data(), l2, g_);
        // x_ lags the dual's x, but with no l1 and no bounds a violation is |g_f| whatever x_f is.
        kkt = max_violation(live_, false);
        if (opts_->callback) x_ = dual.primal().template cast<Scalar>();
        record(summary, start_);
        if (opts_->verbose) {
          char line[160];
          std::snprintf(line, sizeof line, "dual epoch %4lld  F %.12e  kkt %.3e  largest dual slope %.3e  %.3fs",
                        static_cast<long long>(epoch), value_, kkt, dual.largest_slope(), seconds());
          emit(line);
        }
        if (!std::isfinite(kkt)) {
          status = Status::NumericalFailure;
          message = "the gradient is not finite";
          break;
        }
        if (kkt <= tol_abs && scaled_violation_ <= tol_scaled) {
          status = Status::Converged;
          message = "KKT violation " + format(kkt) + " <= " + format(tol_abs) + " (dual coordinate descent)";
          break;
        }
        if (may_fall_back && epoch >= kDualEpochBudget / 10 && !checks.empty()) {  // the first epochs' rate says little
          // The violation is not monotone from one check to the next (news20's l2-logistic at
          // lambda_max/10 rose 4 % from epoch 10 to 11, and that one-epoch rate handed a solve a
          // few epochs from tol to the working sets: 1.6x the time), so the rate is measured
          // over at least kRateEpochs epochs.
          auto anchor = checks.begin();
          for (auto c = checks.begin(); c != checks.end() && c->first <= epoch - kRateEpochs; ++c) anchor = c;
          const double rate = std::pow(kkt / anchor->second, 1.0 / double(epoch - anchor->first));
          const double needed = std::min(tol_abs / kkt, tol_scaled / scaled_violation_);  // < 1: not met
          const double remaining = rate < 1 ? std::log(needed) / std::log(rate) : kDualEpochBudget;
          if (double(epoch) + remaining >= kDualEpochBudget) {
            if (opts_->verbose)
              emit(("dual coordinate descent would need " + format(double(epoch) + remaining) +
                    " epochs: the working sets take over")
                       .c_str());
            summary.dual = false;
            summary.iterations = 0;
            load(dual.primal().template cast<Scalar>());
            full_gradient(live_);
            return false;
          }
        }
        // Both tests are predicted from the dual's largest slope, in proportion to the last check.
        ratio = slope > 0 ? kkt / slope : 0;
        scaled_ratio = slope > 0 ? scaled_violation_ / slope : 0;
        checks.emplace_back(epoch, kkt);
        if (last) {
          if (epoch >= opts_->max_epochs) message = "epoch limit reached";
          break;
        }
        if (stop_requested(epoch, status, message)) break;
      }
      x_ = dual.primal().template cast<Scalar>();
      finish(x, summary, status, std::move(message), kkt);
      opts_ = nullptr;
      return true;
    } else {
      (void)x, (void)summary, (void)tol_abs, (void)tol_scaled, (void)may_fall_back;
      return false;  // use_dual() is false for every other loss
    }
  }

  void check_size(const Vec<Scalar>& x) const {
    if (x.size() != p_ * K_)
      throw InvalidArgument("x has size " + std::to_string(x.size()) + ", expected " + std::to_string(p_ * K_) +
                            " (features x outputs)");
  }
  static std::string format(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3e", v);
    return buffer;
  }
  double seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }
  bool bounded(Index f) const { return pen_.nonnegative && f < p_ - pen_.free_features; }
  /// Feature f's penalty factor (empty factors: all 1).
  double factor(Index f) const { return pen_.factors.size() ? double(pen_.factors[f]) : 1.0; }
  double largest_factor() const { return pen_.factors.size() ? double(pen_.factors.maxCoeff()) : 1.0; }
  bool uniform_factors() const {
    return pen_.factors.size() == 0 || (pen_.factors.array() == pen_.factors[0]).all();
  }
  double l1_of(Index f) const { return pen_.l1 * factor(f); }
  double l2_of(Index f) const { return pen_.l2 * factor(f); }

  void project_bounds(Vec<Scalar>& x) const {
    if (!pen_.nonnegative) return;
    for (Index f = 0; f < p_ - pen_.free_features; ++f)
      for (Index c = 0; c < K_; ++c) x[f * K_ + c] = std::max(x[f * K_ + c], Scalar(0));
  }

  double penalty_value(const Vec<Scalar>& x) const {
    double s = 0;
    for (Index f = 0; f < p_; ++f) {
      const double w = factor(f);
      if (w == 0) continue;
      for (Index c = 0; c < K_; ++c) {
        const double v = double(x[f * K_ + c]);
        s += w * (pen_.l1 * std::abs(v) + 0.5 * pen_.l2 * v * v);
      }
    }
    return s;
  }

  void times_design(const Vec<Scalar>& x, Vec<Scalar>& z) const {
    z = Vec<Scalar>::Zero(m_ * K_);
    for (Index f = 0; f < p_; ++f)
      for (Index c = 0; c < K_; ++c) {
        const Scalar v = x[f * K_ + c];
        if (v != 0) A_.for_each_in_col(f, [&](Index i, Scalar a) { z[i * K_ + c] += a * v; });
      }
  }

  // ---- state ------------------------------------------------------------------------------
  // A feature with an empty column, a zero start and a penalty has gradient 0 and stays at 0:
  // the full passes skip it (rcv1_small: 37,379 of 47,117 columns are empty). Tested without a
  // branch: which columns are empty follows no pattern, and mispredicted branches made the
  // loops over p in load() a third of a short solve (lasso, rcv1_small, lambda_max/10).
  bool can_move(Index f) const { return (A_.col_nnz(f) > 0) | (f >= p_ - pen_.free_features) | nonzero(f); }

  /// The state at x: x_, Z_, U_, H_ (P_), row_value_, value_, and the live features. With
  /// `warm` (x is x_ as the last primal solve left it) the rows are kept and only the penalty,
  /// whose strength may have changed, is recomputed.
  void load(const Vec<Scalar>& x, bool warm = false) {
    warm_ = warm_gradient_ = false;
    if (!warm) x_ = x;
    // The usual start, x = 0, needs neither the penalty nor the product A x.
    const bool zero_start = x_.size() == 0 || x_.cwiseAbs().maxCoeff() == 0;
    // The list is written unconditionally and its length advanced by the test (no branch); it
    // is sized p once and trimmed (its storage is recycled, so that costs no page faults).
    live_.resize(std::size_t(p_));
    std::size_t live_count = 0;
    for (Index f = 0; f < p_; ++f) {
      live_[live_count] = f;
      live_count += can_move(f);
    }
    live_.resize(live_count);
    direction_image_current_ = ws_gradient_current_ = false;
    if (warm) {  // the same x: the same live features, whose gradients are current or recomputed
      penalty_ = zero_start ? 0 : penalty_value(x_);
      value_ = loss_total() + penalty_;
      return;
    }
    g_.setZero(p_ * K_);  // the features that cannot move keep gradient 0
    if (zero_start) {
      penalty_ = 0;
      Z_.setZero(m_ * K_);
    } else {
      penalty_ = penalty_value(x_);
      times_design(x_, Z_);
    }
    U_.resize(m_ * K_);
    H_.resize(m_ * K_);
    if constexpr (kCoupledOutputs) P_.resize(m_ * K_);
    row_value_.resize(m_);
    if constexpr (kSplitRows) row_tail_.resize(m_);
    refresh_rows();
  }

  /// U = s l'(Z), the loss part of value_, and (non-quadratic losses) H = s diag l''(Z).
  void refresh_rows() {
    double partial[kChunks] = {};
#pragma omp parallel for schedule(static) num_threads(threads_) if (m_ * K_ >= 50000)
    for (Index chunk = 0; chunk < kChunks; ++chunk) {
      LossSum sum;
      for (Index i = chunk_begin(chunk, m_); i < chunk_begin(chunk + 1, m_); ++i) {
        const Scalar w = weight_[i];
        const Scalar* z = &Z_[i * K_];
        if constexpr (kCoupledOutputs) {
          row_value_[i] = loss_.row_terms(i, z, &U_[i * K_], &H_[i * K_], &P_[i * K_]);
        } else if constexpr (kSplitRows) {
          row_value_[i] = loss_.row_terms_split(i, z, &U_[i], &H_[i], &row_tail_[i]);
        } else if constexpr (kFusedRowTerms) {
          row_value_[i] = loss_.row_terms(i, z, &U_[i * K_], &H_[i * K_]);
        } else {
          loss_.derivative(i, z, &U_[i * K_]);
          if constexpr (!kQuadratic) loss_.diagonal_hessian(i, z, &H_[i * K_]);
          row_value_[i] = loss_.value(i, z);
        }
        for (Index c = 0; c < K_; ++c) {
          U_[i * K_ + c] *= w;
          if constexpr (kQuadratic) H_[i * K_ + c] = w;
          else H_[i * K_ + c] *= w;
        }
        add_row_loss(sum, i);
      }
      partial[chunk] = sum.total();
    }
    double total = 0;
    for (double s : partial) total += s;
    value_ = total + penalty_;
  }
  static Index chunk_begin(Index chunk, Index n) { return n * chunk / kChunks; }
  /// A chunk's weighted row losses: row_value_, and with split rows the log1p of row_tail_,
  /// through one Log1pSum for the rows of weight 1.
  struct LossSum {
    double plain = 0;
    Log1pSum logs;
    double total() const { return plain + logs.total(); }
  };
  void add_row_loss(LossSum& sum, Index i) const {
    const double w = double(weight_[i]);
    if (w == 0) return;
    sum.plain += w * double(row_value_[i]);
    if constexpr (kSplitRows) {
      if (w == 1) sum.logs.add(double(row_tail_[i]));
      else sum.plain += w * std::log1p(double(row_tail_[i]));
    }
  }
  /// The loss part of value_ from the rows' values, summed as refresh_rows() sums it.
  double loss_total() const {
    double total = 0;
    for (Index chunk = 0; chunk < kChunks; ++chunk) {
      LossSum sum;
      for (Index i = chunk_begin(chunk, m_); i < chunk_begin(chunk + 1, m_); ++i) add_row_loss(sum, i);
      total += sum.total();
    }
    return total;
  }
  /// refresh_rows() after a step whose trial_change() left each moved row's margin and value:
  /// only those rows change, and their values are not computed again (a log1p per row, a
  /// quarter of an l1-logistic path on a9a).
  void adopt_trial_rows() {
    if constexpr (kTrialRows) {
#pragma omp parallel for schedule(static) num_threads(threads_) if (m_ >= 50000)
      for (Index i = 0; i < m_; ++i) {
        if (direction_image_[i] == 0) continue;
        Z_[i] = trial_margin_[i];
        row_value_[i] = trial_value_[i];
        if constexpr (kSplitRows) row_tail_[i] = trial_tail_[i];
        U_[i] = trial_slope_[i] * weight_[i];
        H_[i] = trial_curvature_[i] * weight_[i];
      }
      value_ = loss_total() + penalty_;
    }
  }
  /// g_ as the last solve left it, with the l2 term moved to the present strength (l2 x_f
  /// changes only where x_f != 0).
  void shift_gradient_l2() {
    const double change = pen_.l2 - gradient_l2_;
    if (change == 0) return;
    for (Index f : live_)
      for (Index c = 0; c < K_; ++c)
        if (x_[f * K_ + c] != 0) g_[f * K_ + c] += Scalar(change * factor(f) * double(x_[f * K_ + c]));
  }

  /// full_gradient(live_); the solver's first one also finds the columns' squared norms, in
  /// the same read of A (features that are not live have empty columns: norm 0).
  void live_gradient() {
    if (norms_ready_) return full_gradient(live_);
    col_sq_.setZero(p_);
    const Index count = Index(live_.size());
    const bool parallel = A_.nnz() * K_ >= 100000 && count * 4 >= p_;
#pragma omp parallel for schedule(dynamic, 64) num_threads(threads_) if (parallel)
    for (Index t = 0; t < count; ++t) {
      const Index f = live_[std::size_t(t)];
      if (K_ == 1) {
        const auto [dot, squared_norm] = A_.col_dot_and_squared_norm(f, U_.data());
        g_[f] = dot + Scalar(l2_of(f)) * x_[f];
        col_sq_[f] = squared_norm;
      } else {
        feature_gradient(f, U_, &g_[f * K_]);
        Scalar squared_norm = 0;
        A_.for_each_in_col(f, [&](Index, Scalar a) { squared_norm += a * a; });
        col_sq_[f] = squared_norm;
      }
    }
    norms_ready_ = true;
  }

  /// g_f = A_f' U + l2_f x_f for the given features; parallel over features.
  void full_gradient(const std::vector<Index>& features) {
    const Index count = Index(features.size());
    const bool parallel = A_.nnz() * K_ >= 100000 && count * 4 >= p_;
#pragma omp parallel for schedule(dynamic, 64) num_threads(threads_) if (parallel)
    for (Index t = 0; t < count; ++t) {
      const Index f = features[std::size_t(t)];
      feature_gradient(f, U_, &g_[f * K_]);
    }
  }

  /// The features the outer passes visit: the live ones, or those of them among the candidates
  /// (with the nonzero and free ones, which the working set always keeps). O(p) when restricted.
  void visit(std::vector<char>* candidates) {
    restricted_ = candidates != nullptr;
    if (!restricted_) return;
    focused_.clear();
    for (Index f : live_) {
      char& in = (*candidates)[std::size_t(f)];
      if (!in && f >= p_ - pen_.free_features) in = 1;
      for (Index c = 0; c < K_ && !in; ++c) in = x_[f * K_ + c] != 0;
      if (in) focused_.push_back(f);
    }
  }
  const std::vector<Index>& visited() const { return restricted_ ? focused_ : live_; }
  /// The gradient of the live features outside the candidates, whose own is current: the pass
  /// that certifies a focus then costs the entries it left out, not a second pass over those it
  /// kept (a9a's elastic net focused 27 of 123 features that held most entries and took 6 %
  /// longer than without the focus, for that second pass).
  void unvisited_gradient(const std::vector<char>& candidates) {
    // A test per live feature, not a list of the unvisited ones: the list took more than the
    // pass itself where p is large (1,000,000 features: 19 ms of fresh pages against 9 ms).
    const Index count = Index(live_.size());
    const bool parallel = A_.nnz() * K_ >= 100000 && count * 4 >= p_;
#pragma omp parallel for schedule(dynamic, 256) num_threads(threads_) if (parallel)
    for (Index t = 0; t < count; ++t) {
      const Index f = live_[std::size_t(t)];
      if (!candidates[std::size_t(f)]) feature_gradient(f, U_, &g_[f * K_]);
    }
  }

  /// Marks in focus_mask_ the features that are nonzero, free, or whose gradient reaches
  /// `fraction` x their l1 weight (the violation with l1 scaled by `fraction`), if they are
  /// fewer than a quarter of the live ones. Needs g_ current on every live feature.
  bool focus(double fraction) {
    Index count = 0;
    const Index most = Index(live_.size()) / 4;
    focus_mask_.assign(std::size_t(p_), 0);
    for (Index f : live_) {
      bool in = f >= p_ - pen_.free_features;
      for (Index c = 0; c < K_ && !in; ++c) {
        const double v = double(x_[f * K_ + c]), g = double(g_[f * K_ + c]);
        in = v != 0 || (bounded(f) ? -g > fraction * l1_of(f) : std::abs(g) > fraction * l1_of(f)) ||
             l1_of(f) == 0;
      }
      if (in) {
        focus_mask_[std::size_t(f)] = 1;
        if (++count > most) return false;
      }
    }
    return true;
  }
  void feature_gradient(Index f, const Vec<Scalar>& U, Scalar* out) const {
    const double l2 = l2_of(f);
    if (K_ == 1) {
      out[0] = A_.col_dot(f, U.data()) + Scalar(l2) * x_[f];
      return;
    }
    for (Index c = 0; c < K_; ++c) out[c] = Scalar(l2) * x_[f * K_ + c];
    A_.for_each_in_col(f, [&](Index i, Scalar a) {
      const Scalar* u = &U[i * K_];
      for (Index c = 0; c < K_; ++c) out[c] += a * u[c];
    });
  }

  double coordinate_violation(Index f, double g, double v) const {
    const double l1 = l1_of(f);
    if (v > 0) return std::abs(g + l1);
    if (v < 0) return std::abs(g - l1);
    if (bounded(f)) return std::max(-g - l1, 0.0);
    return std::max(std::abs(g) - l1, 0.0);
  }
  double feature_violation(Index f) const {
    double largest = 0;
    for (Index c = 0; c < K_; ++c)
      largest = std::max(largest, coordinate_violation(f, double(g_[f * K_ + c]), double(x_[f * K_ + c])));
    return largest;
  }
  /// A violation divided by its column's norm (0 for an empty or overflowing column), computed
  /// for the violators only: no p-sized array of inverse norms to allocate and read.
  double per_column_norm(Index f, double v) const {
    const double sq = double(col_sq_[f]);
    return sq > 0 && std::isfinite(sq) ? v / std::sqrt(sq) : 0.0;
  }
  /// The largest violation; also sets scaled_violation_, the largest divided by its column's norm.
  /// Keeps each feature's violation for choose_working_set() (one pass over p, not two).
  /// `keep` false skips the p-sized array (the dual solver never chooses a working set).
  double max_violation(const std::vector<Index>& features, bool keep = true) {
    if (keep) violation_.resize(p_);
    double largest = 0, scaled = 0;
    for (Index f : features) {
      const double v = feature_violation(f);
      if (keep) violation_[f] = v;
      largest = std::max(largest, v);
      if (v > 0) scaled = std::max(scaled, per_column_norm(f, v));
    }
    scaled_violation_ = scaled;
    return largest;
  }
  /// The violation at x = 0, from the gradient at 0 (computed once per solver: it does not
  /// depend on the penalty).
  double violation_at_zero(const std::vector<char>* candidates) {
    if (zero_gradient_.size() == 0) {
      const Vec<Scalar> x = x_, g = g_;
      load(Vec<Scalar>::Zero(p_ * K_));
      full_gradient(live_);
      zero_gradient_ = g_;
      load(x);
      g_ = g;
    }
    double largest = 0, scaled = 0;
    for (Index f = 0; f < p_; ++f)
      if (!candidates || (*candidates)[f])
        for (Index c = 0; c < K_; ++c) {
          const double v = coordinate_violation(f, double(zero_gradient_[f * K_ + c]), 0.0);
          largest = std::max(largest, v);
          if (v > 0) scaled = std::max(scaled, per_column_norm(f, v));
        }
    scaled_violation_ = scaled;
    return largest;
  }

  /// Whether gap-safe screening is valid here: a loss with a convex conjugate and one output, an
  /// l1 term on every feature, no bounds and no unpenalised features (each would add a dual
  /// equality constraint the rescaling below cannot satisfy).
  bool screening_applies() const {
    if constexpr (!Loss::kHasConjugate) {
      return false;
    } else {
      return K_ == 1 && pen_.l1 > 0 && !pen_.nonnegative && pen_.free_features == 0 &&
             (pen_.factors.size() == 0 || pen_.factors.minCoeff() > 0);
    }
  }

  /// Removes from `mask` the zero coefficients that are zero at the optimum, by the gap-safe
  /// sphere test. The problem restricted to the mask has the same solution, so its duality gap
  /// bounds the distance to the dual optimum v* = grad f(A x*): with every l_i (and the l2 term,
  /// as extra rows) L-smooth, the dual is 1/L-strongly concave and ||v - v*|| <= sqrt(2 L gap)
  /// = r for the feasible v = s U. Then |a_f' v*| <= s |g_f| + r ||(a_f, sqrt(l2_f))|| < l1_f
  /// forces x*_f = 0. Needs g_ current on the mask. O(m + p). Returns how many left.
  Index screen_features(std::vector<char>& mask) {
    if constexpr (!Loss::kHasConjugate) {
      (void)mask;
      return 0;
    } else {
      // The test costs a conjugate per row (two logarithms for logistic) and two passes over the
      // features; a later full pass saves the nonzeros of the columns screened. Skip it when even
      // screening every zero feature strictly inside its constraint would not repay that.
      double largest_ratio = 1;  // max |g_f| / l1_f on the mask; s = 1 / that is the dual scaling
      double could_save = 0;
      const double inverse_l1 = 1 / pen_.l1, inverse_common = 1 / factor(0);
      const bool uniform = inverse_factors_.size() == 0;
      for (Index f = 0; f < p_; ++f) {  // selects, not branches: the mask follows no pattern
        const bool on = mask[std::size_t(f)];
        const double ratio = std::abs(double(g_[f])) * inverse_l1 * (uniform ? inverse_common : inverse_factors_[f]);
        largest_ratio = std::max(largest_ratio, on ? ratio : 0.0);
        could_save += on & (ratio < 1) & (x_[f] == 0) ? double(A_.col_nnz(f)) : 0.0;
      }
      const double scale = 1 / largest_ratio;
      const double row_cost = kQuadratic ? 2.0 : 20.0;  // in nonzero reads of a gradient pass
      if (could_save < row_cost * double(m_) + 3.0 * double(p_)) return 0;
      double dual = 0, smoothness = pen_.l2 > 0 ? 1.0 : 0.0;
      for (Index i = 0; i < m_; ++i) {
        const double w = double(weight_[i]);
        if (w == 0) continue;
        // s_i l_i has conjugate v -> s_i l_i*(v / s_i).
        dual -= w * loss_.conjugate(i, scale * double(U_[i]) / w);
        smoothness = std::max(smoothness, w * double(loss_.bound(0, 0, 1)));
      }
      for (Index f = 0; f < p_; ++f) dual -= 0.5 * scale * scale * l2_of(f) * double(x_[f]) * double(x_[f]);
      // Rounding in either value must not shrink the sphere.
      const double gap = std::max(value_ - dual, 0.0) + 1e-12 * (std::abs(value_) + std::abs(dual));
      const double squared_radius = 2 * smoothness * gap;
      // The test s |g_f| + r ||(a_f, sqrt(l2_f))|| < l1_f, squared so that it needs no square
      // root, and without branches (a tenth of a lasso solve on news20 went to this loop).
      Index removed = 0;
      for (Index f = 0; f < p_; ++f) {
        const double slack = l1_of(f) - scale * std::abs(double(g_[f]));
        const bool out = mask[std::size_t(f)] & (x_[f] == 0) & (slack > 0) &
                         (squared_radius * (double(col_sq_[f]) + l2_of(f)) < slack * slack);
        mask[std::size_t(f)] &= !out;
        removed += out;
      }
      return removed;
    }
  }

  Index support_size() const {
    Index count = 0;
    for (Index f = 0; f < p_; ++f) count += nonzero(f);
    return count;
  }
  /// The support among `features`: the growth rule's count over the features the outer pass
  /// visited. They hold the support (load(), focus() and screening keep every nonzero feature),
  /// and a focused pass is cheap enough that counting over all p cost 8% of a solve (lasso,
  /// rcv1_small, lambda_max/10).
  Index support_among(const std::vector<Index>& features) const {
    Index count = 0;
    for (Index f : features) count += nonzero(f);
    return count;
  }
  bool nonzero(Index f) const {  // no branch: tested over many features (see can_move())
    bool any = false;
    for (Index c = 0; c < K_; ++c) any |= x_[f * K_ + c] != 0;
    return any;
  }

  /// The support and free features, then the largest violations among the candidates (from
  /// the last max_violation(), which covered them).
  void choose_working_set(Index size, const std::vector<Index>& features, bool by_scaled = false) {
    ws_.clear();
    order_.clear();
    for (Index f : features) {
      bool keep = f >= p_ - pen_.free_features;
      for (Index c = 0; c < K_ && !keep; ++c) keep = x_[f * K_ + c] != 0;
      if (keep) {
        ws_.push_back(f);
      } else if (violation_[f] > 0) {
        order_.push_back({by_scaled ? per_column_norm(f, violation_[f]) : violation_[f], f});
      }
    }
    const Index room = std::max<Index>(0, size - Index(ws_.size()));
    if (Index(order_.size()) > room) {
      std::nth_element(order_.begin(), order_.begin() + room, order_.end(),
                       [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
      order_.resize(room);
    }
    for (const auto& entry : order_) ws_.push_back(entry.second);
    std::sort(ws_.begin(), ws_.end());
    // Inside the working set of the last row-wise copy (a path's next point, whose support grew
    // into the violators of the last one): that set is solved again, and its copy and curvature
    // Gram matrix are updated rather than formed anew.
    if constexpr (!kQuadratic)
      if (!gathered_.empty() && gathered_.size() <= 2 * ws_.size() &&
          std::includes(gathered_.begin(), gathered_.end(), ws_.begin(), ws_.end()))
        ws_ = gathered_;
  }

  // ---- the inner solver -------------------------------------------------------------------
  /// How the quadratic model on a working set is minimised.
  enum class ModelSolver {
    Columns,    ///< coordinate descent over the design's columns, O(nnz of the column) per update
    Gram,       ///< the working set's Gram matrix A_W' H A_W formed once: O(|W|) per update
    Conjugate,  ///< smooth models (no l1, no bound): conjugate gradients, O(nnz(A_W)) per product
    Rows,       ///< smooth models with fewer rows than coordinates: Newton's system in the row space
  };
  /// The row-space solver takes at most this many rows (its m x m matrix) and free (unpenalised)
  /// features in the working set (each adds a solve with that matrix).
  static constexpr Index kRowSpaceRows = 2048;
  static constexpr Index kRowSpaceFree = 8;
  /// The Gram matrix is formed for working sets up to this many coordinates (features x
  /// outputs) and design entries.
  static constexpr Index kGramFeatures = 2048;
  /// Sequential column products that cost about as much as the row products per entry of A_W
  /// (gather, scattered sums, a loop per row). Measured on whole solves: a9a's lasso (working
  /// sets of 10) took 0.75x the time with its first Gram matrix by columns; rcv1_small's
  /// elastic net (working sets growing to 490 on rows of ~25 entries) 1.25x with every one.
  static constexpr Index kColumnProducts = 12;
  /// Gram epochs a working set solved to tol may take before that costs about one outer pass.
  static constexpr double kTightGramEpochs = 50;
  /// How far the focused passes' violation falls between checks of the features left out.
  /// Measured against checking at tol only: lasso news20 at lambda_max/1000 0.6x the time
  /// (23 -> 17 outer iterations), rcv1_small at lambda_max/10 0.8x; 1000 and 10^4 saved less.
  static constexpr double kFocusCheckDrop = 100;
  static constexpr Index kGramEntries = Index(1) << 25;
  /// The relative change of a row's curvature below which a Newton step keeps the Gram matrix's
  /// old term for the row, as a fraction of the step's forcing term (update_curvature_gram).
  static constexpr double kCurvatureDrift = 0.5;
  /// Newton steps in a row that do not lower the working set's least violation so far before
  /// the inner solve gives up at the precision limit.
  static constexpr Index kStalledNewtonSteps = 20;
  static_assert(kGramFeatures <= 65536, "the gathered rows store local column numbers as 16 bits");

  bool model_is_smooth() const {
    for (Index f : ws_)
      if (l1_of(f) > 0 || bounded(f)) return false;
    return true;
  }
  /// The model solver for ws_, chosen once per working set (the choice reads every column).
  ModelSolver model_solver() {
    if (model_solver_ws_ != ws_) {
      model_solver_ = choose_model_solver();
      model_solver_ws_ = ws_;
    }
    return model_solver_;
  }
  ModelSolver choose_model_solver() const {
    const Index w = Index(ws_.size());
    Index entries = 0;
    for (Index f : ws_) entries += A_.col_nnz(f);
    const bool smooth = model_is_smooth();
    // A Gram epoch costs |W|^2 against nnz(A_W) for a column epoch; forming it pays off after a
    // few epochs, and a smooth model is then solved directly.
    const Index n = w * K_;
    if (smooth && row_space_applies(entries)) return ModelSolver::Rows;
    // Rows hold at most w of the working set's entries, so pairs <= w x entries: the count (a
    // pass over the columns and m) is needed only for larger working sets (a9a's elastic net,
    // working sets of 10-18: 5% of the solve).
    if (n <= kGramFeatures && entries <= kGramEntries && (smooth || n * n <= 4 * entries * K_) &&
        (n <= 32 || gram_pairs() * K_ <= 32 * entries))
      return ModelSolver::Gram;
    return smooth ? ModelSolver::Conjugate : ModelSolver::Columns;
  }
  /// Whether the row-space solver suits the smooth model on ws_ (one output, more coordinates
  /// than rows, few free features): a Newton step then factorises an m x m matrix (m^3 / 3)
  /// instead of the products of conjugate gradients (2 nnz(A_W) each, a few dozen a step on
  /// leukemia's 38 x 7129), and the row Gram matrix costs about sum_f nnz_f^2 / 2 once per
  /// working set, counted here as a quarter of that a step.
  bool row_space_applies(Index entries) const {
    if (K_ != 1 || m_ >= Index(ws_.size()) || m_ > kRowSpaceRows || !(pen_.l2 > 0)) return false;
    Index free = 0;
    double pairs = 0;
    for (Index f : ws_) {
      if (factor(f) == 0) ++free;
      pairs += double(A_.col_nnz(f)) * double(A_.col_nnz(f));
    }
    const double rows = double(m_);
    return free <= kRowSpaceFree && rows * rows * rows / 3 + pairs / 8 <= 16 * double(entries);
  }

  /// sum_i e_i^2 over the rows (e_i: row i's entries in the working set's columns): forming the
  /// Gram matrix costs about pairs x K^2 / 2, against entries x K for a column epoch, so for rows
  /// dense in the working set with several outputs (news20's 20 classes) it can cost more than
  /// every epoch it would save. It is formed when that is at most 16 column epochs.
  Index gram_pairs() const {
    if constexpr (!Design::kIsSparse) {
      return m_ * Index(ws_.size()) * Index(ws_.size());
    } else {
      row_count_.assign(std::size_t(m_), 0);
      for (Index f : ws_) A_.for_each_in_col(f, [&](Index i, Scalar) { ++row_count_[std::size_t(i)]; });
      Index pairs = 0;
      for (Index e : row_count_) pairs += e * e;
      return pairs;
    }
  }

  /// Proximal Newton on the working set until every coordinate's violation is at most `target`,
  /// and at most `scaled_target` x its column's norm.
  InnerOutcome solve_working_set(double target, double scaled_target, WorkingSetSummary& summary) {
    const Index w = Index(ws_.size());
    const ModelSolver solver = model_solver();
    set_inner_scales(target, scaled_target);
    if constexpr (kQuadratic) {
      // The model is the objective: solve it to the target, then take the whole step.
      d_.setZero(w * K_);
      InnerOutcome outcome = InnerOutcome::Solved;
      if (solver == ModelSolver::Gram) {
        gather_working_set_gradient();
        if (gram_ws_ != ws_) {
          gram_from_cache();
          gram_ws_ = ws_;
        }
        // A Gram epoch (|W|^2) far cheaper than an outer pass (nnz(A) + p): solve the working
        // set to tol at once rather than in inner_tolerance steps, each costing an outer pass.
        const double n = double(w * K_);
        if (n * n * kTightGramEpochs <= double(A_.nnz() * K_ + p_)) {
          target = std::min(target, tol_abs_);
          set_inner_scales(target, std::min(scaled_target, tol_scaled_));
        }
        outcome = gram_descent(target, opts_->max_epochs, summary);
      } else if (solver == ModelSolver::Rows && row_space_step(summary)) {
        // d_ and A d are exact: apply_direction takes the image.
      } else if (solver == ModelSolver::Conjugate || solver == ModelSolver::Rows) {
        gather_working_set_gradient();
        outcome = conjugate_gradient(target, opts_->max_epochs, summary);
      } else {
        compute_curvature();
        model_residual_ = U_;
        ws_gradient_current_ = true;  // the outer pass left g_ current on the working set
        outcome = column_descent(target, opts_->max_epochs, summary);
      }
      // A callback that stops the solve gets the x it saw; a limit keeps the progress made.
      if (outcome == InnerOutcome::Stopped) return outcome;
      apply_direction(1.0);
      ++summary.newton_steps;
      return outcome;
    } else {
      bool image_known = false;
      double least_kkt = std::numeric_limits<double>::infinity();
      Index stalled = 0;
      for (;;) {
        // The column solver's curvatures come from the same pass over the columns.
        const double ws_kkt = working_set_violation(solver == ModelSolver::Columns);
        if (ws_kkt <= target) return InnerOutcome::Solved;
        // Steps that move x without ever lowering the violation are rounding at work (a target
        // below what the precision can reach): stop rather than spend the epoch budget.
        if (ws_kkt < least_kkt) {
          least_kkt = ws_kkt;
          stalled = 0;
        } else if (++stalled > kStalledNewtonSteps) {
          return InnerOutcome::Failed;
        }
        d_.setZero(w * K_);
        // Inexact Newton: the model is minimised to a fraction eta of the working set's violation,
        // loosely far from the solution and ever more tightly near it (eta -> 0: superlinear).
        const double eta = std::min(0.3, std::sqrt(ws_kkt / reference_));
        const double model_target = std::max(eta * ws_kkt, 0.1 * target);
        InnerOutcome model = InnerOutcome::Solved;
        image_known = false;
        if (solver == ModelSolver::Rows && row_space_step(summary)) {
          image_known = true;
        } else if (solver == ModelSolver::Gram) {
          gather_working_set_columns();
          gather_working_set_gradient();
          build_gram(kCurvatureDrift * eta);
          add_l2_diagonal();
          model = gram_descent(model_target, 10 * opts_->max_model_epochs, summary);
        } else if (solver == ModelSolver::Conjugate || solver == ModelSolver::Rows) {
          gather_working_set_gradient();
          model = conjugate_gradient(model_target, 5 * opts_->max_model_epochs, summary);
        } else {
          model_residual_ = U_;
          model = column_descent(model_target, opts_->max_model_epochs, summary);
        }
        if (model == InnerOutcome::Stopped || model == InnerOutcome::Time) return model;
        if (!line_search(image_known)) return InnerOutcome::Failed;
        ++summary.newton_steps;
        if (summary.epochs >= opts_->max_epochs) return InnerOutcome::Budget;
        if (seconds() > opts_->time_limit_seconds) return InnerOutcome::Time;
      }
    }
  }

  /// inner_scale_[t] = max(1, target / (scaled_target x |a_f|)) for f = ws_[t]: a coordinate's
  /// violation times it is at most `target` when it passes both of the inner solve's tests.
  void set_inner_scales(double target, double scaled_target) {
    const Index w = Index(ws_.size());
    inner_scale_.resize(w);
    for (Index t = 0; t < w; ++t) {
      // Columns at the ends of the double range (1e±150) must not make it 0 or infinite.
      const double ratio = target / (scaled_target * std::sqrt(double(col_sq_[ws_[t]])));
      inner_scale_[t] = std::isfinite(ratio) ? std::max(1.0, ratio) : 1.0;
    }
  }
  /// The largest entry of a model gradient on the working set, each times its inner scale.
  double scaled_largest(const Vec<Scalar>& gradient) const {
    double largest = 0;
    for (Index j = 0; j < gradient.size(); ++j) largest = std::max(largest, double(std::abs(gradient[j])) * inner_scale_[j / K_]);
    return largest;
  }

  /// model_gradient_ = the gradient on the working set at x (g_ is current there).
  void gather_working_set_gradient() {
    model_gradient_.resize(Index(ws_.size()) * K_);
    for (Index t = 0; t < Index(ws_.size()); ++t)
      for (Index c = 0; c < K_; ++c) model_gradient_[t * K_ + c] = g_[ws_[t] * K_ + c];
  }

  /// A copy of A_W for forming Gram matrices, made once per working set: row-wise (local
  /// column numbers) for sparse designs, a dense m x |W| block for dense ones. Kept while the
  /// working set stays the same (always, when every feature is in it).
  void gather_working_set_columns() {
    if (gathered_ == ws_) return;
    gathered_ = ws_;
    curvature_gram_current_ = false;
    const Index w = Index(ws_.size());
    if constexpr (Design::kIsSparse) {
      // Counting sort by rows, with one spare entry: ws_row_start_[i + 1] becomes row i's start
      // and then its fill cursor, which ends at row i + 1's start; so after the fill entry i is
      // row i's start, and the spare (the total again) goes. Raw pointers: through the members,
      // every store reloaded all three arrays' addresses.
      ws_row_start_.assign(std::size_t(m_) + 2, 0);
      Index* start = ws_row_start_.data();
      for (Index t = 0; t < w; ++t) A_.for_each_in_col(ws_[t], [start](Index i, Scalar) { ++start[i + 2]; });
      for (Index i = 0; i < m_; ++i) start[i + 2] += start[i + 1];
      ws_row_column_.resize(std::size_t(start[m_ + 1]));
      ws_row_value_.resize(std::size_t(start[m_ + 1]));
      std::uint16_t* column = ws_row_column_.data();
      Scalar* value = ws_row_value_.data();
      for (Index t = 0; t < w; ++t)
        A_.for_each_in_col(ws_[t], [start, column, value, t](Index i, Scalar a) {
          const Index slot = start[i + 1]++;
          column[slot] = std::uint16_t(t);
          value[slot] = a;
        });
      ws_row_start_.pop_back();  // now ws_row_start_[i] = start of row i, for i = 0..m
    } else {
      ws_block_.setZero(m_, w);
      for (Index t = 0; t < w; ++t) A_.for_each_in_col(ws_[t], [&](Index i, Scalar a) { ws_block_(i, t) = a; });
    }
  }

  /// gram_ = A_W' H A_W over the working set's coordinates j = t K + c (add_l2_diagonal() adds
  /// the l2 terms): for K > 1 with the softmax's full per-row K x K Hessian
  /// s_i (diag(p_i) - p_i p_i') (the classes coupled, so the model is exact Newton). From the
  /// gathered columns: a sum over rows of (a_i a_i') (x) B_i (O(sum of squared row counts K^2))
  /// for sparse designs, matrix products for dense ones. With `drift` > 0 (one output, sparse),
  /// the sum is updated from the last one over the same columns instead (update_curvature_gram).
  void build_gram(double drift = 0) {
    const Index w = Index(ws_.size()), n = w * K_;
    if constexpr (Design::kIsSparse) {
      if (K_ == 1 && drift > 0) {
        update_curvature_gram(drift);
        return;
      }
    }
    gram_.resize(n);
    auto G = gram_.view();
    G.setZero();
    std::vector<Scalar> block(std::size_t(K_ * K_));
    auto row_block = [&](Index i) {  // B_i, row-major K x K
      if (K_ == 1) {
        block[0] = H_[i];
        return;
      }
      const Scalar* p = &P_[i * K_];
      for (Index a = 0; a < K_; ++a)
        for (Index b = 0; b < K_; ++b) block[std::size_t(a * K_ + b)] = weight_[i] * ((a == b ? p[a] : 0) - p[a] * p[b]);
    };
    if constexpr (Design::kIsSparse) {
      if (K_ == 1) {  // the common case without the K x K block: one column write per pair
        for (Index i = 0; i < m_; ++i)
          if (weight_[i] != 0) add_row_product(G, i, H_[i]);
        G.template triangularView<Eigen::StrictlyUpper>() = G.transpose();
        return;
      }
      for (Index i = 0; i < m_; ++i) {
        if (weight_[i] == 0) continue;
        const Index begin = ws_row_start_[std::size_t(i)], end = ws_row_start_[std::size_t(i) + 1];
        if (begin == end) continue;
        row_block(i);
        for (Index p = begin; p < end; ++p) {
          const Scalar ap = ws_row_value_[std::size_t(p)];
          const Index tp = ws_row_column_[std::size_t(p)];
          for (Index q = p; q < end; ++q) {
            const Scalar aa = ap * ws_row_value_[std::size_t(q)];
            const Index tq = ws_row_column_[std::size_t(q)];
            for (Index a = 0; a < K_; ++a)
              for (Index b = 0; b < K_; ++b) G(tq * K_ + a, tp * K_ + b) += aa * block[std::size_t(a * K_ + b)];
          }
        }
      }
      G.template triangularView<Eigen::StrictlyUpper>() = G.transpose();
    } else {
      Vec<Scalar> h(m_);
      for (Index a = 0; a < K_; ++a)
        for (Index b = 0; b < K_; ++b) {
          if (K_ == 1) h = H_;
          else
            for (Index i = 0; i < m_; ++i) h[i] = weight_[i] * ((a == b ? P_[i * K_ + a] : 0) - P_[i * K_ + a] * P_[i * K_ + b]);
          const Mat<Scalar> part = ws_block_.transpose() * (h.asDiagonal() * ws_block_);
          for (Index t = 0; t < w; ++t)
            for (Index u = 0; u < w; ++u) G(t * K_ + a, u * K_ + b) = part(t, u);
        }
    }
  }
  /// G's lower triangle += h a_i a_i' over the gathered row i of A_W (one output).
  template <class Matrix>
  void add_row_product(Matrix& G, Index i, Scalar h) const {
    const Index begin = ws_row_start_[std::size_t(i)], count = ws_row_start_[std::size_t(i) + 1] - begin;
    const Scalar* value = &ws_row_value_[std::size_t(begin)];
    const std::uint16_t* column = &ws_row_column_[std::size_t(begin)];
    for (Index p = 0; p < count; ++p) {
      const Scalar hp = h * value[p];
      Scalar* target = &G(0, column[p]);  // lower triangle: the row's columns ascend
      for (Index q = p; q < count; ++q) target[column[q]] += hp * value[q];
    }
  }

  /// gram_ = A_W' diag(h) A_W where h_i = H_i except on rows whose curvature has moved by at
  /// most `drift` of the h_i they were last summed with: those keep it, so only the rows that
  /// moved are summed again (by the difference): a Newton step late in a solve moves few
  /// curvatures much (a9a's l2-logistic formed a 123 x 123 matrix from 3.4 M products in each of
  /// its 4-5 steps, a third of the solve; updated, the solve takes 0.91-0.94x the time). The rows
  /// kept make the Hessian H + E with -drift H <= E <= drift H, a model that is Newton's up to
  /// that relative error: the caller ties drift to its forcing term, so the steps stay
  /// superlinear (a drift of 1 instead of 0.5 times it saved nothing more).
  void update_curvature_gram(double drift) {
    const Index n = Index(ws_.size());
    if (!curvature_gram_current_ || curvature_gram_.size() != n) {
      curvature_gram_.resize(n);
      curvature_gram_.view().setZero();
      summed_curvature_.setZero(m_);
      drift = 0;  // every row is summed
    }
    auto B = curvature_gram_.view();
    for (Index i = 0; i < m_; ++i) {
      if (weight_[i] == 0) continue;
      const Scalar change = H_[i] - summed_curvature_[i];
      if (std::abs(change) <= Scalar(drift) * summed_curvature_[i]) continue;
      summed_curvature_[i] = H_[i];
      add_row_product(B, i, change);
    }
    curvature_gram_current_ = true;
    gram_.resize(n);
    auto G = gram_.view();
    G.template triangularView<Eigen::Lower>() = B;
    G.template triangularView<Eigen::StrictlyUpper>() = B.transpose();
  }

  void add_l2_diagonal() {
    auto G = gram_.view();
    for (Index j = 0; j < G.rows(); ++j) G(j, j) += Scalar(l2_of(ws_[j / K_]));
  }

  /// Least squares: gram_ for ws_ from a cache of the products a_f' H a_g over the features C
  /// that recent working sets held. H is the constant sample weights, so a product holds for the
  /// solver's lifetime (outer iterations, path points). A working set that changes by k features
  /// costs k scatters and k dots with every cached column (k nnz(A_C)); when that exceeds
  /// kColumnProducts nnz(A_W), or the cache would outgrow kGramFeatures, the cache restarts from
  /// the working set by the row products of build_gram(). Two binary columns multiply by their
  /// rows' bits (binary_rows()).
  void gram_from_cache() {
    static_assert(kQuadratic, "the cache needs a constant Hessian");
    std::vector<Index> fresh;
    for (Index f : ws_)
      if (cache_slot(f) < 0) fresh.push_back(f);
    const Index cached = Index(cache_features_.size()), k = Index(fresh.size());
    if (k > 0) {
      Index cache_entries = 0, ws_entries = 0;
      for (Index f : cache_features_) cache_entries += A_.col_nnz(f);
      for (Index f : ws_) ws_entries += A_.col_nnz(f);
      for (Index f : fresh) cache_entries += A_.col_nnz(f);
      if (cached + k > kGramFeatures || k * cache_entries > kColumnProducts * ws_entries) {
        gather_working_set_columns();
        build_gram();
        cache_features_ = ws_;
        cache_bits_.assign(ws_.size(), {});
        cache_bit_value_.assign(ws_.size(), kUnchecked);
        cache_products_.resize(gram_.size());
        cache_products_.view() = gram_.view();
        index_cache();
        add_l2_diagonal();
        return;
      }
      cache_products_.resize(cached + k, true);
      auto C = cache_products_.view();
      cache_features_.insert(cache_features_.end(), fresh.begin(), fresh.end());
      cache_bits_.resize(cache_features_.size());
      cache_bit_value_.resize(cache_features_.size(), kUnchecked);
      if (scatter_.size() != m_) scatter_.setZero(m_);
      for (Index s = cached; s < cached + k; ++s) {
        const Index f = cache_features_[std::size_t(s)];
        const bool binary = binary_rows(s);
        bool scattered = false;
        for (Index u = 0; u <= s; ++u) {
          if (binary && binary_rows(u)) {
            const auto& a = cache_bits_[std::size_t(s)];
            const double shared = double(common_bits(a.data(), cache_bits_[std::size_t(u)].data(), a.size()));
            C(u, s) = C(s, u) = Scalar(cache_bit_value_[std::size_t(s)] * cache_bit_value_[std::size_t(u)] * shared);
            continue;
          }
          if (!scattered) A_.for_each_in_col(f, [&](Index i, Scalar a) { scatter_[i] = H_[i] * a; });
          scattered = true;
          C(u, s) = C(s, u) = A_.col_dot(cache_features_[std::size_t(u)], scatter_.data());
        }
        if (scattered) A_.for_each_in_col(f, [&](Index i, Scalar) { scatter_[i] = 0; });
      }
      index_cache();
    }
    const Index w = Index(ws_.size());
    std::vector<Index> slot(static_cast<std::size_t>(w));
    for (Index t = 0; t < w; ++t) slot[std::size_t(t)] = cache_slot(ws_[t]);
    gram_.resize(w);
    gram_.view() = cache_products_.view()(slot, slot);
    add_l2_diagonal();
  }
  /// Whether the cached feature in `slot` has its rows as bits (made on the first call): with unit
  /// weights, a sparse column whose entries all share one value and that fills at least 1/64 of
  /// the rows (so the bits take no more memory than the column). a9a's lasso and elastic net at
  /// lambda_max/10, whose working sets hold 10-18 columns filling 10-90 % of the rows, spent a
  /// quarter of the solve on gathered column products.
  bool binary_rows(Index slot) {
    double& value = cache_bit_value_[std::size_t(slot)];
    if (value == kUnchecked) {
      value = 0;
      const Index f = cache_features_[std::size_t(slot)], count = A_.col_nnz(f);
      if (!Design::kIsSparse || !weights_are_one() || count == 0 || count * 64 < m_) return false;
      Scalar common = 0;
      bool first = true, shared = true;
      A_.for_each_in_col(f, [&](Index, Scalar a) {
        if (first) common = a;
        first = false;
        shared = shared && a == common;
      });
      if (!shared || common == 0) return false;
      auto& bits = cache_bits_[std::size_t(slot)];
      bits.assign(std::size_t((m_ + 63) / 64), 0);
      A_.for_each_in_col(f, [&](Index i, Scalar) { bits[std::size_t(i / 64)] |= std::uint64_t(1) << (i % 64); });
      value = double(common);
    }
    return value != 0;
  }
  static constexpr double kUnchecked = -std::numeric_limits<double>::infinity();
  /// The cache's row and column of feature f, or -1.
  Index cache_slot(Index f) const {
    const auto at = std::lower_bound(cache_index_.begin(), cache_index_.end(), std::make_pair(f, Index(0)));
    return at != cache_index_.end() && at->first == f ? at->second : -1;
  }
  void index_cache() {
    cache_index_.resize(cache_features_.size());
    for (std::size_t s = 0; s < cache_features_.size(); ++s) cache_index_[s] = {cache_features_[s], Index(s)};
    std::sort(cache_index_.begin(), cache_index_.end());
  }

  /// Minimises the model g_W'd + 1/2 d'Gd + penalty(x + d) with G formed: directly (LDLT) when
  /// the model is smooth, else by coordinate descent keeping q = g_W + G d.
  InnerOutcome gram_descent(double target, Index max_epochs, WorkingSetSummary& summary) {
    const Index n = Index(ws_.size()) * K_;
    if (model_is_smooth()) {
      // Jacobi-scaled, so that columns of any scale (1e±150) are solved alike; a tiny ridge on the
      // unit diagonal keeps the factorisation defined when unpenalised columns are collinear (and
      // along the softmax's shift-invariant direction).
      const Mat<Scalar> G = gram_.view();
      const Vec<Scalar> s = jacobi_scaling(G);
      Mat<Scalar> scaled = detail::unit_diagonal(G, s);
      scaled.diagonal().array() += Scalar(1e-12);
      const Vec<Scalar> step = -s.cwiseProduct(scaled.ldlt().solve(s.cwiseProduct(model_gradient_)));
      for (Index j = 0; j < n; ++j) d_[j] = std::isfinite(double(step[j])) ? step[j] : Scalar(0);
      ++summary.epochs;
      return InnerOutcome::Solved;
    }
    const auto G = gram_.view();
    Vec<Scalar>& q = model_gradient_;
    const Vec<Scalar> g0 = q;  // g_W: the model's gradient at d = 0
    const Index memory = opts_->anderson_memory;
    if (memory > 0) anderson_.resize(n, memory + 1);
    Index stored = 0;
    for (Index epoch = 0; epoch < max_epochs; ++epoch) {
      for (Index j = 0; j < n; ++j) {
        const Index f = ws_[j / K_];
        const double current = double(x_[f * K_ + j % K_]) + double(d_[j]);
        const double next = prox_step(f, current, double(q[j]), double(G(j, j)));
        const Scalar delta = Scalar(next - current);
        if (delta == 0) continue;
        d_[j] += delta;
        q.noalias() += G.col(j) * delta;
      }
      ++summary.epochs;
      double largest = 0;  // exact: q is the model's gradient
      for (Index j = 0; j < n; ++j) {
        const Index f = ws_[j / K_];
        largest = std::max(largest, coordinate_violation(f, double(q[j]), double(x_[f * K_ + j % K_]) + double(d_[j])) *
                                        inner_scale_[j / K_]);
      }
      if (largest <= target) return InnerOutcome::Solved;
      if (const auto stop = interruption(summary)) return *stop;
      if (memory > 0) {
        anderson_.col(stored++) = d_;
        if (stored == memory + 1) {
          gram_anderson(memory, g0);
          stored = 0;
        }
      }
    }
    return InnerOutcome::Budget;
  }

  /// Anderson extrapolation of Gram coordinate descent: kept when it lowers the model
  /// g'd + 1/2 d'Gd + penalty(x + d) (evaluated as d'(g + q)/2 with q = g + Gd).
  void gram_anderson(Index memory, const Vec<Scalar>& g0) {
    Vec<Scalar> candidate;
    if (!anderson_candidate(memory, candidate)) return;
    const Index n = Index(ws_.size()) * K_;
    const Vec<Scalar> q = g0 + gram_.view() * candidate;
    auto model = [&](const Vec<Scalar>& d, const Vec<Scalar>& grad) {
      double value = 0.5 * double(d.dot(g0 + grad));
      for (Index j = 0; j < n; ++j) {
        const Index f = ws_[j / K_];
        const double u = double(x_[f * K_ + j % K_]), v = u + double(d[j]);
        if (bounded(f) && v < 0) return std::numeric_limits<double>::infinity();
        value += l1_of(f) * (std::abs(v) - std::abs(u));
      }
      return value;
    };
    if (model(candidate, q) < model(d_, model_gradient_)) {
      d_ = candidate;
      model_gradient_ = q;
    }
  }

  /// The Anderson combination of the stored iterates (false when degenerate).
  bool anderson_candidate(Index memory, Vec<Scalar>& candidate) const {
    const Mat<double> diffs = (anderson_.rightCols(memory) - anderson_.leftCols(memory)).template cast<double>();
    Mat<double> gram = diffs.transpose() * diffs;
    const double scale = gram.trace();
    if (!(scale > 0)) return false;
    gram.diagonal().array() += 1e-10 * scale;
    const Eigen::VectorXd z = gram.ldlt().solve(Eigen::VectorXd::Ones(memory));
    const double total = z.sum();
    if (!std::isfinite(total) || total == 0) return false;
    candidate = (anderson_.rightCols(memory).template cast<double>() * (z / total)).template cast<Scalar>();
    return true;
  }

  /// Why an inner loop must stop now (callback, time limit, epoch budget), if it must.
  std::optional<InnerOutcome> interruption(const WorkingSetSummary& summary) {
    if (callback_says_stop(summary.iterations)) return InnerOutcome::Stopped;
    if (seconds() > opts_->time_limit_seconds) return InnerOutcome::Time;
    if (summary.epochs >= opts_->max_epochs) return InnerOutcome::Budget;
    return std::nullopt;
  }

  /// The minimiser of the coordinate's model g d + h d^2 / 2 + penalty, from `current`.
  double prox_step(Index f, double current, double g, double h) const {
    const double l1 = l1_of(f);
    if (h <= 0) return l1 > 0 ? 0.0 : current;
    const double next = current - g / h, shrink = l1 / h;
    if (bounded(f)) return std::max(next - shrink, 0.0);
    return next > shrink ? next - shrink : next < -shrink ? next + shrink : 0.0;
  }

  /// out = (A_W' H A_W + diag(l2_W)) v (the softmax with its coupled row Hessians): two passes
  /// over the working set's columns.
  void model_hessian_times(const Vec<Scalar>& v, Vec<Scalar>& out) {
    const Index w = Index(ws_.size());
    direction_image_.setZero(m_ * K_);
    for (Index t = 0; t < w; ++t)
      for (Index c = 0; c < K_; ++c) {
        const Scalar vc = v[t * K_ + c];
        if (vc != 0) A_.for_each_in_col(ws_[t], [&](Index i, Scalar a) { direction_image_[i * K_ + c] += a * vc; });
      }
    if constexpr (kCoupledOutputs) {
      // Each row's full softmax Hessian, as in the Gram matrix: s_i (p_i o v_i - p_i (p_i' v_i)).
      for (Index i = 0; i < m_; ++i) {
        Scalar* v_i = &direction_image_[i * K_];
        const Scalar* p_i = &P_[i * K_];
        Scalar along = 0;
        for (Index c = 0; c < K_; ++c) along += p_i[c] * v_i[c];
        for (Index c = 0; c < K_; ++c) v_i[c] = weight_[i] * p_i[c] * (v_i[c] - along);
      }
    } else {
      direction_image_.array() *= H_.array();
    }
    out.resize(w * K_);
    for (Index t = 0; t < w; ++t) {
      const double l2 = l2_of(ws_[t]);
      for (Index c = 0; c < K_; ++c) out[t * K_ + c] = Scalar(l2) * v[t * K_ + c];
      A_.for_each_in_col(ws_[t], [&](Index i, Scalar a) {
        for (Index c = 0; c < K_; ++c) out[t * K_ + c] += a * direction_image_[i * K_ + c];
      });
    }
  }

  /// Smooth models: conjugate gradients on (A_W' H A_W + l2) d = -g_W until the model's
  /// gradient is at most `target` in every entry.
  InnerOutcome conjugate_gradient(double target, Index max_products, WorkingSetSummary& summary) {
    Vec<Scalar> r = -model_gradient_, direction = r, product;
    double rr = double(r.squaredNorm());
    for (Index k = 0; k < max_products; ++k) {
      if (scaled_largest(r) <= target) return InnerOutcome::Solved;
      model_hessian_times(direction, product);
      ++summary.epochs;
      const double curvature = double(direction.dot(product));
      if (!(curvature > 0)) break;
      const Scalar alpha = Scalar(rr / curvature);
      d_ += alpha * direction;
      r -= alpha * product;
      const double next = double(r.squaredNorm());
      direction = r + Scalar(next / rr) * direction;
      rr = next;
      if (const auto stop = interruption(summary)) return *stop;
    }
    return scaled_largest(r) <= target ? InnerOutcome::Solved : InnerOutcome::Budget;
  }

  /// Smooth models with one output and fewer rows than working-set features: Newton's system
  /// (L + A_W' H A_W) d = -g_W, L = diag(l2_f), solved exactly in the row space. For the
  /// penalised features P (Woodbury, with D = H^1/2 and the row Gram matrix G = A_P L^-1 A_P')
  ///   (L + A_P' H A_P)^-1 = L^-1 - L^-1 A_P' D (I + D G D)^-1 D A_P L^-1,
  /// and the few free features F (E = A_F) by their Schur complement
  ///   E' H E - (H E)' T (H E),  T = G - G D (I + D G D)^-1 D G  (= A_P (L + A_P' H A_P)^-1 A_P').
  /// G is formed once per working set (without the common l2, so it serves every path point);
  /// a step costs two passes over A_W's columns and m^3 / 3 for the factorisation, and A d comes
  /// from G at no pass. False, d_ untouched, when the free features' complement is not positive
  /// definite (the caller then takes conjugate gradients).
  bool row_space_step(WorkingSetSummary& summary) {
    if (row_gram_ws_ != ws_) {
      form_row_gram();
      row_gram_ws_ = ws_;
    }
    const Index w = Index(ws_.size());
    const double l2 = pen_.l2;
    gather_working_set_gradient();
    // v = A_P L^-1 g_P, and the free columns.
    Eigen::VectorXd v = Eigen::VectorXd::Zero(m_);
    std::vector<Index> free;
    for (Index t = 0; t < w; ++t) {
      const Index f = ws_[t];
      if (factor(f) == 0) {
        free.push_back(t);
        continue;
      }
      const double coefficient = double(model_gradient_[t]) / l2_of(f);
      A_.for_each_in_col(f, [&](Index i, Scalar a) { v[i] += coefficient * double(a); });
    }
    const Index nf = Index(free.size());
    Eigen::MatrixXd E = Eigen::MatrixXd::Zero(m_, nf);
    for (Index k = 0; k < nf; ++k) A_.for_each_in_col(ws_[free[std::size_t(k)]], [&](Index i, Scalar a) { E(i, k) = a; });

    const Eigen::VectorXd h = H_.template cast<double>().cwiseMax(0.0);
    const Eigen::VectorXd D = h.cwiseSqrt();
    const auto G = row_gram_.template selfadjointView<Eigen::Lower>();
    row_system_.resize(m_, m_);
    row_system_.template triangularView<Eigen::Lower>() = D.asDiagonal() * row_gram_ * D.asDiagonal() / l2;
    row_system_.diagonal().array() += 1.0;
    const Eigen::LLT<Eigen::MatrixXd, Eigen::Lower> factorised(row_system_);
    if (factorised.info() != Eigen::Success) return false;
    // z -> D (I + D G D)^-1 D z, and T z = G z - G D (I + D G D)^-1 D G z (with G / l2).
    auto through = [&](const auto& z) -> Eigen::MatrixXd {
      return D.asDiagonal() * factorised.solve(Eigen::MatrixXd(D.asDiagonal() * z));
    };
    Eigen::VectorXd image_free = Eigen::VectorXd::Zero(m_);  // H E d_F
    Eigen::VectorXd free_step;
    if (nf > 0) {
      const Eigen::MatrixXd HE = h.asDiagonal() * E;
      const Eigen::MatrixXd GHE = (G * HE) / l2;
      const Eigen::MatrixXd THE = GHE - (G * through(GHE)) / l2;
      const Eigen::MatrixXd complement = E.transpose() * HE - HE.transpose() * THE;
      // A_P (L + A_P' H A_P)^-1 g_P = v - G D (I + D G D)^-1 D v
      const Eigen::VectorXd q = v - (G * through(v)) / l2;
      Eigen::VectorXd rhs = HE.transpose() * q;
      for (Index k = 0; k < nf; ++k) rhs[k] -= double(model_gradient_[free[std::size_t(k)]]);
      const Eigen::LDLT<Eigen::MatrixXd> solved(complement);
      if (solved.info() != Eigen::Success || !solved.isPositive() ||
          !(solved.vectorD().minCoeff() > 1e-12 * complement.diagonal().cwiseAbs().maxCoeff()))
        return false;
      free_step = solved.solve(rhs);
      image_free = HE * free_step;
    }
    // d_P = L^-1 (-g_P + A_P' s), s = D (I + D G D)^-1 D (v + G H E d_F / l2) - H E d_F.
    const Eigen::VectorXd s = through(v + (G * image_free) / l2) - image_free;
    const Vec<Scalar> s_scalar = s.template cast<Scalar>();
    d_.resize(w);
    for (Index t = 0; t < w; ++t) {
      const Index f = ws_[t];
      if (factor(f) == 0) continue;
      const double along = double(A_.col_dot(f, s_scalar.data()));
      d_[t] = Scalar((along - double(model_gradient_[t])) / l2_of(f));
    }
    // A d = A_P d_P + E d_F = -v + G s / l2 + E d_F.
    Eigen::VectorXd image = (G * s) / l2 - v;
    for (Index k = 0; k < nf; ++k) {
      d_[free[std::size_t(k)]] = Scalar(free_step[k]);
      image += free_step[k] * E.col(k);
    }
    direction_image_ = image.template cast<Scalar>();
    direction_image_current_ = true;
    summary.epochs += 2;
    ++summary.row_space_steps;
    return true;
  }
  /// row_gram_ = A_P diag(1 / factor_f) A_P' (lower triangle) over ws_'s penalised features:
  /// pairs of each column's entries for sparse designs, rank updates of column blocks for dense.
  void form_row_gram() {
    row_gram_.setZero(m_, m_);
    if constexpr (Design::kIsSparse) {
      std::vector<Index> rows;
      std::vector<double> values;
      for (Index f : ws_) {
        if (factor(f) == 0) continue;
        rows.clear();
        values.clear();
        A_.for_each_in_col(f, [&](Index i, Scalar a) {
          rows.push_back(i);
          values.push_back(double(a));
        });
        const double inverse = 1 / factor(f);
        for (std::size_t p = 0; p < rows.size(); ++p) {
          const double scaled = inverse * values[p];
          double* column = &row_gram_(0, rows[p]);  // lower triangle: a column's rows ascend
          for (std::size_t q = p; q < rows.size(); ++q) column[rows[q]] += scaled * values[q];
        }
      }
    } else {
      constexpr Index kBlock = 256;
      Eigen::MatrixXd block(m_, kBlock);
      Index filled = 0;
      auto flush = [&] {
        row_gram_.template selfadjointView<Eigen::Lower>().rankUpdate(block.leftCols(filled));
        filled = 0;
      };
      for (Index f : ws_) {
        if (factor(f) == 0) continue;
        const double scale = 1 / std::sqrt(factor(f));
        block.col(filled).setZero();
        A_.for_each_in_col(f, [&](Index i, Scalar a) { block(i, filled) = scale * double(a); });
        if (++filled == kBlock) flush();
      }
      if (filled > 0) flush();
    }
  }

  /// The working set's violation at the current x (gradient recomputed on the set); with
  /// `curvature`, also what compute_curvature() gives, in the same pass over the columns.
  double working_set_violation(bool curvature = false) {
    if (curvature) {
      curvature_.resize(Index(ws_.size()) * K_);
      if constexpr (kCoupledOutputs) coupling_.resize(Index(ws_.size()) * K_ * K_);
    }
    double largest = 0;
    for (Index t = 0; t < Index(ws_.size()); ++t) {
      const Index f = ws_[t];
      if (curvature) {
        const Scalar l2 = Scalar(l2_of(f));
        Scalar* g = &g_[f * K_];
        Scalar* h = &curvature_[t * K_];
        for (Index c = 0; c < K_; ++c) {
          g[c] = l2 * x_[f * K_ + c];
          h[c] = l2;
        }
        if constexpr (kCoupledOutputs) {
          // The off-diagonal entries of the feature's K x K block of the Hessian (lower triangle,
          // mirrored below): -sum_i a_i^2 s_i p_ic p_ik.
          Scalar* b = &coupling_[t * K_ * K_];
          std::fill(b, b + K_ * K_, Scalar(0));
          A_.for_each_in_col(f, [&](Index i, Scalar a) {
            const Scalar* u = &U_[i * K_];
            const Scalar* hi = &H_[i * K_];
            const Scalar* pi = &P_[i * K_];
            const Scalar as = a * a * weight_[i];
            for (Index c = 0; c < K_; ++c) {
              g[c] += a * u[c];
              h[c] += a * a * hi[c];
              const Scalar asp = as * pi[c];
              for (Index k = 0; k < c; ++k) b[c * K_ + k] -= asp * pi[k];
            }
          });
          for (Index c = 0; c < K_; ++c)
            for (Index k = 0; k < c; ++k) b[k * K_ + c] = b[c * K_ + k];
        } else {
          A_.for_each_in_col(f, [&](Index i, Scalar a) {
            const Scalar* u = &U_[i * K_];
            const Scalar* hi = &H_[i * K_];
            for (Index c = 0; c < K_; ++c) {
              g[c] += a * u[c];
              h[c] += a * a * hi[c];
            }
          });
        }
      } else {
        feature_gradient(f, U_, &g_[f * K_]);
      }
      largest = std::max(largest, feature_violation(f) * inner_scale_[t]);
    }
    ws_gradient_current_ = true;
    return largest;
  }

  void compute_curvature() {
    curvature_.resize(Index(ws_.size()) * K_);
    for (Index t = 0; t < Index(ws_.size()); ++t) {
      const Index f = ws_[t];
      const double l2 = l2_of(f);
      if (kQuadratic && K_ == 1 && weights_are_one()) {
        curvature_[t] = Scalar(double(col_sq_[f]) + l2);
        continue;
      }
      for (Index c = 0; c < K_; ++c) curvature_[t * K_ + c] = Scalar(l2);
      A_.for_each_in_col(f, [&](Index i, Scalar a) {
        for (Index c = 0; c < K_; ++c) curvature_[t * K_ + c] += a * a * H_[i * K_ + c];
      });
    }
  }
  bool weights_are_one() const {
    if (!weights_checked_) {
      weights_one_ = (weight_.array() == Scalar(1)).all();
      weights_checked_ = true;
    }
    return weights_one_;
  }

  /// Coordinate descent epochs on the model sum(U'Ad) + 1/2 sum(H (Ad)^2) + penalty(x + d),
  /// keeping model_residual_ = U + H (A d) -- for the softmax with each row's full K x K Hessian
  /// B_i = s_i (diag p_i - p_i p_i') in place of H, so that the model is Newton's and the outer
  /// steps converge superlinearly (a feature's classes then move together, over its Hessian
  /// block: block_descent). Stops when the model's violation on the working set is at most
  /// `target`: estimated during each epoch (before each coordinate's update), and
  /// confirmed by an exact pass once the estimate is small enough (an update moves the gradient
  /// of the coordinates visited before it).
  InnerOutcome column_descent(double target, Index max_epochs, WorkingSetSummary& summary) {
    const Index w = Index(ws_.size());
    // Extrapolation needs the model residual to move by H A (change in d): one output.
    const Index memory = K_ == 1 ? opts_->anderson_memory : 0;
    if (memory > 0) anderson_.resize(w * K_, memory + 1);
    Index stored = 0;
    std::vector<Scalar> grad(K_);
    // A coordinate at zero that does not want to move rests until the exact check finds it
    // violated (glmnet's active-set cycling): the working set is twice the support, and with
    // several outputs most features are nonzero for one or two classes only (a class visited
    // alone costs one strided pass over the column). At the start the gradient on the working
    // set is the model's (d = 0).
    std::vector<char>& awake = awake_;
    awake.assign(std::size_t(w * K_), 1);
    if (ws_gradient_current_)
      for (Index t = 0; t < w; ++t)
        for (Index c = 0; c < K_; ++c) {
          const Index j = t * K_ + c, fc = ws_[t] * K_ + c;
          if (d_[j] == 0 && x_[fc] == 0 && coordinate_violation(ws_[t], double(g_[fc]), 0.0) == 0) awake[std::size_t(j)] = 0;
        }
    std::vector<Index> visit(K_), moved(K_);
    std::vector<Scalar> step(K_);
    for (Index epoch = 0; epoch < max_epochs; ++epoch) {
      double largest = 0;
      for (Index t = 0; t < w; ++t) {
        const Index f = ws_[t];
        const double l2 = l2_of(f);
        Index visits = 0;
        for (Index c = 0; c < K_; ++c) {
          grad[c] = 0;
          if (awake[std::size_t(t * K_ + c)]) visit[visits++] = c;
        }
        if (visits == 0) continue;
        if (K_ == 1) {
          grad[0] = A_.col_dot(f, model_residual_.data());
        } else if (visits < K_) {
          for (Index k = 0; k < visits; ++k) grad[visit[k]] = A_.col_dot(f, model_residual_.data() + visit[k], K_);
        } else {
          A_.for_each_in_col(f, [&](Index i, Scalar a) {
            const Scalar* r = &model_residual_[i * K_];
            for (Index c = 0; c < K_; ++c) grad[c] += a * r[c];
          });
        }
        Index moves = 0;
        std::fill(step.begin(), step.end(), Scalar(0));
        if constexpr (kCoupledOutputs) {
          moves = block_descent(t, visit, visits, grad, step, moved, largest);
        } else {
          for (Index k = 0; k < visits; ++k) {
            const Index c = visit[k], j = t * K_ + c;
            const double current = double(x_[f * K_ + c]) + double(d_[j]);
            const double g = double(grad[c]) + l2 * current;
            largest = std::max(largest, coordinate_violation(f, g, current) * inner_scale_[t]);
            const double next = prox_step(f, current, g, double(curvature_[j]));
            const Scalar delta = Scalar(next - current);
            if (delta != 0) {
              d_[j] += delta;
              step[c] = delta;
              moved[moves++] = c;
            }
          }
        }
        for (Index k = 0; k < visits; ++k) {
          const Index j = t * K_ + visit[k];
          if (step[visit[k]] == 0 && double(x_[f * K_ + visit[k]]) + double(d_[j]) == 0) awake[std::size_t(j)] = 0;
        }
        if (moves == 0) continue;  // the residual stays as it is
        if constexpr (kCoupledOutputs) {
          // B_i (a step) = a s_i (p_i o step - p_i (p_i' step)).
          if (moves == 1) {
            const Index c = moved[0];
            const Scalar delta = step[c];
            A_.for_each_in_col(f, [&](Index i, Scalar a) {
              Scalar* r = &model_residual_[i * K_];
              const Scalar* pi = &P_[i * K_];
              const Scalar along = a * weight_[i] * pi[c] * delta;
              for (Index k = 0; k < K_; ++k) r[k] -= along * pi[k];
              r[c] += along;
            });
          } else {
            A_.for_each_in_col(f, [&](Index i, Scalar a) {
              Scalar* r = &model_residual_[i * K_];
              const Scalar* pi = &P_[i * K_];
              Scalar along = 0;
              for (Index k = 0; k < K_; ++k) along += pi[k] * step[k];
              const Scalar scale = a * weight_[i];
              for (Index k = 0; k < K_; ++k) r[k] += scale * pi[k] * (step[k] - along);
            });
          }
        } else if (K_ == 1 || moves == 1) {
          const Index c = moved[0];
          const Scalar delta = step[c];
          A_.for_each_in_col(f, [&](Index i, Scalar a) { model_residual_[i * K_ + c] += H_[i * K_ + c] * a * delta; });
        } else {
          A_.for_each_in_col(f, [&](Index i, Scalar a) {
            Scalar* r = &model_residual_[i * K_];
            const Scalar* h = &H_[i * K_];
            for (Index c = 0; c < K_; ++c) r[c] += h[c] * a * step[c];
          });
        }
      }
      ++summary.epochs;
      if (largest <= target && column_model_violation(target, awake) <= target) return InnerOutcome::Solved;
      if (const auto stop = interruption(summary)) return *stop;
      if (memory > 0) {
        anderson_.col(stored++) = d_;
        if (stored == memory + 1) {
          try_anderson(memory);
          stored = 0;
        }
      }
    }
    return InnerOutcome::Budget;
  }

  /// The softmax: the visited classes of working-set feature t minimise the model over the
  /// feature's K x K Hessian block (the gradient `grad` at the block's start), by coordinate
  /// sweeps that touch no data, so that the column is read once per epoch whatever the
  /// coupling between its classes (the block is singular along equal shifts of every class, the
  /// softmax's invariance). Leaves the block's steps in `step` (the moved classes in `moved`)
  /// and returns how many moved.
  Index block_descent(Index t, const std::vector<Index>& visit, Index visits, const std::vector<Scalar>& grad,
                      std::vector<Scalar>& step, std::vector<Index>& moved, double& largest) {
    constexpr Index kSweeps = 20;
    const Index f = ws_[t];
    const double l2 = l2_of(f);
    const Scalar* block = &coupling_[t * K_ * K_];
    for (Index sweep = 0; sweep < kSweeps; ++sweep) {
      double change = 0, size = 0;
      for (Index k = 0; k < visits; ++k) {
        const Index c = visit[k], j = t * K_ + c;
        const double current = double(x_[f * K_ + c]) + double(d_[j]);
        double g = double(grad[c]) + l2 * current + (double(curvature_[j]) - l2) * double(step[c]);
        for (Index q = 0; q < K_; ++q) g += double(block[c * K_ + q]) * double(step[q]);
        if (sweep == 0) largest = std::max(largest, coordinate_violation(f, g, current) * inner_scale_[t]);
        const Scalar delta = Scalar(prox_step(f, current, g, double(curvature_[j])) - current);
        d_[j] += delta;
        step[c] += delta;
        change = std::max(change, double(std::abs(delta)));
        size = std::max(size, double(std::abs(step[c])));
      }
      if (change <= 1e-6 * size) break;
    }
    Index moves = 0;
    for (Index c = 0; c < K_; ++c)
      if (step[c] != 0) moved[moves++] = c;
    return moves;
  }

  /// The model's exact violation on the working set (one pass over its columns); coordinates
  /// violated by more than `target` wake up.
  double column_model_violation(double target, std::vector<char>& awake) const {
    double largest = 0;
    std::vector<Scalar> grad(K_);
    for (Index t = 0; t < Index(ws_.size()); ++t) {
      const Index f = ws_[t];
      if (K_ == 1) {
        grad[0] = A_.col_dot(f, model_residual_.data());
      } else {
        std::fill(grad.begin(), grad.end(), Scalar(0));
        A_.for_each_in_col(f, [&](Index i, Scalar a) {
          const Scalar* r = &model_residual_[i * K_];
          for (Index c = 0; c < K_; ++c) grad[c] += a * r[c];
        });
      }
      for (Index c = 0; c < K_; ++c) {
        const double current = double(x_[f * K_ + c]) + double(d_[t * K_ + c]);
        const double violation = coordinate_violation(f, double(grad[c]) + l2_of(f) * current, current) * inner_scale_[t];
        if (violation > target) awake[std::size_t(t * K_ + c)] = 1;
        largest = std::max(largest, violation);
      }
    }
    return largest;
  }

  /// Anderson extrapolation of the last memory + 1 coordinate descent iterates (least squares):
  /// kept only when it lowers the objective.
  /// Anderson's extrapolation of the last epochs' d (one output), kept when it lowers the
  /// model: one pass over the working set's columns gives the image A (candidate - d) and the
  /// model residual there, and the model is quadratic in that image.
  void try_anderson(Index memory) {
    Vec<Scalar> candidate;
    if (!anderson_candidate(memory, candidate)) return;
    trial_residual_ = model_residual_;
    extrapolation_image_.setZero(m_);
    for (Index t = 0; t < Index(ws_.size()); ++t) {
      const Scalar step = candidate[t] - d_[t];
      if (step == 0) continue;
      A_.for_each_in_col(ws_[t], [&](Index i, Scalar a) {
        extrapolation_image_[i] += a * step;
        trial_residual_[i] += H_[i] * a * step;
      });
    }
    // model(candidate) - model(d) = r' e + e' H e / 2 (e the image, r the residual at d), plus
    // the penalty's change.
    double change = 0;
    for (Index i = 0; i < m_; ++i) {
      const double e = double(extrapolation_image_[i]);
      change += e * (double(model_residual_[i]) + 0.5 * double(H_[i]) * e);
    }
    for (Index t = 0; t < Index(ws_.size()); ++t) {
      const Index f = ws_[t];
      const double v = double(x_[f]) + double(candidate[t]), u = double(x_[f]) + double(d_[t]);
      if (bounded(f) && v < 0) return;  // an infeasible extrapolation
      change += l1_of(f) * (std::abs(v) - std::abs(u)) + 0.5 * l2_of(f) * (v * v - u * u);
    }
    if (change < 0) {
      d_ = candidate;
      model_residual_.swap(trial_residual_);
    }
  }

  /// x += step d on the working set; Z, U, H and value_ follow. False when no coordinate of x
  /// changed (every step below half an ulp).
  bool apply_direction(double step) {
    // After a line search A d is at hand: the margins move by step * A d in one pass over the
    // rows instead of one over the working set's nonzeros.
    const bool image = direction_image_current_;
    bool moved = false;
    for (Index t = 0; t < Index(ws_.size()); ++t) {
      const Index f = ws_[t];
      for (Index c = 0; c < K_; ++c) {
        const Scalar delta = Scalar(step * double(d_[t * K_ + c]));
        if (delta == 0) continue;
        const double before = double(x_[f * K_ + c]);
        x_[f * K_ + c] += delta;
        const double after = double(x_[f * K_ + c]);
        moved |= after != before;
        penalty_ += l1_of(f) * (std::abs(after) - std::abs(before)) + 0.5 * l2_of(f) * (after * after - before * before);
        if (!image) A_.for_each_in_col(f, [&](Index i, Scalar a) { Z_[i * K_ + c] += a * delta; });
      }
    }
    const bool from_trial = image && step == trial_step_;
    trial_step_ = std::numeric_limits<double>::quiet_NaN();
    direction_image_current_ = false;
    ws_gradient_current_ = false;
    if (from_trial) {
      adopt_trial_rows();
    } else {
      if (image) Z_.noalias() += Scalar(step) * direction_image_;
      refresh_rows();
    }
    return moved;
  }

  /// Backtracking (Armijo) on F along d; false when no step length lowers F, or the step
  /// taken leaves x as it was. `image_known`: direction_image_ already holds A d (the
  /// row-space solver's), no pass over the columns.
  bool line_search(bool image_known = false) {
    trial_step_ = std::numeric_limits<double>::quiet_NaN();
    // Ad, and the predicted decrease g'd + penalty(x + d) - penalty(x).
    const bool by_rows = !image_known && image_by_rows();
    if (!image_known && !by_rows) direction_image_.setZero(m_ * K_);
    double predicted = 0;
    for (Index t = 0; t < Index(ws_.size()); ++t) {
      const Index f = ws_[t];
      for (Index c = 0; c < K_; ++c) {
        const Scalar delta = d_[t * K_ + c];
        if (delta == 0) continue;
        const double v = double(x_[f * K_ + c]);
        predicted += double(g_[f * K_ + c]) * double(delta) + l1_of(f) * (std::abs(v + double(delta)) - std::abs(v));
        if (!image_known && !by_rows)
          A_.for_each_in_col(f, [&](Index i, Scalar a) { direction_image_[i * K_ + c] += a * delta; });
      }
    }
    direction_image_current_ = true;
    if (!(predicted < 0)) return false;  // no descent direction left at this precision
    // A decrease below the rounding of F in the design's precision: no evaluation of F can
    // check it (float32 sums each row's loss to ~1e-7 of it; with 1e-15, double's level, a
    // float32 logistic fit whose intercept was 6e-6 from the optimum backtracked on rounding
    // noise, and 34 of 300 small float32 fits failed or ran out of epochs). Take the step.
    if (-predicted <= kRoundingUlps * std::numeric_limits<Scalar>::epsilon() * (std::abs(value_) + 1))
      return apply_direction(1.0);
    double step = 1.0;
    for (int trial = 0; trial < 40; ++trial, step *= 0.5) {
      const double change = trial_change(step);
      if (change > kArmijo * step * predicted) continue;
      const bool moved = apply_direction(step);
      if (moved && step == 1.0) extrapolate(-change);
      return moved;
    }
    return false;
  }
  static constexpr double kArmijo = 0.01;
  /// A d from the working set's row-wise copy, when it is current (one output, sparse): each row
  /// reads its own entries and d, which stays in cache, where the columns would add into the
  /// scattered rows of A d (a9a's l2-logistic: those additions were 6 % of the solve).
  bool image_by_rows() {
    if constexpr (Design::kIsSparse) {
      if (K_ != 1 || gathered_ != ws_ || Index(ws_row_start_.size()) != m_ + 1) return false;
      direction_image_.resize(m_);
      const Scalar *d = d_.data(), *value = ws_row_value_.data();
      const std::uint16_t* column = ws_row_column_.data();
      const Index* start = ws_row_start_.data();
      Scalar* image = direction_image_.data();
      for (Index i = 0; i < m_; ++i) {
        Scalar sum = 0;
        for (Index p = start[i]; p < start[i + 1]; ++p) sum += value[p] * d[column[p]];
        image[i] = sum;
      }
      return true;
    }
    return false;
  }
  /// An extrapolation is tried when its predicted decrease is at least this fraction of the full
  /// step's: late Newton steps, whose unit length is nearly exact, are left alone.
  static constexpr double kExtrapolationGain = 0.01;
  /// Longest extrapolation, in lengths of d.
  static constexpr double kLongestExtrapolation = 4;

  /// After a full Newton step on a smooth logistic model, one further step along the same d:
  /// Newton's in one dimension, tried when it promises a real decrease. The logistic's curvature
  /// falls along d as margins grow, so the unit step undershoots early on (from x = 0 on a9a the
  /// best length is 1.4-1.8), which costs more Newton steps later: a9a's l2-logistic took 4, 5
  /// and 6 steps to 1e-6 at lambda_max/10, /100 and /1000 and now takes 3, 4 and 4, leukemia's
  /// 7, 9 and 12 now 5, 6 and 7. Cheap: A d is kept, and the slope and curvature along d come
  /// from the rows' derivatives, which the full step has just refreshed; the try costs one trial.
  void extrapolate(double full_decrease) {
    if constexpr (kTrialRows) {
      if (!model_is_smooth()) return;  // an l1 kink or a bound may lie just beyond the step
      // phi(tau) = F(x + tau d): phi'(0) and phi''(0) at the present x.
      double slope = 0, curvature = 0;
      for (Index i = 0; i < m_; ++i) {
        const double a = double(direction_image_[i]);
        slope += double(U_[i]) * a;
        curvature += double(H_[i]) * a * a;
      }
      for (Index t = 0; t < Index(ws_.size()); ++t) {
        const double l2 = l2_of(ws_[t]), delta = double(d_[t]);
        slope += l2 * double(x_[ws_[t]]) * delta;
        curvature += l2 * delta * delta;
      }
      if (!(slope < 0) || !(curvature > 0)) return;
      const double tau = std::min(-slope / curvature, kLongestExtrapolation);
      if (0.5 * tau * -slope < kExtrapolationGain * full_decrease) return;
      direction_image_current_ = true;
      if (trial_change(tau) <= kArmijo * tau * slope) {
        apply_direction(tau);
      } else {
        direction_image_current_ = false;
        trial_step_ = std::numeric_limits<double>::quiet_NaN();
      }
    }
  }
  /// Newton steps whose predicted decrease is below this many ulps of F are taken unchecked.
  static constexpr double kRoundingUlps = 4;
  /// F(x + step d) - F(x), summed row by row over the rows d moves (accurate to the rows' own
  /// rounding, not the total's).
  double trial_change(double step) {
    // One output: each moved row's margin and value are kept for apply_direction(step).
    if constexpr (kTrialRows) {
      trial_margin_.resize(m_);
      trial_value_.resize(m_);
      trial_slope_.resize(m_);
      trial_curvature_.resize(m_);
      if constexpr (kSplitRows) trial_tail_.resize(m_);
      trial_step_ = step;
    }
    double partial[kChunks] = {};
#pragma omp parallel for schedule(static) num_threads(threads_) if (m_ * K_ >= 50000)
    for (Index chunk = 0; chunk < kChunks; ++chunk) {
      double s = 0;
      Log1pSum logs;  // split rows of weight 1: log1p((1 + new tail) / (1 + old tail) - 1)
      Scalar z1;
      std::vector<Scalar> zk(K_ > 1 ? K_ : 0);
      for (Index i = chunk_begin(chunk, m_); i < chunk_begin(chunk + 1, m_); ++i) {
        const Scalar* z;
        if (K_ == 1) {
          if (direction_image_[i] == 0) continue;
          z1 = Z_[i] + Scalar(step) * direction_image_[i];
          z = &z1;
          if constexpr (kSplitRows) {
            const Scalar lead = loss_.row_terms_split(i, z, &trial_slope_[i], &trial_curvature_[i], &trial_tail_[i]);
            trial_margin_[i] = z1;
            trial_value_[i] = lead;
            const double w = double(weight_[i]);
            if (w == 0) continue;
            s += w * (double(lead) - double(row_value_[i]));
            const double tail = double(row_tail_[i]), relative = (double(trial_tail_[i]) - tail) / (1 + tail);
            if (w == 1) logs.add(relative);
            else s += w * std::log1p(relative);
            continue;
          } else if constexpr (kTrialRows) {
            const Scalar value = loss_.row_terms(i, z, &trial_slope_[i], &trial_curvature_[i]);
            trial_margin_[i] = z1;
            trial_value_[i] = value;
            if (weight_[i] != 0) s += double(weight_[i]) * (double(value) - double(row_value_[i]));
            continue;
          }
        } else {
          bool moves = false;
          for (Index c = 0; c < K_; ++c) {
            zk[c] = Z_[i * K_ + c] + Scalar(step) * direction_image_[i * K_ + c];
            moves = moves || direction_image_[i * K_ + c] != 0;
          }
          if (!moves) continue;
          z = zk.data();
        }
        if (weight_[i] == 0) continue;
        s += double(weight_[i]) * (double(loss_.value(i, z)) - double(row_value_[i]));
      }
      partial[chunk] = s + logs.total();
    }
    double total = 0;
    for (double s : partial) total += s;
    // The penalty changes only on the working set.
    double penalty_change = 0;
    for (Index t = 0; t < Index(ws_.size()); ++t) {
      const Index f = ws_[t];
      for (Index c = 0; c < K_; ++c) {
        const double u = double(x_[f * K_ + c]), v = u + step * double(d_[t * K_ + c]);
        penalty_change += l1_of(f) * (std::abs(v) - std::abs(u)) + 0.5 * l2_of(f) * (v * v - u * u);
      }
    }
    return total + penalty_change;
  }

  // ---- reporting --------------------------------------------------------------------------
  bool callback_says_stop(Index iteration) {
    if (!opts_->callback) return false;
    IterationInfo info;
    info.iteration = iteration;
    info.objective = value_;
    info.seconds = seconds();
    info.x = &x_;
    return opts_->callback(info);
  }
  void record(WorkingSetSummary& summary, Clock::time_point start) const {
    if (!opts_ || !opts_->record_history) return;
    summary.objective_history.push_back(value_);
    summary.seconds_history.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  void log_progress(Index outer, double kkt, Index ws_size, const WorkingSetSummary& summary) const {
    if (!opts_->verbose) return;
    char line[256];
    std::snprintf(line, sizeof line,
                  "outer %4lld  F %.12e  kkt %.3e  working set %lld  support %lld  epochs %lld  %.3fs",
                  static_cast<long long>(outer), value_, kkt, static_cast<long long>(ws_size),
                  static_cast<long long>(support_size()), static_cast<long long>(summary.epochs), seconds());
    emit(line);
  }
  /// One line of progress to WorkingSetOptions::log_sink, or to stderr.
  void emit(const char* line) const {
    if (opts_->log_sink) opts_->log_sink(line);
    else std::fprintf(stderr, "%s\n", line);
  }

  Design A_;
  Loss loss_;
  Index m_, p_, K_;
  RecycledVector<Scalar> weight_;
  ElasticNetPenalty<Scalar> pen_;
  RecycledVector<Scalar> col_sq_;  ///< the columns' squared norms, from the first live_gradient()
  bool norms_ready_ = false;

  // The arrays of p or m numbers are recycled (core/recycled.hpp): fresh ones cost a page
  // fault per 4 KiB at every solve.
  RecycledVector<Scalar> x_, Z_, U_, H_, g_;
  double value_ = 0, penalty_ = 0;
  RecycledList<char> screen_mask_;  ///< features still in the solve under gap-safe screening
  RecycledVector<double> inverse_factors_;  ///< 1 / factor_f when the factors differ, for the screening test
  RecycledList<char> focus_mask_;  ///< the features the focused passes visit (focus())
  RecycledList<Index> focused_;  ///< live features among the candidates (see visit())
  bool restricted_ = false;         ///< the outer passes visit focused_, not live_
  double reference_ = 1;  ///< the violation tol is relative to
  RecycledVector<double> violation_;  ///< each feature's violation, as of the last max_violation()
  RecycledList<Index> live_;  ///< the features the full passes visit (see load())
  double scaled_violation_ = 0;  ///< set by max_violation and violation_at_zero
  RecycledVector<Scalar> zero_gradient_;
  std::vector<Index> ws_, gathered_;
  std::vector<Index> previous_ws_;  ///< the last inner solve's working set
  std::vector<Index> gram_ws_;      ///< quadratic losses: the working set gram_ was built for
  std::vector<Index> row_gram_ws_;  ///< the working set row_gram_ was formed for
  Eigen::MatrixXd row_gram_;        ///< A_P diag(1 / factor) A_P' (row_space_step), lower triangle
  Eigen::MatrixXd row_system_;      ///< I + D G D / l2, lower triangle
  std::vector<Index> cache_features_;  ///< least squares: the features of cache_products_ (gram_from_cache)
  ScratchMatrix<Scalar> cache_products_;  ///< a_f' H a_g over cache_features_, without the l2 term
  std::vector<std::pair<Index, Index>> cache_index_;  ///< (feature, slot), sorted by feature
  std::vector<std::vector<std::uint64_t>> cache_bits_;  ///< per cache slot: its rows as bits (binary_rows())
  std::vector<double> cache_bit_value_;                 ///< and its entries' value (0: no bits, kUnchecked)
  RecycledVector<Scalar> scatter_;  ///< one column, weighted, spread over the rows (zero between uses)
  std::vector<Index> model_solver_ws_;  ///< the working set model_solver_ was chosen for
  ModelSolver model_solver_ = ModelSolver::Columns;
  double tol_abs_ = 0;     ///< the solve's absolute KKT tolerance
  double tol_scaled_ = 0;  ///< and its tolerance on violations divided by the column norms
  std::vector<double> inner_scale_;  ///< set_inner_scales(): the inner solve's per-coordinate factors
  bool direction_image_current_ = false;  ///< direction_image_ = A d for the current d_
  bool ws_gradient_current_ = false;      ///< g_ is current on the working set
  RecycledList<std::pair<double, Index>> order_;
  Vec<Scalar> d_, curvature_, model_gradient_;
  RecycledVector<Scalar> model_residual_, trial_residual_, direction_image_;
  RecycledVector<Scalar> extrapolation_image_;  ///< A (candidate - d) for an Anderson candidate
  ScratchMatrix<Scalar> gram_;  ///< the model's Hessian on the working set's coordinates
  ScratchMatrix<Scalar> curvature_gram_;     ///< A_W' diag(summed_curvature_) A_W, lower triangle
  RecycledVector<Scalar> summed_curvature_;  ///< the row curvatures curvature_gram_ holds
  bool curvature_gram_current_ = false;      ///< curvature_gram_ is over the gathered columns
  RecycledVector<Scalar> P_;  ///< softmax probabilities per row (K > 1), for the coupled Gram matrix
  RecycledVector<Scalar> row_value_;  ///< each row's loss at Z (unweighted; split rows: its lead)
  RecycledVector<Scalar> row_tail_;   ///< split rows: the loss's log1p argument (kSplitRows)
  /// One output: the last trial_change()'s moved rows (margin, value, unweighted derivative and curvature).
  RecycledVector<Scalar> trial_margin_, trial_value_, trial_slope_, trial_curvature_, trial_tail_;
  double trial_step_ = std::numeric_limits<double>::quiet_NaN();  ///< its step (NaN: none to adopt)
  /// x_ and the rows (Z_, U_, H_, P_, row_value_) as the last primal solve left them, and whether
  /// g_ was then current on every live feature (with l2 = gradient_l2_): the next solve from the
  /// same x, a path's next point, starts from them (load(), shift_gradient_l2()).
  bool warm_ = false, warm_gradient_ = false;
  double gradient_l2_ = 0;
  RecycledList<Index> ws_row_start_;
  RecycledList<std::uint16_t> ws_row_column_;  ///< local column numbers (< kGramFeatures): less to write and read
  RecycledList<Scalar> ws_row_value_;
  Mat<Scalar> ws_block_;
  Mat<Scalar> anderson_;
  std::vector<char> awake_;  ///< the column solver's coordinates not resting at zero
  mutable RecycledList<Index> row_count_;  ///< scratch for gram_pairs()
  Vec<Scalar> coupling_;     ///< softmax: each working-set feature's K x K Hessian block, off its diagonal
  mutable bool weights_checked_ = false, weights_one_ = false;
  const WorkingSetOptions* opts_ = nullptr;
  Clock::time_point start_;
  int threads_ = 1;
};

}  // namespace southwell
