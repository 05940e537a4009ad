#pragma once
// Turns the run-time rule names of SolverOptions into selector and update objects for one
// problem type, refusing combinations that do not exist.
#include <memory>
#include <string>

#include "southwell/core/errors.hpp"
#include "southwell/selection/fixed_block_rules.hpp"
#include "southwell/selection/iterative_hard_thresholding.hpp"
#include "southwell/selection/variable_block_rules.hpp"
#include "southwell/update/adaptive_update.hpp"
#include "southwell/update/gradient_update.hpp"
#include "southwell/update/matrix_update.hpp"
#include "southwell/update/newton_update.hpp"

namespace southwell {

template <class Problem>
std::unique_ptr<Selector<Problem>> make_selector(const SolverOptions& options) {
  const bool variable = options.partition == PartitionRule::Variable;
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
        return std::make_unique<MatrixUpdate<Problem>>();  // H_b is the exact block Hessian
      } else {
        throw InvalidArgument(
            "update 'exact' needs a quadratic objective (least-squares or quadratic); for this "
            "problem use 'gradient', 'adaptive', 'matrix' or 'newton'");
      }
  }
  throw InvalidArgument("unknown update rule");
}

}  // namespace southwell
