"""southwell.prf: readers, BM25, RM3 and metrics against hand computations; LoL revisions
against a brute-force pairwise objective and its KKT conditions."""
import math

import numpy as np
import pytest
import scipy.optimize

pytest.importorskip("nltk", reason="southwell.prf stems with NLTK's Porter stemmer (python3-nltk)")
from southwell import prf  # noqa: E402

from conftest import SHARED_DATA  # noqa: E402

CRANFIELD = SHARED_DATA / "ir" / "cranfield"


def cranfield():
    if not CRANFIELD.exists():
        pytest.skip(f"needs the shared Cranfield collection {CRANFIELD} (absent)")
    return prf.load_collection("cranfield", str(CRANFIELD))


# ----------------------------------------------------------------------------- metrics
def test_metrics_match_a_hand_computed_ranking():
    qrels = {"q": {"a": 2, "b": 1, "c": 0, "d": 1}}
    run = {"q": ["x", "a", "y", "b", "z"]}
    got = prf.evaluate(run, qrels)
    # Relevant: a, b, d. Hits at ranks 2 and 4: AP = (1/2 + 2/4) / 3.
    assert got["map"] == pytest.approx(1 / 3)
    assert got["p@10"] == pytest.approx(2 / 10)
    assert got["recall@1000"] == pytest.approx(2 / 3)
    dcg = 2 / math.log2(3) + 1 / math.log2(5)
    ideal = 2 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)
    assert got["ndcg@10"] == pytest.approx(dcg / ideal)


def test_metrics_average_over_judged_queries_and_score_missing_runs_zero():
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}, "q3": {"c": 0}}  # q3 has no relevant document: ignored
    means, per = prf.evaluate({"q1": [("a", 3.0), ("b", 1.0)], "q9": ["b"]}, qrels, per_query=True)
    assert per["map"] == {"q1": 1.0, "q2": 0.0}
    assert means["map"] == pytest.approx(0.5)
    assert means["ndcg@10"] == pytest.approx(0.5)


def test_metrics_cut_rankings_at_1000():
    qrels = {"q": {"late": 1}}
    ranking = [f"d{i}" for i in range(1000)] + ["late"]
    assert prf.evaluate({"q": ranking}, qrels)["recall@1000"] == 0.0


def test_metrics_refuse_repeated_documents_and_empty_judgments():
    with pytest.raises(ValueError, match="more than once"):
        prf.evaluate({"q": ["a", "a"]}, {"q": {"a": 1}})
    with pytest.raises(ValueError, match="no query"):
        prf.evaluate({"q": ["a"]}, {"q": {"a": 0}})


# ----------------------------------------------------------------------------- readers
def test_read_smart_fields_ids_and_errors(tmp_path):
    path = tmp_path / "docs"
    path.write_text(".I 001\n.T\nA title\n.A\nsomeone\n.W\nbody text\nmore\n.I 7\n.W\nseventh\n")
    assert prf.read_smart(str(path)) == {"1": "A title\nbody text\nmore", "7": "seventh"}
    assert prf.read_smart(str(path), fields=["A"]) == {"1": "someone", "7": ""}
    assert list(prf.read_smart(str(path), sequential_ids=True)) == ["1", "2"]
    path.write_text(".I 1\n.W\nx\n.I 1\n.W\ny\n")
    with pytest.raises(ValueError, match="twice"):
        prf.read_smart(str(path))
    path.write_text("stray\n.I 1\n.W\nx\n")
    with pytest.raises(ValueError, match="before the first"):
        prf.read_smart(str(path))
    with pytest.raises(FileNotFoundError):
        prf.read_smart(str(tmp_path / "absent"))


