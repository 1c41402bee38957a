"""What the Keras lane's worker computes: each function takes plain values, builds what it needs
in Keras and returns plain data (strings, DataFrames, dataclasses), never a Keras object.

Imported by the lane's worker only (through pickled references), never run in the server.
"""

from __future__ import annotations

import os

from models.codegen.writer import CodegenError
from models.inspect import code_for_spec
from models.lab.calls import CallInspection, inspect_calls
from models.lab.runner import LabResult, run_lab
from models.spec import ModelSpec

# A model small enough to build in a fraction of a second: building it loads Keras' layer
# code, so the worker's memory baseline (taken when it says it is ready) includes it.
WARM_SPEC = ModelSpec(conv_filters=(4,), dense_units=(8,), shared_layers=1)


# Added to the fork server's 10: 19, as low as the training workers. At 10 it outranked the
# runs a crowd had clicked for with code and Lab computed ahead for their pages.
LANE_NICENESS = 9


def warm_lane() -> list:
    """A lane worker's start: the training workers' CPU priority, then build and write out one
    small model; nothing to remember."""
    os.nice(LANE_NICENESS)
    model_code(WARM_SPEC)
    return []


def model_code(spec: ModelSpec) -> tuple[str | None, str]:
    """(the standalone Keras source that builds `spec`'s model, "") or (None, why it cannot
    be written out). The reason is a result, not an error: it is the same on every try."""
    try:
        return code_for_spec(spec), ""
    except CodegenError as error:
        return None, str(error)


def lab_checks(sizes: ModelSpec) -> LabResult:
    """Every Lab demonstration at `sizes` (the Question tab's verdicts read these too)."""
    return run_lab(sizes)


def call_inspection(ask: tuple) -> CallInspection:
    """`inspect_calls` for ask = (spec, layer, data, seed, weights)."""
    spec, layer, data, seed, weights = ask
    return inspect_calls(spec, layer, data, seed=seed, weights=weights)
