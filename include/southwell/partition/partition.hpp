#pragma once
// Fixed partitions of the coordinates 0..n-1 into blocks, stored once (CSR-like).
#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/core/options.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

class Partition {
 public:
  /// Contiguous chunks of `order` of size tau; the last chunk may be smaller.
  static Partition from_order(const std::vector<Index>& order, Index tau) {
    Partition p;
    p.idx_ = order;
    for (Index start = 0; start < Index(order.size()); start += tau) p.ptr_.push_back(start);
    p.ptr_.push_back(Index(order.size()));
    p.index_blocks();
    return p;
  }

  /// User-given blocks; throws InvalidArgument unless they are a disjoint cover of 0..n-1.
  static Partition from_blocks(const std::vector<std::vector<Index>>& blocks, Index n) {
    Partition p;
    std::vector<char> seen(n, 0);
    for (std::size_t b = 0; b < blocks.size(); ++b) {
      if (blocks[b].empty()) throw InvalidArgument("user block " + std::to_string(b) + " is empty");
      for (Index j : blocks[b]) {
        if (j < 0 || j >= n)
          throw InvalidArgument("user block " + std::to_string(b) + " holds coordinate " + std::to_string(j) +
                                ", outside 0.." + std::to_string(n - 1));
        if (seen[j]++)
          throw InvalidArgument("coordinate " + std::to_string(j) + " appears in more than one user block");
      }
      p.ptr_.push_back(Index(p.idx_.size()));
      p.idx_.insert(p.idx_.end(), blocks[b].begin(), blocks[b].end());
    }
    const auto missing = std::find(seen.begin(), seen.end(), 0);
    if (missing != seen.end())
      throw InvalidArgument("user blocks do not cover coordinate " + std::to_string(missing - seen.begin()));
    p.ptr_.push_back(Index(p.idx_.size()));
    p.index_blocks();
    return p;
  }

  /// The fixed partitions named by PartitionRule (not User or Variable).
  template <class Scalar>
  static Partition make(PartitionRule rule, Index n, Index tau, const Vec<Scalar>& lipschitz,
                        std::uint64_t seed) {
    std::vector<Index> order(n);
    std::iota(order.begin(), order.end(), Index(0));
    switch (rule) {
      case PartitionRule::Order:
        break;
      case PartitionRule::Sorted:
        std::stable_sort(order.begin(), order.end(),
                         [&](Index a, Index b) { return lipschitz[a] < lipschitz[b]; });
        break;
      case PartitionRule::Average: {
        std::stable_sort(order.begin(), order.end(),
                         [&](Index a, Index b) { return lipschitz[a] < lipschitz[b]; });
        std::vector<Index> alternating;
        alternating.reserve(n);
        for (Index lo = 0, hi = n - 1; lo <= hi; ++lo, --hi) {
          alternating.push_back(order[lo]);
          if (lo != hi) alternating.push_back(order[hi]);
        }
        order = std::move(alternating);
        break;
      }
      case PartitionRule::Random: {
        std::mt19937_64 rng(seed);
        std::shuffle(order.begin(), order.end(), rng);
        break;
      }
      case PartitionRule::User:
      case PartitionRule::Variable:
      case PartitionRule::RedBlack:
      case PartitionRule::TreePartition:
      case PartitionRule::GreedyTree:
      case PartitionRule::RandomTree:
      case PartitionRule::General:
        throw InvalidArgument("Partition::make: '" + std::string(to_string(rule)) + "' is not a generated fixed partition");
    }
    return from_order(order, tau);
  }

  Index num_blocks() const { return Index(ptr_.size()) - 1; }
  Index dim() const { return Index(idx_.size()); }
  Index block_size(Index b) const { return ptr_[b + 1] - ptr_[b]; }
  const Index* block_begin(Index b) const { return idx_.data() + ptr_[b]; }
  const Index* block_end(Index b) const { return idx_.data() + ptr_[b + 1]; }
  Index block_of(Index j) const { return block_of_[j]; }
  void fill(Index b, Block& out) const {
    out.coords.assign(block_begin(b), block_end(b));
    out.id = b;
  }

 private:
  void index_blocks() {
    block_of_.assign(idx_.size(), -1);
    for (Index b = 0; b < num_blocks(); ++b)
      for (Index t = ptr_[b]; t < ptr_[b + 1]; ++t) block_of_[idx_[t]] = b;
  }
  std::vector<Index> ptr_, idx_, block_of_;
};

}  // namespace southwell
