#pragma once
// Small dense linear algebra on one block (tau x tau): largest eigenvalue and PSD solves.
#include <Eigen/Cholesky>
#include <Eigen/Eigenvalues>
#include <cmath>
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

/// s_k = 1 / sqrt(H_kk), or 0 where H_kk is 0 (an all-zero column) or not finite. diag(s) H diag(s)
/// has a unit diagonal, so the near-singularity tests below see the block's geometry rather than
/// its columns' scales: a block mixing columns scaled by 1e150 and 1e-150 is solved as well as
/// one of unit columns, and every step is invariant to column scaling.
template <class Scalar>
Vec<Scalar> jacobi_scaling(const Mat<Scalar>& H) {
  Vec<Scalar> s(H.rows());
  for (Index k = 0; k < H.rows(); ++k) {
    const Scalar h = H(k, k);
    s[k] = h > 0 && std::isfinite(h) ? 1 / std::sqrt(h) : Scalar(0);
  }
  return s;
}

namespace detail {

/// diag(s) H diag(s), with a 1 on the diagonal where s is 0 (that coordinate's row is zero for a
/// PSD H, and its right-hand side will be scaled to 0, so it gets no step). The other diagonal
/// entries are computed like the rest, not set to 1: duplicate columns must stay exactly
/// singular, or Cholesky would pass them with a pivot of rounding size.
template <class Scalar>
Mat<Scalar> unit_diagonal(const Mat<Scalar>& H, const Vec<Scalar>& s) {
  Mat<Scalar> S = s.asDiagonal() * H * s.asDiagonal();
  for (Index k = 0; k < S.rows(); ++k)
    if (s[k] == 0) S(k, k) = 1;
  return S;
}

template <class Scalar>
Mat<Scalar> eigen_pseudo_inverse(const Mat<Scalar>& H) {
  Eigen::SelfAdjointEigenSolver<Mat<Scalar>> eig(H);
  const Vec<Scalar>& lambda = eig.eigenvalues();
  const Scalar cutoff = std::max(lambda.cwiseAbs().maxCoeff(), Scalar(0)) * Scalar(H.rows()) *
                        std::numeric_limits<Scalar>::epsilon();
  Vec<Scalar> inv(lambda.size());
  for (Index k = 0; k < lambda.size(); ++k) inv[k] = lambda[k] > cutoff ? 1 / lambda[k] : 0;
  return eig.eigenvectors() * inv.asDiagonal() * eig.eigenvectors().transpose();
}

}  // namespace detail

/// A generalised inverse of a symmetric positive semi-definite matrix: diag(s) S^+ diag(s) with
/// S the Jacobi-scaled H. Singular blocks (duplicate or all-zero columns) get a finite step that
/// still minimises the block's quadratic model, instead of an infinite one.
template <class Scalar>
Mat<Scalar> psd_pseudo_inverse(const Mat<Scalar>& H) {
  const Vec<Scalar> s = jacobi_scaling(H);
  return s.asDiagonal() * detail::eigen_pseudo_inverse(detail::unit_diagonal(H, s)) * s.asDiagonal();
}

/// d = H^+ g for symmetric PSD H (as psd_pseudo_inverse): Cholesky of the Jacobi-scaled H when it
/// is safely positive definite, else its pseudo-inverse.
template <class Scalar>
Vec<Scalar> psd_solve(const Mat<Scalar>& H, const Vec<Scalar>& g) {
  const Vec<Scalar> s = jacobi_scaling(H);
  const Mat<Scalar> S = detail::unit_diagonal(H, s);
  const Vec<Scalar> rhs = s.cwiseProduct(g);
  Eigen::LLT<Mat<Scalar>> llt(S);
  if (llt.info() == Eigen::Success) {
    const Vec<Scalar> diag = llt.matrixL().toDenseMatrix().diagonal();
    // A tiny pivot means near-singular: the Cholesky solve would amplify rounding errors.
    if (diag.minCoeff() > std::sqrt(std::numeric_limits<Scalar>::epsilon()) * diag.maxCoeff())
      return s.cwiseProduct(llt.solve(rhs));
  }
  return s.cwiseProduct(detail::eigen_pseudo_inverse(S) * rhs);
}

}  // namespace southwell
