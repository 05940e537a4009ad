#pragma once
// Inputs of a distributed solve, each process holding only its own columns (needs <mpi.h>; the
// compiled part is the southwell::mpi library).
#include <mpi.h>

#include <string>
#include <vector>

#include "southwell/core/errors.hpp"
#include "southwell/distributed/distributed_solver.hpp"

namespace southwell::distributed {

/// Thrown by the processes that stop because another one failed and reported why (the one that
/// found the problem throws the real error).
struct ReportedElsewhere : Error {
  ReportedElsewhere() : Error("failed on another process") {}
};

/// This process's columns of the design and every sample's target.
struct LocalShare {
  SparseMatrixD A;               ///< rows x (this process's columns)
  std::vector<double> targets;   ///< one per row: b (least squares) or +-1 (logistic)
  Index columns = 0;             ///< columns of the whole design
  Index first = 0;               ///< the whole design's index of local column 0
};

/// Reads this process's share of a LIBSVM file. Process 0 scans the file once (nonzeros per
/// column: O(features) memory) and broadcasts contiguous column ranges of nearly equal nonzeros;
/// then every process parses the file keeping only its columns. Memory per process: its share of
/// the nonzeros (12 bytes each, plus 16 while reading) and 8 bytes per sample. `problem` is
/// "least-squares" (labels are targets) or "logistic" (labels all -1/+1 or all 0/1). A bad file
/// stops every process: the one that found the error throws ParseError, the others
/// ReportedElsewhere. Collective.
LocalShare read_share(const std::string& path, const std::string& problem, MPI_Comm comm);

/// A reproducible random problem, "ROWS,COLUMNS,NONZEROS_PER_COLUMN[,SEED]", each process
/// generating only its columns (an even split): column j has NONZEROS_PER_COLUMN distinct rows
/// with N(0, 1) values drawn from a stream seeded by (SEED, j); 10% of the planted coefficients
/// are N(0, 1); targets are A x_planted + N(0, 1/4) noise, or their signs for "logistic".
/// InvalidArgument for a malformed spec (on every process alike). Collective.
LocalShare generate_share(const std::string& spec, const std::string& problem, MPI_Comm comm);

/// The whole solution on process 0 (empty elsewhere), from the processes' local parts in rank
/// order. Collective.
std::vector<double> gather_solution(const Vec<double>& x_local, Index columns, MPI_Comm comm);

}  // namespace southwell::distributed
