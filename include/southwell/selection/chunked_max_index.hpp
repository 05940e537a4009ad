#pragma once
// The largest keys among N items under frequent key changes, built for greedy selection where a
// step changes thousands of gradient entries but only the top tau matter.
//
// Items are grouped in chunks of 64 consecutive indices. Each chunk keeps its maximum, and an
// IndexedMaxHeap orders the chunks by it. Changing a key costs one write and one comparison with
// its chunk's maximum in the common case (the chunk maxima fit in cache, a binary heap over all
// N items does not); a chunk whose maximum decreased is re-scanned lazily, at the next query.
// Order: larger key first, then smaller index (the same as IndexedMaxHeap).
#include <algorithm>
#include <vector>

#include "southwell/selection/indexed_heap.hpp"

namespace southwell {

template <class Key>
class ChunkedMaxIndex {
 public:
  static constexpr Index kChunk = 64;

  void assign(std::vector<Key> keys) {
    key_ = std::move(keys);
    const Index chunks = (size() + kChunk - 1) / kChunk;
    chunk_arg_.assign(chunks, 0);
    dirty_.assign(chunks, 0);
    dirty_list_.clear();
    std::vector<Key> maxima(chunks);
    for (Index c = 0; c < chunks; ++c) {
      chunk_arg_[c] = scan(c);
      maxima[c] = key_[chunk_arg_[c]];
    }
    chunks_.assign(std::move(maxima));
  }

  Index size() const { return Index(key_.size()); }
  const Key& key(Index item) const { return key_[item]; }

  void update(Index item, Key k) {
    key_[item] = k;
    const Index c = item / kChunk;
    if (dirty_[c]) return;  // re-scanned at the next query anyway
    const Index arg = chunk_arg_[c];
    if (before(item, arg)) {
      chunk_arg_[c] = item;
      chunks_.update(c, k);
    } else if (item == arg) {  // the maximum decreased: someone else may lead now
      dirty_[c] = 1;
      dirty_list_.push_back(c);
    }
  }

  Index top() {
    clean();
    return chunk_arg_[chunks_.top()];
  }

  /// The k items with the largest keys, best first. They lie in the k best chunks: each chunk
  /// ranked above an item's chunk holds an item ranked above it.
  void top_k(Index k, std::vector<Index>& out) {
    clean();
    k = std::min(k, size());
    chunks_.top_k(k, best_chunks_);
    out.clear();
    for (Index c : best_chunks_)
      for (Index i = c * kChunk, end = std::min(size(), i + kChunk); i < end; ++i) out.push_back(i);
    std::partial_sort(out.begin(), out.begin() + k, out.end(), [&](Index a, Index b) { return before(a, b); });
    out.resize(k);
  }

 private:
  bool before(Index a, Index b) const { return key_[a] > key_[b] || (!(key_[b] > key_[a]) && a < b); }
  Index scan(Index c) const {
    Index best = c * kChunk;
    for (Index i = best + 1, end = std::min(size(), (c + 1) * kChunk); i < end; ++i)
      if (before(i, best)) best = i;
    return best;
  }
  void clean() {
    for (Index c : dirty_list_) {
      chunk_arg_[c] = scan(c);
      dirty_[c] = 0;
      chunks_.update(c, key_[chunk_arg_[c]]);
    }
    dirty_list_.clear();
  }

  std::vector<Key> key_;
  std::vector<Index> chunk_arg_, dirty_list_, best_chunks_;
  std::vector<char> dirty_;
  IndexedMaxHeap<Key> chunks_;
};

}  // namespace southwell
