"""Readers for information-retrieval test collections: SMART and TREC documents and queries,
and relevance judgments, each into plain dictionaries keyed by string ids."""
from __future__ import annotations

import math
import os
import re
from typing import Dict, Iterable, Optional

__all__ = ["read_smart", "read_trec", "read_trec_topics", "read_qrels", "load_collection"]

_SMART_FIELD = re.compile(r"^\.([A-Z])(?:\s|$)")


def _open_text(path):
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such file: {path}")
    # The Glasgow collections are ASCII with a few stray Latin-1 bytes.
    return open(path, encoding="utf-8", errors="replace")


def read_smart(path: str, fields: Optional[Iterable[str]] = ("T", "W"), *,
               sequential_ids: bool = False) -> Dict[str, str]:
    """Read a SMART-format file (documents or queries) into ``{id: text}``.

    Records start with ``.I <id>``; field markers ``.T`` (title), ``.A`` (authors),
    ``.B`` (bibliographic), ``.W`` (text), ``.X`` (cross-references) open fields that run to the
    next marker.

    Parameters
    ----------
    path : str
    fields : iterable of str or None, default ("T", "W")
        Which fields make up the text, joined by newlines in file order; None keeps all.
    sequential_ids : bool, default False
        Number the records "1", "2", ... in file order instead of using their ``.I`` ids.
        Cranfield's ``cranqrel`` numbers queries this way, not by the ``.I`` ids of
        ``cran.qry`` (001..365 with gaps): read ``cran.qry`` with ``sequential_ids=True``.

    Ids are normalised: surrounding blanks and leading zeros are removed ("001" -> "1").
    Raises ValueError on text before the first ``.I`` line or on a repeated id.
    """
    wanted = None if fields is None else {str(f).upper() for f in fields}
    records: Dict[str, str] = {}
    current_id, current_field, parts = None, None, []

    def close():
        if current_id is None:
            return
        if current_id in records:
            raise ValueError(f"{path}: record id {current_id} appears twice")
        records[current_id] = "\n".join(p.strip() for p in parts if p.strip())

    with _open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            if line.startswith(".I"):
                close()
                token = line[2:].strip()
                if not sequential_ids and not token:
                    raise ValueError(f"{path}:{number}: '.I' line without an id")
                current_id = str(len(records) + 1) if sequential_ids else _normal_id(token)
                current_field, parts = None, []
                continue
            marker = _SMART_FIELD.match(line)
            if marker:
                current_field = marker.group(1)
                rest = line[marker.end():].strip()
                if rest and (wanted is None or current_field in wanted):
                    parts.append(rest)
                continue
            if current_id is None:
                if line.strip():
                    raise ValueError(f"{path}:{number}: text before the first '.I' record")
                continue
            if current_field is not None and (wanted is None or current_field in wanted):
                parts.append(line.rstrip("\n"))
    close()
    return records


def _normal_id(token: str) -> str:
    token = token.strip()
    if token.isascii() and token.isdigit():  # not "²": isdigit() alone accepts what int() refuses
        return str(int(token))
    return token


