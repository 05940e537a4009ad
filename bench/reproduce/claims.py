"""The paper's qualitative claims (spec section 11), checked on our curves. Each check returns
(claim, holds, detail); figures that were not run are skipped."""
from __future__ import annotations


def _curves(result, dataset, block_size):
    for panel in result["panels"]:
        if panel["dataset"] == dataset and panel["block_size"] == block_size:
            return {m["label"]: m for m in panel["methods"]}, panel["start_gap"]
    raise KeyError((dataset, block_size))


def _final(curve):
    return 0.0 if curve["reached_1e-8_at"] is not None else curve["final"]


def _finish(curve):
    """Iteration reaching 1e-8, or infinity."""
    return curve["reached_1e-8_at"] if curve["reached_1e-8_at"] is not None else float("inf")


def _fmt(values):
    return ", ".join(f"{k} {v:.3g}" for k, v in values.items())


def fig4(result):
    out = []
    for dataset in ("A", "C", "E"):
        c, _ = _curves(result, dataset, 5)
        f = {k: _final(v) for k, v in c.items()}
        sampling = min(f[f"{s}-{p}"] for s in ("Random", "Cyclic", "Lipschitz") for p in ("FB", "VB"))
        greedy = max(f["GS-FB"], f["GS-VB"], f["GSL-FB"], f["GSL-VB"])
        out.append((f"Fig 4 {dataset}: every greedy rule ends below every random/cyclic/Lipschitz rule",
                    greedy < sampling, f"worst greedy {greedy:.3g}, best sampling {sampling:.3g}"))
        out.append((f"Fig 4 {dataset}: GSL <= GS (FB and VB)", f["GSL-FB"] <= f["GS-FB"] and f["GSL-VB"] <= f["GS-VB"],
                    _fmt({k: f[k] for k in ("GSL-FB", "GS-FB", "GSL-VB", "GS-VB")})))
        out.append((f"Fig 4 {dataset}: VB <= FB for GS and GSL", f["GS-VB"] <= f["GS-FB"] and f["GSL-VB"] <= f["GSL-FB"],
                    _fmt({k: f[k] for k in ("GS-VB", "GS-FB", "GSL-VB", "GSL-FB")})))
    c, _ = _curves(result, "A", 5)
    f = {k: _final(v) for k, v in c.items()}
    sampling = min(f[f"{s}-{p}"] for s in ("Random", "Cyclic", "Lipschitz") for p in ("FB", "VB"))
    out.append(("Fig 4 A: GSL-FB and GSL-VB >= 10x below every sampling rule (paper ~80x)",
                max(f["GSL-FB"], f["GSL-VB"]) * 10 <= sampling, f"ratio {sampling / max(f['GSL-FB'], f['GSL-VB']):.3g}"))
    out.append(("Fig 4 A: GSL-FB <= 0.2 GS-FB (paper 0.06)", f["GSL-FB"] <= 0.2 * f["GS-FB"],
                f"ratio {f['GSL-FB'] / f['GS-FB']:.3g}"))
    return out


def fig5(result):
    c, start = _curves(result, "A", 5)
    f = {k: _final(v) for k, v in c.items()}
    best_fb = min(f[k] for k in f if k.endswith("-FB"))
    return [
        ("Fig 5 A: GSQ-VB and GSD-VB reach <= 1e-4 f(x0) - f* (paper ~1e-8 relative)",
         max(f["GSQ-VB"], f["GSD-VB"]) <= 1e-4 * start, _fmt({"GSQ-VB": f["GSQ-VB"], "GSD-VB": f["GSD-VB"]})),
        ("Fig 5 A: GSQ-VB and GSD-VB >= 100x better than the best FB rule",
         max(f["GSQ-VB"], f["GSD-VB"]) * 100 <= best_fb, f"best FB {best_fb:.3g}"),
        ("Fig 5 A: GSQ-FB <= GSD-FB <= GS-FB", f["GSQ-FB"] <= f["GSD-FB"] <= f["GS-FB"],
         _fmt({k: f[k] for k in ("GSQ-FB", "GSD-FB", "GS-FB")})),
    ]


