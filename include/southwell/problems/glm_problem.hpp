#pragma once
// Smooth generalised linear objectives f(X) = sum_i l_i(a_i' X) + (l2/2)||X||^2 over X in R^{p x K}
// (K = 1 for least squares and logistic regression, K classes for softmax). Coordinates are
// numbered j = feature * K + class, as in the paper.
//
// State is kept incrementally: Z = A X, the per-row derivatives U = dl/dZ and per-row losses.
// A block step touches only the rows of its columns: O(nnz(A_b) K). With gradient tracking on
// (greedy rules), the full gradient G = A'U + l2 X is updated through the row index, touching
// only the coordinates that share a row with the block, and recomputed exactly once per n
// coordinate updates so that rounding errors do not accumulate.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <optional>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"
#include "southwell/problems/squared_loss.hpp"

namespace southwell {

template <class Design, class Loss>
class GlmProblem {
 public:
  using Scalar = typename Design::Scalar;
  /// Least squares is a quadratic, so exact block minimisation is available.
  static constexpr bool kIsQuadratic = std::is_same_v<Loss, SquaredLoss<Scalar>>;
  /// Forest-structured blocks need a sparse graph over the coordinates: quadratics only.
  static constexpr bool kHasGraph = false;

  /// The last `unpenalized_features` features (an intercept column, say) carry no l2 term.
  GlmProblem(Design design, Loss loss, Scalar l2 = 0, Index unpenalized_features = 0)
      : A_(std::move(design)), loss_(std::move(loss)), l2_(l2), m_(A_.rows()), p_(A_.cols()),
        K_(loss_.outputs()), n_(p_ * K_), penalized_(p_ - unpenalized_features) {
    if (loss_.rows() != m_)
      throw InvalidArgument("matrix has " + std::to_string(m_) + " rows but there are " +
                            std::to_string(loss_.rows()) + " targets");
    if (m_ == 0 || p_ == 0) throw InvalidArgument("matrix is empty");
    if (!(l2 >= 0) || !std::isfinite(l2)) throw InvalidArgument("l2 must be finite and >= 0");
    if (unpenalized_features < 0 || unpenalized_features > p_)
      throw InvalidArgument("unpenalized_features must lie in [0, " + std::to_string(p_) + "]");
    lipschitz_.resize(n_);
    for (Index f = 0; f < p_; ++f) {
      Scalar sq = 0;
      A_.for_each_in_col(f, [&](Index, Scalar a) { sq += a * a; });
      for (Index c = 0; c < K_; ++c) lipschitz_[f * K_ + c] = loss_.bound(c, c, 1) * sq + l2_of(f);
    }
    row_stamp_.assign(m_, 0);
    row_slot_.assign(m_, -1);
    feature_stamp_.assign(p_, 0);
    dz_ = Vec<Scalar>::Zero(m_ * K_);
    du_.resize(m_ * K_);
    reset(Vec<Scalar>::Zero(n_));
  }

  Index dim() const { return n_; }
  Index num_features() const { return p_; }
  Index num_outputs() const { return K_; }
  Scalar l2() const { return l2_; }
  /// The l2 weight of a feature: l2, or 0 for the unpenalised trailing features.
  Scalar l2_of(Index feature) const { return feature < penalized_ ? l2_ : Scalar(0); }
  const Design& design() const { return A_; }

  /// The duality gap of F = f + l1 ||x||_1 (no bounds) at x, or nothing when the loss has no
  /// conjugate (softmax). Dual point: theta = -s u with u the per-row loss derivatives and
  /// s = min(1, l1 / ||grad f||_inf) (the usual rescaling into the dual feasible set); the l2
  /// term is treated as extra squared-loss rows sqrt(l2) I with target 0. O(nnz(A)).
  std::optional<double> duality_gap(double l1) const {
    if (penalized_ < p_) return std::nullopt;  // an unpenalised feature adds a dual equality constraint
    if constexpr (Loss::kHasConjugate) {
      Vec<Scalar> g;
      compute_full_gradient(g);
      const double largest = double(g.cwiseAbs().maxCoeff());
      const double s = largest > l1 ? l1 / largest : 1.0;
      double dual = -0.5 * s * s * double(l2_) * double(x_.squaredNorm());
      for (Index i = 0; i < m_; ++i) dual -= loss_.conjugate(i, s * double(U_[i]));
      const double primal = value_ + l1 * double(x_.template lpNorm<1>());
      return std::max(primal - dual, 0.0);
    } else {
      (void)l1;
      return std::nullopt;
    }
  }
  const Vec<Scalar>& x() const { return x_; }
  const Vec<Scalar>& lipschitz() const { return lipschitz_; }

