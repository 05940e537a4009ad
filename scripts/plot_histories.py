#!/usr/bin/env python3
"""Plots the CSV histories written by southwell-demo: f - f* against iterations, log scale,
one PNG per problem, in the style of the paper's figures."""
import csv
import pathlib
import sys


def main(folder: str) -> int:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (apt-get install python3-matplotlib): no plots", file=sys.stderr)
        return 0
    out = pathlib.Path(folder)
    for path in sorted(out.glob("*.csv")):
        curves = {}
        with path.open() as f:
            for row in csv.DictReader(f):
                curves.setdefault(row["method"], ([], []))
                curves[row["method"]][0].append(int(row["iteration"]))
                curves[row["method"]][1].append(max(float(row["gap"]), 1e-16))
        fig, ax = plt.subplots(figsize=(6.4, 4.4))
        for method, (k, gap) in curves.items():
            style = "-" if method.endswith("VB") else "--"
            ax.semilogy(k, gap, style, label=method, linewidth=1.4)
        ax.set_xlabel("Iterations with |b| = tau")
        ax.set_ylabel("f(x) - f*")
        ax.set_title(path.stem)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=7, ncol=2)
        fig.tight_layout()
        fig.savefig(path.with_suffix(".png"), dpi=110)
        plt.close(fig)
        print(f"plot: {path.with_suffix('.png')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "out/demo"))
