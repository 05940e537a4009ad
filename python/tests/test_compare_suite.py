"""The comparison suite (bench/compare) hands every peer the suite's own objective: here, that
glmnet's elastic net is called with arguments under which glmnet's documented objective is the
suite's, up to a constant factor."""
import shutil
import subprocess
import sys

import numpy as np
import pytest
import scipy.io
import scipy.sparse as sp
from scipy.optimize import minimize

from conftest import REPO

sys.path.insert(0, str(REPO / "bench" / "compare"))
import peers  # noqa: E402


def suite_objective(X, y, w, lam, alpha):
    return 0.5 * np.sum((y - X @ w) ** 2) + lam * alpha * np.abs(w).sum() + lam * (1 - alpha) / 2 * np.sum(w ** 2)


def glmnet_objective(X, y, b, lam, alpha):
    """glmnet's gaussian objective (its documentation) for a y whose mean square is 1, which
    glmnet's own scaling of y leaves alone."""
    n = X.shape[0]
    return np.sum((y - X @ b) ** 2) / (2 * n) + lam * (alpha * np.abs(b).sum() + (1 - alpha) / 2 * np.sum(b ** 2))


@pytest.mark.parametrize("alpha", [0.5, 1.0, 0.1])
def test_glmnet_gaussian_arguments_give_glmnet_the_suites_objective(rng, alpha):
    X = rng.standard_normal((40, 7))
    y = 3.0 + 9.0 * rng.standard_normal(40)  # mean square far from 1
    lam = 17.0
    y_glmnet, lam_glmnet, alpha_glmnet, scale = peers.glmnet_gaussian(y, lam, alpha, X.shape[0])
    assert np.mean(y_glmnet ** 2) == pytest.approx(1.0)
    # F_suite(scale b) = c F_glmnet(b) for every b, with one constant c: the same minimiser.
    ratios = []
    for _ in range(5):
        b = rng.standard_normal(7) * rng.integers(0, 2, 7)
        ratios.append(suite_objective(X, y, scale * b, lam, alpha) /
                      glmnet_objective(X, y_glmnet, b, lam_glmnet, alpha_glmnet))
    np.testing.assert_allclose(ratios, ratios[0], rtol=1e-12)


def enet_minimiser(X, y, l1, l2):
    """argmin 0.5‖y − Xw‖² + l1‖w‖₁ + l2‖w‖²/2 by scipy (w = u − v, u, v ≥ 0: a smooth problem)."""
    p = X.shape[1]

    def f(uv):
        w = uv[:p] - uv[p:]
        r = X @ w - y
        g = X.T @ r + l2 * w
        return 0.5 * r @ r + l1 * uv.sum() + 0.5 * l2 * w @ w, np.concatenate([g + l1, -g + l1])

    res = minimize(f, np.zeros(2 * p), jac=True, method="L-BFGS-B", bounds=[(0, None)] * (2 * p),
                   options=dict(ftol=1e-15, gtol=1e-13, maxiter=100000))
    return res.x[:p] - res.x[p:]


def test_raw_glmnet_arguments_would_solve_another_elastic_net(rng):
    """Why the rescaling exists: with y's mean square s² ≠ 1, glmnet's scaling of y by s turns
    its ridge weight into λ(1 − α)/s, so the raw call's minimiser is another one."""
    X = rng.standard_normal((40, 5))
    y = 9.0 * rng.standard_normal(40)
    lam, alpha, n = 30.0, 0.5, 40
    s = np.sqrt(np.mean(y ** 2))
    suite = enet_minimiser(X, y, lam * alpha, lam * (1 - alpha))
    # glmnet minimises its objective (times n: the l1 and l2 weights n lambda alpha, n lambda (1 - alpha))
    # on y / s; the raw call passes lambda / n, which glmnet divides by s.
    raw = s * enet_minimiser(X, y / s, lam / s * alpha, lam / s * (1 - alpha))
    y_g, lam_g, alpha_g, scale = peers.glmnet_gaussian(y, lam, alpha, n)
    rescaled = scale * enet_minimiser(X, y_g, n * lam_g * alpha_g, n * lam_g * (1 - alpha_g))
    np.testing.assert_allclose(rescaled, suite, atol=1e-6 * np.abs(suite).max())
    assert np.abs(raw - suite).max() > 1e-2 * np.abs(suite).max()


@pytest.mark.skipif(shutil.which("Rscript") is None or subprocess.run(
    ["Rscript", "-e", "library(glmnet)"], capture_output=True).returncode != 0,
    reason="needs R's glmnet (scripts/install-deps.sh --peers)")
