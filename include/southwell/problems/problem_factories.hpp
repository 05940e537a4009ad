#pragma once
// Convenience constructors for the ready-made problem families. The matrix is viewed, not
// copied: it must outlive the problem.
//
//   auto problem = southwell::least_squares(A, b);          // A sparse (CSC) or dense
//   auto problem = southwell::logistic_regression(A, y, l2);
//   auto problem = southwell::softmax_regression(A, labels, K, l2);
#include <Eigen/SparseCore>
#include <vector>

#include "southwell/design/dense_design.hpp"
#include "southwell/design/sparse_design.hpp"
#include "southwell/problems/glm_problem.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/softmax_loss.hpp"
#include "southwell/problems/squared_loss.hpp"

namespace southwell {

template <class Scalar, class StorageIndex>
auto least_squares(const Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex>& A, Vec<Scalar> b, Scalar l2 = 0) {
  return GlmProblem<SparseDesign<Scalar, StorageIndex>, SquaredLoss<Scalar>>(
      SparseDesign<Scalar, StorageIndex>(A), SquaredLoss<Scalar>(std::move(b)), l2);
}
template <class Scalar>
auto least_squares(const Mat<Scalar>& A, Vec<Scalar> b, Scalar l2 = 0) {
  return GlmProblem<DenseDesign<Scalar>, SquaredLoss<Scalar>>(DenseDesign<Scalar>(A), SquaredLoss<Scalar>(std::move(b)), l2);
}

template <class Scalar, class StorageIndex>
auto logistic_regression(const Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex>& A, Vec<Scalar> y,
                         Scalar l2 = 0) {
  return GlmProblem<SparseDesign<Scalar, StorageIndex>, LogisticLoss<Scalar>>(
      SparseDesign<Scalar, StorageIndex>(A), LogisticLoss<Scalar>(std::move(y)), l2);
}
template <class Scalar>
auto logistic_regression(const Mat<Scalar>& A, Vec<Scalar> y, Scalar l2 = 0) {
  return GlmProblem<DenseDesign<Scalar>, LogisticLoss<Scalar>>(DenseDesign<Scalar>(A), LogisticLoss<Scalar>(std::move(y)), l2);
}

template <class Scalar, class StorageIndex>
auto softmax_regression(const Eigen::SparseMatrix<Scalar, Eigen::ColMajor, StorageIndex>& A, std::vector<Index> labels,
                        Index classes, Scalar l2 = 0) {
  return GlmProblem<SparseDesign<Scalar, StorageIndex>, SoftmaxLoss<Scalar>>(
      SparseDesign<Scalar, StorageIndex>(A), SoftmaxLoss<Scalar>(std::move(labels), classes), l2);
}
template <class Scalar>
auto softmax_regression(const Mat<Scalar>& A, std::vector<Index> labels, Index classes, Scalar l2 = 0) {
  return GlmProblem<DenseDesign<Scalar>, SoftmaxLoss<Scalar>>(DenseDesign<Scalar>(A),
                                                             SoftmaxLoss<Scalar>(std::move(labels), classes), l2);
}

}  // namespace southwell
