"""Distributed block coordinate descent under MPI (mpi4py), for programs started by ``mpirun``.

Every process calls :func:`solve` with the same arguments; each keeps only its share of the
columns (a contiguous range holding about 1/P of the nonzeros) and a copy of the margins. The
algorithm is the one of ``southwell-mpi`` (docs/distributed.md)::

    # mpirun -np 4 python3 fit.py
    from mpi4py import MPI
    from southwell import distributed
    result = distributed.solve("logistic", data="train.svm", l1=1.0)
    if MPI.COMM_WORLD.rank == 0:
        print(result.summary_line())

or, as a command with southwell-mpi's flags and summary line::

    mpirun -np 4 python3 -m southwell.distributed --problem logistic --data train.svm --l1 1
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import sys

import numpy as np

__all__ = ["DistributedResult", "solve", "main"]


@dataclasses.dataclass
class DistributedResult:
    """The outcome, identical on every process except ``x_local`` and the timings."""

    x: np.ndarray  #: the whole solution (every process)
    x_local: np.ndarray  #: this process's coefficients
    first: int  #: index in x of x_local[0]
    status: str  #: converged, max-iterations, time-limit or numerical-failure
    message: str
    objective: float
    initial_objective: float
    rounds: int
    coordinate_updates: int  #: over all processes
    support_size: int
    support_identified_at: int
    initial_violation: float
    final_violation: float
    seconds: float
    compute_seconds: float  #: this process's local work
    wait_seconds: float  #: this process's waiting in barriers (with measure_wait)
    communicate_seconds: float  #: this process's time inside reductions
    ranks: int
    sigma: float

    @property
    def converged(self) -> bool:
        return self.status == "converged"

    def summary_line(self) -> str:
        """southwell-mpi's last line."""
        return (f"status={self.status} iterations={self.coordinate_updates} objective={self.objective:.17g} "
                f"seconds={self.seconds:.6f} support={self.support_size} "
                f"identified_at={self.support_identified_at} ranks={self.ranks} rounds={self.rounds}")


def _mpi():
    try:
        from mpi4py import MPI
    except ImportError as e:  # pragma: no cover - depends on the machine
        raise ImportError("southwell.distributed needs mpi4py (Debian: apt-get install python3-mpi4py)") from e
    return MPI


def _compiled():
    try:
        from . import _mpi as compiled
    except ImportError as e:  # pragma: no cover - depends on the build
        raise ImportError("southwell was built without MPI (configure with -DSOUTHWELL_BUILD_MPI=ON and "
                          "install openmpi-bin libopenmpi-dev)") from e
    return compiled


def _local_columns(X, y, problem, comm, compiled):
    """This process's share of an in-memory (X, y) that every process holds."""
    import scipy.sparse as sp
    if not sp.issparse(X):
        X = np.asarray(X, dtype=float)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D array or a scipy sparse matrix, got {X.ndim} dimensions")
    X = sp.csc_matrix(X, dtype=float)
    X.sum_duplicates()
    X.sort_indices()
    y = np.asarray(y, dtype=float).ravel()
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X has {X.shape[0]} rows but y has {y.shape[0]} values")
    if not np.all(np.isfinite(y)):
        raise ValueError("y holds a value that is not finite")
    if problem == "logistic":
        classes = set(np.unique(y).tolist())
        if not (classes <= {-1.0, 1.0} or classes <= {0.0, 1.0}):
            raise ValueError(f"logistic labels must be all -1/+1 or all 0/1, got {sorted(classes)[:5]}")
        y = np.where(y == 0, -1.0, y)
    bounds = compiled.balanced_column_ranges(np.diff(X.indptr).tolist(), comm.size)
    first, last = bounds[comm.rank], bounds[comm.rank + 1]
    local = X[:, first:last]
    return {"indptr": local.indptr, "indices": local.indices, "data": local.data, "shape": local.shape,
            "targets": y, "first": first, "columns": X.shape[1]}