  /// Sets x and recomputes every piece of state from scratch (O(nnz(A) K)).
  void reset(const Vec<Scalar>& x0) {
    if (x0.size() != n_)
      throw InvalidArgument("x0 has size " + std::to_string(x0.size()) + ", expected " + std::to_string(n_));
    x_ = x0;
    margin_updates_ = 0;
    times_design(x_, Z_);
    U_.resize(m_ * K_);
    row_loss_.resize(m_);
    for (Index i = 0; i < m_; ++i) {
      row_loss_[i] = loss_.value(i, &Z_[i * K_]);
      loss_.derivative(i, &Z_[i * K_], &U_[i * K_]);
    }
    exact_value();
    if (track_gradient_) refresh_gradient();
  }

  /// The objective, maintained incrementally (O(1)).
  double value() const { return value_; }
  /// The objective summed afresh from the per-row losses (O(m + n)); also resets value().
  double exact_value() {
    double s = 0;
    for (Index i = 0; i < m_; ++i) s += double(row_loss_[i]);
    if (l2_ > 0) s += 0.5 * double(l2_) * double(x_.head(penalized_ * K_).squaredNorm());
    value_ = s;
    return s;
  }

  // ---- gradients --------------------------------------------------------------------------
  /// Keep the full gradient up to date after every step (needed by greedy rules).
  void set_gradient_tracking(bool on) {
    if (on && !track_gradient_) {
      A_.build_row_index();
      track_gradient_ = true;
      refresh_gradient();
    }
    track_gradient_ = on;
  }
  bool tracks_gradient() const { return track_gradient_; }
  const Vec<Scalar>& gradient() const { return g_; }

  /// g = A'U + l2 x (O(nnz(A) K), parallel over features, deterministic).
  void compute_full_gradient(Vec<Scalar>& out) const { transpose_times_plus_l2(U_, x_, out); }
  /// The size of the terms each gradient entry sums, sum_i |a_if u_ic| + l2_f |x_j|: the entry's
  /// rounding error is a few units in the last place of it, which decides when a tolerance asks
  /// for more than the design's precision can give (O(nnz(A) K), summed in double).
  void gradient_term_magnitudes(Vec<double>& out) const {
    out.resize(n_);
#pragma omp parallel for schedule(static) if (n_ > 4096)
    for (Index f = 0; f < p_; ++f) {
      for (Index c = 0; c < K_; ++c) out[f * K_ + c] = std::abs(double(l2_of(f)) * double(x_[f * K_ + c]));
      A_.for_each_in_col(f, [&](Index i, Scalar a) {
        for (Index c = 0; c < K_; ++c) out[f * K_ + c] += std::abs(double(a) * double(U_[i * K_ + c]));
      });
    }
  }

  void block_gradient(const Block& block, Vec<Scalar>& out) const {
    out.resize(block.size());
    for (Index t = 0; t < block.size(); ++t) {
      const Index j = block.coords[t], f = j / K_, c = j % K_;
      Scalar s = l2_of(f) * x_[j];
      A_.for_each_in_col(f, [&](Index i, Scalar a) { s += a * U_[i * K_ + c]; });
      out[t] = s;
    }
  }