def test_glmnet_adapter_reaches_the_suites_elastic_net_optimum(rng, tmp_path, monkeypatch):
    """The adapter's tightest glmnet fit is the suite's optimum (found by scipy)."""
    import problems

    X = sp.random(60, 8, density=0.6, random_state=3, format="csc")
    y = 5.0 + 7.0 * rng.standard_normal(60)
    data = problems.Data("tiny", X, y)
    lam = 0.05 * problems.lambda_max("enet", data)
    problem = problems.Problem("enet", data, lam, 0.05)
    monkeypatch.setattr(peers, "tolerances", lambda: [1e-12])
    (_, _, coef), = peers.Glmnet().runs(problem, 1)
    optimum = enet_minimiser(X.toarray(), y, lam * problems.ENET_RATIO, lam * (1 - problems.ENET_RATIO))
    best = problem.objective(optimum)
    assert problem.objective(coef) - best <= 1e-9 * abs(best)


@pytest.mark.parametrize("steps", [1, 2, 3])
def test_sweeps_step_evenly_through_every_decade(steps, monkeypatch):
    """Tolerances 1e-1 ... 1e-12 and iteration counts 1 ... 512, `steps` settings a decade (a
    doubling), every whole decade among them, loose to tight."""
    monkeypatch.setattr(peers, "STEPS_PER_DECADE", [steps])
    tols = np.array(peers.tolerances())
    assert len(tols) == 11 * steps + 1
    np.testing.assert_allclose(tols[::steps], 10.0 ** -np.arange(1, 13), rtol=1e-14)
    np.testing.assert_allclose(tols[1:] / tols[:-1], 10.0 ** (-1 / steps), rtol=1e-12)
    counts = peers.iterations()
    assert counts[0] == 1 and counts[-1] == 512 and all(b > a for a, b in zip(counts, counts[1:]))
    assert {2 ** k for k in range(10)} <= set(counts)
    assert len(counts) == {1: 10, 2: 18, 3: 25}[steps]  # at 3 a doubling, 2^(1/3) and 2^(5/3) round onto 1 and 3



@pytest.mark.parametrize("durations, runs, median", [
    ([0.01, 0.03, 0.02, 0.05, 0.04], 5, 0.03),  # a short run: REPEATS runs, their median
    ([0.2, 0.4, 0.3], 3, 0.3),                   # a medium run: MEDIUM_REPEATS runs
    ([0.6], 1, 0.6),                             # a long run is timed once
])
def test_timed_repeats_short_and_medium_runs_and_takes_the_median(durations, runs, median, monkeypatch):
    """A fit whose runs take `durations` seconds (a clock that advances by them) is run `runs`
    times, and the median of those runs counts."""
    clock = {"now": 0.0, "calls": 0}
    monkeypatch.setattr(peers.time, "perf_counter", lambda: clock["now"])

    def fit():
        clock["now"] += durations[clock["calls"]]
        clock["calls"] += 1
        return "coef"

    seconds, coef = peers._timed(fit)
    assert clock["calls"] == runs and coef == "coef"
    assert seconds == pytest.approx(median)

def test_path_target_is_met_only_when_southwell_reaches_1e4_before_glmnet():
    import targets

    assert targets.path_verdict({"southwell": [0.5, 0.9], "glmnet": [1.0, None]})["met"] is True
    assert targets.path_verdict({"southwell": [1.2, 1.5], "glmnet": [1.0, 2.0]})["met"] is False
    assert targets.path_verdict({"southwell": [0.5, None], "glmnet": [None, None]})["met"] is True
    assert targets.path_verdict({"southwell": [None, None], "glmnet": [None, None]})["met"] is False
    assert targets.path_verdict({"southwell": [0.5, 0.9]})["met"] is None  # glmnet not installed


def test_targets_paths_writes_a_table_of_path_rows(tmp_path):
    """targets.py --paths end to end on a small generated lasso: one row, and Southwell's path
    reaches 1e-4 at every point (against the best value any run, glmnet's included, reached)."""
    done = subprocess.run([sys.executable, str(REPO / "bench" / "compare" / "targets.py"), "--paths",
                           "--problems", "lasso", "--datasets", "generated:300,120,6", "--budget", "0.5",
                           "--output-dir", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    import json

    (row,) = json.loads((tmp_path / "paths.json").read_text())
    assert row["problem"] == "lasso" and row["verdict"]["southwell"][0] is not None
    assert "| lasso | generated:300,120,6 |" in (tmp_path / "paths.md").read_text()
