#include "southwell/distributed/mpi_inputs.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <random>

#include "southwell/distributed/feature_partition.hpp"
#include "southwell/io/readers.hpp"

namespace southwell::distributed {
namespace {

void check_problem(const std::string& problem) {
  if (problem != "least-squares" && problem != "logistic")
    throw InvalidArgument("problem must be least-squares or logistic, got '" + problem + "'");
}

}  // namespace

LocalShare read_share(const std::string& path, const std::string& problem, MPI_Comm comm) {
  check_problem(problem);
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::vector<long long> bounds(std::size_t(size) + 1, 0);
  std::string error;
  if (rank == 0) {
    try {
      const auto shape = io::scan_libsvm(path);
      if (shape.column_nonzeros.empty()) throw ParseError(path + ": no feature values (every sample is empty)");
      const auto ranges = balanced_column_ranges(shape.column_nonzeros, size);
      bounds.assign(ranges.begin(), ranges.end());
    } catch (const Error& e) {
      error = e.what();
    }
  }
  int failed = error.empty() ? 0 : 1;
  MPI_Bcast(&failed, 1, MPI_INT, 0, comm);
  if (failed) {
    if (rank == 0) throw ParseError(error);
    throw ReportedElsewhere();
  }
  MPI_Bcast(bounds.data(), size + 1, MPI_LONG_LONG, 0, comm);

  LocalShare share;
  share.first = Index(bounds[std::size_t(rank)]);
  share.columns = Index(bounds[std::size_t(size)]);
  try {
    auto data = io::read_libsvm_columns(path, share.first, Index(bounds[std::size_t(rank) + 1]));
    share.targets = problem == "logistic" ? io::logistic_targets(data, path) : data.labels;
    share.A = std::move(data.X);
  } catch (const Error& e) {
    error = e.what();
  }
  // The lowest failing process reports; the others stop quietly.
  int reporter = error.empty() ? size : rank;
  MPI_Allreduce(MPI_IN_PLACE, &reporter, 1, MPI_INT, MPI_MIN, comm);
  if (reporter < size) {
    if (reporter == rank) throw ParseError(error);
    throw ReportedElsewhere();
  }
  return share;
}

LocalShare generate_share(const std::string& spec, const std::string& problem, MPI_Comm comm) {
  check_problem(problem);
  long long rows = 0, columns = 0, per_column = 0, seed = 1;
  char tail = 0;
  const int fields = std::sscanf(spec.c_str(), "%lld,%lld,%lld%c%lld", &rows, &columns, &per_column, &tail, &seed);
  if (!((fields == 3 || (fields == 5 && tail == ',')) && rows > 0 && columns > 0 && per_column > 0 &&
        per_column <= rows && rows < std::numeric_limits<int>::max() && columns < std::numeric_limits<int>::max()))
    throw InvalidArgument("generate '" + spec +
                          "': expected ROWS,COLUMNS,NONZEROS_PER_COLUMN[,SEED] with 0 < NONZEROS_PER_COLUMN <= ROWS");
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  LocalShare share;
  share.columns = Index(columns);
  share.first = Index(columns * rank / size);
  const Index mine = Index(columns * (rank + 1) / size) - share.first;
  if (double(mine) * double(per_column) >= double(std::numeric_limits<int>::max()))
    throw InvalidArgument("generate '" + spec + "': a process's share has more than 2^31 nonzeros; use more processes");
  // Written straight into the compressed matrix: every column has exactly per_column entries, so
  // the storage is allocated once, at its final size (12 bytes per nonzero, no staging copy).
  share.A.resize(Index(rows), mine);
  share.A.resizeNonZeros(mine * Index(per_column));
  int* outer = share.A.outerIndexPtr();
  int* inner = share.A.innerIndexPtr();
  double* values = share.A.valuePtr();
  std::vector<int> picked;
  std::vector<double> targets(std::size_t(rows), 0.0);
  outer[0] = 0;
  for (Index c = 0; c < mine; ++c) {
    std::seed_seq seq{std::uint64_t(seed), std::uint64_t(share.first + c)};
    std::mt19937_64 rng(seq);
    std::uniform_int_distribution<long long> row_of(0, rows - 1);
    std::normal_distribution<double> normal;
    picked.clear();
    while (Index(picked.size()) < per_column) {  // distinct rows: draw, sort, drop repeats, top up
      for (Index k = Index(picked.size()); k < per_column; ++k) picked.push_back(int(row_of(rng)));
      std::sort(picked.begin(), picked.end());
      picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    }
    const double planted = std::uniform_real_distribution<double>()(rng) < 0.1 ? normal(rng) : 0.0;
    Index p = outer[c];
    for (const int i : picked) {
      const double a = normal(rng);
      inner[p] = i;
      values[p++] = a;
      targets[std::size_t(i)] += a * planted;
    }
    outer[c + 1] = int(p);
  }
  for (long long offset = 0; offset < rows; offset += 1 << 30)
    MPI_Allreduce(MPI_IN_PLACE, targets.data() + offset, int(std::min<long long>(1 << 30, rows - offset)), MPI_DOUBLE,
                  MPI_SUM, comm);
  std::mt19937_64 noise_rng(std::uint64_t(seed) ^ 0x5eedULL);
  std::normal_distribution<double> noise(0.0, 0.5);
  for (double& t : targets) {
    t += noise(noise_rng);
    if (problem == "logistic") t = t >= 0 ? 1.0 : -1.0;
  }
  share.targets = std::move(targets);
  return share;
}

std::vector<double> gather_solution(const Vec<double>& x_local, Index columns, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::vector<int> counts(std::size_t(size), 0), offsets(std::size_t(size), 0);
  const int mine = int(x_local.size());
  MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm);
  for (int k = 1; k < size; ++k) offsets[std::size_t(k)] = offsets[std::size_t(k) - 1] + counts[std::size_t(k) - 1];
  std::vector<double> x(rank == 0 ? std::size_t(columns) : 0);
  MPI_Gatherv(x_local.data(), mine, MPI_DOUBLE, x.data(), counts.data(), offsets.data(), MPI_DOUBLE, 0, comm);
  return x;
}

}  // namespace southwell::distributed
