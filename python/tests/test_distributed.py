"""The distributed solver under mpirun (1, 2 and 4 processes, oversubscribed on small machines):
southwell-mpi and southwell.distributed reach the single-process optimum (southwell-solve, and
scikit-learn for the lasso) to 1e-8 relative objective, satisfy the KKT conditions computed here
from the data, and give bitwise the same x when run again with the same number of processes.
Needs Open MPI (openmpi-bin) and mpi4py (python3-mpi4py); skips with the reason when absent."""
import os
import pathlib
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

import southwell

MPIRUN = shutil.which("mpirun")
BIN = pathlib.Path(southwell.__file__).resolve().parents[2] / "bin"
SOLVE_MPI = BIN / "southwell-mpi"
SOLVE = BIN / "southwell-solve"
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

pytestmark = [
    pytest.mark.skipif(MPIRUN is None, reason="needs mpirun (apt-get install openmpi-bin)"),
    pytest.mark.skipif(not SOLVE_MPI.exists(), reason=f"needs {SOLVE_MPI} (built with -DSOUTHWELL_BUILD_MPI=ON)"),
]

SUMMARY = re.compile(r"^status=(\S+) iterations=(\d+) objective=(\S+) seconds=(\S+) support=(\d+) "
                     r"identified_at=(-?\d+) ranks=(\d+) rounds=(\d+)$")


def mpi_env():
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(BIN.parent / "python"))
    if os.geteuid() == 0:  # Open MPI refuses root unless told (CI runs as root)
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    return env


def mpirun(processes, command, check=True):
    run = subprocess.run([MPIRUN, "-np", str(processes), "--oversubscribe", *map(str, command)],
                         capture_output=True, text=True, env=mpi_env(), timeout=300)
    if check:
        assert run.returncode == 0, run.stderr
    return run


def summary(stdout):
    match = SUMMARY.match(stdout.strip().splitlines()[-1])
    assert match, stdout
    status, iterations, objective, _, support, _, ranks, rounds = match.groups()
    return {"status": status, "iterations": int(iterations), "objective": float(objective),
            "support": int(support), "ranks": int(ranks), "rounds": int(rounds)}


def write_libsvm(path, A, b):
    A = sp.csr_matrix(A)
    with open(path, "w") as out:
        for i in range(A.shape[0]):
            row = A.getrow(i)
            items = " ".join(f"{j + 1}:{v:.17g}" for j, v in zip(row.indices, row.data))
            out.write(f"{b[i]:.17g} {items}\n")


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """A least-squares and a logistic problem, 300 x 120, ~8% dense, columns on different scales."""
    rng = np.random.default_rng(2026)
    directory = tmp_path_factory.mktemp("distributed")
    A = sp.random(300, 120, density=0.08, random_state=rng, data_rvs=rng.standard_normal, format="csc")
    A = A @ sp.diags(np.exp(0.5 * rng.standard_normal(120)))
    w = rng.standard_normal(120) * (rng.random(120) < 0.2)
    b = A @ w + 0.3 * rng.standard_normal(300)
    y = np.where(A @ w + 0.5 * rng.standard_normal(300) > 0, 1.0, -1.0)
    paths = {"least-squares": directory / "ls.svm", "logistic": directory / "logistic.svm"}
    write_libsvm(paths["least-squares"], A, b)
    write_libsvm(paths["logistic"], A, y)
    return {"A": sp.csc_matrix(A), "b": b, "y": y, "paths": paths, "directory": directory}


def objective_and_violation(problem, A, t, x, l1, l2):
    """F(x) and max_j dist(-grad_j f, l1 d|x_j|) relative to its value at 0, from the data."""
    z = A @ x
    if problem == "least-squares":
        loss, u, u0 = 0.5 * np.sum((z - t) ** 2), z - t, -t
    else:
        loss = np.sum(np.logaddexp(0.0, -t * z))
        u, u0 = -t / (1.0 + np.exp(t * z)), -0.5 * t
    g = A.T @ u + l2 * x
    violation = np.where(x > 0, np.abs(g + l1), np.where(x < 0, np.abs(g - l1), np.maximum(np.abs(g) - l1, 0.0)))
    reference = np.max(np.maximum(np.abs(A.T @ u0) - l1, 0.0))
    return loss + l1 * np.abs(x).sum() + 0.5 * l2 * x @ x, violation.max() / reference


PENALTIES = {"l1": (4.0, 0.0), "l2": (0.0, 2.0), "elastic-net": (3.0, 1.0)}


