"""The comparison suite's plots: precision reached against time, one curve per solver."""
from __future__ import annotations


def precision_plot(curves, targets, xlabel, ylabel, title, path):
    """Writes a log-log plot of curves = {solver: [(seconds, precision)]} to `path`, each curve
    the lower envelope of its runs (the best precision any run of at most that time reached),
    with the targets as dotted lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for name, runs in curves.items():
        xs, ys, lowest = [], [], float("inf")
        for seconds, precision in sorted(runs):
            lowest = min(lowest, max(precision, 1e-16))
            xs.append(seconds)
            ys.append(lowest)
        ax.loglog(xs, ys, marker="o", markersize=3, label=name)
    for target in targets:
        ax.axhline(target, color="grey", linewidth=0.5, linestyle=":")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
