#!/usr/bin/env python3
"""Learning curves of text classifiers trained on augmented data (southwell.augment).

    PYTHONPATH=build/python /usr/bin/python3 bench/augment/learning_curves.py
        [--datasets sst2 trec6 sms] [--sizes 10 50 200] [--seeds 5] [--processes 2]
        [--data-root ../shared/data/text] [--output-dir out/augment]

For every dataset, labelled-set size (examples per class) and seed: draw the labelled set from
the training split, use the rest of the split as unlabelled text, and fit
`AugmentedTextClassifier` with no augmentation, each augmenter alone, and the default
configuration (all four, ConfidenceFilter(), aug_weight="cv"); report test accuracy as
mean ± std over the seeds, the change against no augmentation, and the weights chosen. Writes
results.md, results.json and curves.png to the output directory. Needs ../shared/data/text
(a dataset that is absent is skipped), python3-nltk is not needed; WordNet (wordnet-base) is.
"""
import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import datasets  # noqa: E402

CONFIGS = ("none", "EDA", "SynonymReplacement", "NGramGenerator", "PseudoLabels", "default")


def make_classifier(config, seed, threshold, max_ratio, balance):
    from southwell import augment
    single = {"EDA": augment.EDA, "SynonymReplacement": augment.SynonymReplacement,
              "NGramGenerator": augment.NGramGenerator, "PseudoLabels": augment.PseudoLabels}
    kwargs = {"random_state": seed}
    if threshold is not None or max_ratio is not None or balance != "default":
        options = {"max_ratio": max_ratio}
        if threshold is not None:
            options["threshold"] = threshold
        if balance != "default":
            options["balance"] = None if balance == "none" else balance
        kwargs["filter"] = augment.ConfidenceFilter(**options)
    if config == "none":
        return augment.AugmentedTextClassifier(augmenters=[], aug_weight=0.0, **kwargs)
    if config == "default":
        return augment.AugmentedTextClassifier(**kwargs)
    return augment.AugmentedTextClassifier(augmenters=[single[config]()], **kwargs)


def run_task(task):
    name, root, per_class, seed, configs, threshold, max_ratio, balance = task
    train_texts, train_y, test_texts, test_y = datasets.load(name, root)
    chosen = datasets.labelled_subset(train_y, per_class, seed)
    rest = np.setdiff1d(np.arange(len(train_texts)), chosen)
    labelled = [train_texts[i] for i in chosen]
    unlabeled = [train_texts[i] for i in rest]
    out = {}
    for config in configs:
        start = time.perf_counter()
        clf = make_classifier(config, seed, threshold, max_ratio, balance).fit(labelled, train_y[chosen], unlabeled=unlabeled)
        out[config] = {"accuracy": float(clf.score(test_texts, test_y)), "weight": clf.aug_weight_,
                       "report": clf.augmentation_report_, "seconds": time.perf_counter() - start}
    return name, per_class, seed, out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--datasets", nargs="+", default=list(datasets.NAMES), choices=datasets.NAMES)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=CONFIGS)
    parser.add_argument("--threshold", type=float, default=None, help="ConfidenceFilter threshold (default: its own)")
    parser.add_argument("--max-ratio", type=float, default=None, help="ConfidenceFilter max_ratio")
    parser.add_argument("--balance", default="default", choices=["default", "predicted", "labelled", "none"],
                        help="ConfidenceFilter balance")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--data-root", default=os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "data",
                                                                             "text")))
    parser.add_argument("--output-dir", default="out/augment")
    args = parser.parse_args(argv)
    os.makedirs(args.output_dir, exist_ok=True)
    names = []
    for name in args.datasets:
        try:
            datasets.load(name, args.data_root)
            names.append(name)
        except FileNotFoundError as error:
            print(f"skipping {name}: {error}", file=sys.stderr)
    if not names:
        print(f"no dataset found under {args.data_root}", file=sys.stderr)
        return 1
    tasks = [(n, args.data_root, size, seed, args.configs, args.threshold, args.max_ratio, args.balance)
             for n in names for size in args.sizes for seed in range(args.seeds)]
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # one solver thread per process
    results = {}
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        for done, (name, size, seed, out) in enumerate(pool.map(run_task, tasks), 1):
            results.setdefault(name, {}).setdefault(size, {})[seed] = out
            summary = "  ".join(f"{c} {out[c]['accuracy']:.3f}" for c in args.configs)
            print(f"[{done}/{len(tasks)} {time.perf_counter() - start:.0f}s] {name} {size}/class seed {seed}: {summary}",
                  flush=True)
    lines = table(results, args.configs, args.sizes)
    text = "\n".join(lines)
    print("\n" + text)
    with open(os.path.join(args.output_dir, "results.md"), "w") as handle:
        handle.write(text + "\n")
    with open(os.path.join(args.output_dir, "results.json"), "w") as handle:
        json.dump(results, handle, indent=1, default=float)
    plot(results, args.configs, args.sizes, os.path.join(args.output_dir, "curves.png"))
    print(f"wrote {args.output_dir}/results.md, results.json, curves.png")
    return 0


def accuracies(results, name, size, config):
    return np.array([results[name][size][s][config]["accuracy"] for s in sorted(results[name][size])])


def table(results, configs, sizes):
    lines = ["Test accuracy, mean ± std over seeds (change against no augmentation, in points)", "",
             "| dataset | per class | " + " | ".join(configs) + " |", "|---|---|" + "---|" * len(configs)]
    changes = []
    for name in results:
        for size in sizes:
            if size not in results[name]:
                continue
            base = accuracies(results, name, size, "none") if "none" in configs else None
            cells = []
            for config in configs:
                acc = accuracies(results, name, size, config)
                cell = f"{acc.mean():.3f} ± {acc.std():.3f}"
                if base is not None and config != "none":
                    delta = 100 * (acc.mean() - base.mean())
                    cell += f" ({delta:+.1f})"
                    if config == "default":
                        changes.append(delta)
                cells.append(cell)
            lines.append(f"| {name} | {size} | " + " | ".join(cells) + " |")
    if changes:
        lines += ["", f"default configuration: mean change {np.mean(changes):+.2f} points, worst {min(changes):+.2f}, "
                      f"best {max(changes):+.2f} over {len(changes)} rows"]
    if "default" in configs:
        lines += ["", "Weights chosen by aug_weight='cv' in the default configuration (counts over seeds):"]
        for name in results:
            for size in sorted(results[name]):
                weights = [results[name][size][s]["default"]["weight"] for s in results[name][size]]
                values, counts = np.unique(weights, return_counts=True)
                lines.append(f"- {name} {size}/class: " + ", ".join(f"{v:g}×{c}" for v, c in zip(values, counts)))
    return lines


def plot(results, configs, sizes, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(results), figsize=(5 * len(results), 4), squeeze=False)
    for ax, name in zip(axes[0], results):
        present = [s for s in sizes if s in results[name]]
        for config in configs:
            means = [accuracies(results, name, s, config).mean() for s in present]
            stds = [accuracies(results, name, s, config).std() for s in present]
            ax.errorbar(present, means, yerr=stds, marker="o", capsize=3, label=config)
        ax.set_xscale("log")
        ax.set_xticks(present)
        ax.set_xticklabels([str(s) for s in present])
        ax.set_xlabel("labelled examples per class")
        ax.set_ylabel("test accuracy")
        ax.set_title(name)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


if __name__ == "__main__":
    sys.exit(main())