@pytest.fixture(scope="module")
def optima(datasets):
    """F* from southwell-solve (one process) for every problem and penalty."""
    values = {}
    for problem in ("least-squares", "logistic"):
        for name, (l1, l2) in PENALTIES.items():
            run = subprocess.run([str(a) for a in (SOLVE, "--problem", problem, "--data", datasets["paths"][problem], "--l1", l1,
                                  "--l2", l2, "--tol", "1e-12", "--max-iter", "2000000")],
                                 capture_output=True, text=True, timeout=300)
            assert run.returncode == 0, run.stderr
            values[problem, name] = float(re.search(r"objective=(\S+)", run.stdout.splitlines()[-1]).group(1))
    return values


def test_reference_optimum_agrees_with_scikit_learn(datasets, optima):
    """The lasso optimum the tests compare with, checked against scikit-learn's coordinate descent."""
    from sklearn.linear_model import Lasso
    A, b, m = datasets["A"], datasets["b"], datasets["A"].shape[0]
    l1 = PENALTIES["l1"][0]
    model = Lasso(alpha=l1 / m, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(A, b)
    reference = 0.5 * np.sum((A @ model.coef_ - b) ** 2) + l1 * np.abs(model.coef_).sum()
    assert optima["least-squares", "l1"] == pytest.approx(reference, rel=1e-10)


@pytest.mark.parametrize("processes", [1, 2, 4])
@pytest.mark.parametrize("penalty", list(PENALTIES))
@pytest.mark.parametrize("problem", ["least-squares", "logistic"])
def test_reaches_the_single_process_optimum_and_kkt(datasets, optima, problem, penalty, processes, tmp_path):
    l1, l2 = PENALTIES[penalty]
    out = tmp_path / "x.txt"
    run = mpirun(processes, [SOLVE_MPI, "--problem", problem, "--data", datasets["paths"][problem], "--l1", l1,
                             "--l2", l2, "--tol", "1e-9", "--output", out])
    result = summary(run.stdout)
    assert result["status"] == "converged" and result["ranks"] == processes
    x = np.loadtxt(out)
    targets = datasets["b"] if problem == "least-squares" else datasets["y"]
    value, violation = objective_and_violation(problem, datasets["A"], targets, x, l1, l2)
    optimum = optima[problem, penalty]
    assert abs(value - optimum) <= 1e-8 * abs(optimum)
    assert abs(result["objective"] - value) <= 1e-12 * abs(value)
    assert violation <= 1e-8
    assert result["support"] == np.count_nonzero(x)
    if l1 > 0:
        assert 0 < np.count_nonzero(x) < x.size


@pytest.mark.parametrize("flags", [["--no-momentum"], ["--sigma", "0"], ["--local-epochs", "1"]])
def test_variants_of_the_rounds_reach_the_same_optimum(datasets, optima, flags, tmp_path):
    """Without the extrapolation, with CoCoA+'s sigma' = P, with one local epoch per round."""
    out = tmp_path / "x.txt"
    run = mpirun(4, [SOLVE_MPI, "--problem", "logistic", "--data", datasets["paths"]["logistic"], "--l1", "4",
                     "--tol", "1e-9", "--output", out, *flags])
    assert summary(run.stdout)["status"] == "converged"
    value, violation = objective_and_violation("logistic", datasets["A"], datasets["y"], np.loadtxt(out), 4.0, 0.0)
    assert abs(value - optima["logistic", "l1"]) <= 1e-8 * optima["logistic", "l1"]
    assert violation <= 1e-8


@pytest.mark.parametrize("processes", [2, 4])
def test_same_processes_give_bitwise_the_same_solution(datasets, processes, tmp_path):
    outputs = []
    for attempt in range(2):
        out = tmp_path / f"x{attempt}.txt"
        run = mpirun(processes, [SOLVE_MPI, "--problem", "logistic", "--data", datasets["paths"]["logistic"],
                                 "--l1", "3", "--l2", "1", "--tol", "1e-8", "--output", out])
        outputs.append((out.read_bytes(), summary(run.stdout)["objective"], summary(run.stdout)["rounds"]))
    assert outputs[0] == outputs[1]


def test_python_entry_point_matches_the_command(datasets, tmp_path):
    """southwell.distributed under mpirun: data= (each process reads its columns), X=/y= (each keeps
    its columns) and the -m command all give the command-line program's x bitwise."""
    path = datasets["paths"]["least-squares"]
    reference = tmp_path / "reference.txt"
    mpirun(2, [SOLVE_MPI, "--problem", "least-squares", "--data", path, "--l1", "3", "--l2", "1", "--tol", "1e-9",
               "--output", reference])
    script = tmp_path / "fit_distributed.py"
    script.write_text(f"""
import sys
import numpy as np
from mpi4py import MPI
from sklearn.datasets import load_svmlight_file
from southwell import distributed
from_file = distributed.solve("least-squares", data={str(path)!r}, l1=3.0, l2=1.0, tol=1e-9)
X, y = load_svmlight_file({str(path)!r})
in_memory = distributed.solve("least-squares", X=X, y=y, l1=3.0, l2=1.0, tol=1e-9)
assert from_file.converged and from_file.ranks == 2, from_file
assert np.array_equal(from_file.x, in_memory.x)
assert from_file.x_local.size < from_file.x.size
if MPI.COMM_WORLD.rank == 0:
    np.savetxt(sys.argv[1], from_file.x, fmt="%.17g")
    print(from_file.summary_line())
""")
    run = mpirun(2, [PYTHON, script, tmp_path / "api.txt"])
    assert summary(run.stdout)["status"] == "converged"
    assert (tmp_path / "api.txt").read_bytes() == reference.read_bytes()
    run = mpirun(2, [PYTHON, "-m", "southwell.distributed", "--problem", "least-squares", "--data", path, "--l1", "3",
                     "--l2", "1", "--tol", "1e-9", "--output", tmp_path / "module.txt"])
    assert summary(run.stdout)["ranks"] == 2
    assert (tmp_path / "module.txt").read_bytes() == reference.read_bytes()


def test_more_processes_than_columns(tmp_path):
    """Processes without columns take part in the reductions and change nothing."""
    path = tmp_path / "narrow.svm"
    A = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0], [1.0, 1.0, 0.0], [2.0, 0.0, 1.0]])
    b = np.array([1.0, 2.0, 0.5, -1.0])
    write_libsvm(path, A, b)
    out = tmp_path / "x.txt"
    run = mpirun(4, [SOLVE_MPI, "--problem", "least-squares", "--data", path, "--tol", "1e-10", "--output", out])
    assert summary(run.stdout)["status"] == "converged"
    np.testing.assert_allclose(np.loadtxt(out), np.linalg.lstsq(A, b, rcond=None)[0], rtol=1e-8)


