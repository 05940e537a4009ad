#pragma once
// Turns the run-time rule names of SolverOptions into selector and update objects for one
// problem type, refusing combinations that do not exist.
#include <memory>
#include <string>

#include "southwell/core/errors.hpp"
#include "southwell/selection/fixed_block_rules.hpp"
#include "southwell/selection/forest_selection.hpp"
#include "southwell/selection/iterative_hard_thresholding.hpp"
#include "southwell/selection/proximal_rules.hpp"
#include "southwell/selection/variable_block_rules.hpp"
#include "southwell/update/adaptive_update.hpp"
#include "southwell/update/exact_update.hpp"
#include "southwell/update/gradient_update.hpp"
#include "southwell/update/matrix_update.hpp"
#include "southwell/update/newton_update.hpp"
#include "southwell/update/proximal_updates.hpp"

namespace southwell {

/// Refuses forest rules where they do not apply, naming what does.
template <class Problem>
void check_forest_rules(const SolverOptions& options) {
  if (options.partition == PartitionRule::General &&
      (options.selection != SelectionRule::GS || options.update != UpdateRule::Exact))
    throw InvalidArgument("partition 'general' is the paper's baseline: selection 'gs' with update 'exact' "
                          "(for other rules use partition 'variable')");
  const bool fixed_cyclic = options.selection == SelectionRule::Cyclic && options.partition != PartitionRule::Variable &&
                            options.partition != PartitionRule::General && options.partition != PartitionRule::GreedyTree &&
                            options.partition != PartitionRule::RandomTree;
  if (options.relaxation == 0 && !fixed_cyclic)
    throw InvalidArgument("relaxation 0 (automatic) needs selection 'cyclic' over a fixed partition "
                          "(e.g. tree-partition or red-black); give omega in (0, 2) instead");
  if (!is_forest_rule(options.partition)) return;
  const std::string name(to_string(options.partition));
  if constexpr (!Problem::kHasGraph)
    throw InvalidArgument("partition '" + name + "' needs a quadratic problem (its graph is the pattern of Q); "
                          "for this problem use order, sorted, avg, random, user blocks or variable");
  if (options.update != UpdateRule::Exact)
    throw InvalidArgument("partition '" + name + "' works with update 'exact' only (message passing on forests), not '" +
                          std::string(to_string(options.update)) + "'");
  const SelectionRule s = options.selection;
  if (options.partition == PartitionRule::GreedyTree && s != SelectionRule::GS)
    throw InvalidArgument("partition 'greedy-tree' goes with selection 'gs' (use 'random-tree' with 'random')");
  if (options.partition == PartitionRule::RandomTree && s != SelectionRule::Random)
    throw InvalidArgument("partition 'random-tree' goes with selection 'random' (use 'greedy-tree' with 'gs')");
  if ((options.partition == PartitionRule::RedBlack || options.partition == PartitionRule::TreePartition) &&
      s != SelectionRule::Cyclic && s != SelectionRule::Random && s != SelectionRule::GS && s != SelectionRule::GSD)
    throw InvalidArgument("partition '" + name + "' goes with selection cyclic, random, gs or gsd (its blocks are "
                          "too large for the curvature of lipschitz, gsl and gsq)");
}

/// With l1 or bounds, only proximal updates and rules that see the non-smooth term apply.
template <class Problem>
void check_regularizer_rules(const SolverOptions& options, const SeparableRegularizer<typename Problem::Scalar>& reg,
                             Index n) {
  if (reg.is_zero()) return;
  if (!is_proximal(options.update))
    throw InvalidArgument("with l1 or bounds the update must be prox-gradient, prox-newton or two-metric, not '" +
                          std::string(to_string(options.update)) + "'");
  const SelectionRule s = options.selection;
  if (s == SelectionRule::GS || s == SelectionRule::GSL || s == SelectionRule::GSD || s == SelectionRule::GSQ)
    throw InvalidArgument("selection '" + std::string(to_string(s)) +
                          "' ignores l1 and bounds; use gs-s, gs-r, gs-q, gsl-r, gsl-q, cyclic, random or lipschitz");
  if (options.update == UpdateRule::TwoMetric && !reg.smooth_on_feasible_set(n))
    throw InvalidArgument("update 'two-metric' needs l1 = 0 or bounds that fix each coordinate's sign (e.g. lower = 0); "
                          "use prox-newton");
}

template <class Problem>
std::unique_ptr<Selector<Problem>> make_selector(const SolverOptions& options) {
  if constexpr (Problem::kHasGraph) {
    if (options.partition == PartitionRule::GreedyTree) return std::make_unique<ForestSelector<Problem>>(true);
    if (options.partition == PartitionRule::RandomTree) return std::make_unique<ForestSelector<Problem>>(false);
  }
  const bool variable = options.partition == PartitionRule::Variable || options.partition == PartitionRule::General;
  switch (options.selection) {
    case SelectionRule::Cyclic:
      if (variable) return std::make_unique<VariableCyclicSelector<Problem>>();
      return std::make_unique<FixedCyclicSelector<Problem>>();
    case SelectionRule::Random:
      if (variable) return std::make_unique<VariableRandomSelector<Problem>>();
      return std::make_unique<FixedRandomSelector<Problem>>();
    case SelectionRule::Lipschitz:
      if (variable) return std::make_unique<VariableLipschitzSelector<Problem>>();
      return std::make_unique<FixedLipschitzSelector<Problem>>();
    case SelectionRule::GSQ:
      if (variable) return std::make_unique<IterativeHardThresholdingSelector<Problem>>();
      return std::make_unique<FixedGreedySelector<Problem>>(options.selection);
    case SelectionRule::GS:
    case SelectionRule::GSL:
    case SelectionRule::GSD:
      if (variable) return std::make_unique<VariableGreedySelector<Problem>>(options.selection);
      return std::make_unique<FixedGreedySelector<Problem>>(options.selection);
    case SelectionRule::GSS:
    case SelectionRule::GSR:
    case SelectionRule::GSQP:
    case SelectionRule::GSLR:
    case SelectionRule::GSLQ:
      if (variable) return std::make_unique<VariableProximalSelector<Problem>>(options.selection);
      return std::make_unique<FixedProximalSelector<Problem>>(options.selection);
  }
  throw InvalidArgument("unknown selection rule");
}

template <class Problem>
std::unique_ptr<BlockUpdate<Problem>> make_update(const SolverOptions& options) {
  switch (options.update) {
    case UpdateRule::Gradient:
      return std::make_unique<GradientUpdate<Problem>>();
    case UpdateRule::Adaptive:
      return std::make_unique<AdaptiveUpdate<Problem>>();
    case UpdateRule::Matrix:
      return std::make_unique<MatrixUpdate<Problem>>();
    case UpdateRule::Newton:
      return std::make_unique<NewtonUpdate<Problem>>();
    case UpdateRule::Exact:
      if constexpr (Problem::kIsQuadratic) {
        return std::make_unique<ExactUpdate<Problem>>();
      } else {
        throw InvalidArgument(
            "update 'exact' needs a quadratic objective (least-squares or quadratic); for this "
            "problem use 'gradient', 'adaptive', 'matrix' or 'newton'");
      }
    case UpdateRule::ProxGradient:
      return std::make_unique<ProxGradientUpdate<Problem>>();
    case UpdateRule::ProxNewton:
      return std::make_unique<ProxNewtonUpdate<Problem>>();
    case UpdateRule::TwoMetric:
      return std::make_unique<TwoMetricUpdate<Problem>>();
  }
  throw InvalidArgument("unknown update rule");
}

}  // namespace southwell