def test_read_trec_documents_topics_and_qrels(tmp_path):
    docs = tmp_path / "docs"
    docs.write_text("<DOC>\n<DOCNO> FT-1 </DOCNO>\n<TEXT>Hello <B>world</B></TEXT>\n</DOC>\n"
                    "<DOC><DOCNO>FT-2</DOCNO><HEADLINE>Two</HEADLINE></DOC>")
    assert prf.read_trec(str(docs)) == {"FT-1": "Hello world", "FT-2": "Two"}
    topics = tmp_path / "topics"
    topics.write_text("<top>\n<num> Number: 301\n<title> International Crime\n<desc> Description:\nFind crime.\n"
                      "<narr> Narrative:\nAnything.\n</top>\n")
    assert prf.read_trec_topics(str(topics)) == {"301": "International Crime"}
    assert prf.read_trec_topics(str(topics), fields=("title", "desc")) == {"301": "International Crime Find crime."}
    qrels = tmp_path / "qrels"
    qrels.write_text("301 0 FT-1 2\n301 0 FT-2 0\n302 0 FT-1 1\n")
    assert prf.read_qrels(str(qrels)) == {"301": {"FT-1": 2, "FT-2": 0}, "302": {"FT-1": 1}}
    with pytest.raises(ValueError, match="expected 3 columns"):
        prf.read_qrels(str(qrels), format="cranfield")
    with pytest.raises(ValueError, match="format"):
        prf.read_qrels(str(qrels), format="csv")


def test_cranfield_query_ids_follow_the_qrels_numbering():
    docs, queries, qrels = cranfield()
    assert len(docs) == 1400 and len(queries) == 225
    # cranqrel numbers queries 1..225 in file order; the .I ids of cran.qry run 001..365 with gaps.
    assert list(queries) == [str(i) for i in range(1, 226)]
    by_dot_i = prf.read_smart(str(CRANFIELD / "cran.qry"))
    assert list(by_dot_i)[:3] == ["1", "2", "4"] and "365" in by_dot_i
    assert queries["3"] == by_dot_i["4"]
    assert set(qrels) == set(queries)
    assert sum(len(j) for j in qrels.values()) == 1837
    # Cleverdon's code 1 (complete answer) becomes the highest grade, code -1 a judged non-relevant.
    lines = [line.split() for line in (CRANFIELD / "cranqrel").read_text().splitlines() if line.strip()]
    for qid, doc, code in lines[:50]:
        assert qrels[qid][doc] == (0 if code == "-1" else 5 - int(code))


# ----------------------------------------------------------------------------- BM25 and RM3
DOCS = {"d1": "apple banana apple", "d2": "banana cherry", "d3": "cherry cherry cherry date", "d4": "egg"}


def test_analyzer_lowercases_drops_stop_words_and_stems():
    assert prf.Analyzer()("The Runners were RUNNING, quickly!") == ["runner", "run", "quickli"]
    assert prf.Analyzer(stemmer=None, stopwords=None)("The cat-2") == ["the", "cat", "2"]


def test_bm25_scores_match_the_formula():
    index = prf.Index(DOCS, k1=1.2, b=0.75, stemmer=None, stopwords=None)
    lengths = {"d1": 3, "d2": 2, "d3": 4, "d4": 1}
    average = sum(lengths.values()) / 4

    def bm25(term, doc, df):
        tf = DOCS[doc].split().count(term)
        idf = math.log(1 + (4 - df + 0.5) / (df + 0.5))
        return idf * tf * 2.2 / (tf + 1.2 * (1 - 0.75 + 0.75 * lengths[doc] / average))

    expected = {d: bm25("banana", d, 2) + 2 * bm25("cherry", d, 2) for d in DOCS}
    hits = index.search("banana cherry cherry", k=10)
    assert [d for d, _ in hits] == sorted((d for d in DOCS if expected[d] > 0), key=lambda d: -expected[d])
    for doc, score in hits:
        assert score == pytest.approx(expected[doc])
    assert len(index.search("banana cherry", k=1)) == 1
    assert index.search("unknown words", k=5) == []


def test_rm3_expansion_matches_the_relevance_model():
    index = prf.Index(DOCS, stemmer=None, stopwords=None)
    rm3 = prf.RM3(fb_docs=2, fb_terms=3, orig_weight=0.4)
    hits = index.search("banana", k=2)
    model = {}
    for doc, score in hits:
        words = DOCS[doc].split()
        for w in set(words):
            model[w] = model.get(w, 0.0) + score * words.count(w) / len(words)
    top = dict(sorted(model.items(), key=lambda item: -item[1])[:3])
    total = sum(top.values())
    expected = {w: 0.6 * v / total for w, v in top.items()}
    expected["banana"] = expected.get("banana", 0.0) + 0.4
    got = {index.terms[t]: w for t, w in rm3.expand(index, "banana").items()}
    assert got.keys() == expected.keys()
    for term in got:
        assert got[term] == pytest.approx(expected[term])