  // ---- steps ------------------------------------------------------------------------------
  /// x_b += d. Costs O(nnz(A_b) K), plus the coupled rows' nonzeros when tracking the gradient.
  /// In float32 the margins Z = A x are also summed afresh every kMarginRefreshEpochs epochs:
  /// updated step by step they drift from A x by rounding, and the solve then minimises a drifted
  /// loss (logistic, 64 x 12, 20,000 steps: its F 3.5e-5 off the true one, x 5e-4 off).
  void apply_step(const Block& block, const Vec<Scalar>& d) {
    step_incrementally(block, d);
    if constexpr (std::is_same_v<Scalar, float>) {
      margin_updates_ += block.size();
      if (margin_updates_ >= kMarginRefreshEpochs * n_) reset(x_);
    }
  }

  /// True when the last step recomputed the whole gradient (every coordinate changed).
  bool gradient_refreshed() const { return gradient_refreshed_; }
  /// How many coordinates' gradients the last step changed.
  Index changed_count() const { return Index(changed_features_.size()) * K_; }
  /// Calls f(j) for every coordinate whose gradient the last step changed.
  template <class F>
  void for_each_changed_coordinate(F&& f) const {
    for (Index feat : changed_features_)
      for (Index c = 0; c < K_; ++c) f(feat * K_ + c);
  }

  /// f(x + d on the block) without moving x. O(nnz(A_b) K).
  double trial_value(const Block& block, const Vec<Scalar>& d) {
    const int stamp = next_row_stamp();
    touched_rows_.clear();
    double delta = 0;
    for (Index t = 0; t < block.size(); ++t) {
      const Index j = block.coords[t], f = j / K_, c = j % K_;
      const Scalar dj = d[t];
      if (dj == 0) continue;
      if (l2_ > 0 && f < penalized_) delta += 0.5 * double(l2_) * (double(x_[j] + dj) * (x_[j] + dj) - double(x_[j]) * x_[j]);
      A_.for_each_in_col(f, [&](Index i, Scalar a) {
        if (row_stamp_[i] != stamp) {
          row_stamp_[i] = stamp;
          touched_rows_.push_back(i);
        }
        dz_[i * K_ + c] += a * dj;
      });
    }
    row_buffer_.resize(K_);
    for (Index i : touched_rows_) {
      for (Index k = 0; k < K_; ++k) {
        row_buffer_[k] = Z_[i * K_ + k] + dz_[i * K_ + k];
        dz_[i * K_ + k] = 0;
      }
      delta += double(loss_.value(i, row_buffer_.data())) - double(row_loss_[i]);
    }
    return value_ + delta;
  }

  /// Puts x_b back to `old` exactly and rebuilds all state (used after a numerical failure).
  void restore_block(const Block& block, const Vec<Scalar>& old) {
    Vec<Scalar> x = x_;
    for (Index t = 0; t < block.size(); ++t) x[block.coords[t]] = old[t];
    reset(x);
  }

  // ---- curvature --------------------------------------------------------------------------
  /// H_b: the constant upper bound on the block Hessian, (A_b'A_b) (x) S_b + l2 I, where S_b is
  /// the loss's curvature bound for the classes present in the block.
  void block_hessian_bound(const Block& block, Mat<Scalar>& H) {
    gather_block_columns(block);
    const Mat<Scalar> gram = local_.transpose() * local_;
    const Index classes = distinct_classes(block);
    const Index tau = block.size();
    H.resize(tau, tau);
    for (Index s = 0; s < tau; ++s)
      for (Index t = 0; t < tau; ++t)
        H(s, t) = gram(local_feature_[s], local_feature_[t]) *
                      loss_.bound(block.coords[s] % K_, block.coords[t] % K_, classes) +
                  (s == t ? l2_of(block.coords[s] / K_) : Scalar(0));
  }