_TREC_DOC = re.compile(r"<DOC>(.*?)</DOC>", re.S | re.I)
_TREC_DOCNO = re.compile(r"<DOCNO>\s*(.*?)\s*</DOCNO>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


def read_trec(path: str) -> Dict[str, str]:
    """Read TREC SGML documents (``<DOC><DOCNO>id</DOCNO> ... </DOC>``) into ``{id: text}``;
    the text is everything in the record but the DOCNO, with tags removed."""
    with _open_text(path) as handle:
        content = handle.read()
    documents: Dict[str, str] = {}
    for record in _TREC_DOC.findall(content):
        number = _TREC_DOCNO.search(record)
        if number is None:
            raise ValueError(f"{path}: a <DOC> record without <DOCNO>")
        doc_id = number.group(1).strip()
        if doc_id in documents:
            raise ValueError(f"{path}: document {doc_id} appears twice")
        body = record[:number.start()] + record[number.end():]
        documents[doc_id] = " ".join(_TAG.sub(" ", body).split())
    return documents


_TOPIC = re.compile(r"<top>(.*?)</top>", re.S | re.I)
_TOPIC_FIELD = re.compile(r"<(num|title|desc|narr)>", re.I)


def read_trec_topics(path: str, fields: Iterable[str] = ("title",)) -> Dict[str, str]:
    """Read TREC topics (``<top> <num> Number: 301 <title> ... <desc> ... </top>``) into
    ``{topic number: text}`` built from `fields` ("title", "desc", "narr")."""
    wanted = [f.lower() for f in fields]
    with _open_text(path) as handle:
        content = handle.read()
    topics: Dict[str, str] = {}
    for record in _TOPIC.findall(content):
        pieces = _TOPIC_FIELD.split(record)
        values = {pieces[i].lower(): pieces[i + 1] for i in range(1, len(pieces) - 1, 2)}
        if "num" not in values:
            raise ValueError(f"{path}: a <top> record without <num>")
        number = values["num"].replace("Number:", "").strip()
        text = []
        for name in wanted:
            value = values.get(name, "")
            value = re.sub(r"^\s*(Description|Narrative):", "", value.strip())
            text.append(" ".join(value.split()))
        topics[_normal_id(number)] = " ".join(t for t in text if t)
    return topics


def read_qrels(path: str, format: str = "trec") -> Dict[str, Dict[str, int]]:
    """Read relevance judgments into ``{query id: {document id: grade}}``; grade > 0 means
    relevant and larger is more relevant.

    format:
      "trec"       ``qid iteration docid grade`` (grade as given)
      "cranfield"  ``qid docid code`` with Cleverdon's codes 1 (complete answer) .. 4 (minimum
                   interest), mapped to grades 4 .. 1; code -1 (no interest) becomes grade 0
                   (judged, not relevant)
      "cisi"       ``qid docid 0 0.0``: every listed document is relevant (grade 1)
    """
    if format not in ("trec", "cranfield", "cisi"):
        raise ValueError(f"format must be 'trec', 'cranfield' or 'cisi', got {format!r}")
    columns = {"trec": 4, "cranfield": 3, "cisi": 4}[format]
    qrels: Dict[str, Dict[str, int]] = {}
    with _open_text(path) as handle:
        for number, line in enumerate(handle, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != columns:
                raise ValueError(f"{path}:{number}: expected {columns} columns for format {format!r}, "
                                 f"got {len(fields)}")
            try:
                if format == "trec":
                    value = float(fields[3])
                    if not math.isfinite(value):
                        raise ValueError(f"grade {fields[3]} is not finite")
                    qid, doc, grade = fields[0], fields[2], int(value)
                elif format == "cranfield":
                    code = int(fields[2])
                    if code not in (-1, 1, 2, 3, 4):
                        raise ValueError(f"relevance code {code} is not one of -1, 1..4")
                    qid, doc, grade = fields[0], fields[1], 0 if code < 0 else 5 - code
                else:
                    qid, doc, grade = fields[0], fields[1], 1
            except ValueError as error:
                raise ValueError(f"{path}:{number}: {error}") from None
            judged = qrels.setdefault(_normal_id(qid), {})
            doc = _normal_id(doc)
            judged[doc] = max(grade, judged.get(doc, grade))
    return qrels


def load_collection(name: str, root: str):
    """(documents, queries, qrels) of a Glasgow collection stored in folder `root`:
    "cranfield" (cran.all.1400, cran.qry read with sequential ids, cranqrel) or
    "cisi" (CISI.ALL, CISI.QRY, CISI.REL)."""
    if name == "cranfield":
        return (read_smart(os.path.join(root, "cran.all.1400")),
                read_smart(os.path.join(root, "cran.qry"), sequential_ids=True),
                read_qrels(os.path.join(root, "cranqrel"), format="cranfield"))
    if name == "cisi":
        return (read_smart(os.path.join(root, "CISI.ALL")),
                read_smart(os.path.join(root, "CISI.QRY")),
                read_qrels(os.path.join(root, "CISI.REL"), format="cisi"))
    raise ValueError(f"unknown collection {name!r}: use 'cranfield' or 'cisi'")
