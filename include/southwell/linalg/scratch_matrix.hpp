#pragma once
// A dense square scratch matrix whose storage outlives its owner: a solver's Gram matrices are
// its largest allocations (up to 2048^2 numbers), and when the allocator hands them back to the
// system between solves, the next solve faults every page in again. On a virtual machine a fault
// costs about 10 us: from Python, lasso on rcv1_small at lambda_max/10 took 9 ms instead of
// 3.8 ms in about half the processes (glibc trims the heap or not depending on its layout).

#include <Eigen/Dense>
#include <algorithm>
#include <utility>
#include <vector>

#include "southwell/core/types.hpp"

namespace southwell {

/// An n x n view into storage that grows by half again when it must (contents kept on request),
/// never shrinks, and passes on destruction to the next ScratchMatrix made on the same thread.
/// A thread keeps at most kShelved buffers of each scalar type (a working-set solver has two), so
/// what it holds between solves is the last solver's scratch; it is freed when the thread exits.
template <class Scalar>
class ScratchMatrix {
 public:
  using View = Eigen::Block<Mat<Scalar>>;
  using ConstView = Eigen::Block<const Mat<Scalar>>;

  ScratchMatrix() : storage_(take()) {}
  ~ScratchMatrix() { give(std::move(storage_)); }
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
  static constexpr std::size_t kShelved = 2;
  /// Trivially destructible, so valid for the thread's whole life: a ScratchMatrix destroyed after
  /// the shelf (a static owner at exit) frees its buffer instead.
  static bool& shelf_closed() {
    static thread_local bool closed = false;
    return closed;
  }
  struct Shelf {
    std::vector<Mat<Scalar>> buffers;
    ~Shelf() { shelf_closed() = true; }
  };
  static std::vector<Mat<Scalar>>& shelf() {
    static thread_local Shelf shelved;
    return shelved.buffers;
  }
  /// The largest shelved buffer (the likeliest to need no growth), or an empty one.
  static Mat<Scalar> take() {
    if (shelf_closed()) return Mat<Scalar>();
    auto& shelved = shelf();
    if (shelved.empty()) return Mat<Scalar>();
    const auto largest = std::max_element(shelved.begin(), shelved.end(),
                                          [](const Mat<Scalar>& a, const Mat<Scalar>& b) { return a.size() < b.size(); });
    Mat<Scalar> taken = std::move(*largest);
    shelved.erase(largest);
    return taken;
  }
  /// Shelves the buffer, dropping the smallest when the shelf is full.
  static void give(Mat<Scalar>&& buffer) {
    if (buffer.size() == 0 || shelf_closed()) return;
    auto& shelved = shelf();
    shelved.push_back(std::move(buffer));
    if (shelved.size() > kShelved) {
      const auto smallest = std::min_element(shelved.begin(), shelved.end(),
                                             [](const Mat<Scalar>& a, const Mat<Scalar>& b) { return a.size() < b.size(); });
      shelved.erase(smallest);
    }
  }

  Mat<Scalar> storage_;
  Index size_ = 0;
};

}  // namespace southwell
