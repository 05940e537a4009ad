#!/usr/bin/env python3
"""Pseudo-relevance feedback evaluation: BM25, BM25+RM3, Southwell-PRF (no comparative term)
and LoL on the Glasgow collections, by 5-fold cross-validation over queries.

    PYTHONPATH=build/python /usr/bin/python3 bench/prf/evaluate_prf.py [--collections cranfield cisi]
        [--data-root ../shared/data/ir] [--folds 5] [--n-jobs 2] [--output-dir out/prf]

Each tuned method is fitted (`LoLReformulator.fit`, grid `southwell.prf.DEFAULT_GRID`) on four
folds and evaluated on the fifth; the per-query results of the five test folds are pooled for
the means and for a paired t-test against RM3. RM3 keeps the standard setting (10 documents, 20
terms, weight 0.5). Also measured: MAP against the number of feedback documents at default
parameters (the query-drift curve) and reformulation throughput. Writes a Markdown table,
results.json and drift.png to the output directory. Needs ../shared/data/ir (skips a collection
that is absent) and python3-nltk.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

from southwell import prf

METHODS = ("BM25", "RM3", "Southwell-PRF", "LoL")


def folds_of(qids, count, seed):
    order = np.random.default_rng(seed).permutation(len(qids))
    return [[qids[i] for i in order[f::count]] for f in range(count)]


def cross_validate(index, queries, qrels, folds, n_jobs, gamma_free):
    """Pooled test-fold runs of a LoLReformulator tuned on the other folds."""
    grid = dict(prf.DEFAULT_GRID)
    if gamma_free:
        grid["gamma"] = (0.0,)
    cache, runs, chosen = {}, {}, []
    for f, test in enumerate(folds):
        train = {q: queries[q] for g, fold in enumerate(folds) if g != f for q in fold}
        lol = prf.LoLReformulator(param_grid=grid, n_jobs=n_jobs).fit(index, train, qrels, cache=cache)
        chosen.append(lol.best_params_)
        runs.update(lol.search_all(index, {q: queries[q] for q in test}, cache=cache))
    return runs, chosen


def drift_curve(index, queries, qrels, depths, n_jobs):
    """MAP against the number of feedback documents k, at default parameters."""
    curve = {"RM3": [], "Southwell-PRF": [], "LoL": []}
    for k in depths:
        runs = {q: prf.RM3(fb_docs=k).search(index, t) for q, t in queries.items()}
        curve["RM3"].append(prf.evaluate(runs, qrels)["map"])
        single = prf.LoLReformulator(depths=(k,), gamma=0.0, n_jobs=n_jobs)
        curve["Southwell-PRF"].append(prf.evaluate(single.search_all(index, queries), qrels)["map"])
        ladder = tuple(sorted({max(1, k // 4), max(1, k // 2), k}))
        lol = prf.LoLReformulator(depths=ladder, n_jobs=n_jobs)
        curve["LoL"].append(prf.evaluate(lol.search_all(index, queries), qrels)["map"])
        print(f"  k={k:3d}: " + "  ".join(f"{m} {v[-1]:.4f}" for m, v in curve.items()), flush=True)
    return curve


def throughput(index, queries, n_jobs):
    rates = {}
    for jobs in sorted({1, n_jobs}):
        lol = prf.LoLReformulator(n_jobs=jobs)
        lol.revise_all(index, queries)
        rates[jobs] = lol.queries_per_second_
    return rates


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    default_root = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "data", "ir"))
    parser.add_argument("--collections", nargs="+", default=["cranfield", "cisi"], choices=["cranfield", "cisi"])
    parser.add_argument("--data-root", default=default_root)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--drift-depths", type=int, nargs="+", default=[1, 3, 5, 10, 20, 30, 50])
    parser.add_argument("--output-dir", default="out/prf")
    args = parser.parse_args(argv)
    if args.folds < 2:
        parser.error("--folds must be >= 2")
    os.makedirs(args.output_dir, exist_ok=True)
    from scipy.stats import ttest_rel

    report, lines = {}, []
    for name in args.collections:
        root = os.path.join(args.data_root, name)
        if not os.path.isdir(root):
            print(f"skipping {name}: {root} is absent (the shared IR collections)", file=sys.stderr)
            continue
        start = time.perf_counter()
        docs, queries, qrels = prf.load_collection(name, root)
        index = prf.Index(docs, k1=0.9, b=0.4, stemmer="porter", stopwords="english")
        judged = {q: t for q, t in queries.items() if q in qrels and any(g > 0 for g in qrels[q].values())}
        print(f"{name}: {len(docs)} documents, {len(judged)} judged queries", flush=True)
        folds = folds_of(sorted(judged, key=int), args.folds, args.seed)
        runs = {"BM25": {q: index.search(t) for q, t in judged.items()},
                "RM3": {q: prf.RM3(fb_docs=10, fb_terms=20, orig_weight=0.5).search(index, t)
                        for q, t in judged.items()}}
        chosen = {}
        for method, gamma_free in (("Southwell-PRF", True), ("LoL", False)):
            began = time.perf_counter()
            runs[method], chosen[method] = cross_validate(index, judged, qrels, folds, args.n_jobs, gamma_free)
            print(f"  {method}: cross-validated in {time.perf_counter() - began:.0f} s", flush=True)
        results, average_precision = {}, {}
        for method in METHODS:
            means, per = prf.evaluate(runs[method], qrels, per_query=True)
            results[method], average_precision[method] = dict(means), per["map"]
        qids = sorted(average_precision["RM3"])
        for method in METHODS:
            if method != "RM3":
                test = ttest_rel([average_precision[method][q] for q in qids],
                                 [average_precision["RM3"][q] for q in qids])
                results[method]["p_vs_rm3"] = float(test.pvalue)
        print("  drift curve (MAP against feedback documents, default parameters):", flush=True)
        curve = drift_curve(index, judged, qrels, args.drift_depths, args.n_jobs)
        rates = throughput(index, judged, args.n_jobs)
        report[name] = {"results": results, "chosen": chosen, "drift": curve, "drift_depths": args.drift_depths,
                        "queries_per_second": rates, "seconds": time.perf_counter() - start}
        lines += [f"### {name} ({len(judged)} queries, {args.folds}-fold CV)", "",
                  "| method | MAP | nDCG@10 | P@10 | R@1000 | p (MAP vs RM3, paired t) |", "|---|---|---|---|---|---|"]
        for method in METHODS:
            r = results[method]
            p = f"{r['p_vs_rm3']:.3g}" if "p_vs_rm3" in r else "—"
            lines.append(f"| {method} | {r['map']:.4f} | {r['ndcg@10']:.4f} | {r['p@10']:.4f} | "
                         f"{r['recall@1000']:.4f} | {p} |")
        lines += ["", "LoL reformulation throughput (default parameters): " +
                  ", ".join(f"{v:.1f} queries/s with {j} thread{'s' * (j > 1)}" for j, v in rates.items()), ""]
    if not report:
        print("no collection found under " + args.data_root, file=sys.stderr)
        return 1
    table = "\n".join(lines)
    print("\n" + table)
    with open(os.path.join(args.output_dir, "results.md"), "w") as handle:
        handle.write(table + "\n")
    with open(os.path.join(args.output_dir, "results.json"), "w") as handle:
        json.dump(report, handle, indent=1)
    plot(report, os.path.join(args.output_dir, "drift.png"))
    print(f"wrote {args.output_dir}/results.md, results.json, drift.png")
    return 0


def plot(report, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(report), figsize=(5.5 * len(report), 4), squeeze=False)
    for ax, (name, entry) in zip(axes[0], report.items()):
        depths = entry["drift_depths"]
        for method, values in entry["drift"].items():
            ax.plot(depths, values, marker="o", label=method)
        ax.axhline(entry["results"]["BM25"]["map"], color="grey", linestyle="--", label="BM25")
        ax.set_xscale("log")
        ax.set_xticks(depths)
        ax.set_xticklabels([str(d) for d in depths])
        ax.set_xlabel("feedback documents k (LoL: depths k/4, k/2, k)")
        ax.set_ylabel("MAP")
        ax.set_title(f"{name}: query drift")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    sys.exit(main())
