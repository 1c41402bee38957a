"""A person's own `.keras` file -> a loaded model, safely, or a message saying why not.

Keras' safe mode refuses Lambda layers (they would run arbitrary Python code from the file);
custom classes are not importable from a file at all, so only built-in layers (and this app's
own registered CrossStitch) load. Size caps apply to the file, to what it unpacks to and to
what its config.json declares (`models.uploads.config_scan`), all checked before Keras reads
it; the caps are in `models.uploads.limits`.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from io import BytesIO

from models.analysis.nested import GraphTooLarge
from models.analysis.sharing import analyse
from models.uploads.config_scan import DeclaredModel, scan_config
from models.uploads.limits import (
    MAX_CALLS,
    MAX_CONFIG_MB,
    MAX_ENTRIES,
    MAX_LAYERS,
    MAX_MODEL_MB,
    MAX_UNPACKED_MB,
    ModelUploadError,
)


def check_archive(data: bytes) -> DeclaredModel:
    """Refuse what is not a reasonably sized Keras zip archive, or whose config.json declares
    more than the limits allow, before Keras reads it; returns what the config declares."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ModelUploadError(f"Expected the file's bytes; got {type(data).__name__}.")
    if not data:
        raise ModelUploadError("The file is empty.")
    if len(data) > MAX_MODEL_MB * 1024 * 1024:
        raise ModelUploadError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {MAX_MODEL_MB} MB."
        )
    if bytes(data[:8]) == b"\x89HDF\r\n\x1a\n":
        raise ModelUploadError(
            "This is a legacy HDF5 (.h5) file. Save the model as `.keras` "
            "(`model.save('model.keras')`) and upload that."
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            entries = archive.infolist()
            _check_entries(entries)
            config = archive.read("config.json")  # at most MAX_CONFIG_MB: checked just above
    except ModelUploadError:
        raise
    except Exception:  # zipfile raises BadZipFile, ValueError, OSError, EOFError, ...
        raise ModelUploadError(
            "This is not a `.keras` file: a `.keras` file is a zip archive written by "
            "`model.save('model.keras')`."
        ) from None
    return scan_config(config)


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    if len(entries) > MAX_ENTRIES:
        raise ModelUploadError(
            f"This archive holds {len(entries)} files; a Keras model file holds three."
        )
    configs = [entry for entry in entries if entry.filename == "config.json"]
    if not configs:
        raise ModelUploadError("This zip archive has no config.json: it is not a Keras model.")
    if len(configs) > 1:  # one would be checked here and another one read
        raise ModelUploadError("This archive holds config.json more than once.")
    (config,) = configs
    if config.file_size > MAX_CONFIG_MB * 1024 * 1024:
        raise ModelUploadError(
            f"Its config.json unpacks to {config.file_size / 1024 / 1024:.0f} MB; the limit is "
            f"{MAX_CONFIG_MB} MB."
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_MB * 1024 * 1024:
        raise ModelUploadError(
            f"This archive unpacks to {unpacked / 1024 / 1024:.0f} MB; the limit is "
            f"{MAX_UNPACKED_MB} MB."
        )


def load_model_bytes(data: bytes):
    """Load `.keras` bytes in safe mode (weights included); `ModelUploadError` if refused."""
    import keras

    # Imported for their side effect: registering the app's own layers (`lse>CrossStitch`,
    # `lse>ExpertGate`), so the trained models the app lets people download load in safe
    # mode. They stay in here because each module defines a Keras layer at import: at module
    # level they would load TensorFlow wherever this module is imported, the page server
    # included, which only reads the limits and hands `analyse_model_file` to a worker.
    import models.architectures.cross_stitch  # noqa: F401
    import models.architectures.mmoe  # noqa: F401

    check_archive(data)  # before Keras reads anything: it builds the declared weights at once
    handle, path = tempfile.mkstemp(suffix=".keras")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(bytes(data))
        try:
            model = keras.saving.load_model(path, compile=False, safe_mode=True)
        except Exception as error:  # Keras raises many types for bad files; all end up here
            raise ModelUploadError(_explain_load_error(error)) from None
    finally:
        os.unlink(path)
    _check_model(model)
    return model


def _explain_load_error(error: Exception) -> str:
    text = str(error)
    if "Lambda" in text or "safe_mode" in text:
        return (
            "This model contains a Lambda layer (or another object that runs Python code from "
            "the file); safe mode refuses it. Replace it with built-in layers to analyse it."
        )
    unknown = re.search(r"[Cc]ould not (?:locate|deserialize) (?:class|function) '?([\w.>]+)", text)
    if unknown:
        return (
            f"This model uses `{unknown.group(1)}`, which is custom code; the app does not load "
            "custom code. Only built-in Keras layers can be analysed."
        )
    first_line = text.strip().splitlines()[0][:300] if text.strip() else type(error).__name__
    return f"Keras could not load this file: {first_line}"


def _check_model(model) -> None:
    """The analysis needs a graph of layer calls: a functional or Sequential model."""
    if not getattr(model, "inputs", None) or not getattr(model, "outputs", None):
        raise ModelUploadError(
            "This model has no graph of layer calls (a subclassed model, or a Sequential "
            "model without an input shape); only functional and built Sequential models "
            "can be analysed."
        )


def analyse_model_file(data: bytes):
    """The `Analysis` of an uploaded `.keras` file (plain, picklable data), or `ModelUploadError`.

    Meant to run in a process of its own (`models.uploads.isolated.run_isolated`): TensorFlow's
    memory for the model, and whatever a hostile file does to the loader, stay out of the
    Streamlit server and the training workers.
    """
    model = load_model_bytes(data)
    try:
        analysis = analyse(model, max_calls=MAX_CALLS)
    except GraphTooLarge as error:
        raise ModelUploadError(str(error)) from None
    except Exception as error:  # a graph shape the analysis does not know: say so, no traceback
        raise ModelUploadError(
            f"The model loaded, but its graph could not be analysed ({type(error).__name__}: "
            f"{str(error)[:200]})."
        ) from None
    n_layers = analysis.n_layer_objects
    if n_layers > MAX_LAYERS:
        raise ModelUploadError(
            f"With its sub-models opened up, this model has {n_layers} layers; the limit is "
            f"{MAX_LAYERS}."
        )
    return analysis
