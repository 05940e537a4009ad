#pragma once
// Exact solve of Q_bb x_b = r_b when the graph of Q_bb (its off-diagonal nonzeros) is a forest:
// Gaussian elimination from the leaves to the roots has no fill-in (section 7 of the paper).
//   collect (leaves -> root):  D_i = Q_ii - sum_c Q_ic^2 / D_c,   h_i = r_i - sum_c Q_ic h_c / D_c
//   distribute (root -> leaves): x_i = (h_i - Q_{i,parent} x_parent) / D_i
// O(|b|) time and memory per solve after an O(sum of degrees) set-up; loops over a BFS order, so
// a path of any length needs no recursion.
#include <Eigen/SparseCore>
#include <memory>
#include <string>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/core/types.hpp"

namespace southwell {

template <class Scalar, class StorageIndex = int>
class ForestSolver {
 public:
  using Matrix = Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex>;

  /// `block` lists the nodes (rows/columns of the symmetric Q) of the block; the system solved is
  /// (Q_bb + shift I) x = r. Throws InvalidArgument if the block's induced graph has a cycle.
  ForestSolver(const Matrix& Q, const std::vector<Index>& block, Scalar shift = 0) {
    std::vector<Index> position(Q.rows(), -1);
    if (!build(Q, block, shift, position))
      throw InvalidArgument("ForestSolver: the block's graph has a cycle through node " + std::to_string(cycle_node_));
  }

  /// The solver, or nullptr when the block's induced graph is not a forest. `position` is
  /// scratch of size Q.rows() holding -1 everywhere, left so on return: reusing it keeps the
  /// set-up at O(sum of the block's degrees) instead of O(n).
  static std::unique_ptr<ForestSolver> try_build(const Matrix& Q, const std::vector<Index>& block, Scalar shift,
                                                 std::vector<Index>& position) {
    std::unique_ptr<ForestSolver> solver(new ForestSolver());
    if (!solver->build(Q, block, shift, position)) solver.reset();
    return solver;
  }

  Index size() const { return size_; }

  /// x = (Q_bb + shift I)^{-1} (scale r), both indexed by position in the block. The pivots
  /// were eliminated once at set-up; x holds h during the collect pass, so nothing is allocated.
  /// Trees are independent: large forests solve them in parallel (same result for any thread count).
  void solve(const Vec<Scalar>& r, Vec<Scalar>& x, Scalar scale = 1) const {
    x.resize(size_);
    const Index trees = Index(tree_begin_.size()) - 1;
    auto solve_tree = [&](Index tree) {
      const Index begin = tree_begin_[tree], end = tree_begin_[tree + 1];
      for (Index k = begin; k < end; ++k) x[order_[k]] = scale * r[order_[k]];
      for (Index k = end - 1; k > begin; --k) {  // collect: children before parents (the root has none)
        const Index t = order_[k];
        x[parent_[t]] -= parent_weight_[t] * x[t] / pivot_[t];
      }
      x[order_[begin]] /= pivot_[order_[begin]];
      for (Index k = begin + 1; k < end; ++k) {  // distribute: parents before children
        const Index t = order_[k];
        x[t] = (x[t] - parent_weight_[t] * x[parent_[t]]) / pivot_[t];
      }
    };
    // Small forests skip OpenMP altogether: a region, even one an `if` clause turns off, costs a
    // team set-up per call (about 2 us, measured on single-coordinate BCD steps).
    if (size_ >= 32768) {
#pragma omp parallel for schedule(dynamic, 256)
      for (Index tree = 0; tree < trees; ++tree) solve_tree(tree);
    } else {
      for (Index tree = 0; tree < trees; ++tree) solve_tree(tree);
    }
  }

 private:
  ForestSolver() = default;

  bool build(const Matrix& Q, const std::vector<Index>& block, Scalar shift, std::vector<Index>& position) {
    size_ = Index(block.size());
    for (Index t = 0; t < size_; ++t) position[block[t]] = t;
    const bool forest = grow_trees(Q, block, shift, position);
    for (Index node : block) position[node] = -1;
    if (!forest) return false;
    // Leaf-to-root elimination of the matrix part (independent of r): diagonal -> pivots.
    for (Index k = size_ - 1; k >= 0; --k) {
      const Index t = order_[k], p = parent_[t];
      if (p >= 0) pivot_[p] -= parent_weight_[t] * parent_weight_[t] / pivot_[t];
    }
    return true;
  }

  bool grow_trees(const Matrix& Q, const std::vector<Index>& block, Scalar shift, const std::vector<Index>& position) {
    pivot_.assign(size_, shift);  // the diagonal until build() eliminates it
    parent_.assign(size_, -1);
    parent_weight_.assign(size_, 0);
    order_.reserve(size_);
    std::vector<char> visited(size_, 0);
    for (Index root = 0; root < size_; ++root) {
      if (visited[root]) continue;
      visited[root] = 1;
      tree_begin_.push_back(Index(order_.size()));
      std::size_t head = order_.size();
      order_.push_back(root);
      while (head < order_.size()) {
        const Index t = order_[head++];
        for (typename Matrix::InnerIterator it(Q, block[t]); it; ++it) {
          const Index u = position[it.row()];
          if (u < 0) continue;
          if (u == t) {
            pivot_[t] += it.value();
            continue;
          }
          if (u == parent_[t]) continue;
          if (visited[u]) {
            cycle_node_ = block[t];
            return false;
          }
          visited[u] = 1;
          parent_[u] = t;
          parent_weight_[u] = it.value();
          order_.push_back(u);
        }
      }
    }
    tree_begin_.push_back(size_);
    return true;
  }

  Index size_ = 0, cycle_node_ = -1;
  std::vector<Scalar> parent_weight_, pivot_;
  std::vector<Index> parent_, order_, tree_begin_;  // tree t is order_[tree_begin_[t] .. tree_begin_[t+1])
};

}  // namespace southwell