def solve(problem: str, data: str | None = None, *, X=None, y=None, generate: str | None = None,
          l1: float = 0.0, l2: float = 0.0, tol: float = 1e-6, max_iter: int = 10000,
          time_limit: float = math.inf, sigma: float = 1.0, local_epochs: int = 50,
          local_tolerance: float = 0.01, working_set: int = 256, measure_wait: bool = False,
          verbose: bool = False, comm=None) -> DistributedResult:
    """Minimise sum_i l_i(a_i'x) + l1 ||x||_1 + (l2/2) ||x||^2 over the processes of ``comm``.

    problem: "least-squares" (l_i = (z - b_i)^2 / 2) or "logistic" (log(1 + exp(-y_i z))).
    Give exactly one source:
      data: a LIBSVM file; each process reads only its columns (process 0 scans the file first).
      X, y: a design and targets that every process holds; each keeps its columns.
      generate: "ROWS,COLUMNS,NONZEROS_PER_COLUMN[,SEED]", a random problem (southwell-mpi --generate).
    tol: KKT violation relative to its value at 0 (southwell-solve's "kkt" certificate).
    max_iter: rounds (one reduction of the margins each). sigma, local_epochs, local_tolerance,
    working_set: the local models and their coordinate descent (docs/distributed.md).
    comm: an mpi4py communicator (default MPI.COMM_WORLD). Collective: every process must call.
    Bad arguments raise ValueError on every process. A bad file raises RuntimeError on the process
    that found the problem and southwell._mpi.ReportedElsewhere (a RuntimeError) on the others.
    """
    MPI = _mpi()
    compiled = _compiled()
    comm = MPI.COMM_WORLD if comm is None else comm
    if problem not in ("least-squares", "logistic"):
        raise ValueError(f"problem must be 'least-squares' or 'logistic', got {problem!r}")
    sources = [data is not None, X is not None or y is not None, generate is not None]
    if sum(sources) != 1:
        raise ValueError("give exactly one of data=, (X=, y=) and generate=")
    if (X is None) != (y is None):
        raise ValueError("X and y go together")
    handle = comm.py2f()
    if data is not None:
        share = compiled.read_share(str(data), problem, handle)
    elif generate is not None:
        share = compiled.generate_share(str(generate), problem, handle)
    else:
        share = _local_columns(X, y, problem, comm, compiled)
    out = compiled.solve(problem, share["indptr"], share["indices"], share["data"], share["shape"][0],
                         share["targets"], float(l1), float(l2), float(tol), int(max_iter), float(time_limit),
                         float(sigma), int(local_epochs), float(local_tolerance), int(working_set),
                         bool(measure_wait), bool(verbose), handle)
    x_local = out["x_local"]
    counts = comm.allgather(x_local.size)
    x = np.empty(int(share["columns"]))
    comm.Allgatherv(x_local, [x, counts])
    return DistributedResult(
        x=x, x_local=x_local, first=int(share["first"]), status=out["status"], message=out["message"],
        objective=out["objective"], initial_objective=out["initial_objective"], rounds=out["rounds"],
        coordinate_updates=out["coordinate_updates"], support_size=out["support_size"],
        support_identified_at=out["support_identified_at"], initial_violation=out["initial_violation"],
        final_violation=out["final_violation"], seconds=out["seconds"], compute_seconds=out["compute_seconds"],
        wait_seconds=out["wait_seconds"], communicate_seconds=out["communicate_seconds"],
        ranks=out["processes"], sigma=out["sigma"])


def main(argv=None) -> int:
    """``python3 -m southwell.distributed``: southwell-mpi's flags, summary line and exit codes."""
    parser = argparse.ArgumentParser(prog="python3 -m southwell.distributed",
                                     description="Distributed block coordinate descent (run under mpirun).")
    parser.add_argument("--problem", required=True, choices=["least-squares", "logistic"])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--data", help="LIBSVM file; each process keeps its columns")
    source.add_argument("--generate", help="ROWS,COLUMNS,NONZEROS_PER_COLUMN[,SEED]")
    parser.add_argument("--l1", type=float, default=0.0)
    parser.add_argument("--l2", type=float, default=0.0)
    parser.add_argument("--tol", type=float, default=1e-6)
    parser.add_argument("--max-iter", type=int, default=10000, help="rounds")
    parser.add_argument("--time-limit", type=float, default=math.inf)
    parser.add_argument("--sigma", type=float, default=1.0)
    parser.add_argument("--local-epochs", type=int, default=50)
    parser.add_argument("--local-tolerance", type=float, default=0.01)
    parser.add_argument("--working-set", type=int, default=256)
    parser.add_argument("--output", help="write the solution, one value per line (process 0)")
    parser.add_argument("--verbose", action="store_true")
    MPI = _mpi()
    rank = MPI.COMM_WORLD.rank
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse prints on every process; that is acceptable for usage errors
        return int(e.code or 0)
    try:
        result = solve(args.problem, data=args.data, generate=args.generate, l1=args.l1, l2=args.l2, tol=args.tol,
                       max_iter=args.max_iter, time_limit=args.time_limit, sigma=args.sigma,
                       local_epochs=args.local_epochs, local_tolerance=args.local_tolerance,
                       working_set=args.working_set, verbose=args.verbose)
    except _compiled().ReportedElsewhere:  # another process found the error and reported it
        return 2
    except ValueError as e:  # bad arguments: every process sees them alike, process 0 reports
        if rank == 0:
            print(f"southwell.distributed: {e}", file=sys.stderr)
        return 2
    except RuntimeError as e:  # a bad file: reported by the process that read it
        print(f"southwell.distributed: {e}", file=sys.stderr)
        return 2
    if rank == 0:
        if args.output:
            np.savetxt(args.output, result.x, fmt="%.17g")
        if result.message:
            print(f"southwell.distributed: {result.message}", file=sys.stderr)
        print(result.summary_line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
