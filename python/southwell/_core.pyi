"""Type stubs of the compiled core (southwell._core). Internal: use the package's public API."""
from typing import Any, Callable, ClassVar, Optional, Sequence

import numpy as np
import numpy.typing as npt

class SolverOptions: ...
class DesignArgument: ...

class SolveRequest:
    def __init__(self, options: SolverOptions, x0: Optional[npt.NDArray[np.floating]],
                 callback: Optional[Callable[[int, npt.NDArray[np.floating], float], Any]], callback_every: int,
                 x_shape: Sequence[int]) -> None: ...

class NativeProblem:
    @property
    def dim(self) -> int: ...
    @property
    def dtype(self) -> str: ...
    @property
    def data_address(self) -> int: ...
    def value(self, x: npt.NDArray[np.floating]) -> float: ...
    def gradient(self, x: npt.NDArray[np.floating]) -> npt.NDArray[np.floating]: ...
    def solve(self, request: SolveRequest) -> dict[str, Any]: ...

def make_options(selection: str, partition: str, update: str, block_size: int, max_iter: int, tol: float, seed: int,
                 time_limit: float, record_history: bool, verbose: bool, norm: str, relaxation: float,
                 certificate: str, forest_order: str, check_every: int,
                 optimal_value: Optional[float] = None, iht: str = "plain") -> SolverOptions: ...
def dense_design(A: npt.NDArray[np.floating]) -> DesignArgument: ...
def csc_design(data: npt.NDArray[np.floating], indices: npt.NDArray[np.integer], indptr: npt.NDArray[np.integer],
               rows: int, cols: int) -> DesignArgument: ...
def check_design(design: DesignArgument) -> None: ...
def make_glm(loss: str, design: DesignArgument, targets: npt.NDArray[Any], classes: int, l2: float, intercept: bool,
             l1: float, l1_weights: Optional[npt.NDArray[np.floating]], lower: Optional[npt.NDArray[np.floating]],
             upper: Optional[npt.NDArray[np.floating]]) -> NativeProblem: ...
def make_quadratic(Q: DesignArgument, c: npt.NDArray[np.floating], l2: float, l1: float,
                   lower: Optional[npt.NDArray[np.floating]], upper: Optional[npt.NDArray[np.floating]],
                   lattice: Optional[tuple[int, int, Sequence[int]]]) -> NativeProblem: ...
def label_propagation(W: DesignArgument, labelled: Sequence[int], targets: npt.NDArray[np.floating], clamping: str,
                      clamp_weight: float, unlabelled_components: str,
                      request: SolveRequest) -> tuple[npt.NDArray[np.float64], dict[str, Any]]: ...
def rule_names() -> dict[str, list[str]]: ...

class WorkingSetOptions:
    class Dual:
        automatic: ClassVar["WorkingSetOptions.Dual"]
        never: ClassVar["WorkingSetOptions.Dual"]
        always: ClassVar["WorkingSetOptions.Dual"]
    dual: "WorkingSetOptions.Dual"
    tol: float
    max_iterations: int
    max_epochs: int
    initial_working_set: int
    growth: float
    inner_tolerance: float
    max_model_epochs: int
    anderson_memory: int
    screening: bool
    focus_fraction: float
    threads: int
    time_limit_seconds: float
    record_history: bool
    verbose: bool
    def __init__(self) -> None: ...
    def validate(self) -> None: ...

class WorkingSetRequest:
    l1: float
    l2: float
    factors: Any
    nonnegative: bool
    sample_weight: Any
    x0: Any
    path_strengths: list[float]
    path_count: int
    path_min_ratio: float
    l1_ratio: float
    strong_rule: bool
    compute_lambda_max: bool
    options: WorkingSetOptions
    callback: Any
    callback_every: int
    x_shape: list[int]
    def __init__(self) -> None: ...

def fit_working_set(loss: str, design: DesignArgument, targets: npt.NDArray[Any], classes: int, intercept: bool,
                    request: WorkingSetRequest) -> dict[str, Any]: ...
