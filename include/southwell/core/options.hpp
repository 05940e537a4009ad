#pragma once
// Options of the block coordinate descent solver: rule names and stopping criteria.
// These are run-time choices (evaluated once per block update at most), parsed from the
// public rule vocabulary shared by the C++ API, the command line and Python.
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "southwell/core/types.hpp"

namespace southwell {

/// How the coordinates are grouped into blocks.
enum class PartitionRule {
  Order,     ///< "order": contiguous blocks in natural order
  Sorted,    ///< "sorted": blocks of coordinates with similar Lipschitz constants L_i
  Average,   ///< "avg": alternate smallest/largest L_i, so blocks have similar average L
  Random,    ///< "random": contiguous blocks of a seeded random permutation
  User,      ///< "user": blocks given in SolverOptions::user_blocks
  Variable,  ///< "variable": any tau coordinates, chosen afresh every iteration
  // Forest-structured blocks of a quadratic's graph (the pattern of Q), updated by "exact":
  RedBlack,       ///< "red-black": independent sets (2-colouring, or balanced greedy colouring)
  TreePartition,  ///< "tree-partition": a fixed partition into forests (first fit, by descending L_i)
  GreedyTree,     ///< "greedy-tree": a maximal forest grown along decreasing |g_i| (selection gs)
  RandomTree,     ///< "random-tree": a maximal forest grown along a random order (selection random)
  /// "general": the paper's baseline for the forest rules, variable blocks of block_size
  /// coordinates chosen by gs and solved exactly by a dense factorisation (the paper uses
  /// block_size = general_block_size(n) = floor(n^(1/3)), so an iteration costs O(n)).
  General,
};

/// True for the forest-structured block rules, which need a quadratic's graph and `exact`.
inline bool is_forest_rule(PartitionRule rule) {
  return rule == PartitionRule::RedBlack || rule == PartitionRule::TreePartition ||
         rule == PartitionRule::GreedyTree || rule == PartitionRule::RandomTree;
}

/// floor(n^(1/3)), at least 1: the block size of the paper's "general" baseline.
Index general_block_size(Index n);

/// Which block is updated next.
enum class SelectionRule {
  Cyclic,     ///< "cyclic"
  Random,     ///< "random": uniform
  Lipschitz,  ///< "lipschitz": sampled proportionally to L_b (variable blocks: L_i)
  GS,         ///< "gs": Gauss-Southwell, largest ||g_b||^2
  GSL,        ///< "gsl": largest ||g_b||^2 / L_b (variable: GSD with d_i = sum_j |H_ij|)
  GSD,        ///< "gsd": largest sum_i g_i^2 / d_i with a diagonal bound d_i
  GSQ,        ///< "gsq": largest g_b' H_b^{-1} g_b (variable: iterative hard thresholding)
  // Proximal rules (for F = f + separable g; with g = 0 they reduce to smooth ones). Per
  // coordinate scores, summed over a fixed block or the top tau for variable blocks:
  GSS,   ///< "gs-s": largest minimum-norm subgradient (the KKT violation)
  GSR,   ///< "gs-r": largest prox-gradient step |d_i| with the global L = max L_i
  GSQP,  ///< "gs-q": largest decrease of the proximal quadratic model with the global L
  GSLR,  ///< "gsl-r": largest sqrt(L_i) |d_i| with the prox-gradient step for L_i
  GSLQ,  ///< "gsl-q": largest model decrease with L_i (the paper's gsq-nn of Fig. 7)
};

/// How the chosen block moves.
enum class UpdateRule {
  Gradient,  ///< "gradient": x_b -= g_b / L_b, L_b = lambda_max(H_b)
  Adaptive,  ///< "adaptive": gradient step with L estimated by doubling
  Matrix,    ///< "matrix": x_b -= H_b^{-1} g_b with the block upper bound H_b
  Newton,    ///< "newton": exact block Hessian, Armijo backtracking line search
  Exact,     ///< "exact": exact block minimisation (quadratic objectives only)
  // Proximal updates (any separable g):
  ProxGradient,  ///< "prox-gradient": x_b = prox_{g/L_b}(x_b - g_b / L_b)
  ProxNewton,    ///< "prox-newton": minimise the block's quadratic model + g exactly (line search if not quadratic)
  TwoMetric,     ///< "two-metric": two-metric projection for bounds (g smooth on the feasible set)
};

/// True for the rules that handle a non-smooth separable term.
bool is_proximal(SelectionRule rule);
bool is_proximal(UpdateRule rule);

/// The node order in which red-black and tree-partition build their blocks on general graphs.
enum class ForestOrder {
  Lipschitz,  ///< "lipschitz": descending L_i (the paper's default)
  Natural,    ///< "natural": 0, 1, 2, ... (the paper's "Order" variants)
};

/// What `tol` measures (relative to the larger of its values at x0 and at 0).
enum class Certificate {
  Kkt,          ///< "kkt": max_i dist(-grad_i f, dg_i(x_i)) (the gradient max-norm when g = 0)
  DualityGap,   ///< "gap": the duality gap; least squares / logistic with l1, l2, no bounds
};

/// Norm used by the fixed-block greedy scores.
enum class GreedyNorm {
  Squared,  ///< "squared": the paper's definitions, e.g. GS = ||g_b||_2^2
  L1,       ///< "l1": the authors' code, e.g. GS = ||g_b||_1, GSL = ||g_b||_1 / sqrt(L_b)
};

/// How GSQ with variable blocks runs iterative hard thresholding.
enum class IhtVariant {
  Plain,   ///< "plain": from d = g / sqrt(L), unscaled (the authors' code; reproduces the paper's GSQ-VB)
  Scaled,  ///< "scaled": in D^(1/2)-scaled variables from 0 (its first iterate is the GSD block)
};

std::string_view to_string(PartitionRule rule);
std::string_view to_string(SelectionRule rule);
std::string_view to_string(UpdateRule rule);
std::string_view to_string(Certificate certificate);
std::string_view to_string(ForestOrder order);
ForestOrder parse_forest_order(std::string_view name);
Certificate parse_certificate(std::string_view name);
std::string_view to_string(GreedyNorm norm);
std::string_view to_string(IhtVariant variant);
IhtVariant parse_iht_variant(std::string_view name);

/// Parse a public rule name; throws InvalidArgument listing the valid names.
PartitionRule parse_partition_rule(std::string_view name);
SelectionRule parse_selection_rule(std::string_view name);
UpdateRule parse_update_rule(std::string_view name);
GreedyNorm parse_greedy_norm(std::string_view name);

/// All names of one vocabulary, for help texts and error messages.
std::vector<std::string_view> partition_rule_names();
std::vector<std::string_view> selection_rule_names();
std::vector<std::string_view> update_rule_names();

/// What a callback sees; `x` stays valid only during the call.
struct IterationInfo {
  Index iteration = 0;
  double objective = 0;
  double seconds = 0;
  const void* x = nullptr;  ///< points at the solver's Vec<Scalar> iterate
};

/// Return true to stop the solve (status StoppedByCallback).
using IterationCallback = std::function<bool(const IterationInfo&)>;

struct SolverOptions {
  // Defaults: the fastest choice in wall-clock time on typical (densely coupled) designs; greedy
  // rules pay off per second where coupling is sparse (docs/rules.md, "Choosing rules").
  PartitionRule partition = PartitionRule::Variable;
  SelectionRule selection = SelectionRule::Random;
  UpdateRule update = UpdateRule::Matrix;
  GreedyNorm greedy_norm = GreedyNorm::Squared;
  /// "plain" reaches 1e-8 on the paper's dataset A in 154 iterations where "scaled" needs 241.
  IhtVariant iht = IhtVariant::Plain;
  ForestOrder forest_order = ForestOrder::Lipschitz;
  /// Block size tau; the last block of a fixed partition may be smaller when tau does not divide n.
  Index block_size = 10;
  /// Blocks for PartitionRule::User: a disjoint cover of 0..n-1.
  std::vector<std::vector<Index>> user_blocks;
  /// Over-relaxation omega of the "exact" update: x_b += omega * (exact block step), 0 < omega < 2
  /// (block SOR; every step still decreases f). 1 is plain block coordinate descent; on lattices
  /// and other badly conditioned graphs about 1.8 cuts the iterations of the forest rules by ~10x
  /// (docs/rules.md). 0 = automatic (cyclic selection over a fixed partition only): Young's
  /// optimum from the measured Gauss-Seidel rate. Only for update "exact".
  double relaxation = 1.0;

