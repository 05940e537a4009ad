#pragma once
// Basic vocabulary types shared by every part of Southwell.
#include <Eigen/Core>
#include <cstddef>
#include <vector>

namespace southwell {

/// Coordinate and row indices. Signed, as Eigen's, and wide enough for int64 matrices.
using Index = std::ptrdiff_t;

template <class Scalar>
using Vec = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;

template <class Scalar>
using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

/// Tag for a design over arrays that an earlier design of the same type already checked and
/// that have not changed since: the O(size) checks are skipped. (Python's problems check their
/// matrix once, when built, not again at every solve: news20's took 1.4 ms, a sixth of a solve.)
struct AlreadyChecked {};

/// A block of coordinates chosen for one update. `id` is the block's index in a fixed
/// partition (so cached per-block quantities can be reused), or -1 for a variable block.
struct Block {
  std::vector<Index> coords;
  Index id = -1;
  Index size() const { return static_cast<Index>(coords.size()); }
};

}  // namespace southwell
