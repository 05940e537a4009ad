#pragma once
// A sparse Cholesky factorisation (SuiteSparse CHOLMOD behind a small interface, so cholmod.h
// never reaches a public header). Used as the direct-solve reference and baseline.
#include <Eigen/SparseCore>
#include <memory>

#include "southwell/core/types.hpp"

namespace southwell {

class SparseCholesky {
 public:
  /// Factorises the symmetric positive definite A (both triangles stored; the lower one is
  /// read). Throws InvalidArgument if A is not square or not positive definite.
  explicit SparseCholesky(const Eigen::SparseMatrix<double, Eigen::ColMajor, int>& A);
  ~SparseCholesky();
  SparseCholesky(const SparseCholesky&) = delete;
  SparseCholesky& operator=(const SparseCholesky&) = delete;

  /// x = A^{-1} b.
  Vec<double> solve(const Vec<double>& b) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace southwell
