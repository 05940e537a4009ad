"""Text classifiers trained on augmented data, with Southwell as the optimiser (docs/augment.md).

::

    from southwell import augment
    clf = augment.AugmentedTextClassifier(
        augmenters=[augment.EDA(), augment.SynonymReplacement(), augment.NGramGenerator(),
                    augment.PseudoLabels()],
        filter=augment.ConfidenceFilter(threshold=0.7), aug_weight="cv", random_state=0)
    clf.fit(texts, y, unlabeled=more_texts)
    clf.predict(texts); clf.predict_proba(texts); clf.score(texts, y)
    clf.augmentation_report_     # per augmenter: generated, kept by the filter, weight used

The pipeline follows *Data Augmentation in NLP: a novel text generation approach for long and
short text classifiers*: generate texts per class, keep those that a classifier trained on the
original data assigns to their intended class with enough confidence, retrain on both with the
augmented samples down-weighted. The classifier is TF-IDF (scikit-learn) + Southwell's
`LogisticRegression` with per-sample weights.
"""
from __future__ import annotations

import warnings
from typing import List, Optional, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from ._augmenters import EDA, Augmenter, ConfidenceFilter, NGramGenerator, PseudoLabels, SynonymReplacement
from .linear_model import LogisticRegression

__all__ = ["AugmentedTextClassifier", "Augmenter", "EDA", "SynonymReplacement", "NGramGenerator", "PseudoLabels",
           "ConfidenceFilter", "DEFAULT_WEIGHT_GRID"]

#: The augmented-sample weights `aug_weight="cv"` chooses from (0: augmentation off).
DEFAULT_WEIGHT_GRID = (0.0, 0.1, 0.3, 1.0)


def _texts(values, name):
    if isinstance(values, str) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a list of str, got {type(values).__name__}")
    values = list(values)
    for i, text in enumerate(values):
        if not isinstance(text, str):
            raise TypeError(f"{name}[{i}] must be a str, got {type(text).__name__}")
    return values


def _default_augmenters():
    return [EDA(), SynonymReplacement(), NGramGenerator(), PseudoLabels()]


