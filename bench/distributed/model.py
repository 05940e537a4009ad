#!/usr/bin/python3
"""Projects southwell-mpi's time to tolerance on a cluster from the one-machine measurements of
rounds.py (docs/distributed.md explains the model and its assumptions).

    /usr/bin/python3 bench/distributed/model.py [--measurements out/distributed/rounds.csv]
        [--rows 1000000] [--scale 1] [--processes 16,32,64,128,256]

Per round, with P processes (one per node), m rows and N nonzeros read per round by one process:
    compute(P)   = N(1)/P * c + m * r            c: seconds per nonzero, r: O(rows) seconds per row
    allreduce(P) = 2 log2(P) alpha + 2 (P-1)/P * 8 (m+2) beta      (Rabenseifner / ring, long vector)
                 + 2 log2(P) alpha                                  (the two 2-3 scalar reductions)
    time(P)      = rounds(P) * (compute(P) + allreduce(P)),  rounds(P) = rounds(1) * P^a
c, r, N(1) and a come from the measurements (a by least squares on log rounds against log P).
--scale multiplies m and N (a problem `scale` times larger with the same shape), keeping rounds(P).
"""
import argparse
import csv
import math
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[2]

NETWORKS = {  # alpha: seconds per message; beta: seconds per byte (1 / achieved bandwidth)
    "10 GbE (TCP)": (30e-6, 1 / 1.1e9),
    "100 Gb InfiniBand (RDMA)": (1.5e-6, 1 / 11e9),
}


def fit_exponent(rows):
    xs = [math.log(r["processes"]) for r in rows]
    ys = [math.log(r["rounds"]) for r in rows]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measurements", default=str(REPO / "out" / "distributed" / "rounds.csv"))
    parser.add_argument("--rows", type=int, default=1_000_000, help="m of the measured problem")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--processes", default="16,32,64,128,256")
    parser.add_argument("--exponent", type=float, help="rounds(P) = rounds(1) P^a with this a instead of the fit")
    args = parser.parse_args()

    with open(args.measurements) as f:
        rows = [{k: (float(v) if k not in ("status",) else v) for k, v in r.items()} for r in csv.DictReader(f)]
    one = next(r for r in rows if r["processes"] == 1)
    c = one["ns_per_nonzero"] * 1e-9
    per_row = one["row_work_per_round"] / args.rows
    nonzeros = one["nonzeros_per_round"] * args.scale
    m = args.rows * args.scale
    a = fit_exponent(rows) if args.exponent is None else args.exponent
    rounds1 = one["rounds"]
    print(f"inputs: c = {c * 1e9:.2f} ns/nonzero, r = {per_row * 1e9:.1f} ns/row, N(1) = {nonzeros / 1e6:.0f} M "
          f"nonzeros/round, m = {m:,.0f}, rounds(P) = {rounds1:.0f} P^{a:.2f}")
    measured_seconds = one["solve_seconds"] * args.scale
    print(f"one process: {measured_seconds:.1f} s{' (scaled)' if args.scale != 1 else ' (measured)'}\n")
    print("| network | P | rounds | compute / round | allreduce / round | time to tol | speed-up over 1 process |")
    print("|---|---|---|---|---|---|---|")
    for name, (alpha, beta) in NETWORKS.items():
        for p in [int(x) for x in args.processes.split(",")]:
            compute = nonzeros / p * c + m * per_row
            allreduce = 4 * math.log2(p) * alpha + 2 * (p - 1) / p * 8 * (m + 2) * beta
            rounds = rounds1 * p ** a
            total = rounds * (compute + allreduce)
            print(f"| {name} | {p} | {rounds:.0f} | {1e3 * compute:.1f} ms | {1e3 * allreduce:.2f} ms | {total:.1f} s | "
                  f"{measured_seconds / total:.1f}x |")


if __name__ == "__main__":
    main()
