#pragma once
// Blocks whose induced graph is a forest, built from the sparsity pattern of a symmetric Q
// (section 7 of the paper). The exact update of such a block costs O(|b|) by message passing.
//   red_black_blocks      independent sets: the 2-colouring of a bipartite graph (the
//                         checkerboard of a lattice), else a greedy colouring that balances sizes
//   tree_partition_blocks forests by first-fit: each node joins the first forest that stays
//                         acyclic (its neighbours there lie in distinct trees)
//   grow_forest           a maximal induced forest taken greedily along a node order (the
//                         paper's Greedy Tree and Random Tree blocks)
//   lattice_checkerboard_blocks, lattice_comb_blocks
//                         the paper's partitions of a lattice (section 7.2), used instead of the
//                         general ones when the problem knows its lattice geometry
#include <Eigen/SparseCore>
#include <algorithm>
#include <numeric>
#include <vector>

#include "southwell/core/types.hpp"

namespace southwell {

/// Union-find with path halving; reset() costs O(touched), not O(n).
class DisjointSets {
 public:
  explicit DisjointSets(Index n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), Index(0)); }
  Index find(Index i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void unite(Index a, Index b) {
    a = find(a), b = find(b);
    if (a != b) {
      parent_[a] = b;
      touched_.push_back(a);
    }
  }
  void reset() {
    for (Index i : touched_) parent_[i] = i;
    touched_.clear();
  }

 private:
  std::vector<Index> parent_, touched_;
};

/// Nodes in descending `priority` (ties: natural order).
template <class Scalar>
std::vector<Index> descending_order(const Vec<Scalar>& priority) {
  std::vector<Index> order(priority.size());
  std::iota(order.begin(), order.end(), Index(0));
  std::stable_sort(order.begin(), order.end(), [&](Index a, Index b) { return priority[a] > priority[b]; });
  return order;
}

/// Calls f(neighbour) for every off-diagonal nonzero of column i.
template <class Matrix, class F>
void for_each_neighbour(const Matrix& Q, Index i, F&& f) {
  for (typename Matrix::InnerIterator it(Q, i); it; ++it)
    if (it.row() != i) f(Index(it.row()));
}

template <class Matrix>
std::vector<std::vector<Index>> red_black_blocks(const Matrix& Q, const std::vector<Index>& order) {
  const Index n = Q.rows();
  std::vector<int> colour(n, -1);
  bool bipartite = true;
  std::vector<Index> queue;
  for (Index root = 0; root < n && bipartite; ++root) {
    if (colour[root] >= 0) continue;
    colour[root] = 0;
    queue.assign(1, root);
    for (std::size_t head = 0; head < queue.size() && bipartite; ++head) {
      const Index i = queue[head];
      for_each_neighbour(Q, i, [&](Index j) {
        if (colour[j] < 0) {
          colour[j] = 1 - colour[i];
          queue.push_back(j);
        } else if (colour[j] == colour[i]) {
          bipartite = false;
        }
      });
    }
  }
  std::vector<std::vector<Index>> blocks;
  if (!bipartite) {  // greedy: the free colour with the fewest nodes so far, else a new colour
    std::fill(colour.begin(), colour.end(), -1);
    std::vector<char> used;
    for (Index i : order) {
      used.assign(blocks.size(), 0);
      for_each_neighbour(Q, i, [&](Index j) {
        if (colour[j] >= 0) used[colour[j]] = 1;
      });
      int best = -1;
      for (int c = 0; c < int(blocks.size()); ++c)
        if (!used[c] && (best < 0 || blocks[c].size() < blocks[best].size())) best = c;
      if (best < 0) {
        best = int(blocks.size());
        blocks.emplace_back();
      }
      colour[i] = best;
      blocks[best].push_back(i);
    }
  } else {
    blocks.resize(2);
    for (Index i = 0; i < n; ++i) blocks[colour[i]].push_back(i);
  }
  for (auto& b : blocks) std::sort(b.begin(), b.end());
  blocks.erase(std::remove_if(blocks.begin(), blocks.end(), [](const auto& b) { return b.empty(); }), blocks.end());
  return blocks;
}