class AugmentedTextClassifier(ClassifierMixin, BaseEstimator):
    """TF-IDF + Southwell logistic regression trained on filtered augmented texts.

    Parameters
    ----------
    augmenters : list, optional
        `Augmenter` objects (`EDA`, `SynonymReplacement`, `NGramGenerator`, `PseudoLabels`, or
        your own subclass) and/or callables ``generator(texts_of_class, n) -> list[str]``
        (wrapped in `NGramGenerator(generator=...)`). Default: all four built-in augmenters.
        `PseudoLabels` runs first, so that the n-gram models also learn from the unlabelled
        texts it labelled (and the filter kept).
    filter : ConfidenceFilter, optional
        Default ``ConfidenceFilter(threshold=0.5, balance="predicted")``.
    aug_weight : "cv" or float >= 0, default "cv"
        Weight of every augmented sample in the loss (labelled samples weigh 1). "cv" chooses it
        from `weight_grid` (0 included) by stratified cross-validation on the labelled texts,
        re-running the augmentation and the filter inside every fold from the fold's training
        texts only, so that augmentation is switched off where it does not help.
    weight_grid : sequence of float, default (0, 0.1, 0.3, 1)
    cv : int, default 5
        Folds of the weight selection (reduced to the smallest class count; with a class of
        one text no selection is possible and the weight is 0, with a warning).
    C : float, default 10.0
        Inverse l2 strength of the logistic regression (scikit-learn's C).
    ngram_range : tuple, default (1, 2)
        Word n-grams of the TF-IDF vectoriser, which is fitted on the labelled and unlabelled
        texts.
    random_state : int or None, default None
        Seeds the augmenters and the folds; results are reproducible for an int.

    Attributes
    ----------
    classes_ : ndarray
    vectorizer_ : sklearn TfidfVectorizer
    classifier_ : southwell.linear_model.LogisticRegression
        The final model.
    aug_weight_ : float
        The weight used.
    cv_scores_ : dict {weight: mean held-out accuracy} (empty unless aug_weight="cv")
    augmentation_report_ : dict {augmenter name: {"generated", "kept", "weight"}}
        Counts of the final fit: texts generated, texts the filter kept, weight they got.
    """

    def __init__(self, augmenters: Optional[list] = None, filter: Optional[ConfidenceFilter] = None,
                 aug_weight="cv", *, weight_grid: Sequence[float] = DEFAULT_WEIGHT_GRID, cv: int = 5, C: float = 10.0,
                 ngram_range=(1, 2), random_state: Optional[int] = None) -> None:
        self.augmenters = augmenters
        self.filter = filter
        self.aug_weight = aug_weight
        self.weight_grid = weight_grid
        self.cv = cv
        self.C = C
        self.ngram_range = ngram_range
        self.random_state = random_state

    def _check(self):
        augmenters = _default_augmenters() if self.augmenters is None else list(self.augmenters)
        checked = []
        for a in augmenters:
            if isinstance(a, Augmenter):
                checked.append(a)
            elif callable(a):
                checked.append(NGramGenerator(generator=a))
            else:
                raise TypeError(f"augmenters must be Augmenter objects or callables, got {type(a).__name__}")
        # PseudoLabels first: the generators may learn from the texts it labels.
        checked.sort(key=lambda a: not isinstance(a, PseudoLabels))
        filter_ = ConfidenceFilter() if self.filter is None else self.filter
        if not isinstance(filter_, ConfidenceFilter):
            raise TypeError(f"filter must be a ConfidenceFilter, got {type(filter_).__name__}")
        grid = sorted(float(w) for w in self.weight_grid)
        if not grid or any(not (w >= 0) or not np.isfinite(w) for w in grid):
            raise ValueError(f"weight_grid must hold finite weights >= 0, got {self.weight_grid!r}")
        if isinstance(self.aug_weight, str):
            if self.aug_weight != "cv":
                raise ValueError(f"aug_weight must be 'cv' or a number >= 0, got {self.aug_weight!r}")
        elif isinstance(self.aug_weight, bool) or not isinstance(self.aug_weight, (int, float)) \
                or not (self.aug_weight >= 0) or not np.isfinite(self.aug_weight):
            raise ValueError(f"aug_weight must be 'cv' or a finite number >= 0, got {self.aug_weight!r}")
        if isinstance(self.cv, bool) or not isinstance(self.cv, (int, np.integer)) or self.cv < 2:
            raise ValueError(f"cv must be an integer >= 2, got {self.cv!r}")
        if isinstance(self.C, bool) or not isinstance(self.C, (int, float)) or not (self.C > 0) or not np.isfinite(self.C):
            raise ValueError(f"C must be a finite number > 0, got {self.C!r}")
        return checked, filter_, grid

    def _new_classifier(self):
        return LogisticRegression(C=self.C)

    def _augment(self, texts, y, positions, unlabeled, augmenters, filter_, rng, shared):
        """Augmented texts and labels from the labelled texts at `positions` only, filtered by a
        classifier trained on them; and per-augmenter (generated, kept) counts. `shared` holds
        what the folds of one fit can share (the kNN graph)."""
        texts = [texts[i] for i in positions]
        y = y[positions]
        base = self._new_classifier().fit(self.vectorizer_.transform(texts), y)
        seen = {" ".join(t.split()) for t in texts}
        class_counts = np.array([np.sum(y == c) for c in base.classes_])
        context = {"unlabeled": unlabeled, "vectorizer": self.vectorizer_, "all_labelled": shared["texts"],
                   "positions": positions, "shared": shared, "pseudo": ([], np.zeros(0, dtype=y.dtype))}
        kept_texts: List[str] = []
        kept_labels = []
        counts = {}
        for augmenter, name in zip(augmenters, _names(augmenters)):
            generated, labels = augmenter.generate(texts, y, rng, context)
            labels = np.asarray(labels)
            if len(generated) != len(labels):
                raise ValueError(f"augmenter {name} returned {len(generated)} texts and {len(labels)} labels")
            keep = np.zeros(len(generated), dtype=bool)
            if generated:
                codes = np.searchsorted(base.classes_, labels)
                if (codes >= len(base.classes_)).any() or (base.classes_[np.minimum(codes, len(base.classes_) - 1)]
                                                            != labels).any():
                    raise ValueError(f"augmenter {name} produced labels that are not classes of y")
                probability = base.predict_proba(self.vectorizer_.transform(generated))
                keep = filter_.select(generated, codes, probability, seen, class_counts)
            chosen = [t for t, k in zip(generated, keep) if k]
            if isinstance(augmenter, PseudoLabels):
                context["pseudo"] = (chosen, labels[keep])
            kept_texts += chosen
            kept_labels.append(labels[keep])
            counts[name] = (len(generated), int(keep.sum()))
        labels = np.concatenate(kept_labels) if kept_labels else np.zeros(0, dtype=y.dtype)
        return kept_texts, labels.astype(y.dtype), counts

    def _fit_weighted(self, X, y, X_aug, y_aug, weight):
        if weight == 0 or X_aug.shape[0] == 0:
            return self._new_classifier().fit(X, y)
        design = sp.vstack([X, X_aug], format="csr")
        labels = np.concatenate([y, y_aug])
        sample_weight = np.concatenate([np.ones(X.shape[0]), np.full(X_aug.shape[0], weight)])
        return self._new_classifier().fit(design, labels, sample_weight=sample_weight)

    def fit(self, texts, y, unlabeled=None) -> "AugmentedTextClassifier":
        """Augment, filter, choose the augmented weight, and train.

        texts : list of str; y : array-like of labels; unlabeled : list of str, optional
            In-domain texts without labels (used by `PseudoLabels` and for the vocabulary).
        """
        augmenters, filter_, grid = self._check()
        texts = _texts(texts, "texts")
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(texts):
            raise ValueError(f"y must be 1-D with one label per text ({len(texts)}), got shape {y.shape}")
        self.classes_, counts = np.unique(y, return_counts=True)
        if len(self.classes_) < 2:
            raise ValueError("y holds a single class; a classifier needs at least two")
        unlabeled = [] if unlabeled is None else _texts(unlabeled, "unlabeled")
        rng = np.random.default_rng(self.random_state)
        self.vectorizer_ = TfidfVectorizer(ngram_range=tuple(self.ngram_range)).fit(texts + unlabeled)
        X = self.vectorizer_.transform(texts)
        self.cv_scores_ = {}
        shared = {"texts": texts}
        if self.aug_weight == "cv":
            folds = min(self.cv, int(counts.min()))
            if folds < 2:
                warnings.warn("a class has a single labelled text: no cross-validation possible, aug_weight 0")
                weight = 0.0
            else:
                weight = self._cross_validate(texts, y, X, unlabeled, augmenters, filter_, grid, folds, rng, shared)
        else:
            weight = float(self.aug_weight)
        aug_texts, aug_y, report = self._augment(texts, y, np.arange(len(y)), unlabeled, augmenters, filter_, rng,
                                                 shared)
        X_aug = self.vectorizer_.transform(aug_texts) if aug_texts else sp.csr_matrix((0, X.shape[1]))
        self.classifier_ = self._fit_weighted(X, y, X_aug, aug_y, weight)
        self.aug_weight_ = weight
        self.augmentation_report_ = {name: {"generated": g, "kept": k, "weight": weight}
                                     for name, (g, k) in report.items()}
        return self

    def _cross_validate(self, texts, y, X, unlabeled, augmenters, filter_, grid, folds, rng, shared):
        seed = int(rng.integers(2 ** 31))
        scores = np.zeros(len(grid))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        for train, test in splitter.split(np.zeros(len(y)), y):
            aug_texts, aug_y, _ = self._augment(texts, y, train, unlabeled, augmenters, filter_, rng, shared)
            X_aug = self.vectorizer_.transform(aug_texts) if aug_texts else sp.csr_matrix((0, X.shape[1]))
            for g, weight in enumerate(grid):
                model = self._fit_weighted(X[train], y[train], X_aug, aug_y, weight)
                scores[g] += np.mean(model.predict(X[test]) == y[test]) / folds
        self.cv_scores_ = dict(zip(grid, scores.tolist()))
        # The smallest weight among the best: augmentation must earn its place.
        return grid[int(np.flatnonzero(scores >= scores.max() - 1e-12)[0])]

    def predict_proba(self, texts) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        return self.classifier_.predict_proba(self.vectorizer_.transform(_texts(texts, "texts")))

    def predict(self, texts) -> np.ndarray:
        check_is_fitted(self, "classifier_")
        return self.classifier_.predict(self.vectorizer_.transform(_texts(texts, "texts")))


def _names(augmenters):
    names, seen = [], {}
    for a in augmenters:
        seen[a.name] = seen.get(a.name, 0) + 1
        names.append(a.name if seen[a.name] == 1 else f"{a.name}#{seen[a.name]}")
    return names
