"""Replays the IR readers' fuzzing corpus and the inputs that once failed (tests/fuzz/): every
reader returns well-formed dictionaries or raises a ValueError naming the file."""
import importlib.util
import os

import pytest

FUZZ = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fuzz")
spec = importlib.util.spec_from_file_location("ir_readers_fuzz", os.path.join(FUZZ, "ir_readers.py"))
harness = importlib.util.module_from_spec(spec)
spec.loader.exec_module(harness)

INPUTS = [os.path.join(folder, name) for folder in (harness.CORPUS, harness.REGRESSIONS)
          for name in sorted(os.listdir(folder))]


@pytest.mark.parametrize("source", INPUTS, ids=os.path.basename)
def test_reader_input(source, tmp_path):
    with open(source, "rb") as handle:
        data = handle.read()
    assert harness.check_input(data, str(tmp_path / "input")) == []


def test_the_regressions_are_there():
    # Both once escaped as the wrong exception; an empty folder would make the replay vacuous.
    assert {"superscript_id", "infinite_grade"} <= set(os.listdir(harness.REGRESSIONS))


def test_harness_flags_a_wrong_exception(tmp_path, monkeypatch):
    """The property check itself: a reader raising anything but a named ValueError is reported."""
    def broken(path):
        raise KeyError("x")
    monkeypatch.setattr(harness, "readers", lambda: {"broken": broken})
    assert harness.check_input(b"", str(tmp_path / "input")) == ["broken: KeyError: 'x'"]