def test_index_and_rm3_refuse_bad_parameters():
    with pytest.raises(ValueError, match="empty"):
        prf.Index({})
    with pytest.raises(ValueError, match="b must"):
        prf.Index(DOCS, b=2)
    with pytest.raises(ValueError, match="k1"):
        prf.Index(DOCS, k1=-1)
    with pytest.raises(ValueError, match="stemmer"):
        prf.Index(DOCS, stemmer="snowball")
    with pytest.raises(ValueError, match="k must"):
        prf.Index(DOCS).search("apple", k=0)
    with pytest.raises(ValueError, match="orig_weight"):
        prf.RM3(orig_weight=1.5)
    with pytest.raises(TypeError):
        prf.Index(DOCS).search(3)


# ----------------------------------------------------------------------------- LoL
def synthetic_collection(rng, n_docs=300, n_terms=400):
    """Documents drawn from two topics, so that feedback terms are meaningful."""
    words = [f"w{i}" for i in range(n_terms)]
    docs = {}
    for d in range(n_docs):
        topic = d % 3
        weights = np.ones(n_terms)
        weights[topic * 40:(topic + 1) * 40] = 12.0
        picks = rng.choice(n_terms, size=rng.integers(20, 60), p=weights / weights.sum())
        docs[f"d{d}"] = " ".join(words[i] for i in picks)
    return docs


def pairwise_objective(index, revisions, k, lol):
    """R_k + λ₁‖x‖₁ + λ₂/2‖x − q‖² with R_k built from every (positive, negative) pair."""
    W = index.weights[:, revisions.terms].toarray()
    positives = W[revisions.feedback[:revisions.depths[k]]] / revisions.scale
    negatives = W[revisions.negatives] / revisions.scale
    differences = (positives[:, None, :] - negatives[None, :, :]).reshape(-1, W.shape[1])
    margin, q, l1 = lol.margin, revisions.query, revisions.l1_penalty

    def value(x):
        residual = margin - differences @ x
        return 0.5 * np.mean(residual ** 2) + l1 * x.sum() + 0.5 * lol.l2 * np.sum((x - q) ** 2)

    def gradient(x):
        residual = margin - differences @ x
        return -differences.T @ residual / len(residual) + l1 + lol.l2 * (x - q)

    return value, gradient


def test_lol_revisions_minimise_the_pairwise_objective(rng):
    docs = synthetic_collection(rng)
    index = prf.Index(docs, stemmer=None, stopwords=None)
    lol = prf.LoLReformulator(depths=(3, 6), gamma=0.0, spread=1.0, l1=0.1, n_negatives=20, negative_start=50,
                              solver_options={"tol": 1e-10})
    revisions = lol.revise(index, "w3 w17 w25")
    assert revisions.status == "converged" and revisions.x.shape == (2, len(revisions.terms))
    for k in range(2):
        value, gradient = pairwise_objective(index, revisions, k, lol)
        x = revisions.x[k]
        assert (x >= 0).all()
        g = gradient(x)
        # KKT for x >= 0 (l1 is linear there): g = 0 on the support, g >= 0 off it.
        scale = np.abs(g).max() + 1.0
        assert np.abs(g[x > 0]).max() <= 1e-6 * scale
        assert g[x == 0].min() >= -1e-6 * scale
        reference = scipy.optimize.minimize(value, revisions.query, jac=gradient, method="L-BFGS-B",
                                            bounds=[(0, None)] * len(x), options={"ftol": 1e-15, "gtol": 1e-12})
        assert value(x) <= reference.fun + 1e-9 * abs(reference.fun)
    assert revisions.x[1].sum() > 0 and (revisions.x[1] > 0).sum() < len(revisions.terms)


def test_comparative_term_pulls_deeper_revisions_toward_the_reliable_set(rng):
    docs = synthetic_collection(rng)
    index = prf.Index(docs, stemmer=None, stopwords=None)
    query = "w3 w50 w90"
    options = dict(depths=(2, 8, 30), n_negatives=20, negative_start=60, max_rounds=8)
    free = prf.LoLReformulator(gamma=0.0, **options).revise(index, query)
    tied = prf.LoLReformulator(gamma=5.0, **options).revise(index, query)
    assert free.rounds == 1 and tied.rounds > 1
    # The most reliable revision has no comparative term (equal up to the solver's tolerance).
    np.testing.assert_allclose(tied.x[0], free.x[0], atol=1e-4 * np.abs(free.x[0]).max())
    for j in (1, 2):
        assert free.losses[j] > free.losses[0]
        assert tied.losses[j] < free.losses[j]
    expected = 5.0 * sum(prf.smooth_hinge(tied.losses[j] - tied.losses[i], 0.05) for j in range(3) for i in range(j))
    assert tied.comparative == pytest.approx(expected)