  /// The exact block Hessian sum_i A_if A_if' W_i(c, c') + l2 I.
  void block_hessian(const Block& block, Mat<Scalar>& H) {
    gather_block_columns(block);
    const Index tau = block.size();
    if (K_ == 1) {
      Vec<Scalar> w(local_rows_.size());
      for (Index r = 0; r < Index(local_rows_.size()); ++r)
        loss_.hessian(local_rows_[r], &Z_[local_rows_[r]], &w[r]);
      Mat<Scalar> gram = local_.transpose() * w.asDiagonal() * local_;
      H.resize(tau, tau);
      for (Index s = 0; s < tau; ++s)
        for (Index t = 0; t < tau; ++t) H(s, t) = gram(local_feature_[s], local_feature_[t]);
    } else {
      H = Mat<Scalar>::Zero(tau, tau);
      std::vector<Scalar> W(K_ * K_);
      for (Index r = 0; r < Index(local_rows_.size()); ++r) {
        const Index i = local_rows_[r];
        loss_.hessian(i, &Z_[i * K_], W.data());
        for (Index s = 0; s < tau; ++s) {
          const Scalar as = local_(r, local_feature_[s]);
          if (as == 0) continue;
          const Index cs = block.coords[s] % K_;
          for (Index t = 0; t < tau; ++t)
            H(s, t) += as * local_(r, local_feature_[t]) * W[cs * K_ + block.coords[t] % K_];
        }
      }
    }
    for (Index t = 0; t < tau; ++t) H(t, t) += l2_of(block.coords[t] / K_);
  }

  /// out = H v for the full Hessian bound H = (A'A) (x) S_K + l2 I, implicitly: O(nnz(A) K).
  void hessian_bound_times(const Vec<Scalar>& v, Vec<Scalar>& out) const {
    Vec<Scalar> w;
    times_design(v, w);
    couple_outputs(w);
    transpose_times_plus_l2(w, v, out);
  }

  /// out += H d for a block-sparse d, touching only the coupled coordinates (listed in `touched`,
  /// which the caller clears). Needs the row index.
  void add_hessian_bound_times_block(const Block& block, const Vec<Scalar>& d, Vec<Scalar>& out,
                                     std::vector<Index>& touched) {
    A_.build_row_index();
    const int stamp = next_row_stamp();
    touched_rows_.clear();
    for (Index t = 0; t < block.size(); ++t) {
      const Index j = block.coords[t], f = j / K_, c = j % K_;
      out[j] += l2_of(f) * d[t];
      touched.push_back(j);
      A_.for_each_in_col(f, [&](Index i, Scalar a) {
        if (row_stamp_[i] != stamp) {
          row_stamp_[i] = stamp;
          touched_rows_.push_back(i);
        }
        dz_[i * K_ + c] += a * d[t];
      });
    }
    row_buffer_.resize(K_);
    for (Index i : touched_rows_) {
      for (Index c = 0; c < K_; ++c) {
        Scalar s = 0;
        for (Index k = 0; k < K_; ++k) s += loss_.bound(c, k, K_) * dz_[i * K_ + k];
        row_buffer_[c] = s;
      }
      for (Index k = 0; k < K_; ++k) dz_[i * K_ + k] = 0;
      A_.for_each_in_row(i, [&](Index f, Scalar a) {
        for (Index c = 0; c < K_; ++c) {
          out[f * K_ + c] += a * row_buffer_[c];
          touched.push_back(f * K_ + c);
        }
      });
    }
  }

  /// d_j = sum_k |H_jk| for the full Hessian bound: a diagonal matrix D >= H (diagonal
  /// dominance). Computed once through the row index: O(sum_i nnz(row i)^2).
  Vec<Scalar> diagonal_dominance_bound() {
    A_.build_row_index();
    Vec<Scalar> class_weight(K_);
    for (Index c = 0; c < K_; ++c) {
      Scalar s = 0;
      for (Index k = 0; k < K_; ++k) s += std::abs(loss_.bound(c, k, K_));
      class_weight[c] = s;
    }
    Vec<Scalar> D(n_);
#pragma omp parallel
    {
      std::vector<Scalar> acc(p_, 0);
      std::vector<Index> seen;
#pragma omp for schedule(dynamic, 64)
      for (Index f = 0; f < p_; ++f) {
        seen.clear();
        A_.for_each_in_col(f, [&](Index i, Scalar a) {
          A_.for_each_in_row(i, [&](Index g, Scalar b) {
            if (acc[g] == 0) seen.push_back(g);
            acc[g] += a * b;
          });
        });
        Scalar row_abs = 0;
        std::sort(seen.begin(), seen.end());  // fixed summation order
        seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
        for (Index g : seen) {
          row_abs += std::abs(acc[g]);
          acc[g] = 0;
        }
        for (Index c = 0; c < K_; ++c) D[f * K_ + c] = class_weight[c] * row_abs + l2_of(f);
      }
    }
    return D;
  }

