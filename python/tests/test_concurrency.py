"""The GIL is released during solves, and Ctrl-C interrupts a long solve."""
import os
import signal
import threading
import time

import numpy as np
import pytest

import southwell as sw
from conftest import random_design


def long_problem(seed):
    rng = np.random.default_rng(seed)
    return sw.LeastSquares(random_design(rng, 400, 400), rng.standard_normal(400))


def test_two_threads_solve_at_once():
    """Each solve records when it makes progress; with the GIL held during a solve, the second
    could not start before the first ended, so their progress would not interleave."""
    problems = [long_problem(1), long_problem(2)]
    stamps = [[], []]
    results = [None, None]

    def run(k):
        def callback(iteration, x, objective):
            stamps[k].append(time.monotonic())
            return False

        results[k] = sw.minimize(problems[k], selection="random", block_size=1, max_iter=10 ** 9, tol=0.0,
                                 time_limit=0.6, callback=callback, callback_every=2000)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status == "time_limit" for r in results)
    assert all(len(s) >= 3 for s in stamps)
    first, second = stamps
    during_second = [t for t in first if second[0] < t < second[-1]]
    during_first = [t for t in second if first[0] < t < first[-1]]
    assert during_second and during_first


def test_python_threads_run_while_a_solve_runs():
    counter = {"ticks": 0}
    done = threading.Event()

    def count():
        while not done.is_set():
            counter["ticks"] += 1

    ticker = threading.Thread(target=count)
    ticker.start()
    try:
        before = counter["ticks"]
        sw.minimize(long_problem(3), selection="random", block_size=1, max_iter=10 ** 9, tol=0.0, time_limit=0.5)
        during = counter["ticks"] - before
    finally:
        done.set()
        ticker.join()
    assert during > 1000


def test_ctrl_c_interrupts_a_long_solve_and_leaves_the_process_usable():
    problem = long_problem(4)
    fired = {}

    def interrupt():
        fired["at"] = time.monotonic()
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(0.3, interrupt)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        sw.minimize(problem, selection="random", block_size=1, max_iter=10 ** 9, tol=0.0, time_limit=30)
    raised_after = time.monotonic() - fired["at"]
    timer.join()
    assert raised_after < 0.5
    again = sw.minimize(problem, max_iter=5, tol=0.0)
    assert again.status == "max_iter"


def _concurrent_jobs():
    """Eight solves covering every entry point that releases the GIL (two share a problem object)."""
    import scipy.sparse as sp
    from southwell.linear_model import Lasso, LogisticRegression
    from southwell.semi_supervised import LabelPropagation

    rng = np.random.default_rng(99)
    A = random_design(rng, 120, 40)
    b = A @ rng.standard_normal(40) + rng.standard_normal(120)
    y = np.where(b > np.median(b), 1.0, -1.0)
    classes = np.digitize(b, np.quantile(b, [0.33, 0.66]))
    Q = sp.csc_matrix(sp.diags(np.full(60, 4.0)) - sp.random(60, 60, density=0.05, random_state=4))
    Q = (Q + Q.T) / 2
    graph = sp.random(80, 80, density=0.08, random_state=5, format="csr")
    graph = graph + graph.T
    labels = np.full(80, -1)
    labels[:10] = np.arange(10) % 3

    shared = sw.LeastSquares(sp.csc_matrix(A), b, l1=0.5)  # one problem object used by two jobs at once
    return [
        lambda: sw.minimize(shared, selection="gs-q", update="prox-newton", block_size=4,
                            tol=1e-10, max_iter=20000).x,
        lambda: sw.solve(shared, tol=1e-10).x,
        lambda: sw.minimize(sw.Logistic(A, y, l2=0.1), selection="gsl", update="newton", tol=1e-10).x,
        lambda: sw.minimize(sw.Softmax(A, classes, l2=0.1), selection="random", update="newton", seed=3,
                            tol=1e-8, max_iter=20000).x,
        lambda: sw.minimize(sw.Quadratic(Q, np.ones(60)), selection="gsd", update="exact", tol=1e-10).x,
        lambda: Lasso(alpha=0.05, tol=1e-10).fit(A, b).coef_,
        lambda: LogisticRegression(C=0.5, tol=1e-10).fit(A, classes).coef_,
        lambda: LabelPropagation(kernel="precomputed").fit(graph, labels).label_distributions_,
    ]


def test_eight_threads_give_the_results_of_one_after_another():
    """Eight threads, each running a different solve (two on one problem object), started together
    by a barrier, three rounds: every result is bitwise the one computed sequentially."""
    jobs = _concurrent_jobs()
    sequential = [np.array(job()) for job in jobs]
    barrier = threading.Barrier(len(jobs))
    concurrent = [[None] * 3 for _ in jobs]
    errors = []

    def work(k):
        try:
            for round_ in range(3):
                barrier.wait()
                concurrent[k][round_] = np.array(jobs[k]())
        except Exception as error:  # noqa: BLE001 - reported below with the job number
            errors.append((k, error))
            barrier.abort()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for k, expected in enumerate(sequential):
        for got in concurrent[k]:
            assert np.array_equal(got, expected), f"job {k} differs when run concurrently"
