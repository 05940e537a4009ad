#pragma once
// The communicator of distributed::solve over MPI (needs <mpi.h>: link MPI::MPI_CXX).
#include <mpi.h>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string>

#include "southwell/core/errors.hpp"

namespace southwell::distributed {

/// All-reductions over an MPI communicator (not owned). MPI's default error handler aborts the
/// job on a communication failure, which is what a collective algorithm wants: a process that
/// threw alone would leave the others waiting in the next reduction.
class MpiCommunicator {
 public:
  explicit MpiCommunicator(MPI_Comm comm) : comm_(comm) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) throw InvalidArgument("MpiCommunicator: MPI is not initialised (call MPI_Init first)");
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
  }
  int rank() const { return rank_; }
  int size() const { return size_; }
  void sum(double* data, std::size_t count) { reduce(data, count, MPI_SUM); }
  void max(double* data, std::size_t count) { reduce(data, count, MPI_MAX); }
  void barrier() { MPI_Barrier(comm_); }
  MPI_Comm get() const { return comm_; }

 private:
  void reduce(double* data, std::size_t count, MPI_Op op) {
    // MPI counts are ints: long vectors go in pieces.
    constexpr std::size_t kPiece = std::size_t(std::numeric_limits<int>::max() / 2);
    for (std::size_t offset = 0; offset < count; offset += kPiece) {
      const int piece = int(std::min(kPiece, count - offset));
      MPI_Allreduce(MPI_IN_PLACE, data + offset, piece, MPI_DOUBLE, op, comm_);
    }
  }

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
};

}  // namespace southwell::distributed