 private:
  void step_incrementally(const Block& block, const Vec<Scalar>& d) {
    const int stamp = next_row_stamp();
    touched_rows_.clear();
    for (Index t = 0; t < block.size(); ++t) {
      const Index j = block.coords[t], f = j / K_, c = j % K_;
      const Scalar dj = d[t];
      if (dj == 0) continue;
      if (l2_ > 0 && f < penalized_)
        value_ += 0.5 * double(l2_) * (double(x_[j] + dj) * (x_[j] + dj) - double(x_[j]) * x_[j]);
      x_[j] += dj;
      A_.for_each_in_col(f, [&](Index i, Scalar a) {
        if (row_stamp_[i] != stamp) {
          row_stamp_[i] = stamp;
          touched_rows_.push_back(i);
          for (Index k = 0; k < K_; ++k) du_[i * K_ + k] = U_[i * K_ + k];
        }
        Z_[i * K_ + c] += a * dj;
      });
    }
    for (Index i : touched_rows_) {
      const Scalar fresh = loss_.value(i, &Z_[i * K_]);
      value_ += double(fresh) - double(row_loss_[i]);
      row_loss_[i] = fresh;
      loss_.derivative(i, &Z_[i * K_], &U_[i * K_]);
      for (Index k = 0; k < K_; ++k) du_[i * K_ + k] = U_[i * K_ + k] - du_[i * K_ + k];
    }
    if (!track_gradient_) return;

    changed_features_.clear();
    gradient_refreshed_ = false;
    updates_since_refresh_ += block.size();
    Index coupled_nonzeros = 0;
    for (Index i : touched_rows_) coupled_nonzeros += A_.row_nnz(i);
    // A full recompute streams A once; when the coupled rows hold half of it, that is cheaper.
    if (updates_since_refresh_ >= n_ || 2 * coupled_nonzeros > A_.nnz()) {
      refresh_gradient();
      return;
    }
    const int fstamp = next_feature_stamp();
    auto mark = [&](Index f) {
      if (feature_stamp_[f] != fstamp) {
        feature_stamp_[f] = fstamp;
        changed_features_.push_back(f);
      }
    };
    for (Index t = 0; t < block.size(); ++t) {
      const Index j = block.coords[t];
      g_[j] += l2_of(j / K_) * d[t];
      mark(j / K_);
    }
    for (Index i : touched_rows_) {
      const Scalar* dui = &du_[i * K_];
      A_.for_each_in_row(i, [&](Index f, Scalar a) {
        for (Index k = 0; k < K_; ++k) g_[f * K_ + k] += a * dui[k];
        mark(f);
      });
    }
  }

  void refresh_gradient() {
    compute_full_gradient(g_);
    updates_since_refresh_ = 0;
    gradient_refreshed_ = true;
  }

  // w = A V for V (p x K, row-major) as m x K, row-major.
  void times_design(const Vec<Scalar>& v, Vec<Scalar>& w) const {
    w = Vec<Scalar>::Zero(m_ * K_);
    for (Index f = 0; f < p_; ++f)
      for (Index c = 0; c < K_; ++c) {
        const Scalar vf = v[f * K_ + c];
        if (vf != 0) A_.for_each_in_col(f, [&](Index i, Scalar a) { w[i * K_ + c] += a * vf; });
      }
  }