  /// One iteration is one block update.
  Index max_iterations = 100000;
  /// Converged when ||grad f(x)||_inf <= tol * max(||grad f(x0)||_inf, ||grad f(0)||_inf) (the
  /// KKT violation with a regulariser) and the same holds for the gradient scaled by
  /// 1/sqrt(L_i) (so that badly scaled columns cannot stop the solve early); the value at 0
  /// lets a warm start at or near the optimum converge;
  /// or, when optimal_value is set, when f(x) - optimal_value <= tol (absolute, as in the
  /// paper's experiments).
  double tol = 1e-6;
  Certificate certificate = Certificate::Kkt;
  std::optional<double> optimal_value;
  /// Iterations between gradient-norm / KKT checks (and progress lines); 0 = one epoch,
  /// ceil(n / tau) (every iteration for forest partitions, every 10 for proximal greedy rules).
  Index check_every = 0;
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  std::uint64_t seed = 0;

  bool record_history = false;
  IterationCallback callback;
  Index callback_every = 1;
  /// Progress lines at each check go to log_sink (default: standard error) when verbose.
  bool verbose = false;
  std::function<void(const std::string&)> log_sink;

  /// Throws InvalidArgument naming the offending field. Problem-dependent checks (block size
  /// against n, update against the problem) happen when the solve starts.
  void validate() const;
};

}  // namespace southwell
