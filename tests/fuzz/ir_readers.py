#!/usr/bin/python3
"""Coverage-guided mutation fuzzer for the SMART/TREC readers of southwell.prf (pure Python, so
fuzzed with the standard library rather than libFuzzer).

Property: on any bytes, every reader either returns well-formed dictionaries or raises a
ValueError whose message starts with the file name. Anything else (another exception type, a
message that does not say which file) is a failure; the input is written to
tests/fuzz/regressions/ir_readers/ so that pytest replays it from then on.

    PYTHONPATH=build/python /usr/bin/python3 tests/fuzz/ir_readers.py --max-total-time 600

prints executions, corpus size and the lines of _ir_readers.py covered.
"""
import argparse
import ast
import hashlib
import os
import random
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus", "ir_readers")
REGRESSIONS = os.path.join(HERE, "regressions", "ir_readers")

# Tokens the grammars care about, spliced in by the mutator.
DICTIONARY = [b".I ", b".T\n", b".W\n", b".A", b".X\n", b"<DOC>", b"</DOC>", b"<DOCNO>", b"</DOCNO>", b"<top>",
              b"</top>", b"<num>", b"Number:", b"<title>", b"<desc>", b"Description:", b"<narr>", b"\n", b"\r\n",
              b" ", b"\t", b"0", b"-1", b"001", b"4", b"1e400", b"nan", b"inf", b"\xb2", b"\xff", b"\x00",
              "\u00b2".encode(), "\u0663".encode(), b"Q0"]


def readers():
    from southwell import _ir_readers as r
    return {
        "smart": lambda p: r.read_smart(p),
        "smart_all_fields": lambda p: r.read_smart(p, fields=None),
        "smart_sequential": lambda p: r.read_smart(p, sequential_ids=True),
        "trec": r.read_trec,
        "trec_topics": lambda p: r.read_trec_topics(p, fields=("title", "desc", "narr")),
        "qrels_trec": lambda p: r.read_qrels(p, format="trec"),
        "qrels_cranfield": lambda p: r.read_qrels(p, format="cranfield"),
        "qrels_cisi": lambda p: r.read_qrels(p, format="cisi"),
    }


def check_result(name, result):
    assert isinstance(result, dict), f"{name}: returned {type(result).__name__}"
    for key, value in result.items():
        assert isinstance(key, str), f"{name}: key {key!r}"
        if name.startswith("qrels"):
            assert isinstance(value, dict) and all(isinstance(d, str) and isinstance(g, int)
                                                   for d, g in value.items()), f"{name}: judgments {value!r}"
        else:
            assert isinstance(value, str), f"{name}: text {value!r}"


def check_input(data: bytes, path: str):
    """Runs every reader on `data` (written to `path`); returns a list of failure descriptions."""
    with open(path, "wb") as handle:
        handle.write(data)
    failures = []
    for name, read in readers().items():
        try:
            check_result(name, read(path))
        except ValueError as error:
            if not str(error).startswith(path):
                failures.append(f"{name}: ValueError without the file name: {error}")
        except AssertionError as error:
            failures.append(f"{name}: {error}")
        except Exception as error:  # noqa: BLE001 - the property is "nothing else escapes"
            failures.append(f"{name}: {type(error).__name__}: {error}")
    return failures


def mutate(data: bytes, corpus, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(6)
        position = rng.randint(0, len(data))
        if choice == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice == 1 and data:
            del data[position:position + rng.randint(1, 8)]
        elif choice == 2:
            data[position:position] = rng.choice(DICTIONARY)
        elif choice == 3 and data:
            start = rng.randrange(len(data))
            data[position:position] = data[start:start + rng.randint(1, 32)]
        elif choice == 4:
            other = rng.choice(corpus)
            start = rng.randint(0, len(other))
            data[position:] = other[start:start + rng.randint(0, 200)]
        else:
            data[position:position] = bytes(rng.randrange(32, 127) for _ in range(rng.randint(1, 6)))
    return bytes(data[:4096])


class LineCoverage:
    """The (line, next line) pairs executed in _ir_readers.py: a cheap edge coverage."""

    def __init__(self, filename):
        self.filename = filename
        self.edges, self.lines = set(), set()
        self._current = set()
        self._previous = None

    def _local(self, frame, event, arg):
        if event == "line":
            self._current.add((self._previous, frame.f_lineno))
            self._previous = frame.f_lineno
        return self._local

    def _global(self, frame, event, arg):
        if frame.f_code.co_filename == self.filename:
            self._previous = None
            return self._local
        return None

    def run(self, function, *args):
        self._current = set()
        sys.settrace(self._global)
        try:
            return function(*args)
        finally:
            sys.settrace(None)

    def merge(self):
        new = self._current - self.edges
        self.edges |= self._current
        self.lines |= {line for _, line in self._current}
        return bool(new)


def statement_lines(filename):
    """Line numbers of the statements in a file (docstrings and comments excluded)."""
    with open(filename) as handle:
        tree = ast.parse(handle.read())
    return {node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.stmt) and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))}


def module_level_lines(filename):
    """Statements that run at import (imports, definitions), not when a reader is called."""
    with open(filename) as handle:
        tree = ast.parse(handle.read())
    return {node.lineno for node in tree.body}


def load(directory):
    if not os.path.isdir(directory):
        return []
    return [open(os.path.join(directory, f), "rb").read() for f in sorted(os.listdir(directory))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-total-time", type=float, default=60, help="seconds (default 60)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from southwell import _ir_readers
    coverage = LineCoverage(_ir_readers.__file__)
    rng = random.Random(args.seed)
    corpus = load(CORPUS) + load(REGRESSIONS)
    if not corpus:
        sys.exit(f"no seed inputs in {CORPUS}")
    failures, signatures = 0, set()
    executions = 0
    started = last_report = time.monotonic()
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "input")
        for seed in corpus:
            coverage.run(check_input, seed, path)
            coverage.merge()
        while time.monotonic() - started < args.max_total_time:
            data = mutate(rng.choice(corpus), corpus, rng)
            problems = coverage.run(check_input, data, path)
            executions += 1
            if coverage.merge():
                corpus.append(data)
            # One saved input per kind of failure (reader and exception type), not per mutation.
            signature = frozenset(p.split(":")[0] + ":" + p.split(":")[1] for p in problems)
            if problems and signature not in signatures:
                signatures.add(signature)
                failures += 1
                os.makedirs(REGRESSIONS, exist_ok=True)
                name = os.path.join(REGRESSIONS, hashlib.sha1(data).hexdigest()[:16])
                with open(name, "wb") as handle:
                    handle.write(data)
                print(f"FAILURE ({name}):\n  " + "\n  ".join(problems), flush=True)
            if time.monotonic() - last_report > 30:
                last_report = time.monotonic()
                print(f"#{executions} corpus {len(corpus)} lines {len(coverage.lines)} edges {len(coverage.edges)}",
                      flush=True)
    code_lines = statement_lines(_ir_readers.__file__) - module_level_lines(_ir_readers.__file__)
    print(f"done: {executions} executions in {args.max_total_time:.0f} s, corpus {len(corpus)}, "
          f"statements covered {len(coverage.lines & code_lines)} of {len(code_lines)} in the readers, "
          f"edges {len(coverage.edges)}, distinct failures {failures}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