  // out = A'W + l2 v, in parallel over features; each entry is summed in a fixed order, so the
  // result does not depend on the thread count.
  void transpose_times_plus_l2(const Vec<Scalar>& W, const Vec<Scalar>& v, Vec<Scalar>& out) const {
    out.resize(n_);
#pragma omp parallel for schedule(static) if (n_ > 4096)
    for (Index f = 0; f < p_; ++f) {
      for (Index c = 0; c < K_; ++c) out[f * K_ + c] = l2_of(f) * v[f * K_ + c];
      A_.for_each_in_col(f, [&](Index i, Scalar a) {
        for (Index c = 0; c < K_; ++c) out[f * K_ + c] += a * W[i * K_ + c];
      });
    }
  }

  // w_i <- S_K w_i for every row: the outputs' coupling in the full Hessian bound.
  void couple_outputs(Vec<Scalar>& w) const {
    if (K_ == 1) {
      w *= loss_.bound(0, 0, 1);
      return;
    }
    std::vector<Scalar> row(K_);
    for (Index i = 0; i < m_; ++i) {
      for (Index c = 0; c < K_; ++c) {
        Scalar s = 0;
        for (Index k = 0; k < K_; ++k) s += loss_.bound(c, k, K_) * w[i * K_ + k];
        row[c] = s;
      }
      for (Index c = 0; c < K_; ++c) w[i * K_ + c] = row[c];
    }
  }

  Index distinct_classes(const Block& block) const {
    if (K_ == 1) return 1;
    std::vector<char> seen(K_, 0);
    Index count = 0;
    for (Index j : block.coords) count += !seen[j % K_]++;
    return count;
  }

  // local_ = A[R, F]: the block's distinct features F over the union R of their rows.
  void gather_block_columns(const Block& block) {
    local_features_.clear();
    local_feature_.resize(block.size());
    for (Index t = 0; t < block.size(); ++t) {
      const Index f = block.coords[t] / K_;
      auto it = std::find(local_features_.begin(), local_features_.end(), f);
      local_feature_[t] = it - local_features_.begin();
      if (it == local_features_.end()) local_features_.push_back(f);
    }
    local_rows_.clear();
    for (Index f : local_features_)
      A_.for_each_in_col(f, [&](Index i, Scalar) {
        if (row_slot_[i] < 0) {
          row_slot_[i] = Index(local_rows_.size());
          local_rows_.push_back(i);
        }
      });
    local_.setZero(Index(local_rows_.size()), Index(local_features_.size()));
    for (Index s = 0; s < Index(local_features_.size()); ++s)
      A_.for_each_in_col(local_features_[s], [&](Index i, Scalar a) { local_(row_slot_[i], s) = a; });
    for (Index i : local_rows_) row_slot_[i] = -1;
  }

  int next_row_stamp() {
    if (++row_stamp_counter_ == 0) {
      std::fill(row_stamp_.begin(), row_stamp_.end(), 0);
      row_stamp_counter_ = 1;
    }
    return row_stamp_counter_;
  }
  int next_feature_stamp() {
    if (++feature_stamp_counter_ == 0) {
      std::fill(feature_stamp_.begin(), feature_stamp_.end(), 0);
      feature_stamp_counter_ = 1;
    }
    return feature_stamp_counter_;
  }

  Design A_;
  Loss loss_;
  Scalar l2_;
  Index m_, p_, K_, n_;
  Index penalized_;  // features 0..penalized_-1 carry the l2 term

  Vec<Scalar> x_, Z_, U_, row_loss_, lipschitz_, g_;
  double value_ = 0;

  bool track_gradient_ = false;
  bool gradient_refreshed_ = false;
  Index updates_since_refresh_ = 0;
  static constexpr Index kMarginRefreshEpochs = 4;
  Index margin_updates_ = 0;
  std::vector<Index> changed_features_;

  // Scratch, reused across calls: a problem object serves one solve at a time.
  std::vector<int> row_stamp_, feature_stamp_;
  int row_stamp_counter_ = 0, feature_stamp_counter_ = 0;
  std::vector<Index> touched_rows_, row_slot_, local_rows_, local_features_, local_feature_;
  Vec<Scalar> dz_, du_;
  std::vector<Scalar> row_buffer_;
  Mat<Scalar> local_;
};

}  // namespace southwell
