#pragma once
// Small dense linear algebra on one block (tau x tau): largest eigenvalue and PSD solves.
#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <limits>

#include "southwell/core/types.hpp"

namespace southwell {

/// lambda_max of a symmetric matrix.
template <class Scalar>
Scalar largest_eigenvalue(const Mat<Scalar>& H) {
  if (H.rows() == 1) return H(0, 0);
  Eigen::SelfAdjointEigenSolver<Mat<Scalar>> eig(H, Eigen::EigenvaluesOnly);
  return eig.eigenvalues().maxCoeff();
}

/// Moore-Penrose pseudo-inverse of a symmetric positive semi-definite matrix: singular blocks
/// (duplicate or all-zero columns) get the minimum-norm step instead of an infinite one.
template <class Scalar>
Mat<Scalar> psd_pseudo_inverse(const Mat<Scalar>& H) {
  Eigen::SelfAdjointEigenSolver<Mat<Scalar>> eig(H);
  const Vec<Scalar>& lambda = eig.eigenvalues();
  const Scalar cutoff = std::max(lambda.cwiseAbs().maxCoeff(), Scalar(0)) * Scalar(H.rows()) *
                        std::numeric_limits<Scalar>::epsilon();
  Vec<Scalar> inv(lambda.size());
  for (Index k = 0; k < lambda.size(); ++k) inv[k] = lambda[k] > cutoff ? 1 / lambda[k] : 0;
  return eig.eigenvectors() * inv.asDiagonal() * eig.eigenvectors().transpose();
}

/// d = H^+ g for symmetric PSD H: Cholesky when H is safely positive definite, else the
/// pseudo-inverse.
template <class Scalar>
Vec<Scalar> psd_solve(const Mat<Scalar>& H, const Vec<Scalar>& g) {
  Eigen::LLT<Mat<Scalar>> llt(H);
  if (llt.info() == Eigen::Success) {
    const Vec<Scalar> diag = llt.matrixL().toDenseMatrix().diagonal();
    // A tiny pivot means near-singular: the Cholesky solve would amplify rounding errors.
    if (diag.minCoeff() > std::sqrt(std::numeric_limits<Scalar>::epsilon()) * diag.maxCoeff())
      return llt.solve(g);
  }
  return psd_pseudo_inverse(H) * g;
}

}  // namespace southwell
