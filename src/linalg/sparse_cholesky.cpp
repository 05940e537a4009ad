#include "southwell/linalg/sparse_cholesky.hpp"

#include <cholmod.h>

#include <cstring>
#include <string>

#include "southwell/core/errors.hpp"

namespace southwell {

struct SparseCholesky::Impl {
  cholmod_common common;
  cholmod_factor* factor = nullptr;
  Index n = 0;
  Impl() { cholmod_start(&common); }
  ~Impl() {
    if (factor) cholmod_free_factor(&factor, &common);
    cholmod_finish(&common);
  }
};

SparseCholesky::SparseCholesky(const Eigen::SparseMatrix<double, Eigen::ColMajor, int>& A) : impl_(new Impl) {
  if (A.rows() != A.cols()) throw InvalidArgument("SparseCholesky: matrix must be square");
  Eigen::SparseMatrix<double, Eigen::ColMajor, int> lower = A.triangularView<Eigen::Lower>();
  lower.makeCompressed();
  impl_->n = A.rows();
  cholmod_sparse view{};
  view.nrow = view.ncol = std::size_t(A.rows());
  view.nzmax = std::size_t(lower.nonZeros());
  view.p = lower.outerIndexPtr();
  view.i = lower.innerIndexPtr();
  view.x = lower.valuePtr();
  view.stype = -1;  // symmetric, lower triangle stored
  view.itype = CHOLMOD_INT;
  view.xtype = CHOLMOD_REAL;
  view.dtype = CHOLMOD_DOUBLE;
  view.sorted = 1;
  view.packed = 1;
  cholmod_common* c = &impl_->common;
  c->print = 0;
  c->error_handler = nullptr;
  impl_->factor = cholmod_analyze(&view, c);
  if (!impl_->factor || !cholmod_factorize(&view, impl_->factor, c) || c->status == CHOLMOD_NOT_POSDEF)
    throw InvalidArgument("SparseCholesky: matrix is not positive definite (CHOLMOD status " +
                          std::to_string(c->status) + ")");
}

SparseCholesky::~SparseCholesky() = default;

Vec<double> SparseCholesky::solve(const Vec<double>& b) const {
  if (b.size() != impl_->n) throw InvalidArgument("SparseCholesky::solve: right-hand side has the wrong size");
  cholmod_common* c = &impl_->common;
  cholmod_dense* rhs = cholmod_allocate_dense(std::size_t(b.size()), 1, std::size_t(b.size()), CHOLMOD_REAL, c);
  std::memcpy(rhs->x, b.data(), sizeof(double) * std::size_t(b.size()));
  cholmod_dense* sol = cholmod_solve(CHOLMOD_A, impl_->factor, rhs, c);
  Vec<double> x(b.size());
  std::memcpy(x.data(), sol->x, sizeof(double) * std::size_t(b.size()));
  cholmod_free_dense(&rhs, c);
  cholmod_free_dense(&sol, c);
  return x;
}

}  // namespace southwell
