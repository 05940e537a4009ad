"""Validation and conversion of user data into the layouts the compiled core reads in place.

Zero-copy layouts: a Fortran-ordered (column-major) float32/float64 numpy array, and a scipy
CSC matrix with float32/float64 values, int32/int64 indices and sorted, duplicate-free row
indices. Anything else is converted once: C-ordered arrays to Fortran order, CSR and other
sparse formats to CSC, integer and boolean data to float64.
"""
from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from . import _core

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def integer_at_least(value, name, minimum):
    """int(value), or ValueError unless value is an integer (not a bool) >= minimum."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def float_dtype(dtype, what):
    """The float dtype Southwell computes in for data of `dtype` (float32 stays float32)."""
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        raise TypeError(f"{what}: complex data is not supported")
    if dtype.kind not in "biuf":
        raise TypeError(f"{what}: expected numeric data, got dtype {dtype}")
    return np.dtype(np.float32) if dtype == np.float32 else np.dtype(np.float64)


def nonnegative(value, name):
    """A finite float >= 0, or ValueError/TypeError naming the parameter."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value}")
    return value


def _dense_array(A, what):
    if isinstance(A, np.ndarray) and A.dtype == object:
        try:
            A = A.astype(np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(f"{what}: expected numeric data, got dtype object") from error
    A = np.asarray(A)
    if A.dtype == object:
        raise TypeError(f"{what}: expected numeric data, got dtype object")
    return A


class Design:
    """A matrix as the core reads it (the core keeps the arrays it views alive)."""

    def __init__(self, A, what="A"):
        if sp.issparse(A):
            dtype = float_dtype(A.dtype, what)
            if A.ndim != 2:
                raise ValueError(f"{what} must be 2-D")
            csc = A if A.format == "csc" else A.tocsc()
            if csc.dtype != dtype:
                csc = csc.astype(dtype)
            indices, indptr = csc.indices, csc.indptr
            if indices.dtype != indptr.dtype or indices.dtype not in (np.int32, np.int64):
                csc = sp.csc_matrix((csc.data, indices.astype(np.int64), indptr.astype(np.int64)), shape=csc.shape)
            if not csc.has_canonical_format:
                csc = csc.copy()
                csc.sum_duplicates()  # also sorts the row indices
            data = csc.data if csc.data.flags.c_contiguous else np.ascontiguousarray(csc.data)
            self.shape = csc.shape
            self.dtype = dtype
            self.argument = _core.csc_design(data, csc.indices, csc.indptr, csc.shape[0], csc.shape[1])
        else:
            A = _dense_array(A, what)
            if A.ndim != 2:
                raise ValueError(f"{what} must be a 2-D array or sparse matrix, got {A.ndim} dimension(s)")
            dtype = float_dtype(A.dtype, what)
            A = np.asfortranarray(A, dtype=dtype)
            self.shape = A.shape
            self.dtype = dtype
            self.argument = _core.dense_design(A)
        if self.shape[0] == 0 or self.shape[1] == 0:
            raise ValueError(f"{what} is empty (shape {self.shape})")
        # Non-finite entries are refused by the core, which scans the matrix without a temporary.


def vector(v, length, dtype, what):
    """A finite 1-D array of `length` entries in `dtype`."""
    v = _dense_array(v, what)
    float_dtype(v.dtype, what)
    if v.ndim != 1:
        raise ValueError(f"{what} must be 1-D, got shape {v.shape}")
    if v.shape[0] != length:
        raise ValueError(f"{what} has {v.shape[0]} entries, expected {length}")
    v = np.ascontiguousarray(v, dtype=dtype)
    if not np.isfinite(v).all():
        raise ValueError(f"{what} contains NaN or infinity")
    return v


def bounds(lower, upper, shape, dtype, intercept_rows):
    """Full-length lower/upper vectors over x (or None): scalars or arrays broadcast to the
    coefficient shape; intercept rows are left unbounded."""
    if lower is None and upper is None:
        return None, None

    def expand(value, fill, name):
        if value is None:
            value = fill
        value = _dense_array(value, name)
        float_dtype(value.dtype, name)
        coef_shape = (shape[0] - intercept_rows,) + tuple(shape[1:])
        try:
            full = np.broadcast_to(np.asarray(value, dtype=np.float64), coef_shape)
        except ValueError as error:
            raise ValueError(f"{name} has shape {np.shape(value)}, which does not broadcast to {coef_shape}") from error
        if np.isnan(full).any():
            raise ValueError(f"{name} contains NaN")
        if intercept_rows:
            full = np.concatenate([full, np.full((intercept_rows,) + tuple(shape[1:]), fill)])
        return np.ascontiguousarray(full.reshape(-1), dtype=dtype)

    lo = expand(lower, -np.inf, "lower")
    up = expand(upper, np.inf, "upper")
    bad = np.flatnonzero(lo > up)
    if bad.size:
        raise ValueError(f"lower > upper at coordinate {bad[0]} ({lo[bad[0]]} > {up[bad[0]]})")
    if (lo == np.inf).any() or (up == -np.inf).any():
        raise ValueError("lower must be < inf and upper > -inf")
    return lo, up


def store_params(estimator, arguments):
    """Keep an estimator's constructor arguments unchanged as attributes (scikit-learn's rule:
    validation happens in fit). Call as ``store_params(self, locals())`` first thing in __init__."""
    for name, value in arguments.items():
        if name != "self":
            setattr(estimator, name, value)
