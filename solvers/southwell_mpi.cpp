// southwell-mpi: feature-partitioned distributed block coordinate descent (least squares,
// logistic; l1, l2, elastic net) under MPI. Every process reads only its share of the columns.
//   mpirun -np P southwell-mpi --problem least-squares --data FILE [--l1 L] [--l2 L] [--tol T]
//          [--max-iter N] [--output x.txt]
// The last line of standard output is southwell-solve's summary plus "ranks=P rounds=R".
#include <CLI/CLI.hpp>
#include <mpi.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "southwell/distributed/distributed_solver.hpp"
#include "southwell/distributed/mpi_communicator.hpp"
#include "southwell/distributed/mpi_inputs.hpp"
#include "southwell/io/readers.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/squared_loss.hpp"

namespace sw = southwell;
namespace dist = southwell::distributed;
using sw::Index;

namespace {

struct Arguments {
  std::string problem, data, output, generate, timing;
  double l1 = 0, l2 = 0, tol = 1e-6, sigma = 1, local_tolerance = 0.01, time_limit = std::numeric_limits<double>::infinity();
  Index max_iter = 10000, local_epochs = 50, working_set = 256;
  bool verbose = false, no_momentum = false;
};

int parse(int argc, char** argv, Arguments& args, bool print) {
  CLI::App app{"southwell-mpi: distributed block coordinate descent (run under mpirun)"};
  app.add_option("--problem", args.problem, "least-squares or logistic")
      ->required()
      ->check(CLI::IsMember({"least-squares", "logistic"}));
  app.add_option("--data", args.data, "LIBSVM/svmlight file (rows are samples); each process keeps its columns");
  app.add_option("--generate", args.generate,
                 "ROWS,COLUMNS,NONZEROS_PER_COLUMN[,SEED]: a random problem, each process generating its columns");
  app.add_option("--l1", args.l1, "add l1 ||x||_1 (default 0)")->check(CLI::NonNegativeNumber);
  app.add_option("--l2", args.l2, "add (l2/2)||x||^2 (default 0)")->check(CLI::NonNegativeNumber);
  app.add_option("--tol", args.tol, "stop when the KKT violation <= tol times its value at 0 (default 1e-6)")
      ->check(CLI::PositiveNumber);
  app.add_option("--max-iter", args.max_iter, "maximum number of rounds (default 10000)")->check(CLI::NonNegativeNumber);
  app.add_option("--time-limit", args.time_limit, "seconds (default: none)")->check(CLI::PositiveNumber);
  app.add_option("--sigma", args.sigma, "curvature multiplier of the local models: 1 (default, with line search) or 0 = number of processes (CoCoA+)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--local-epochs", args.local_epochs, "coordinate descent epochs per round, at most (default 50)")
      ->check(CLI::PositiveNumber);
  app.add_option("--local-tolerance", args.local_tolerance,
                 "a round's epochs stop when the largest scaled step is this fraction of the first epoch's (default 0.01)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--working-set", args.working_set, "least violating coordinates added per process and round (default 256)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--no-momentum", args.no_momentum, "plain rounds, without the safeguarded extrapolation");
  app.add_option("--output", args.output, "write the solution, one value per line (process 0 gathers it)");
  app.add_option("--timing", args.timing,
                 "write CSV rank,rounds,compute,wait,communicate,columns,nonzeros,peak_rss_mb (seconds over the solve; "
                 "columns = the part of compute over the local columns, which read `nonzeros`; barriers before "
                 "reductions measure the wait)");
  app.add_flag("--verbose", args.verbose, "progress lines on standard error (process 0)");
  try {
    app.parse(argc, argv);
    if (args.data.empty() == args.generate.empty()) throw CLI::ValidationError("give exactly one of --data and --generate");
  } catch (const CLI::ParseError& e) {
    if (print) return app.exit(e);
    return e.get_exit_code();
  }
  return -1;
}

template <class Loss>
dist::Result solve_local(const dist::LocalShare& local, const dist::Options& options, MPI_Comm comm, sw::Vec<double>& x) {
  dist::MpiCommunicator communicator(comm);
  const Loss loss(Eigen::Map<const sw::Vec<double>>(local.targets.data(), Index(local.targets.size())));
  return dist::solve(local.A, loss, options, communicator, x);
}

int run(const Arguments& args, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  for (const auto& [flag, value] : {std::pair<const char*, double>{"--l1", args.l1}, {"--l2", args.l2}, {"--tol", args.tol}})
    if (!std::isfinite(value)) throw sw::InvalidArgument(std::string(flag) + " must be finite");
  dist::Options options;
  options.l1 = args.l1;
  options.l2 = args.l2;
  options.tol = args.tol;
  options.max_rounds = args.max_iter;
  options.time_limit_seconds = args.time_limit;
  options.sigma = args.sigma;
  options.local_epochs = args.local_epochs;
  options.local_tolerance = args.local_tolerance;
  options.min_working_set = args.working_set;
  options.measure_wait = !args.timing.empty();
  options.momentum = !args.no_momentum;
  options.verbose = args.verbose;
  options.validate();

  const dist::LocalShare local =
      args.generate.empty() ? dist::read_share(args.data, args.problem, comm) : dist::generate_share(args.generate, args.problem, comm);
  sw::Vec<double> x;
  const dist::Result result = args.problem == "logistic" ? solve_local<sw::LogisticLoss<double>>(local, options, comm, x)
                                                         : solve_local<sw::SquaredLoss<double>>(local, options, comm, x);

  const std::vector<double> x_full = dist::gather_solution(x, local.columns, comm);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);  // ru_maxrss: kilobytes on Linux
  constexpr int kFields = 7;
  double times[kFields] = {double(result.rounds), result.timing.compute, result.timing.wait, result.timing.communicate,
                           result.timing.columns, result.timing.nonzeros, double(usage.ru_maxrss) / 1024.0};
  std::vector<double> all_times(rank == 0 ? std::size_t(kFields * size) : 0);
  MPI_Gather(times, kFields, MPI_DOUBLE, all_times.data(), kFields, MPI_DOUBLE, 0, comm);
  if (rank != 0) return 0;

