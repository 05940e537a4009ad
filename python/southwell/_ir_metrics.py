"""Ranking metrics with trec_eval's definitions."""
from __future__ import annotations

import math
from typing import Dict, Mapping, Sequence

__all__ = ["evaluate", "METRICS"]

METRICS = ("map", "ndcg@10", "p@10", "recall@1000")


def _query_metrics(ranking: Sequence[str], judged: Mapping[str, int]) -> Dict[str, float]:
    relevant = {d for d, g in judged.items() if g > 0}
    ranking = list(ranking)[:1000]
    hits, precision_sum, dcg = 0, 0.0, 0.0
    for rank, doc in enumerate(ranking, 1):
        grade = judged.get(doc, 0)
        if grade > 0:
            hits += 1
            precision_sum += hits / rank
            if rank <= 10:
                dcg += grade / math.log2(rank + 1)
        if rank == 10:
            hits_at_10 = hits
    if len(ranking) < 10:
        hits_at_10 = hits
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:10]
    idcg = sum(g / math.log2(rank + 1) for rank, g in enumerate(ideal, 1))
    return {"map": precision_sum / len(relevant), "ndcg@10": dcg / idcg, "p@10": hits_at_10 / 10,
            "recall@1000": hits / len(relevant)}


def evaluate(runs: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]], *,
             per_query: bool = False):
    """Mean MAP, nDCG@10, P@10 and recall@1000 of ranked runs.

    Parameters
    ----------
    runs : mapping qid -> sequence of doc ids (best first)
        Elements may also be ``(doc_id, score)`` pairs, as returned by the search methods.
    qrels : mapping qid -> {doc_id: grade}
        Grade > 0 is relevant; nDCG uses the grade as gain.
    per_query : bool, default False
        Also return ``{metric: {qid: value}}``.

    Averages run over the queries of `qrels` with at least one relevant document (as trec_eval
    with ``-c``): a query missing from `runs` scores 0; queries without judgments are ignored.
    Rankings are cut at 1000. Raises ValueError on a document repeated within one ranking.

    Returns
    -------
    dict {"map", "ndcg@10", "p@10", "recall@1000"} of floats (and the per-query dict).
    """
    per: Dict[str, Dict[str, float]] = {m: {} for m in METRICS}
    for qid, judged in qrels.items():
        if not any(g > 0 for g in judged.values()):
            continue
        ranking = [d[0] if isinstance(d, tuple) else d for d in runs.get(qid, ())]
        if len(set(ranking)) != len(ranking):
            raise ValueError(f"the ranking of query {qid} lists a document more than once")
        for metric, value in _query_metrics(ranking, judged).items():
            per[metric][qid] = value
    count = len(per["map"])
    if count == 0:
        raise ValueError("no query in qrels has a relevant document")
    means = {m: sum(per[m].values()) / count for m in METRICS}
    return (means, per) if per_query else means
