#pragma once
// What the selection and update rules of one solve share: the problem, the fixed partition (if
// any), a cache of per-block curvature for fixed blocks, and the seeded random stream.
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "southwell/core/options.hpp"
#include "southwell/core/types.hpp"
#include "southwell/linalg/dense_block.hpp"
#include "southwell/partition/partition.hpp"
#include "southwell/regularizers/separable.hpp"
#include "southwell/regularizers/separable.hpp"

namespace southwell {

template <class Problem>
struct SolveContext {
  using Scalar = typename Problem::Scalar;

  SolveContext(Problem& p, const SolverOptions& o, const SeparableRegularizer<Scalar>& r = no_regularizer())
      : problem(p), options(o), regularizer(&r), rng(o.seed) {}

  Problem& problem;
  const SolverOptions& options;
  const SeparableRegularizer<Scalar>* regularizer;  ///< g in F = f + g (possibly zero)
  std::optional<Partition> partition;  ///< empty for variable blocks
  std::mt19937_64 rng;

  /// L_b = lambda_max(H_b), cached for fixed blocks.
  Scalar block_lipschitz(const Block& block) {
    if (block.id < 0) return compute_block_lipschitz(block);
    if (lipschitz_cache_.empty()) lipschitz_cache_.assign(partition->num_blocks(), kMissing);
    Scalar& L = lipschitz_cache_[block.id];
    if (std::isnan(L)) L = compute_block_lipschitz(block);
    return L;
  }

  /// H_b^+ (pseudo-inverse of the block bound), cached for fixed blocks; `scratch` holds it for
  /// variable blocks.
  const Mat<Scalar>& block_inverse(const Block& block, Mat<Scalar>& scratch) {
    if (block.id < 0) {
      problem.block_hessian_bound(block, h_);
      scratch = psd_pseudo_inverse(h_);
      return scratch;
    }
    if (inverse_cache_.empty()) inverse_cache_.resize(partition->num_blocks());
    Mat<Scalar>& inv = inverse_cache_[block.id];
    if (inv.size() == 0) {
      problem.block_hessian_bound(block, h_);
      inv = psd_pseudo_inverse(h_);
    }
    return inv;
  }

  /// Every fixed block as a Block, in order (used to precompute per-block quantities).
  template <class F>
  void for_each_fixed_block(F&& f) {
    Block block;
    for (Index b = 0; b < partition->num_blocks(); ++b) {
      partition->fill(b, block);
      f(block);
    }
  }

 private:
  static const SeparableRegularizer<Scalar>& no_regularizer() {
    static const SeparableRegularizer<Scalar> zero;
    return zero;
  }
  static constexpr Scalar kMissing = std::numeric_limits<Scalar>::quiet_NaN();
  Scalar compute_block_lipschitz(const Block& block) {
    if (block.size() == 1) return problem.lipschitz()[block.coords[0]];
    problem.block_hessian_bound(block, h_);
    return largest_eigenvalue(h_);
  }
  std::vector<Scalar> lipschitz_cache_;
  std::vector<Mat<Scalar>> inverse_cache_;
  Mat<Scalar> h_;
};

}  // namespace southwell