  if (!args.output.empty()) sw::io::write_vector(args.output, x_full.data(), Index(x_full.size()));
  if (!args.timing.empty()) {
    std::FILE* out = std::fopen(args.timing.c_str(), "w");
    if (!out) throw sw::Error(args.timing + ": cannot open for writing");
    std::fprintf(out, "rank,rounds,compute,wait,communicate,columns,nonzeros,peak_rss_mb\n");
    for (int k = 0; k < size; ++k) {
      const double* t = &all_times[std::size_t(kFields * k)];
      std::fprintf(out, "%d,%.0f,%.6f,%.6f,%.6f,%.6f,%.0f,%.1f\n", k, t[0], t[1], t[2], t[3], t[4], t[5], t[6]);
    }
    if (std::fclose(out) != 0) throw sw::Error(args.timing + ": write failed");
  }
  if (!result.message.empty()) std::cerr << "southwell-mpi: " << result.message << '\n';
  std::printf("status=%s iterations=%lld objective=%.17g seconds=%.6f support=%lld identified_at=%lld ranks=%d rounds=%lld\n",
              std::string(sw::to_string(result.status)).c_str(), static_cast<long long>(result.coordinate_updates),
              result.objective, result.seconds, static_cast<long long>(result.support_size),
              static_cast<long long>(result.support_identified_at), size, static_cast<long long>(result.rounds));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  Arguments args;
  int exit_code = parse(argc, argv, args, rank == 0);
  if (exit_code < 0) {
    // Bad arguments are seen alike by every process: process 0 reports them. A file that fails to
    // read is reported by the process that found it.
    try {
      exit_code = run(args, MPI_COMM_WORLD);
    } catch (const dist::ReportedElsewhere&) {
      exit_code = 2;
    } catch (const sw::InvalidArgument& e) {
      if (rank == 0) std::cerr << "southwell-mpi: " << e.what() << '\n';
      exit_code = 2;
    } catch (const sw::Error& e) {
      std::cerr << "southwell-mpi: " << e.what() << '\n';
      exit_code = 2;
    } catch (const std::exception& e) {
      std::cerr << "southwell-mpi: unexpected error on process " << rank << ": " << e.what() << '\n';
      MPI_Abort(MPI_COMM_WORLD, 3);
    }
  }
  MPI_Finalize();
  return exit_code;
}
