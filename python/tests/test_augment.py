"""southwell.augment: augmenters, the confidence filter, the weight selection, and the weighted
classifier against scikit-learn."""
import os

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from southwell import augment
from southwell._augmenters import cosine_knn_graph
from southwell._wordnet import DEFAULT_ROOT, WordNet

needs_wordnet = pytest.mark.skipif(not os.path.isfile(os.path.join(DEFAULT_ROOT, "data.noun")),
                                   reason="needs WordNet from Debian's wordnet-base (/usr/share/wordnet)")

SPORT = ["the team won the match", "a great goal in the final minute", "the striker scored twice",
         "fans cheered the winning team", "the coach praised the defence", "a late penalty decided the game"]
COOKING = ["simmer the sauce for ten minutes", "bake the bread until golden", "chop the onions finely",
           "add salt and pepper to taste", "stir the soup and serve warm", "knead the dough gently"]


def corpus():
    texts = SPORT + COOKING
    return texts, np.array([0] * len(SPORT) + [1] * len(COOKING))


def test_eda_changes_words_but_keeps_labels(rng):
    texts, y = corpus()
    new, labels = augment.EDA(n_per_text=3, alpha=0.3).generate(texts, y, rng, {})
    assert len(new) == 3 * len(texts) and list(labels) == list(np.repeat(y, 3))
    for i, text in enumerate(new):
        source = set(texts[i // 3].split())
        assert set(text.split()) <= source  # swap, delete and insert reuse the text's own words
    assert any(t not in texts for t in new)


@needs_wordnet
def test_wordnet_synonyms_come_from_the_database_files():
    wordnet = WordNet()
    assert {"film", "picture"} <= set(wordnet.synonyms("movie"))
    assert "automobile" in wordnet.synonyms("car")
    assert wordnet.synonyms("the") == () and wordnet.synonyms("qzxv") == ()


@needs_wordnet
def test_synonym_replacement_swaps_in_synonyms(rng):
    wordnet = WordNet()
    texts, y = ["the movie was good"], np.array([1])
    new, labels = augment.SynonymReplacement(n_per_text=5, alpha=0.5).generate(texts, y, rng, {})
    assert len(new) == 5 and (labels == 1).all()
    for text in new:
        words = text.split()
        assert len(words) == 4 and words[0] == "the"
        changed = [(a, b) for a, b in zip("the movie was good".split(), words) if a != b]
        assert changed and all(b in wordnet.synonyms(a) for a, b in changed)


def test_ngram_generator_samples_from_its_class_only(rng):
    texts, y = corpus()
    new, labels = augment.NGramGenerator(order=2, per_text=2.0).generate(texts, y, rng, {})
    assert len(new) == 2 * len(texts)
    sport_words = {w for t in SPORT for w in t.split()}
    cooking_words = {w for t in COOKING for w in t.split()}
    for text, label in zip(new, labels):
        assert set(text.split()) <= (sport_words if label == 0 else cooking_words)
    # With order 2 every consecutive word pair is a bigram of the class's texts.
    bigrams = {(a, b) for t in SPORT for a, b in zip(t.split(), t.split()[1:])}
    for text, label in zip(new, labels):
        if label == 0:
            words = text.split()
            assert all(pair in bigrams for pair in zip(words, words[1:]))


def test_user_generators_plug_in(rng):
    calls = []

    def generator(texts_of_class, n):
        calls.append((len(texts_of_class), n))
        return [texts_of_class[0] + " again"] * n

    texts, y = corpus()
    new, labels = augment.NGramGenerator(generator=generator, per_text=0.5).generate(texts, y, rng, {})
    assert calls == [(6, 3), (6, 3)] and len(new) == 6
    clf = augment.AugmentedTextClassifier(augmenters=[generator], aug_weight=1.0, random_state=0).fit(texts, y)
    assert "generator" in clf.augmentation_report_
    with pytest.raises(TypeError, match="list of str"):
        augment.NGramGenerator(generator=lambda t, n: [1, 2]).generate(texts, y, rng, {})


def test_cosine_knn_graph_matches_brute_force(rng):
    X = rng.random((30, 8)) * (rng.random((30, 8)) < 0.5)
    graph = cosine_knn_graph(X, 3).toarray()
    unit = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-300)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    expected = np.zeros_like(similarity)
    for i in range(30):
        for j in np.argsort(-similarity[i], kind="stable")[:3]:
            if similarity[i, j] > 0:
                expected[i, j] = similarity[i, j]
    expected = np.maximum(expected, expected.T)
    np.testing.assert_allclose(graph, expected, atol=1e-12)


def test_pseudo_labels_follow_the_graph(rng):
    # Two vocabularies that never meet: the kNN graph has one component per class, so label
    # propagation from one labelled text per class must label every other text correctly.
    words = [["goal", "team", "match", "score", "coach", "fans"], ["sauce", "bake", "dough", "salt", "stir", "oven"]]
    truth = np.arange(40) % 2
    texts = [" ".join(rng.choice(words[c], size=4, replace=False)) for c in truth]
    vectorizer = TfidfVectorizer().fit(texts)
    new, labels = augment.PseudoLabels(n_neighbors=5).generate(texts[:2], truth[:2], rng,
                                                               {"unlabeled": texts[2:], "vectorizer": vectorizer})
    assert new == texts[2:]
    np.testing.assert_array_equal(labels, truth[2:])
    assert augment.PseudoLabels().generate(texts[:2], truth[:2], rng, {"unlabeled": []})[0] == []


def test_confidence_filter_threshold_duplicates_and_balance():
    texts = ["a b", "a  b", "c d", "e f", "g h", "i j", "k l"]
    codes = np.array([0, 0, 0, 1, 1, 1, 1])
    intended = np.array([0.9, 0.95, 0.5, 0.8, 0.99, 0.75, 0.71])
    probability = np.column_stack([np.where(codes == 0, intended, 1 - intended),
                                   np.where(codes == 1, intended, 1 - intended)])
    seen = {"i j"}
    keep = augment.ConfidenceFilter(0.7, balance=None).select(texts, codes, probability, set(seen), np.array([1, 1]))
    # "a  b" repeats "a b"; "c d" is below the threshold; "i j" is a training text.
    assert keep.tolist() == [True, False, False, True, True, False, True]
    seen_after = set(seen)
    keep = augment.ConfidenceFilter(0.7, balance="labelled").select(texts, codes, probability, seen_after,
                                                                   np.array([1, 1]))
    # Labelled proportions 1:1: class 0 has one text that passes, so class 1 keeps its most confident one.
    assert keep.tolist() == [True, False, False, False, True, False, False]
    assert seen_after == {"i j", "a b", "g h"}
    # Predicted proportions: the classifier's argmax gives class 0 to 3 texts ("c d", a 0.5 tie,
    # counts as class 0) and class 1 to 4; one class-0 text survives, so the quotas are
    # floor(7/3 · 3/7) = 1 and floor(7/3 · 4/7) = 1.
    keep = augment.ConfidenceFilter(0.7).select(texts, codes, probability, set(seen), np.array([1, 1]))
    assert keep.tolist() == [True, False, False, False, True, False, False]
    # Class 1 predicted for 6 of 7 texts: its 4 survivors (threshold 0) allow 4 · 1/6 < 1 text of
    # class 0, so only class 1 is kept; labelled proportions would keep 2 of each.
    skewed = probability.copy()
    skewed[1] = skewed[2] = [0.4, 0.6]
    keep = augment.ConfidenceFilter(0.0).select(texts, codes, skewed, set(), np.array([1, 1]))
    assert keep.tolist() == [False, False, False, True, True, True, True]
    keep = augment.ConfidenceFilter(0.0, balance="labelled").select(texts, codes, skewed, set(), np.array([1, 1]))
    assert keep.tolist() == [True, False, True, True, True, False, False]
    keep = augment.ConfidenceFilter(0.7, balance=None, max_ratio=1).select(texts, codes, probability, set(),
                                                                          np.array([1, 2]))
    assert keep.tolist() == [True, False, False, True, True, False, False]
    with pytest.raises(ValueError, match="balance"):
        augment.ConfidenceFilter(balance=True)


def test_weighted_fit_matches_scikit_learn(rng):
    texts, y = corpus()
    extra = ["the team scored a goal", "bake and serve the soup"]
    clf = augment.AugmentedTextClassifier(augmenters=[augment.NGramGenerator(generator=lambda t, n: extra[:n])],
                                          filter=augment.ConfidenceFilter(0.0, balance=None), aug_weight=0.3,
                                          C=2.0, random_state=0)
    clf.fit(texts, y)
    # The generator gives both texts to each class: class 0 keeps them, class 1's copies are duplicates.
    generated = extra
    assert clf.augmentation_report_["<lambda>"] == {"generated": 2 * len(extra), "kept": 2, "weight": 0.3}
    vectorizer = TfidfVectorizer(ngram_range=(1, 2)).fit(texts)
    X = vectorizer.transform(texts + generated)
    labels = np.concatenate([y, [0, 0]])
    weights = np.concatenate([np.ones(len(texts)), [0.3, 0.3]])
    reference = SkLogisticRegression(C=2.0, tol=1e-10, max_iter=10000).fit(X, labels, sample_weight=weights)
    np.testing.assert_allclose(clf.predict_proba(texts + ["a goal"]), reference.predict_proba(
        vectorizer.transform(texts + ["a goal"])), atol=1e-5)


def test_cv_weight_keeps_zero_when_augmentation_is_noise():
    texts, y = corpus()

    def wrong(texts_of_class, n):  # texts of the other class under this class's label
        other = COOKING if texts_of_class[0] in SPORT else SPORT
        return [t + " indeed" for t in other][:n]

    clf = augment.AugmentedTextClassifier(augmenters=[wrong], filter=augment.ConfidenceFilter(0.0, balance=None),
                                          weight_grid=(0.0, 1.0, 3.0), cv=3, random_state=0).fit(texts, y)
    assert clf.aug_weight_ == 0.0 and clf.cv_scores_[0.0] > clf.cv_scores_[3.0]
    assert clf.score(texts, y) == 1.0


def test_classifier_api_and_reproducibility():
    texts, y = corpus()
    a = augment.AugmentedTextClassifier(augmenters=[augment.EDA()], random_state=3).fit(texts, y)
    b = augment.AugmentedTextClassifier(augmenters=[augment.EDA()], random_state=3).fit(texts, y)
    assert a.aug_weight_ == b.aug_weight_ and a.augmentation_report_ == b.augmentation_report_
    np.testing.assert_array_equal(a.predict_proba(texts), b.predict_proba(texts))
    assert a.predict(["bake the cake"])[0] == 1 and a.predict(["the team lost"])[0] == 0
    assert a.predict_proba(texts).shape == (12, 2)
    assert 0.9 <= a.score(texts, y) <= 1.0
    assert set(a.augmentation_report_["EDA"]) == {"generated", "kept", "weight"}


def test_classifier_refuses_bad_input():
    texts, y = corpus()
    for kwargs, error, match in [({"aug_weight": "auto"}, ValueError, "aug_weight"),
                                 ({"aug_weight": -1.0}, ValueError, "aug_weight"),
                                 ({"cv": 1}, ValueError, "cv"), ({"C": 0}, ValueError, "C"),
                                 ({"weight_grid": ()}, ValueError, "weight_grid"),
                                 ({"augmenters": [3]}, TypeError, "augmenters"),
                                 ({"filter": 0.7}, TypeError, "filter")]:
        with pytest.raises(error, match=match):
            augment.AugmentedTextClassifier(**kwargs).fit(texts, y)
    with pytest.raises(ValueError, match="single class"):
        augment.AugmentedTextClassifier().fit(texts, np.zeros(len(texts)))
    with pytest.raises(ValueError, match="one label per text"):
        augment.AugmentedTextClassifier().fit(texts, y[:-1])
    with pytest.raises(TypeError, match="list of str"):
        augment.AugmentedTextClassifier().fit("one text", [1])
    with pytest.raises(TypeError, match=r"unlabeled\[0\]"):
        augment.AugmentedTextClassifier().fit(texts, y, unlabeled=[None])
    for kwargs in ({"threshold": 1.5}, {"max_ratio": 0}):
        with pytest.raises(ValueError):
            augment.ConfidenceFilter(**kwargs)
    with pytest.raises(ValueError, match="n_per_text"):
        augment.EDA(n_per_text=0)
    with pytest.raises(ValueError, match="alpha"):
        augment.SynonymReplacement(alpha=0)
    with pytest.raises(FileNotFoundError, match="wordnet-base"):
        WordNet("/nonexistent")
    with pytest.warns(UserWarning, match="single labelled text"):
        augment.AugmentedTextClassifier(augmenters=[augment.EDA()]).fit(texts[:7], y[:7])


@needs_wordnet
def test_the_documented_example_runs_with_every_augmenter():
    texts, y = corpus()
    unlabeled = ["the goal won the game for the team", "bake the dough with salt", "the fans sang", "stir and serve"]
    clf = augment.AugmentedTextClassifier(
        augmenters=[augment.EDA(), augment.SynonymReplacement(), augment.NGramGenerator(), augment.PseudoLabels()],
        filter=augment.ConfidenceFilter(threshold=0.7), aug_weight="cv", random_state=0)
    clf.fit(texts, y, unlabeled=unlabeled)
    report = clf.augmentation_report_
    assert list(report) == ["PseudoLabels", "EDA", "SynonymReplacement", "NGramGenerator"]
    assert report["PseudoLabels"]["generated"] == len(unlabeled)
    for entry in report.values():
        assert 0 <= entry["kept"] <= entry["generated"] and entry["weight"] == clf.aug_weight_
    assert clf.aug_weight_ in augment.DEFAULT_WEIGHT_GRID and set(clf.cv_scores_) == set(augment.DEFAULT_WEIGHT_GRID)
    assert clf.predict(["the striker scored a goal", "simmer the soup"]).tolist() == [0, 1]