def test_lol_solvers_agree_and_threads_do_not_change_results(rng):
    docs = synthetic_collection(rng)
    index = prf.Index(docs, stemmer=None, stopwords=None)
    queries = {str(i): f"w{i} w{i + 40} w{3 * i}" for i in range(8)}
    serial = prf.LoLReformulator(n_negatives=20, negative_start=50).revise_all(index, queries)
    lol = prf.LoLReformulator(n_negatives=20, negative_start=50, n_jobs=2)
    parallel = lol.revise_all(index, queries)
    assert lol.queries_per_second_ > 0
    for q in queries:
        assert np.array_equal(serial[q].x, parallel[q].x)
    bcd = prf.LoLReformulator(n_negatives=20, negative_start=50, gamma=0.0, solver="bcd",
                              solver_options={"tol": 1e-9}).revise(index, queries["1"])
    ws = prf.LoLReformulator(n_negatives=20, negative_start=50, gamma=0.0,
                             solver_options={"tol": 1e-9}).revise(index, queries["1"])
    np.testing.assert_allclose(bcd.x, ws.x, atol=1e-6 * np.abs(ws.x).max())


def test_lol_handles_queries_without_matches():
    index = prf.Index(DOCS, stemmer=None, stopwords=None)
    lol = prf.LoLReformulator()
    assert lol.search(index, "zzz unknown") == []
    # One matching document: every depth is clipped to it, no negatives exist.
    hits = lol.search(index, "egg")
    assert [d for d, _ in hits] == ["d4"]


def test_lol_fit_picks_the_best_configuration_and_reuses_the_cache():
    docs, queries, qrels = cranfield()
    train = {q: queries[q] for q in list(queries)[:30]}
    index = prf.Index(docs)
    grid = {"l1": [0.05, 0.2], "orig_weight": [0.2, 0.6]}
    cache = {}
    lol = prf.LoLReformulator(param_grid=grid, n_jobs=2).fit(index, train, qrels, cache=cache)
    assert len(lol.cv_results_) == 4 and len(cache) == 2 * 30
    assert lol.best_score_ == max(r["map"] for r in lol.cv_results_)
    assert {k: getattr(lol, k) for k in grid} == lol.best_params_
    runs = {q: lol.search(index, t) for q, t in train.items()}
    train_qrels = {q: qrels[q] for q in train}
    assert prf.evaluate(runs, train_qrels)["map"] == pytest.approx(lol.best_score_)
    before = dict(cache)
    prf.LoLReformulator(param_grid=grid).fit(index, train, qrels, cache=cache)
    assert cache.keys() == before.keys()
    base = prf.evaluate({q: index.search(t) for q, t in train.items()}, train_qrels)["map"]
    assert lol.best_score_ > base > 0.2  # MAP over the training queries, not diluted by the others


def test_lol_refuses_bad_parameters():
    for kwargs, match in [({"depths": (10, 5)}, "depths"), ({"depths": ()}, "depths"), ({"l1": -1}, "l1"),
                          ({"l2": 0}, "l2"), ({"orig_weight": 2}, "orig_weight"), ({"solver": "lbfgs"}, "solver"),
                          ({"n_jobs": 0}, "n_jobs"), ({"param_grid": {"k1": [1]}}, "unknown"),
                          ({"max_rounds": 0}, "max_rounds"), ({"spread": -1}, "spread")]:
        with pytest.raises(ValueError, match=match):
            prf.LoLReformulator(**kwargs)
    with pytest.raises(ValueError, match="unknown parameter"):
        prf.LoLReformulator().set_params(alpha=1)
    index = prf.Index(DOCS, stemmer=None, stopwords=None)
    with pytest.raises(ValueError, match="no training query"):
        prf.LoLReformulator().fit(index, {"q": "apple"}, {"q": {"d1": 0}})
