"""Time per iteration of `southwell.minimize` (the paper's BCD engine) on two generated problems.

A lattice quadratic (a 60 x 60 grid Laplacian + 0.01 I) and a sparse l1-logistic regression
(20,000 x 5,000, 40 entries per column); every rule runs a fixed budget with tol = 0, best of 3.
Run it against two builds to compare them (docs/performance.md, "Session 25"):

    PYTHONPATH=build/python /usr/bin/python3 bench/bcd_iteration_cost.py
"""
import time

import numpy as np
import scipy.sparse as sp

import southwell as sw


def lattice_quadratic(side=60):
    path = sp.diags([-1, 2, -1], [-1, 0, 1], shape=(side, side))
    eye = sp.identity(side)
    Q = (sp.kron(eye, path) + sp.kron(path, eye)).tocsc() + 0.01 * sp.identity(side * side, format="csc")
    return Q, np.random.default_rng(0).standard_normal(side * side)


def sparse_classification(m=20000, n=5000, per_column=40):
    rng = np.random.default_rng(0)
    rows = np.concatenate([np.sort(rng.choice(m, per_column, replace=False)) for _ in range(n)])
    A = sp.csc_matrix((rng.standard_normal(n * per_column), rows, np.arange(0, n * per_column + 1, per_column)),
                      shape=(m, n))
    return A, (rng.random(m) > 0.5).astype(float)


def microseconds_per_iteration(make_problem, repeats=3, **rules):
    best = float("inf")
    for _ in range(repeats):
        problem = make_problem()
        start = time.perf_counter()
        result = sw.minimize(problem, tol=0, **rules)
        best = min(best, (time.perf_counter() - start) / result.n_iter * 1e6)
    return best


def main():
    Q, c = lattice_quadratic()
    A, y = sparse_classification()
    n_quadratic, n_logistic = Q.shape[0], A.shape[1]
    cases = [
        ("quadratic", "cyclic", "order", "newton", 1, 10 * n_quadratic),
        ("quadratic", "gs", "variable", "newton", 1, 10 * n_quadratic),
        ("quadratic", "cyclic", "red-black", "exact", 1800, 400),
        ("quadratic", "gs", "tree-partition", "exact", 1800, 400),
        ("logistic", "cyclic", "variable", "gradient", 1, 5 * n_logistic),
        ("logistic", "random", "variable", "newton", 1, 5 * n_logistic),
        ("logistic", "cyclic", "variable", "gradient", 5, n_logistic),
        ("logistic", "gsl", "variable", "newton", 5, n_logistic),
    ]
    print(f"{'problem':<10} {'selection':<10} {'partition':<15} {'update':<9} {'block':>5} {'us/iter':>9}")
    for kind, selection, partition, update, block, budget in cases:
        make = (lambda: sw.Quadratic(Q, c)) if kind == "quadratic" else (lambda: sw.Logistic(A, y, l1=1.0))
        cost = microseconds_per_iteration(make, selection=selection, partition=partition, update=update,
                                          block_size=block, max_iter=budget)
        print(f"{kind:<10} {selection:<10} {partition:<15} {update:<9} {block:>5} {cost:>9.2f}", flush=True)


if __name__ == "__main__":
    main()
