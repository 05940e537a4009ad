"""Synonyms from the WordNet database files that Debian's `wordnet-base` installs
(/usr/share/wordnet: index.{noun,verb,adj,adv} and data.*). NLTK's reader wants a `lexnames`
file that the package does not ship, so the two file formats are read directly (see
wndb(5WN)): an index line is ``lemma pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt
offset...``, and a data line at byte `offset` is ``offset lex_filenum ss_type w_cnt word lex_id
...`` with w_cnt in hexadecimal."""
from __future__ import annotations

import os
import threading
from typing import Dict, List, Tuple

__all__ = ["WordNet", "DEFAULT_ROOT"]

DEFAULT_ROOT = "/usr/share/wordnet"
_PARTS = ("noun", "verb", "adj", "adv")


class WordNet:
    """Single-word synonyms of English words (all parts of speech, all senses)."""

    def __init__(self, root: str = DEFAULT_ROOT) -> None:
        missing = [f"{kind}.{part}" for part in _PARTS for kind in ("index", "data")
                   if not os.path.isfile(os.path.join(root, f"{kind}.{part}"))]
        if missing:
            raise FileNotFoundError(f"WordNet database files missing under {root}: {', '.join(missing)} "
                                    "(Debian: apt-get install wordnet-base)")
        self.root = root
        self._index: Dict[str, List[Tuple[int, int]]] = {}
        self._data: List[bytes] = []
        self._cache: Dict[str, Tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def _load(self):
        with self._lock:
            if self._data:
                return
            data = []
            for part_number, part in enumerate(_PARTS):
                with open(os.path.join(self.root, f"index.{part}"), "rb") as handle:
                    for line in handle:
                        if line.startswith(b" "):  # the licence header
                            continue
                        fields = line.split()
                        synsets, pointers = int(fields[2]), int(fields[3])
                        offsets = fields[6 + pointers:6 + pointers + synsets]
                        entry = self._index.setdefault(fields[0].decode(), [])
                        entry.extend((part_number, int(o)) for o in offsets)
                with open(os.path.join(self.root, f"data.{part}"), "rb") as handle:
                    data.append(handle.read())
            self._data = data

    def _synset_words(self, part: int, offset: int) -> List[str]:
        data = self._data[part]
        fields = data[offset:data.index(b"\n", offset)].split()
        count = int(fields[3], 16)
        words = []
        for word in fields[4:4 + 2 * count:2]:
            word = word.decode()
            marker = word.find("(")  # adjective position markers: good(p)
            words.append(word[:marker] if marker >= 0 else word)
        return words

    def synonyms(self, word: str) -> Tuple[str, ...]:
        """Sorted single-word synonyms of `word` (lower case; a trailing plural "s" is dropped
        when the word itself is not in WordNet). Empty when there are none."""
        word = word.lower()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        self._load()
        entries = self._index.get(word)
        if entries is None and word.endswith("s"):
            entries = self._index.get(word[:-1])
        found = set()
        for part, offset in entries or ():
            for synonym in self._synset_words(part, offset):
                synonym = synonym.lower()
                if "_" not in synonym and "-" not in synonym and synonym != word:
                    found.add(synonym)
        result = tuple(sorted(found))
        self._cache[word] = result
        return result
