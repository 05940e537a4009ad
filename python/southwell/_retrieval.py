"""Text analysis, a BM25 index over sparse document vectors, and RM3 feedback."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Dict, Iterable, List, Mapping, Tuple, Union

import numpy as np
import scipy.sparse as sp

from ._inputs import integer_at_least

__all__ = ["Analyzer", "Index", "RM3"]

_TOKEN = re.compile(r"[a-z0-9]+")


class Analyzer:
    """Lower-case alphanumeric tokens, stop words removed, then stemmed.

    Parameters
    ----------
    stemmer : "porter", None or callable, default "porter"
        NLTK's Porter stemmer (Debian's python3-nltk; no corpus download needed), no stemming,
        or any ``str -> str`` function.
    stopwords : "english", None or iterable of str, default "english"
        scikit-learn's English stop-word list (318 words), none, or your own list (compared
        with the lower-cased tokens before stemming).
    """

    def __init__(self, stemmer: Union[str, None, Callable[[str], str]] = "porter",
                 stopwords: Union[str, None, Iterable[str]] = "english") -> None:
        if stemmer == "porter":
            try:
                from nltk.stem.porter import PorterStemmer
            except ImportError as error:
                raise ImportError("stemmer='porter' needs NLTK (Debian: apt-get install python3-nltk)") from error
            stem = PorterStemmer().stem
        elif stemmer is None:
            def stem(token):
                return token
        elif callable(stemmer):
            stem = stemmer
        else:
            raise ValueError(f"stemmer must be 'porter', None or a callable, got {stemmer!r}")
        if isinstance(stopwords, str):
            if stopwords != "english":
                raise ValueError(f"stopwords must be 'english', None or a list of words, got {stopwords!r}")
            from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
            stopwords = ENGLISH_STOP_WORDS
        self.stopwords = frozenset() if stopwords is None else frozenset(w.lower() for w in stopwords)
        # Vocabularies are small next to the token stream: stem each distinct token once.
        self._stem = lru_cache(maxsize=None)(stem)

    def __call__(self, text: str) -> List[str]:
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        return [self._stem(t) for t in _TOKEN.findall(text.lower()) if t not in self.stopwords]


class Index:
    """A BM25 index: every document as a sparse vector of BM25 term weights.

    The score of a weighted query x (a vector over the vocabulary) is ``W @ x`` with
    ``W[d, t] = idf(t) · tf(t,d) (k1 + 1) / (tf(t,d) + k1 (1 − b + b |d| / avgdl))`` and
    ``idf(t) = log(1 + (N − df(t) + 0.5) / (df(t) + 0.5))`` (Lucene's BM25); a text query is x =
    its term counts, which gives the usual BM25 score. The reformulation methods work on these
    vectors directly.

    Parameters
    ----------
    docs : mapping of str -> str
        Document id -> text.
    k1, b : float, default 0.9, 0.4
        BM25 parameters (k1 >= 0, 0 <= b <= 1); the defaults are Anserini's.
    stemmer, stopwords
        As for `Analyzer`.
    """

    def __init__(self, docs: Mapping[str, str], k1: float = 0.9, b: float = 0.4,
                 stemmer: Union[str, None, Callable[[str], str]] = "porter",
                 stopwords: Union[str, None, Iterable[str]] = "english") -> None:
        if not isinstance(docs, Mapping):
            raise TypeError("docs must be a mapping of document id -> text")
        if len(docs) == 0:
            raise ValueError("docs is empty")
        k1, b = float(k1), float(b)
        if not (np.isfinite(k1) and k1 >= 0):
            raise ValueError(f"k1 must be finite and >= 0, got {k1}")
        if not (0 <= b <= 1):
            raise ValueError(f"b must be in [0, 1], got {b}")
        self.k1, self.b = k1, b
        self.analyzer = Analyzer(stemmer, stopwords)
        self.doc_ids = [str(d) for d in docs]
        self._row = {d: i for i, d in enumerate(self.doc_ids)}
        self.vocabulary: Dict[str, int] = {}
        rows, cols, counts = [], [], []
        for row, text in enumerate(docs.values()):
            terms: Dict[int, int] = {}
            for token in self.analyzer(text):
                column = self.vocabulary.setdefault(token, len(self.vocabulary))
                terms[column] = terms.get(column, 0) + 1
            rows.extend([row] * len(terms))
            cols.extend(terms.keys())
            counts.extend(terms.values())
        shape = (len(self.doc_ids), max(len(self.vocabulary), 1))
        #: term frequencies, documents x terms (CSR)
        self.tf = sp.csr_matrix((np.asarray(counts, float), (rows, cols)), shape=shape)
        self.tf.sort_indices()
        self.doc_lengths = np.asarray(self.tf.sum(axis=1)).ravel()
        n_docs = len(self.doc_ids)
        df = np.bincount(self.tf.indices, minlength=shape[1]).astype(float)
        self.idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        average = self.doc_lengths.mean() if self.doc_lengths.sum() > 0 else 1.0
        norm = k1 * (1 - b + b * self.doc_lengths / average)
        weights = self.tf.copy()
        tf = weights.data
        row_of = np.repeat(np.arange(n_docs), np.diff(weights.indptr))
        weights.data = self.idf[weights.indices] * tf * (k1 + 1) / (tf + norm[row_of])
        #: BM25 term weights, documents x terms (CSR); column access via `weights_csc`
        self.weights = weights
        self.weights_csc = weights.tocsc()
        self.terms = np.empty(shape[1], dtype=object)
        for term, column in self.vocabulary.items():
            self.terms[column] = term

    @property
    def n_docs(self) -> int:
        return len(self.doc_ids)

    def row(self, doc_id: str) -> int:
        """The matrix row of a document id."""
        return self._row[doc_id]

    def query_vector(self, text: str) -> Dict[int, float]:
        """Term id -> count for the analysed query text (terms outside the vocabulary dropped)."""
        vector: Dict[int, float] = {}
        for token in self.analyzer(text):
            column = self.vocabulary.get(token)
            if column is not None:
                vector[column] = vector.get(column, 0.0) + 1.0
        return vector

    def scores(self, query: Mapping[int, float]) -> np.ndarray:
        """BM25 scores of every document for a weighted query {term id: weight}."""
        scores = np.zeros(self.n_docs)
        for column, weight in query.items():
            start, end = self.weights_csc.indptr[column], self.weights_csc.indptr[column + 1]
            scores[self.weights_csc.indices[start:end]] += weight * self.weights_csc.data[start:end]
        return scores

    def search_vector(self, query: Mapping[int, float], k: int = 1000) -> List[Tuple[str, float]]:
        """The k best documents for a weighted query, best first; only documents that share a
        term with the query (score > 0); ties broken by index order."""
        k = integer_at_least(k, "k", 1)
        scores = self.scores(query)
        matching = np.flatnonzero(scores > 0)
        if matching.size > k:
            matching = matching[np.argpartition(-scores[matching], k - 1)[:k]]
        order = matching[np.lexsort((matching, -scores[matching]))]
        return [(self.doc_ids[i], float(scores[i])) for i in order]

    def search(self, text: str, k: int = 1000) -> List[Tuple[str, float]]:
        """BM25 retrieval: [(doc_id, score), ...] best first."""
        return self.search_vector(self.query_vector(text), k)


def normalised(vector: Mapping[int, float]) -> Dict[int, float]:
    """The vector divided by its l1 norm (an empty dict stays empty)."""
    total = sum(abs(v) for v in vector.values())
    return {t: v / total for t, v in vector.items()} if total > 0 else {}


class RM3:
    """Relevance model 3 (Lavrenko & Croft; Anserini's form): the standard PRF baseline.

    The top `fb_docs` documents of a BM25 retrieval each give a term distribution
    P(t|d) = tf(t,d) / |d|; the relevance model sums them weighted by the documents' retrieval
    scores, keeps the `fb_terms` heaviest terms (l1-normalised), and interpolates with the
    l1-normalised query: ``orig_weight · q + (1 − orig_weight) · RM``. The expanded query is then
    run through BM25 again.
    """

    def __init__(self, fb_docs: int = 10, fb_terms: int = 20, orig_weight: float = 0.5) -> None:
        self.fb_docs = integer_at_least(fb_docs, "fb_docs", 1)
        self.fb_terms = integer_at_least(fb_terms, "fb_terms", 1)
        if not (0 <= float(orig_weight) <= 1):
            raise ValueError(f"orig_weight must be in [0, 1], got {orig_weight!r}")
        self.orig_weight = float(orig_weight)

    def expand(self, index: Index, text: str) -> Dict[int, float]:
        """The expanded, weighted query {term id: weight}."""
        query = index.query_vector(text)
        feedback = index.search_vector(query, self.fb_docs)
        model: Dict[int, float] = {}
        for doc_id, score in feedback:
            row = index.row(doc_id)
            start, end = index.tf.indptr[row], index.tf.indptr[row + 1]
            length = index.doc_lengths[row]
            for column, count in zip(index.tf.indices[start:end], index.tf.data[start:end]):
                model[column] = model.get(column, 0.0) + score * count / length
        top = sorted(model.items(), key=lambda item: (-item[1], item[0]))[:self.fb_terms]
        expansion = normalised(dict(top))
        query = normalised(query)
        combined = {t: self.orig_weight * w for t, w in query.items()}
        for t, w in expansion.items():
            combined[t] = combined.get(t, 0.0) + (1 - self.orig_weight) * w
        return combined

    def search(self, index: Index, text: str, k: int = 1000) -> List[Tuple[str, float]]:
        """[(doc_id, score), ...] best first for the RM3-expanded query."""
        return index.search_vector(self.expand(index, text), k)