def fig6(result):
    out = []
    for dataset in ("D", "E"):
        c, start = _curves(result, dataset, None)
        f = {k: _final(v) for k, v in c.items()}
        best = min(f["Greedy Tree"], f["Tree Partitions"])
        out.append((f"Fig 6 {dataset}: min(Greedy Tree, Tree Partitions) < Random Tree < Red-Black < General",
                    best < f["Random Tree"] < f["Red-Black"] < f["General"], _fmt(f)))
        out.append((f"Fig 6 {dataset}: General >= 1e3 x Greedy Tree", f["General"] >= 1e3 * f["Greedy Tree"],
                    f"ratio {f['General'] / max(f['Greedy Tree'], 1e-300):.3g}"))
        ratio = max(f["Greedy Tree"], f["Tree Partitions"]) / max(best, 1e-300)
        out.append((f"Fig 6 {dataset}: Greedy Tree and Tree Partitions within 50x (paper 2x on D, 22x on E)",
                    ratio <= 50, f"ratio {ratio:.3g}"))
        if dataset == "D":
            out.append(("Fig 6 D: Greedy Tree <= 1e-10 (f(x0) - f*) and General >= 1e-2 (f(x0) - f*)",
                        f["Greedy Tree"] <= 1e-10 * start and f["General"] >= 1e-2 * start,
                        f"relative {f['Greedy Tree'] / start:.3g} and {f['General'] / start:.3g}"))
        else:
            out.append(("Fig 6 E: Lipschitz order beats natural order for the fixed forest partitions",
                        f["Tree Partitions"] <= f["Tree Partitions Order"] and f["Red-Black"] <= f["Red-Black Order"],
                        _fmt({k: f[k] for k in ("Tree Partitions", "Tree Partitions Order", "Red-Black",
                                                "Red-Black Order")})))
    return out


def fig7(result):
    out = []
    for tau in (50, 100):
        c, start = _curves(result, "A-L1NN", tau)
        for name in ("PN-VB", "TMP-VB"):
            curve = c[name]
            done = _finish(curve) <= 30
            star = curve["identified_at"]
            out.append((f"Fig 7 tau={tau}: {name} reaches 1e-8 within 30 iterations and identifies the support "
                        "within 15", done and (star is None or star <= 15) and (star is not None or _finish(curve) <= 15),
                        f"1e-8 at {curve['reached_1e-8_at']}, star {star}"))
        out.append((f"Fig 7 tau={tau}: PG-VB needs > 100 iterations", _finish(c["PG-VB"]) > 100,
                    f"1e-8 at {c['PG-VB']['reached_1e-8_at']}"))
    for tau in (5, 50, 100):
        c, _ = _curves(result, "A-L1NN", tau)
        slower = all((_finish(c[f"{u}-FB"]), _final(c[f"{u}-FB"])) >= (_finish(c[f"{u}-VB"]), _final(c[f"{u}-VB"]))
                     for u in ("PN", "TMP", "PG"))
        out.append((f"Fig 7 tau={tau}: every FB method is slower than its VB counterpart", slower,
                    _fmt({k: _finish(v) for k, v in c.items()})))
    return out


def fig13(result):
    out = []
    for tau in (5, 50, 100):
        c, start = _curves(result, "A-L1NN", tau)
        worst_progress = min(v["final"] for v in c.values()) / start
        stars = [k for k, v in c.items() if v["identified_at"] is not None]
        out.append((f"Fig 13 tau={tau}: random selection reaches no 1e-4 relative gap and identifies no support",
                    worst_progress > 1e-4 and not stars, f"best relative {worst_progress:.3g}, stars {stars}"))
    return out


def fig9(result):
    out = []
    for dataset in ("B", "C"):
        c, _ = _curves(result, dataset, 50)
        f = {k: _final(v) for k, v in c.items()}
        out.append((f"Fig 9 {dataset} tau=50: LA <= Lb for GS and GSL",
                    f["LA-GS"] <= f["Lb-GS"] and f["LA-GSL"] <= f["Lb-GSL"],
                    _fmt({k: f[k] for k in ("LA-GS", "Lb-GS", "LA-GSL", "Lb-GSL")})))
    return out


def fig10(result):
    out = []
    for tau in (20, 50):
        c, _ = _curves(result, "A", tau)
        f = {k: _final(v) for k, v in c.items()}
        holds = all(f[f"{r}-Sort"] <= f[f"{r}-Avg"] <= f[f"{r}-Order"] for r in ("GSL", "GSD"))
        out.append((f"Fig 10 A tau={tau}: Sort <= Avg <= Order for GSL and GSD", holds,
                    _fmt({k: f[k] for k in f if not k.startswith("GS-")})))
    return out


def _first_to_finish(result, dataset, taus, figure):
    out = []
    for tau in taus:
        c, _ = _curves(result, dataset, tau)
        order = sorted(c, key=lambda k: (_finish(c[k]), _final(c[k])))
        out.append((f"{figure} {dataset} tau={tau}: GSQ-VB is the first to reach 1e-8", order[0] == "GSQ-VB",
                    f"order {order[:3]}, GSQ-VB at {c['GSQ-VB']['reached_1e-8_at']}"))
    return out


CHECKS = {"fig4": fig4, "fig5": fig5, "fig6": fig6, "fig7": fig7, "fig13": fig13, "fig9": fig9, "fig10": fig10,
          "fig11": lambda r: _first_to_finish(r, "A", (50, 100), "Fig 11"),
          "fig12": lambda r: _first_to_finish(r, "B", (50, 100), "Fig 12")}


def evaluate(results):
    """results: {figure name: result dict}. Returns [(claim, holds, detail)]."""
    out = []
    for name, check in CHECKS.items():
        if name in results:
            out += check(results[name])
    return out
