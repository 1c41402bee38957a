"""Hostile config.json files, each refused by the plain-JSON scan, by name, before Keras (never
imported here) could build what they declare. The JSON is written as Keras 3.15 writes it: Keras
itself would load these files and build every layer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from models.uploads.config_scan import declared_model, read_config, scan_config
from models.uploads.limits import (
    MAX_DIMENSION,
    MAX_JSON_DEPTH,
    MAX_LAYERS,
    MAX_NESTING,
    MAX_WEIGHTS_MB,
    ModelUploadError,
)
from models.uploads.loader import check_archive
from support.hostile_files import BOMB, dense_model, functional, keras_file, layer, nested, tensor

ROOT = Path(__file__).resolve().parents[2]


def test_the_bomb_is_a_small_file_refused_naming_its_layer_and_the_limit():
    assert len(BOMB) < 1024
    with pytest.raises(ModelUploadError) as refusal:
        check_archive(BOMB)
    assert str(refusal.value) == (
        "This model declares 900,030,000 parameters (3,433 MB of weights), 900,030,000 of them "
        f"in layer `big` (Dense); the limit is {MAX_WEIGHTS_MB} MB of weights (about "
        "52,428,800 parameters)."
    )


def test_the_scan_never_imports_keras_or_tensorflow(tmp_path):
    bomb = tmp_path / "bomb.keras"
    bomb.write_bytes(BOMB)
    script = (
        "import sys\n"
        "from models.uploads.loader import ModelUploadError, check_archive\n"
        f"try:\n    check_archive(open({str(bomb)!r}, 'rb').read())\n"
        "except ModelUploadError as error:\n    print('refused:', error)\n"
        "print(sorted(m for m in ('keras', 'tensorflow') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    refused, loaded = done.stdout.strip().splitlines()
    assert refused.startswith("refused: This model declares 900,030,000 parameters")
    assert loaded == "[]"


def test_a_bomb_in_build_config_alone_is_refused():
    """Keras builds a layer from its `build_config` as it reads it, called or not."""
    x = layer("InputLayer", "x", {"batch_shape": [None, 4]})
    out = layer("Dense", "out", {"units": 1}, ("x", [None, 4]))
    idle = layer("Dense", "idle", {"units": 30_000})
    idle["build_config"] = {"input_shape": [None, 30_000]}
    with pytest.raises(ModelUploadError, match=r"900,030,000 of them in layer `idle` \(Dense\)"):
        scan_config(json.dumps(functional(x, idle, out)))


def test_a_bomb_inside_a_sub_model_is_refused_with_its_path():
    inner = dense_model(20_000, 20_000)
    inner["name"] = "inner"
    inner["inbound_nodes"] = [{"args": [tensor("x", [None, 20_000])], "kwargs": {}}]
    outer = functional(layer("InputLayer", "x", {"batch_shape": [None, 20_000]}), inner)
    with pytest.raises(ModelUploadError, match=r"in layer `inner/big` \(Dense\)"):
        scan_config(json.dumps(outer))


@pytest.mark.parametrize(
    ("units", "shown"),
    [
        (-3, "`units` = -3"),
        (0, "`units` = 0"),
        (2.5, "`units` = 2.5"),
        ("64", "`units` = 64"),
        (True, "`units` = True"),
        (None, "`units` = None"),
        (MAX_DIMENSION + 1, f"`units` = {MAX_DIMENSION + 1}"),
        (10**400, "`units` = 1000000000000000000000000000000000000000"),
    ],
)
def test_units_keras_would_not_accept_are_refused_by_name(units, shown):
    with pytest.raises(ModelUploadError, match=r"Layer `big` \(Dense\) declares ") as refusal:
        scan_config(json.dumps(dense_model(4, units)))
    assert shown in str(refusal.value) and "a whole number from 1 to" in str(refusal.value)


def test_huge_units_on_a_small_input_are_refused_as_weights():
    with pytest.raises(ModelUploadError, match="declares 1,000,000,000 parameters"):
        scan_config(json.dumps(dense_model(0, 10**9)))


def test_missing_units_are_refused():
    model = dense_model(4, 1)
    del model["config"]["layers"][1]["config"]["units"]
    with pytest.raises(ModelUploadError, match=r"Layer `big` \(Dense\) declares no `units`"):
        scan_config(json.dumps(model))


def test_sub_models_nested_to_the_limit_pass_and_deeper_are_refused():
    assert declared_model(nested(MAX_NESTING)).nesting == MAX_NESTING
    with pytest.raises(ModelUploadError, match=f"more than {MAX_NESTING} levels deep"):
        scan_config(json.dumps(nested(MAX_NESTING + 1)))


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 100_000])
def test_absurdly_nested_json_is_refused(depth):
    text = '{"a": ' + "[" * depth + "]" * depth + "}"
    with pytest.raises(ModelUploadError, match=f"more than {MAX_JSON_DEPTH} levels deep"):
        read_config(text)


def test_a_million_layers_are_refused_before_any_is_read():
    config = {"class_name": "Functional", "config": {"layers": [{}] * 10**6}}
    data = keras_file(config)
    assert len(data) < 100_000  # small, and config.json (3 MB) under MAX_CONFIG_MB
    with pytest.raises(ModelUploadError, match=f"more than {MAX_LAYERS} layers"):
        check_archive(data)


def test_layers_past_the_limit_are_refused():
    x = layer("InputLayer", "x", {"batch_shape": [None, 4]})
    many = [layer("ReLU", f"r{i}", {}, ("x", [None, 4])) for i in range(MAX_LAYERS + 1)]
    assert declared_model(functional(x, *many[:MAX_LAYERS])).layers == MAX_LAYERS
    with pytest.raises(ModelUploadError, match=f"more than {MAX_LAYERS} layers; the limit"):
        scan_config(json.dumps(functional(x, *many)))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (b"\x89PNG not json", "is not JSON text"),
        (b"{'single': 'quotes'}", "is not JSON text"),
        (b"[1, 2, 3]", "holds a JSON list, not a model's description"),
        (b'"Functional"', "holds a JSON str"),
        (b"1" * 5000, "is not JSON text"),  # past Python's digit limit for int()
        (b'{"class_name": "Nope"}', "describes a `Nope`, not a functional or Sequential"),
        (b'{"class_name": "Functional"}', "describes a `Functional`, not a functional"),
        (b'{"class_name": "Functional", "config": {"layers": [{"name": "a"}]}}', "a layer "),
    ],
)
def test_what_is_not_a_model_description_is_refused(text, shown):
    with pytest.raises(ModelUploadError, match="Its config.json") as refusal:
        scan_config(text)
    assert shown in str(refusal.value)


def test_a_tensor_from_nowhere_is_refused():
    model = dense_model(4, 1)
    model["config"]["layers"][1]["inbound_nodes"][0]["args"][0]["config"]["keras_history"] = 7
    with pytest.raises(ModelUploadError, match="names no layer it comes from"):
        scan_config(json.dumps(model))