def test_generated_problem_is_the_same_for_any_number_of_processes():
    values = [summary(mpirun(p, [SOLVE_MPI, "--problem", "logistic", "--generate", "2000,5000,10,3", "--l1", "2",
                                 "--tol", "1e-9"]).stdout)["objective"] for p in (1, 3)]
    assert values[1] == pytest.approx(values[0], rel=1e-8)


def test_errors_are_reported_once_with_exit_code_two(datasets, tmp_path):
    missing = mpirun(2, [SOLVE_MPI, "--problem", "logistic", "--data", tmp_path / "absent.svm"], check=False)
    assert missing.returncode == 2
    assert missing.stderr.count("absent.svm: cannot open file") == 1
    bad = tmp_path / "bad.svm"
    bad.write_text("1 1:0.5\n2 2:1\n")
    labels = mpirun(2, [SOLVE_MPI, "--problem", "logistic", "--data", bad], check=False)
    assert labels.returncode == 2
    assert labels.stderr.count("bad.svm:2: logistic label 2 is not in {-1, +1}") == 1
    nan = mpirun(2, [SOLVE_MPI, "--problem", "least-squares", "--data", bad, "--l1", "nan"], check=False)
    assert nan.returncode == 2 and nan.stderr.count("--l1 must be finite") == 1
    neither = mpirun(2, [SOLVE_MPI, "--problem", "least-squares"], check=False)
    assert neither.returncode != 0 and "exactly one of --data and --generate" in neither.stderr
    spec = mpirun(2, [SOLVE_MPI, "--problem", "least-squares", "--generate", "10,5"], check=False)
    assert spec.returncode == 2 and spec.stderr.count("expected ROWS,COLUMNS,NONZEROS_PER_COLUMN") == 1


def test_round_limit_is_a_status_not_an_error(datasets):
    run = mpirun(2, [SOLVE_MPI, "--problem", "logistic", "--data", datasets["paths"]["logistic"], "--l1", "1",
                     "--tol", "1e-12", "--max-iter", "2"])
    result = summary(run.stdout)
    assert result["status"] == "max-iterations" and result["rounds"] == 2
