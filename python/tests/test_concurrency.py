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
