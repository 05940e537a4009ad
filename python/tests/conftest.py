"""Shared fixtures. Real datasets come from ../shared/data (or $SOUTHWELL_SHARED_DATA); tests
that need them say so and skip when they are absent."""
import os
import pathlib

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED_DATA = pathlib.Path(os.environ.get("SOUTHWELL_SHARED_DATA", REPO.parent / "shared" / "data"))


def libsvm_dataset(name):
    """(X as CSC, y) of ../shared/data/libsvm/<name>, or skip the test."""
    path = SHARED_DATA / "libsvm" / name
    if not path.exists():
        pytest.skip(f"needs the shared dataset {path} (absent)")
    from sklearn.datasets import load_svmlight_file
    X, y = load_svmlight_file(str(path))
    return X.tocsc(), y


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


def random_design(rng, m, p, density=0.5):
    """A design with columns on different scales and some exact zeros."""
    A = rng.standard_normal((m, p)) * np.exp(0.5 * rng.standard_normal(p))
    A[rng.random((m, p)) > density] = 0.0
    return A
