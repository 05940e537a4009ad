#pragma once
// A dense square scratch matrix whose storage grows by half and outlives its owner
// (core/recycled.hpp says why): a solver's Gram matrices are its largest allocations.

#include <Eigen/Dense>
#include <algorithm>
#include <utility>

#include "southwell/core/recycled.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

/// An n x n view into storage that grows by half again when it must (contents kept on request),
/// never shrinks, and passes on destruction to the next ScratchMatrix made on the same thread
/// (within the thread's shelf budget).
template <class Scalar>
class ScratchMatrix {
 public:
  using View = Eigen::Block<Mat<Scalar>>;
  using ConstView = Eigen::Block<const Mat<Scalar>>;

  ScratchMatrix() : storage_(take()) {}
  ~ScratchMatrix() { Shelf::put(std::move(storage_)); }
  ScratchMatrix(const ScratchMatrix& other) : storage_(other.view()), size_(other.size_) {}
  ScratchMatrix(ScratchMatrix&& other) noexcept : storage_(std::move(other.storage_)), size_(other.size_) {
    other.size_ = 0;
  }
  ScratchMatrix& operator=(ScratchMatrix other) noexcept {
    storage_.swap(other.storage_);
    std::swap(size_, other.size_);
    return *this;
  }

  /// Makes the view n x n; the top-left min(old, n) corner keeps its values if `keep`, the rest
  /// is unspecified.
  void resize(Index n, bool keep = false) {
    if (n > storage_.rows()) {
      Mat<Scalar> grown(n + n / 2, n + n / 2);
      const Index kept = keep ? std::min(size_, n) : 0;
      grown.topLeftCorner(kept, kept) = storage_.topLeftCorner(kept, kept);
      storage_.swap(grown);
    }
    size_ = n;
  }
  Index size() const { return size_; }
  View view() { return storage_.topLeftCorner(size_, size_); }
  ConstView view() const { return storage_.topLeftCorner(size_, size_); }

 private:
  using Shelf = detail::Shelf<Mat<Scalar>>;
  static Mat<Scalar> take() {
    return Shelf::take([](const Mat<Scalar>& m) { return m.size() > 0; });
  }

  Mat<Scalar> storage_;
  Index size_ = 0;
};

}  // namespace southwell
