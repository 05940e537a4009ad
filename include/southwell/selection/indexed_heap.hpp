#pragma once
// A binary max-heap over items 0..N-1 with a position map: change one item's key in O(log N),
// read the maximum in O(1), and list the k largest in O(k log k) without modifying the heap.
// Ties go to the smaller item, so the order is deterministic.
#include <algorithm>
#include <queue>
#include <utility>
#include <vector>

#include "southwell/core/types.hpp"

namespace southwell {

template <class Key>
class IndexedMaxHeap {
 public:
  /// Builds the heap from all keys in O(N).
  void assign(std::vector<Key> keys) {
    key_ = std::move(keys);
    const Index n = Index(key_.size());
    heap_.resize(n);
    pos_.resize(n);
    for (Index i = 0; i < n; ++i) heap_[i] = pos_[i] = i;
    for (Index i = n / 2 - 1; i >= 0; --i) sift_down(i);
  }

  Index size() const { return Index(heap_.size()); }
  const Key& key(Index item) const { return key_[item]; }
  Index top() const { return heap_[0]; }

  void update(Index item, Key k) {
    const Key old = key_[item];
    key_[item] = k;
    if (before(k, item, old, item)) sift_up(pos_[item]);
    else sift_down(pos_[item]);
  }

  /// The k items with the largest keys, best first.
  void top_k(Index k, std::vector<Index>& out) const {
    out.clear();
    k = std::min(k, size());
    if (k == 0) return;
    auto worse = [&](Index a, Index b) { return before(key_[heap_[b]], heap_[b], key_[heap_[a]], heap_[a]); };
    frontier_.clear();
    frontier_.push_back(0);
    while (Index(out.size()) < k) {
      std::pop_heap(frontier_.begin(), frontier_.end(), worse);
      const Index slot = frontier_.back();
      frontier_.pop_back();
      out.push_back(heap_[slot]);
      for (Index child : {2 * slot + 1, 2 * slot + 2})
        if (child < size()) {
          frontier_.push_back(child);
          std::push_heap(frontier_.begin(), frontier_.end(), worse);
        }
    }
  }

 private:
  // Strict order: larger key first, then smaller item.
  static bool before(const Key& ka, Index a, const Key& kb, Index b) {
    return ka > kb || (!(kb > ka) && a < b);
  }
  bool slot_before(Index sa, Index sb) const {
    return before(key_[heap_[sa]], heap_[sa], key_[heap_[sb]], heap_[sb]);
  }
  void swap_slots(Index a, Index b) {
    std::swap(heap_[a], heap_[b]);
    pos_[heap_[a]] = a;
    pos_[heap_[b]] = b;
  }
  void sift_up(Index s) {
    while (s > 0) {
      const Index parent = (s - 1) / 2;
      if (!slot_before(s, parent)) break;
      swap_slots(s, parent);
      s = parent;
    }
  }
  void sift_down(Index s) {
    const Index n = size();
    for (;;) {
      Index best = s;
      const Index l = 2 * s + 1, r = l + 1;
      if (l < n && slot_before(l, best)) best = l;
      if (r < n && slot_before(r, best)) best = r;
      if (best == s) break;
      swap_slots(s, best);
      s = best;
    }
  }

  std::vector<Key> key_;
  std::vector<Index> heap_, pos_;
  mutable std::vector<Index> frontier_;
};

}  // namespace southwell
