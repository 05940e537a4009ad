// southwell._mpi: the distributed solver for Python programs run under mpirun. The communicator
// arrives as its Fortran handle (mpi4py's Comm.py2f()), so that this module needs MPI but not
// mpi4py's headers; the package's southwell.distributed module is the interface.
#include <mpi.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <string>

#include "error_translation.hpp"
#include "southwell/distributed/distributed_solver.hpp"
#include "southwell/distributed/feature_partition.hpp"
#include "southwell/distributed/mpi_communicator.hpp"
#include "southwell/distributed/mpi_inputs.hpp"
#include "southwell/problems/logistic_loss.hpp"
#include "southwell/problems/squared_loss.hpp"

namespace py = pybind11;
namespace dist = southwell::distributed;
using southwell::Index;

namespace {

using IntArray = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;
using DoubleArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

MPI_Comm communicator(std::int64_t handle) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) throw southwell::InvalidArgument("MPI is not initialised: import mpi4py.MPI first");
  return MPI_Comm_f2c(MPI_Fint(handle));
}

template <class T>
py::array_t<T> copy_of(const T* data, Index size) {
  py::array_t<T> out(size);
  std::copy(data, data + size, out.mutable_data());
  return out;
}

py::dict share_to_python(const dist::LocalShare& share) {
  const auto& A = share.A;
  py::dict d;
  d["indptr"] = copy_of(A.outerIndexPtr(), A.cols() + 1);
  d["indices"] = copy_of(A.innerIndexPtr(), A.nonZeros());
  d["data"] = copy_of(A.valuePtr(), A.nonZeros());
  d["shape"] = py::make_tuple(A.rows(), A.cols());
  d["targets"] = copy_of(share.targets.data(), Index(share.targets.size()));
  d["first"] = share.first;
  d["columns"] = share.columns;
  return d;
}

template <class Loss>
py::dict solve_with(const dist::SparseMatrixD& A, const DoubleArray& targets, const dist::Options& options,
                    MPI_Comm comm) {
  const Loss loss(Eigen::Map<const southwell::Vec<double>>(targets.data(), targets.size()));
  dist::MpiCommunicator mpi(comm);
  southwell::Vec<double> x;
  dist::Result r;
  {
    py::gil_scoped_release release;
    r = dist::solve(A, loss, options, mpi, x);
  }
  py::dict d;
  d["x_local"] = copy_of(x.data(), x.size());
  d["status"] = std::string(southwell::to_string(r.status));
  d["message"] = r.message;
  d["rounds"] = r.rounds;
  d["coordinate_updates"] = r.coordinate_updates;
  d["objective"] = r.objective;
  d["initial_objective"] = r.initial_objective;
  d["initial_violation"] = r.initial_violation;
  d["final_violation"] = r.final_violation;
  d["support_size"] = r.support_size;
  d["support_identified_at"] = r.support_identified_at;
  d["seconds"] = r.seconds;
  d["compute_seconds"] = r.timing.compute;
  d["wait_seconds"] = r.timing.wait;
  d["communicate_seconds"] = r.timing.communicate;
  d["processes"] = r.processes;
  d["sigma"] = r.sigma;
  return d;
}

py::dict solve(const std::string& problem, const IntArray& indptr, const IntArray& indices, const DoubleArray& data,
               Index rows, const DoubleArray& targets, double l1, double l2, double tol, Index max_rounds,
               double time_limit, double sigma, Index local_epochs, double local_tolerance, Index working_set,
               bool measure_wait, bool verbose, std::int64_t comm_handle) {
  const Index cols = indptr.size() - 1;
  if (cols < 0 || indices.size() != data.size() || rows < 0 || targets.size() != rows)
    throw southwell::InvalidArgument("inconsistent CSC arrays or targets");
  const std::int32_t* p = indptr.data();
  if (p[0] != 0 || p[cols] != indices.size())
    throw southwell::InvalidArgument("indptr must start at 0 and end at the number of nonzeros");
  for (Index j = 0; j < cols; ++j)
    if (p[j] > p[j + 1]) throw southwell::InvalidArgument("indptr must not decrease");
  for (Index k = 0; k < indices.size(); ++k)
    if (indices.data()[k] < 0 || indices.data()[k] >= rows) throw southwell::InvalidArgument("a row index is out of range");
  const Eigen::Map<const dist::SparseMatrixD> view(rows, cols, indices.size(), p, indices.data(), data.data());
  const dist::SparseMatrixD A = view;  // sorted and compressed, as the solver reads it
  dist::Options options;
  options.l1 = l1;
  options.l2 = l2;
  options.tol = tol;
  options.max_rounds = max_rounds;
  options.time_limit_seconds = time_limit;
  options.sigma = sigma;
  options.local_epochs = local_epochs;
  options.local_tolerance = local_tolerance;
  options.min_working_set = working_set;
  options.measure_wait = measure_wait;
  options.verbose = verbose;
  const MPI_Comm comm = communicator(comm_handle);
  if (problem == "least-squares") return solve_with<southwell::SquaredLoss<double>>(A, targets, options, comm);
  if (problem == "logistic") return solve_with<southwell::LogisticLoss<double>>(A, targets, options, comm);
  throw southwell::InvalidArgument("problem must be least-squares or logistic, got '" + problem + "'");
}

}  // namespace

PYBIND11_MODULE(_mpi, m) {
  m.doc() = "Compiled distributed solver of southwell; use southwell.distributed instead.";
  southwell::python::register_error_translation();
  // Registered after the translator above, so tried before it.
  py::register_exception<dist::ReportedElsewhere>(m, "ReportedElsewhere", PyExc_RuntimeError);
  m.def("read_share", [](const std::string& path, const std::string& problem, std::int64_t comm) {
    return share_to_python(dist::read_share(path, problem, communicator(comm)));
  });
  m.def("generate_share", [](const std::string& spec, const std::string& problem, std::int64_t comm) {
    return share_to_python(dist::generate_share(spec, problem, communicator(comm)));
  });
  m.def("balanced_column_ranges", &dist::balanced_column_ranges);
  m.def("solve", &solve, py::arg("problem"), py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("rows"),
        py::arg("targets"), py::arg("l1"), py::arg("l2"), py::arg("tol"), py::arg("max_rounds"), py::arg("time_limit"),
        py::arg("sigma"), py::arg("local_epochs"), py::arg("local_tolerance"), py::arg("working_set"),
        py::arg("measure_wait"), py::arg("verbose"), py::arg("comm"));
}
