"""Pseudo-relevance feedback with Southwell as the optimiser (docs/prf.md).

::

    from southwell import prf
    docs, queries, qrels = prf.load_collection("cranfield", "../shared/data/ir/cranfield")
    index = prf.Index(docs, k1=0.9, b=0.4, stemmer="porter", stopwords="english")
    index.search("boundary layer", k=1000)                         # BM25: [(doc_id, score), ...]
    prf.RM3(fb_docs=10, fb_terms=20, orig_weight=0.5).search(index, "boundary layer")
    lol = prf.LoLReformulator().fit(index, train_queries, qrels)    # tunes l1, depths, ...
    lol.search(index, "boundary layer", k=1000)
    prf.evaluate(runs, qrels)        # {"map", "ndcg@10", "p@10", "recall@1000"}

Readers return dictionaries keyed by string ids: `read_smart` (SMART documents and queries,
with ``sequential_ids=True`` for Cranfield's query numbering), `read_trec`,
`read_trec_topics`, `read_qrels` (TREC, Cranfield and CISI judgment formats).
"""
from ._ir_metrics import METRICS, evaluate
from ._ir_readers import load_collection, read_qrels, read_smart, read_trec, read_trec_topics
from ._lol import DEFAULT_GRID, LoLReformulator, Revisions, smooth_hinge
from ._retrieval import RM3, Analyzer, Index

__all__ = ["read_smart", "read_trec", "read_trec_topics", "read_qrels", "load_collection", "Analyzer", "Index",
           "RM3", "LoLReformulator", "Revisions", "DEFAULT_GRID", "smooth_hinge", "evaluate", "METRICS"]
