#pragma once
// Multinomial (softmax) per row: l_i(z) = logsumexp(z) - z_{y_i}, z in R^K.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Scalar>
class SoftmaxLoss {
 public:
  static constexpr bool kHasConjugate = false;  // no duality gap (yet): the KKT certificate applies
  /// `labels` in 0..classes-1.
  SoftmaxLoss(std::vector<Index> labels, Index classes) : y_(std::move(labels)), K_(classes) {
    if (K_ < 2) throw InvalidArgument("softmax needs at least 2 classes");
    for (std::size_t i = 0; i < y_.size(); ++i)
      if (y_[i] < 0 || y_[i] >= K_)
        throw InvalidArgument("softmax label " + std::to_string(i) + " = " + std::to_string(y_[i]) +
                              " is outside 0.." + std::to_string(K_ - 1));
  }
  Index rows() const { return static_cast<Index>(y_.size()); }
  Index outputs() const { return K_; }

  Scalar value(Index i, const Scalar* z) const {
    const Scalar zmax = *std::max_element(z, z + K_);
    Scalar s = 0;
    for (Index c = 0; c < K_; ++c) s += std::exp(z[c] - zmax);
    return zmax + std::log(s) - z[y_[i]];
  }
  void derivative(Index i, const Scalar* z, Scalar* u) const {
    probabilities(z, u);
    u[y_[i]] -= 1;
  }
  void hessian(Index, const Scalar* z, Scalar* w) const {
    probabilities(z, probs_.data());
    for (Index a = 0; a < K_; ++a)
      for (Index b = 0; b < K_; ++b) w[a * K_ + b] = (a == b ? probs_[a] : 0) - probs_[a] * probs_[b];
  }
  /// The diagonal of the Hessian, p_c (1 - p_c): thread-safe (no shared buffer).
  void diagonal_hessian(Index, const Scalar* z, Scalar* w) const {
    probabilities(z, w);
    for (Index c = 0; c < K_; ++c) w[c] *= 1 - w[c];
  }
  /// value(), derivative(), diagonal_hessian() and (when p is not null) probabilities() from one
  /// set of exps, with the same arithmetic as the separate calls (so the same results).
  Scalar row_terms(Index i, const Scalar* z, Scalar* u, Scalar* w, Scalar* p = nullptr) const {
    const Scalar zmax = *std::max_element(z, z + K_);
    Scalar s = 0;
    for (Index c = 0; c < K_; ++c) s += (u[c] = std::exp(z[c] - zmax));
    const Scalar value = zmax + std::log(s) - z[y_[i]];
    for (Index c = 0; c < K_; ++c) {
      u[c] /= s;
      w[c] = u[c] * (1 - u[c]);
      if (p) p[c] = u[c];
    }
    u[y_[i]] -= 1;
    return value;
  }
  /// Boehning's bound diag(p) - pp' <= (I - 11'/k') / 2. A block touching k classes sees a
  /// (k+1)-class softmax (the rest lumped), so k' = min(K, k + 1); the full Hessian uses k = K.
  Scalar bound(Index c1, Index c2, Index classes_in_block) const {
    const Scalar k = Scalar(std::min(K_, classes_in_block + 1));
    return c1 == c2 ? Scalar(0.5) * (1 - 1 / k) : Scalar(-0.5) / k;
  }

  /// p = softmax(z).
  void probabilities(const Scalar* z, Scalar* p) const {
    const Scalar zmax = *std::max_element(z, z + K_);
    Scalar s = 0;
    for (Index c = 0; c < K_; ++c) s += (p[c] = std::exp(z[c] - zmax));
    for (Index c = 0; c < K_; ++c) p[c] /= s;
  }

 private:
  std::vector<Index> y_;
  Index K_;
  mutable std::vector<Scalar> probs_ = std::vector<Scalar>(static_cast<std::size_t>(K_));
};

}  // namespace southwell