/// Adds `i` to the forest marked by `in_forest` if that keeps it acyclic (its neighbours in the
/// forest lie in pairwise distinct trees of `trees`).
template <class Matrix>
bool join_if_acyclic(const Matrix& Q, Index i, std::vector<char>& in_forest, DisjointSets& trees,
                     std::vector<Index>& roots) {
  roots.clear();
  bool acyclic = true;
  for_each_neighbour(Q, i, [&](Index j) {
    if (!in_forest[j] || !acyclic) return;
    const Index r = trees.find(j);
    if (std::find(roots.begin(), roots.end(), r) != roots.end()) acyclic = false;
    else roots.push_back(r);
  });
  if (!acyclic) return false;
  in_forest[i] = 1;
  for (Index r : roots) trees.unite(r, i);
  return true;
}

template <class Matrix>
std::vector<std::vector<Index>> tree_partition_blocks(const Matrix& Q, const std::vector<Index>& order) {
  const Index n = Q.rows();
  std::vector<std::vector<Index>> blocks;
  std::vector<std::vector<char>> members;  // members[f][i]: node i is in forest f
  DisjointSets trees(n);  // the forests are disjoint, so one structure serves them all
  std::vector<Index> roots;
  for (Index i : order) {
    std::size_t f = 0;
    for (; f < blocks.size(); ++f)
      if (join_if_acyclic(Q, i, members[f], trees, roots)) break;
    if (f == blocks.size()) {
      blocks.emplace_back();
      members.emplace_back(n, 0);
      members[f][i] = 1;
    }
    blocks[f].push_back(i);
  }
  for (auto& b : blocks) std::sort(b.begin(), b.end());
  return blocks;
}

/// A maximal induced forest, taking nodes greedily in `order`. Reuses the caller's buffers.
template <class Matrix>
void grow_forest(const Matrix& Q, const std::vector<Index>& order, std::vector<char>& in_forest, DisjointSets& trees,
                 std::vector<Index>& roots, std::vector<Index>& block) {
  block.clear();
  for (Index i : order)
    if (join_if_acyclic(Q, i, in_forest, trees, roots)) block.push_back(i);
  for (Index i : block) in_forest[i] = 0;
  trees.reset();
  std::sort(block.begin(), block.end());
}

/// Where a problem's coordinates sit on a rows x cols lattice: coordinate j is at cell[j] =
/// column * rows + row. Several coordinates may share a cell (K classes of one node).
struct LatticeGeometry {
  Index rows = 0, cols = 0;
  std::vector<Index> cell;
  Index row(Index j) const { return cell[j] % rows; }
  Index col(Index j) const { return cell[j] / rows; }
};

/// The checkerboard: red = {row + column even}, black = the rest (empty blocks dropped).
inline std::vector<std::vector<Index>> lattice_checkerboard_blocks(const LatticeGeometry& g) {
  std::vector<std::vector<Index>> blocks(2);
  for (Index j = 0; j < Index(g.cell.size()); ++j) blocks[(g.row(j) + g.col(j)) % 2].push_back(j);
  blocks.erase(std::remove_if(blocks.begin(), blocks.end(), [](const auto& b) { return b.empty(); }), blocks.end());
  return blocks;
}

/// Two comb-shaped trees: white = row 0 and the even columns above the last row; black = the last
/// row and the odd columns below row 0. Coordinates removed from the lattice (labelled nodes)
/// turn the combs into forests.
inline std::vector<std::vector<Index>> lattice_comb_blocks(const LatticeGeometry& g) {
  std::vector<std::vector<Index>> blocks(2);
  for (Index j = 0; j < Index(g.cell.size()); ++j) {
    const Index r = g.row(j), c = g.col(j);
    const bool white = r == 0 || (c % 2 == 0 && r + 1 < g.rows);
    blocks[white ? 0 : 1].push_back(j);
  }
  blocks.erase(std::remove_if(blocks.begin(), blocks.end(), [](const auto& b) { return b.empty(); }), blocks.end());
  return blocks;
}

}  // namespace southwell
