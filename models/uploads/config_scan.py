"""A `.keras` file's config.json, read as plain JSON before Keras sees it: how many layers, how
deeply nested, and how many parameters its shapes declare; refused over the upload limits.

Why: Keras builds every layer's weights while it reads config.json, before a weights file is
opened, so a 1 KB file declaring Input(30000) -> Dense(30000) would make it allocate 3.6 GB.
Shapes are worked out from the Input layers through every call the way Keras does
(`models.uploads.layer_rules`), never taken from the file where they can be worked out: a file
could declare small shapes and have Keras build big ones. A layer of a kind without a rule
keeps the shapes the file declares and counts no parameters (`DeclaredModel.unsized` names
them); the memory limit of the process that loads the file covers what that misses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from models.uploads.graph_walk import READ_ERRORS, ModelWalk
from models.uploads.limits import MAX_JSON_DEPTH, MAX_WEIGHTS_MB, ModelUploadError

MAX_PARAMS_TEXT = f"{MAX_WEIGHTS_MB * 2**20 // 4:,}"  # float32 parameters in MAX_WEIGHTS_MB


@dataclass(frozen=True)
class DeclaredModel:
    """What a config declares, worked out without Keras."""

    layers: int  # layer objects, sub-models opened up, inputs left out (as the analysis counts)
    calls: int  # layer calls, a shared sub-model's layers once per call of it
    nesting: int  # sub-models inside sub-models: 0 for a model without any
    params: int  # parameters its shapes declare (what `model.count_params()` would say)
    weight_bytes: int  # those parameters in their dtypes (float32: 4 bytes each)
    biggest: tuple[str, str, int]  # (layer path, kind, parameters) of the largest layer
    unsized: tuple[str, ...]  # kinds whose parameters could not be worked out (none counted)


def read_config(text: bytes | str) -> dict:
    """config.json's text as a JSON object of at most MAX_JSON_DEPTH levels, or refused."""
    try:
        config = json.loads(text)
    except RecursionError:  # the parser's own guard against absurd nesting
        raise ModelUploadError(_too_deep()) from None
    except ValueError as error:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        raise ModelUploadError(f"Its config.json is not JSON text ({str(error)[:120]}).") from None
    if not isinstance(config, dict):
        raise ModelUploadError(
            f"Its config.json holds a JSON {type(config).__name__}, not a model's description."
        )
    stack = [(config, 1)]
    while stack:  # without recursion: the depth is what is being checked
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ModelUploadError(_too_deep())
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return config


def _too_deep() -> str:
    return (
        f"Its config.json nests objects more than {MAX_JSON_DEPTH} levels deep; a Keras model's "
        "needs about 15."
    )


def declared_model(config: dict) -> DeclaredModel:
    """Walk the model `config` describes; refuses it over the layer, call or nesting limits (as
    soon as the walk passes one) or where it declares what Keras would not build."""
    walk = ModelWalk()
    try:
        walk.model(config, path="", level=0, given=[])
    except ModelUploadError:
        raise
    except READ_ERRORS as error:  # a part the walk expected in another form: refused all the same
        raise ModelUploadError(
            "Its config.json is not a Keras 3 model description this app can read "
            f"({type(error).__name__}: {str(error)[:100]})."
        ) from None
    return DeclaredModel(
        layers=walk.layers,
        calls=walk.calls,
        nesting=walk.nesting,
        params=walk.params,
        weight_bytes=walk.weight_bytes,
        biggest=walk.biggest,
        unsized=tuple(sorted(walk.unsized)),
    )


def check_declared(model: DeclaredModel) -> None:
    """Refuse a model whose declared weights are over MAX_WEIGHTS_MB."""
    if model.weight_bytes > MAX_WEIGHTS_MB * 2**20:
        path, kind, params = model.biggest
        raise ModelUploadError(
            f"This model declares {model.params:,} parameters "
            f"({model.weight_bytes / 2**20:,.0f} MB of weights), {params:,} of them in layer "
            f"`{path}` ({kind}); the limit is {MAX_WEIGHTS_MB} MB of weights (about "
            f"{MAX_PARAMS_TEXT} parameters)."
        )


def scan_config(text: bytes | str) -> DeclaredModel:
    """config.json's text -> what it declares, or `ModelUploadError` if over a limit."""
    model = declared_model(read_config(text))
    check_declared(model)
    return model
