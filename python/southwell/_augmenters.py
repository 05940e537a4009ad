"""Text augmenters and the confidence filter of `southwell.augment`.

Every augmenter turns labelled texts into new (text, label) pairs:
``generate(texts, labels, rng, context) -> (new_texts, new_labels)``, where `context` carries
what some augmenters need beyond the labelled texts (the unlabelled texts, their pseudo-labels
once `PseudoLabels` has run, the shared TF-IDF vectoriser). Texts are split on white space.
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import scipy.sparse as sp

from ._inputs import integer_at_least
from ._wordnet import DEFAULT_ROOT, WordNet

__all__ = ["Augmenter", "EDA", "SynonymReplacement", "NGramGenerator", "PseudoLabels", "ConfidenceFilter"]


def _fraction(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not (0 < value <= 1):
        raise ValueError(f"{name} must be in (0, 1], got {value!r}")
    return float(value)


class Augmenter:
    """Base class: subclasses implement `generate`; `name` labels them in reports."""

    name = "augmenter"

    def generate(self, texts: Sequence[str], labels: np.ndarray, rng: np.random.Generator,
                 context: dict) -> Tuple[List[str], np.ndarray]:
        raise NotImplementedError

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({fields})"


class EDA(Augmenter):
    """Easy data augmentation (Wei & Zou 2019) without WordNet: random swap, random deletion and
    random insertion (of a word of the same text); `SynonymReplacement` is the WordNet part.

    Parameters
    ----------
    n_per_text : int, default 4
        New texts per labelled text; each applies one operation, chosen at random.
    alpha : float in (0, 1], default 0.1
        Share of a text's words an operation changes (at least one).
    """

    name = "EDA"

    def __init__(self, n_per_text: int = 4, alpha: float = 0.1) -> None:
        self.n_per_text = integer_at_least(n_per_text, "n_per_text", 1)
        self.alpha = _fraction(alpha, "alpha")

    def generate(self, texts, labels, rng, context):
        out, out_labels = [], []
        for text, label in zip(texts, labels):
            words = text.split()
            if len(words) < 2:
                continue
            changes = max(1, int(round(self.alpha * len(words))))
            for _ in range(self.n_per_text):
                new = list(words)
                operation = rng.integers(3)
                for _ in range(changes):
                    if operation == 0:
                        i, j = rng.choice(len(new), size=2, replace=False)
                        new[i], new[j] = new[j], new[i]
                    elif operation == 1 and len(new) > 1:
                        del new[rng.integers(len(new))]
                    elif operation == 2:
                        new.insert(rng.integers(len(new) + 1), words[rng.integers(len(words))])
                out.append(" ".join(new))
                out_labels.append(label)
        return out, np.asarray(out_labels, dtype=labels.dtype)


class SynonymReplacement(Augmenter):
    """Replace words by WordNet synonyms (Debian's `wordnet-base`, read directly).

    Parameters
    ----------
    n_per_text : int, default 4
    alpha : float in (0, 1], default 0.1
        Share of a text's words replaced (at least one, among words that have synonyms and are
        not stop words).
    wordnet_root : str, default "/usr/share/wordnet"
    """

    name = "SynonymReplacement"

    def __init__(self, n_per_text: int = 4, alpha: float = 0.1, wordnet_root: str = DEFAULT_ROOT) -> None:
        self.n_per_text = integer_at_least(n_per_text, "n_per_text", 1)
        self.alpha = _fraction(alpha, "alpha")
        self.wordnet_root = wordnet_root
        self._wordnet: Optional[WordNet] = None

    def generate(self, texts, labels, rng, context):
        if self._wordnet is None:
            self._wordnet = WordNet(self.wordnet_root)
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
        out, out_labels = [], []
        for text, label in zip(texts, labels):
            words = text.split()
            candidates = [i for i, w in enumerate(words)
                          if w.isalpha() and w.lower() not in ENGLISH_STOP_WORDS and self._wordnet.synonyms(w)]
            if not candidates:
                continue
            changes = min(len(candidates), max(1, int(round(self.alpha * len(words)))))
            for _ in range(self.n_per_text):
                new = list(words)
                for i in rng.choice(candidates, size=changes, replace=False):
                    options = self._wordnet.synonyms(words[i])
                    new[i] = options[rng.integers(len(options))]
                out.append(" ".join(new))
                out_labels.append(label)
        return out, np.asarray(out_labels, dtype=labels.dtype)


class NGramGenerator(Augmenter):
    """New texts per class from a class-conditional word n-gram language model, or from any
    generator you supply.

    The model is trained on the labelled texts of each class and, when `PseudoLabels` ran
    first, on the unlabelled texts it pseudo-labelled (those the filter kept); sampling starts
    at the sentence start, draws each word from the counts of the longest context seen in
    training (backing off to shorter contexts), and stops at the sentence end or `max_length`.
    This is the offline stand-in for the paper's fine-tuned generator.

    Parameters
    ----------
    order : int, default 3
        n of the n-grams.
    per_text : float, default 2.0
        Texts generated per class = per_text × the class's labelled texts (rounded up).
    max_length : int, default 40
        Words per generated text.
    generator : callable, optional
        ``generator(texts_of_class, n) -> list[str]`` (e.g. a large language model) used instead
        of the n-gram model; a bare callable in `AugmentedTextClassifier(augmenters=[...])` is
        wrapped in this class.
    """

    name = "NGramGenerator"

    def __init__(self, order: int = 3, per_text: float = 2.0, max_length: int = 40,
                 generator: Optional[Callable[[List[str], int], List[str]]] = None) -> None:
        self.order = integer_at_least(order, "order", 1)
        if isinstance(per_text, bool) or not isinstance(per_text, (int, float)) or not (per_text > 0) \
                or math.isinf(per_text):
            raise ValueError(f"per_text must be a finite number > 0, got {per_text!r}")
        self.per_text = float(per_text)
        self.max_length = integer_at_least(max_length, "max_length", 1)
        if generator is not None and not callable(generator):
            raise TypeError("generator must be callable: generator(texts_of_class, n) -> list of str")
        self.generator = generator
        if generator is not None:
            self.name = getattr(generator, "__name__", "generator")

    def generate(self, texts, labels, rng, context):
        pseudo_texts, pseudo_labels = context.get("pseudo", ([], np.zeros(0, dtype=labels.dtype)))
        out, out_labels = [], []
        for label in np.unique(labels):
            own = [t for t, y in zip(texts, labels) if y == label]
            corpus = own + [t for t, y in zip(pseudo_texts, pseudo_labels) if y == label]
            n = int(math.ceil(self.per_text * len(own)))
            if self.generator is not None:
                generated = list(self.generator(list(corpus), n))
                if not all(isinstance(t, str) for t in generated):
                    raise TypeError(f"the generator must return a list of str, got {type(generated).__name__}")
            else:
                generated = self._sample(corpus, n, rng)
            out += generated
            out_labels += [label] * len(generated)
        return out, np.asarray(out_labels, dtype=labels.dtype)

    def _sample(self, corpus, n, rng):
        counts: Dict[tuple, Dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for text in corpus:
            words = ["<s>"] * (self.order - 1) + text.split() + ["</s>"]
            for i in range(self.order - 1, len(words)):
                for length in range(self.order):
                    counts[tuple(words[i - length:i])][words[i]] += 1
        tables = {context: (list(options), np.fromiter(options.values(), float)) for context, options in counts.items()}
        samples = []
        for _ in range(n):
            history, words = ["<s>"] * (self.order - 1), []
            while len(words) < self.max_length:
                for length in range(self.order - 1, -1, -1):
                    table = tables.get(tuple(history[len(history) - length:]) if length else ())
                    if table is not None:
                        break
                choices, weights = table
                word = choices[rng.choice(len(choices), p=weights / weights.sum())]
                if word == "</s>":
                    break
                words.append(word)
                history.append(word)
            if words:
                samples.append(" ".join(words))
        return samples


class PseudoLabels(Augmenter):
    """Label unlabelled texts by Southwell's label propagation on a cosine kNN graph.

    The graph joins every labelled and unlabelled text to its `n_neighbors` nearest texts by
    cosine similarity of their TF-IDF vectors (symmetrised, weights = similarities); the labels
    spread by `southwell.semi_supervised.LabelPropagation` (harmonic function, hard clamping,
    solved by forest-structured BCD with message passing); with `class_mass_normalization` the
    class scores are rescaled so that each class's total mass matches its share of the labelled
    texts (Zhu, Ghahramani & Lafferty 2003: without it one class tends to flood the graph).
    Every unlabelled text comes back with its class. Needs ``fit(..., unlabeled=[...])``;
    without unlabelled texts it generates nothing. Inside one `fit` the graph is built once and
    shared by the cross-validation folds (held-out labelled texts are then unlabelled nodes
    whose labels are not used).

    Parameters
    ----------
    n_neighbors : int, default 10
    max_unlabeled : int, optional
        Use at most this many unlabelled texts (a random subset).
    class_mass_normalization : bool, default True
    """

    name = "PseudoLabels"

    def __init__(self, n_neighbors: int = 10, max_unlabeled: Optional[int] = None,
                 class_mass_normalization: bool = True) -> None:
        self.n_neighbors = integer_at_least(n_neighbors, "n_neighbors", 1)
        self.max_unlabeled = None if max_unlabeled is None else integer_at_least(max_unlabeled, "max_unlabeled", 1)
        self.class_mass_normalization = bool(class_mass_normalization)

    def generate(self, texts, labels, rng, context):
        unlabeled = context.get("unlabeled") or []
        if not unlabeled:
            return [], np.zeros(0, dtype=labels.dtype)
        from .semi_supervised import LabelPropagation
        everyone = context.get("all_labelled", texts)
        positions = context.get("positions", np.arange(len(texts)))
        shared = context.get("shared", {})
        key = (id(self), "graph")
        if key not in shared:
            if self.max_unlabeled is not None and len(unlabeled) > self.max_unlabeled:
                picked = np.sort(rng.choice(len(unlabeled), self.max_unlabeled, replace=False))
                unlabeled = [unlabeled[i] for i in picked]
            vectors = context["vectorizer"].transform(list(everyone) + list(unlabeled))
            shared[key] = (cosine_knn_graph(vectors, self.n_neighbors), list(unlabeled))
        graph, unlabeled = shared[key]
        classes, codes = np.unique(labels, return_inverse=True)
        y = np.full(graph.shape[0], -1)
        y[positions] = codes
        propagation = LabelPropagation(kernel="precomputed").fit(graph, y)
        scores = propagation.label_distributions_[len(everyone):]
        if self.class_mass_normalization:
            prior = np.bincount(codes, minlength=len(classes)) / len(codes)
            scores = scores * (prior / np.maximum(scores.sum(axis=0), 1e-300))
        return list(unlabeled), classes[scores.argmax(axis=1)].astype(labels.dtype)


def cosine_knn_graph(vectors, n_neighbors):
    """Symmetric sparse graph: each row joined to its n_neighbors most cosine-similar rows
    (positive similarities only), weight = similarity, max of the two directions."""
    from sklearn.preprocessing import normalize
    unit = normalize(sp.csr_matrix(vectors))
    n = unit.shape[0]
    k = min(n_neighbors, n - 1)
    rows, cols, values = [], [], []
    for start in range(0, n, 2048):  # bounded memory: one block of similarity rows at a time
        block = (unit[start:start + 2048] @ unit.T).toarray()
        block[np.arange(block.shape[0]), np.arange(start, start + block.shape[0])] = -np.inf
        nearest = np.argpartition(-block, k - 1, axis=1)[:, :k] if k > 0 else np.zeros((block.shape[0], 0), int)
        similarity = np.take_along_axis(block, nearest, axis=1)
        keep = similarity > 0
        rows.append(np.repeat(np.arange(start, start + block.shape[0]), k)[keep.ravel()])
        cols.append(nearest[keep])
        values.append(similarity[keep])
    graph = sp.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n))
    return graph.maximum(graph.T).tocsr()


class ConfidenceFilter:
    """Keep an augmented text only when the classifier trained on the original data gives its
    intended class a probability of at least `threshold`; drop texts equal to a training text
    or to an earlier augmented text; then keep the classes in proportion.

    Parameters
    ----------
    threshold : float in [0, 1], default 0.5
        0.5 measured best with the default classifier (docs/augment.md): a TF-IDF logistic
        regression trained on a few dozen texts rarely gives any class 0.7 on a new text.
    balance : "predicted", "labelled" or None, default "predicted"
        Of the texts that pass, keep the most confident ones of every class in the proportions
        the classifier predicts for all the texts this augmenter generated ("predicted": for
        pseudo-labels, its estimate of the class mix of the unlabelled texts), or in those of
        the labelled texts ("labelled"), as many as the scarcest class allows (none when a class
        has none); None keeps every text that passes. Pseudo-labels pass for one class far more
        often than for others, and an augmented set out of proportion shifts the classifier; the
        labelled proportions are wrong when the labelled set was sampled per class.
    max_ratio : float, optional
        Keep at most max_ratio × (labelled texts of the class) texts per class and augmenter,
        the most confident first (None: no cap).
    """

    _BALANCE = ("predicted", "labelled", None)

    def __init__(self, threshold: float = 0.5, balance: Optional[str] = "predicted",
                 max_ratio: Optional[float] = None) -> None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not (0 <= threshold <= 1):
            raise ValueError(f"threshold must be in [0, 1], got {threshold!r}")
        if balance not in self._BALANCE:
            raise ValueError(f"balance must be 'predicted', 'labelled' or None, got {balance!r}")
        if max_ratio is not None and (isinstance(max_ratio, bool) or not isinstance(max_ratio, (int, float))
                                      or not (max_ratio > 0) or math.isinf(max_ratio)):
            raise ValueError(f"max_ratio must be a finite number > 0 or None, got {max_ratio!r}")
        self.threshold = float(threshold)
        self.balance = balance
        self.max_ratio = None if max_ratio is None else float(max_ratio)

    def select(self, texts: Sequence[str], codes: np.ndarray, probability: np.ndarray, seen: set,
               class_counts: np.ndarray) -> np.ndarray:
        """Boolean mask of the texts to keep. `codes`: intended class indices; `probability`:
        the classifier's class probabilities of the texts (rows); `class_counts`: labelled
        texts per class. Adds the kept texts to `seen`."""
        intended = probability[np.arange(len(texts)), codes] if len(texts) else np.zeros(0)
        passed = np.zeros(len(texts), dtype=bool)
        keys = [" ".join(t.split()) for t in texts]
        fresh = set()
        for i, key in enumerate(keys):
            if intended[i] >= self.threshold and key and key not in seen and key not in fresh:
                passed[i] = True
                fresh.add(key)
        keep = passed
        if (self.balance is not None or self.max_ratio is not None) and passed.any():
            classes = len(class_counts)
            quotas = np.full(classes, np.inf)
            if self.balance is not None:
                if self.balance == "predicted":
                    shares = np.bincount(probability.argmax(axis=1), minlength=classes) / len(texts)
                else:
                    shares = class_counts / class_counts.sum()
                available = np.bincount(codes[passed], minlength=classes)
                with np.errstate(divide="ignore"):
                    scale = np.min(np.where(shares > 0, available / shares, np.inf))
                quotas = np.floor(scale * shares + 1e-9)
            if self.max_ratio is not None:
                quotas = np.minimum(quotas, np.floor(self.max_ratio * class_counts + 1e-9))
            keep = np.zeros_like(passed)
            for c in range(classes):
                members = np.flatnonzero(passed & (codes == c))
                best = members[np.argsort(-intended[members], kind="stable")]
                keep[best[:len(best) if np.isinf(quotas[c]) else int(quotas[c])]] = True
        seen.update(keys[i] for i in np.flatnonzero(keep))
        return keep

    def __repr__(self):
        return (f"ConfidenceFilter(threshold={self.threshold!r}, balance={self.balance!r}, "
                f"max_ratio={self.max_ratio!r})")
