#pragma once
// Buffers that pass from one solver to the next on the same thread instead of back to the
// allocator. A solve allocates a dozen arrays of p or m numbers; glibc returns the freed heap
// top to the system when it exceeds its trim threshold, and the next solve then faults every
// page in again. On a virtual machine a fault costs about 10 us: from Python, l2-logistic
// regression on rcv1_small (p = 47,117) took 13 ms a solve instead of 4 ms, the lasso at
// lambda_max/10 9 ms instead of 3.8 ms. Kept buffers are bounded (kShelfBudget bytes a thread)
// and freed at thread exit.

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

#include "southwell/core/types.hpp"

namespace southwell {
namespace detail {

/// What the shelves of one thread may hold, over all buffer types.
inline constexpr std::size_t kShelfBudget = std::size_t(64) << 20;
/// Buffers one shelf holds at most (a solver has about twenty of a type).
inline constexpr std::size_t kShelfSlots = 48;

/// The bytes this thread's shelves hold, and whether they are gone (thread exit). Trivially
/// destructible, so valid for the thread's whole life: a buffer released after its shelf is
/// freed instead.
struct ShelfState {
  std::size_t bytes = 0;
  bool closed = false;
};
inline ShelfState& shelf_state() {
  static thread_local ShelfState state;
  return state;
}

template <class Scalar, int Rows, int Cols>
std::size_t buffer_bytes(const Eigen::Matrix<Scalar, Rows, Cols>& m) {
  return std::size_t(m.size()) * sizeof(Scalar);
}
template <class T>
std::size_t buffer_bytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

/// This thread's released buffers of one type.
template <class Buffer>
class Shelf {
 public:
  /// The first shelved buffer that `fits` accepts, or an empty one.
  template <class Fits>
  static Buffer take(Fits&& fits) {
    if (shelf_state().closed) return Buffer();
    auto& held = shelved().buffers;
    const auto found = std::find_if(held.begin(), held.end(), fits);
    if (found == held.end()) return Buffer();
    Buffer taken = std::move(*found);
    held.erase(found);
    shelf_state().bytes -= buffer_bytes(taken);
    return taken;
  }
  /// Keeps the buffer while the budget allows, the newest first; else frees it.
  static void put(Buffer&& buffer) {
    const std::size_t bytes = buffer_bytes(buffer);
    ShelfState& state = shelf_state();
    if (bytes == 0 || state.closed || bytes > kShelfBudget - state.bytes) return;
    auto& held = shelved().buffers;
    if (held.size() == kShelfSlots) {
      state.bytes -= buffer_bytes(held.back());
      held.pop_back();
    }
    held.insert(held.begin(), std::move(buffer));
    state.bytes += bytes;
  }

 private:
  struct Held {
    std::vector<Buffer> buffers;
    ~Held() {
      shelf_state().closed = true;
      for (const Buffer& b : buffers) shelf_state().bytes -= buffer_bytes(b);
    }
  };
  static Held& shelved() {
    static thread_local Held held;
    return held;
  }
};

}  // namespace detail

/// An Eigen column vector that, when it must change size, first looks for a released buffer of
/// exactly the new size, and releases its own buffer when destroyed or resized. Used like
/// Vec<Scalar> (it is one); contents after a resize are unspecified, as Eigen's.
template <class Scalar>
class RecycledVector : public Vec<Scalar> {
  using Base = Vec<Scalar>;
  using Shelf = detail::Shelf<Base>;

 public:
  RecycledVector() = default;
  explicit RecycledVector(Index n) : Base() { resize(n); }
  RecycledVector(const RecycledVector& other) : Base() { assign(other); }
  RecycledVector(RecycledVector&& other) noexcept : Base(std::move(static_cast<Base&>(other))) {}
  RecycledVector(Base&& other) noexcept : Base(std::move(other)) {}  // NOLINT: adopts a Vec's storage
  template <class Other>
  RecycledVector(const Eigen::DenseBase<Other>& other) : Base() {  // NOLINT: converts like Vec
    assign(other);
  }
  ~RecycledVector() { Shelf::put(std::move(static_cast<Base&>(*this))); }

  RecycledVector& operator=(const RecycledVector& other) { return assign(other); }
  RecycledVector& operator=(RecycledVector&& other) noexcept {
    Base::swap(other);  // the old buffer goes with `other`, which releases it
    return *this;
  }
  template <class Other>
  RecycledVector& operator=(const Eigen::DenseBase<Other>& other) {
    return assign(other);
  }

  void resize(Index n) {
    reuse(n);
    Base::resize(n);
  }
  using Base::setZero;
  RecycledVector& setZero(Index n) {
    reuse(n);
    Base::setZero(n);
    return *this;
  }

 private:
  template <class Other>
  RecycledVector& assign(const Eigen::DenseBase<Other>& other) {
    reuse(other.size());
    Base::operator=(other);
    return *this;
  }
  void reuse(Index n) {
    if (n == this->size()) return;
    Base taken = Shelf::take([n](const Base& b) { return b.size() == n; });
    if (taken.size() != n) return;
    Base::swap(taken);
    Shelf::put(std::move(taken));
  }
};

/// A std::vector that, when it must grow past its capacity, first looks for a released one of
/// enough capacity, and releases its own storage when destroyed.
template <class T>
class RecycledList : public std::vector<T> {
  using Base = std::vector<T>;
  using Shelf = detail::Shelf<Base>;

 public:
  RecycledList() = default;
  RecycledList(const RecycledList& other) : Base() { assign(other.begin(), other.end()); }
  RecycledList(RecycledList&& other) noexcept : Base(std::move(static_cast<Base&>(other))) {}
  ~RecycledList() { Shelf::put(std::move(static_cast<Base&>(*this))); }
  RecycledList& operator=(const RecycledList& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  RecycledList& operator=(RecycledList&& other) noexcept {
    Base::swap(other);
    return *this;
  }

  void reserve(std::size_t n) {
    reuse(n);
    Base::reserve(n);
  }
  void resize(std::size_t n) {
    reuse(n);
    Base::resize(n);
  }
  void resize(std::size_t n, const T& value) {
    reuse(n);
    Base::resize(n, value);
  }
  void assign(std::size_t n, const T& value) {
    reuse(n);
    Base::assign(n, value);
  }
  template <class Iterator, class = typename std::iterator_traits<Iterator>::iterator_category>
  void assign(Iterator first, Iterator last) {
    reuse(std::size_t(std::distance(first, last)));
    Base::assign(first, last);
  }

 private:
  /// A shelved list of enough capacity replaces this one's storage, the contents moved over.
  void reuse(std::size_t n) {
    if (n <= this->capacity()) return;
    Base taken = Shelf::take([n](const Base& b) { return b.capacity() >= n; });
    if (taken.capacity() < n) return;
    taken.clear();
    taken.insert(taken.end(), std::make_move_iterator(this->begin()), std::make_move_iterator(this->end()));
    Base::swap(taken);
    Shelf::put(std::move(taken));
  }
};

}  // namespace southwell
