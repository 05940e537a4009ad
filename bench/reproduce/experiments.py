"""The experiment grid of the paper's Figures 4-13 (section 9 of the spec): for each figure, the
panels (dataset, block size) and the methods, named as in the paper's legends."""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Method:
    label: str            # the paper's legend name
    selection: str
    partition: str
    update: str
    forest_order: str = "lipschitz"
    general_block: bool = False  # the "General" baseline: block size floor(n^(1/3))

    def rules(self):
        return dict(selection=self.selection, partition=self.partition, update=self.update,
                    forest_order=self.forest_order)


@dataclasses.dataclass(frozen=True)
class Figure:
    name: str
    title: str
    panels: tuple          # ((dataset, block_size), ...)
    methods: dict          # dataset -> tuple of Method (key "*" for every dataset)
    support_stars: bool = False

    def methods_for(self, dataset):
        return self.methods.get(dataset, self.methods.get("*"))


def _sampling_and_greedy(update):
    """{FB (Sort partition), VB} x {Random, Cyclic, Lipschitz, GS, GSL}. Cyclic-VB is the
    authors' "Perm": a fixed random partition cycled. GSL-VB is their GSDHb (our variable gsl)."""
    methods = []
    for selection, name in (("random", "Random"), ("cyclic", "Cyclic"), ("lipschitz", "Lipschitz"), ("gs", "GS"),
                            ("gsl", "GSL")):
        methods.append(Method(f"{name}-FB", selection, "sorted", update))
        vb_partition = "random" if selection == "cyclic" else "variable"
        methods.append(Method(f"{name}-VB", selection, vb_partition, update))
    return tuple(methods)


def _matrix_rules(update, with_gsl_vb):
    methods = [Method(f"{name}-FB", selection, "sorted", update)
               for selection, name in (("gsq", "GSQ"), ("gs", "GS"), ("gsl", "GSL"), ("gsd", "GSD"))]
    methods += [Method(f"{name}-VB", selection, "variable", update)
                for selection, name in (("gs", "GS"), ("gsd", "GSD"), ("gsq", "GSQ"))]
    if with_gsl_vb:
        methods.append(Method("GSL-VB", "gsl", "variable", update))
    return tuple(methods)


def _forest_methods(with_order_variants):
    methods = [Method("Greedy Tree", "gs", "greedy-tree", "exact"),
               Method("Tree Partitions", "cyclic", "tree-partition", "exact"),
               Method("Random Tree", "random", "random-tree", "exact"),
               Method("Red-Black", "cyclic", "red-black", "exact"),
               Method("General", "gs", "general", "exact", general_block=True)]
    if with_order_variants:
        methods += [Method("Tree Partitions Order", "cyclic", "tree-partition", "exact", forest_order="natural"),
                    Method("Red-Black Order", "cyclic", "red-black", "exact", forest_order="natural")]
    return tuple(methods)


def _active_set_methods(selection):
    return tuple(Method(f"{name}-{kind}", selection, partition, update)
                 for update, name in (("prox-newton", "PN"), ("two-metric", "TMP"), ("prox-gradient", "PG"))
                 for partition, kind in (("variable", "VB"), ("sorted", "FB")))


ALL = ("A", "B", "C", "D", "E")
LARGE = (5, 50, 100)
MEDIUM = (5, 20, 50)

FIGURES = {
    "fig4": Figure("fig4", "Greedy vs random rules, gradient updates", (("A", 5), ("C", 5), ("E", 5)),
                   {"*": _sampling_and_greedy("gradient")}),
    "fig5": Figure("fig5", "Greedy rules, matrix updates", (("A", 5), ("C", 5), ("E", 5)),
                   {"*": _matrix_rules("matrix", with_gsl_vb=True)}),
    "fig6": Figure("fig6", "Message passing on forests, exact updates", (("D", None), ("E", None)),
                   {"D": _forest_methods(False), "E": _forest_methods(True)}),
    "fig7": Figure("fig7", "Active-set identification, L1 + non-negative least squares, GS-q",
                   tuple(("A-L1NN", tau) for tau in LARGE), {"*": _active_set_methods("gsl-q")}, support_stars=True),
    "fig8": Figure("fig8", "All datasets, gradient updates", tuple((d, t) for d in ALL for t in LARGE),
                   {"*": _sampling_and_greedy("gradient")}),
    "fig9": Figure("fig9", "Adaptive (LA) vs block (Lb) Lipschitz constants, Order partition",
                   tuple((d, t) for d in ALL for t in MEDIUM),
                   {"*": tuple(Method(f"{upd_name}-{name}", selection, "order", update)
                               for update, upd_name in (("adaptive", "LA"), ("gradient", "Lb"))
                               for selection, name in (("gs", "GS"), ("gsl", "GSL"), ("lipschitz", "Lipschitz"),
                                                       ("random", "Random"), ("cyclic", "Cyclic")))}),
    "fig10": Figure("fig10", "Partition strategies", tuple((d, t) for d in ALL for t in MEDIUM),
                    {"*": tuple(Method(f"{name}-{part_name}", selection, partition, "gradient")
                                for partition, part_name in (("sorted", "Sort"), ("order", "Order"), ("avg", "Avg"))
                                for selection, name in (("gs", "GS"), ("gsd", "GSD"), ("gsl", "GSL")))}),
    "fig11": Figure("fig11", "Matrix updates, all datasets", tuple((d, t) for d in ALL for t in LARGE),
                    {"*": _matrix_rules("matrix", with_gsl_vb=False)}),
    "fig12": Figure("fig12", "Newton updates with line search", tuple((d, t) for d in ("B", "C") for t in LARGE),
                    {"*": _matrix_rules("newton", with_gsl_vb=False)}),
    "fig13": Figure("fig13", "As Fig. 7 with random selection", tuple(("A-L1NN", tau) for tau in LARGE),
                    {"*": _active_set_methods("random")}, support_stars=True),
}
QUICK = ("fig4", "fig5", "fig6", "fig7")
