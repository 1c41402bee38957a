"""Files that must be refused, each with its own message (safe mode, size caps, not Keras)."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from models.uploads.examples import model_file_bytes, siamese
from models.uploads.loader import (
    MAX_UNPACKED_MB,
    ModelUploadError,
    analyse_model_file,
    load_model_bytes,
)


def test_lambda_layer_is_refused():
    import keras
    from keras import layers

    x = keras.Input((3,), name="x")
    model = keras.Model(x, layers.Lambda(lambda t: t + 1, name="plus_one")(x))
    with pytest.raises(ModelUploadError, match="Lambda layer"):
        load_model_bytes(model_file_bytes(model))


def test_unregistered_custom_layer_is_refused_by_name():
    import keras

    @keras.saving.register_keras_serializable(package="test_upload")
    class Doubler(keras.layers.Layer):
        def call(self, x):
            return x * 2

    x = keras.Input((3,), name="x")
    data = model_file_bytes(keras.Model(x, Doubler(name="double")(x)))
    keras.saving.get_custom_objects().pop("test_upload>Doubler")  # unknown when it is loaded
    with pytest.raises(ModelUploadError, match="`Doubler`, which is custom code"):
        load_model_bytes(data)


def test_h5_file_is_refused(tmp_path):
    import keras
    from keras import layers

    x = keras.Input((3,), name="x")
    path = tmp_path / "old.h5"
    keras.Model(x, layers.Dense(1)(x)).save(path)
    with pytest.raises(ModelUploadError, match=r"legacy HDF5 \(.h5\)"):
        load_model_bytes(path.read_bytes())


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_zip_without_config_is_refused():
    with pytest.raises(ModelUploadError, match="no config.json"):
        load_model_bytes(_zip({"metadata.json": b"{}", "notes.txt": b"hello"}))


def test_zip_bomb_over_the_unpacked_cap_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("config.json", b"{}")
        with archive.open("model.weights.h5", "w", force_zip64=True) as entry:
            zeros = bytes(1024 * 1024)
            for _ in range(MAX_UNPACKED_MB + 1):
                entry.write(zeros)
    data = out.getvalue()
    assert len(data) < 1024 * 1024  # a small file...
    with pytest.raises(ModelUploadError, match=f"the limit is {MAX_UNPACKED_MB} MB"):
        load_model_bytes(data)  # ...that would unpack to more than the cap


def test_huge_config_is_refused():
    with pytest.raises(ModelUploadError, match="config.json unpacks to 11 MB"):
        load_model_bytes(_zip({"config.json": b" " * (11 * 1024 * 1024)}))


def test_zip_with_too_many_entries_is_refused():
    with pytest.raises(ModelUploadError, match="holds 101 files"):
        load_model_bytes(_zip({"config.json": b"{}", **{f"f{i}": b"" for i in range(100)}}))


def test_truncated_file_is_refused():
    data = model_file_bytes(siamese())
    with pytest.raises(ModelUploadError, match="not a `.keras` file"):
        load_model_bytes(data[: len(data) // 2])


def test_config_that_is_not_a_model_is_refused_before_keras_reads_it():
    with pytest.raises(ModelUploadError, match="describes a `Nope`, not a functional"):
        load_model_bytes(_zip({"config.json": b'{"class_name": "Nope"}', "metadata.json": b"{}"}))


def test_a_config_the_scan_passes_but_keras_cannot_load_says_so():
    config = {"module": "keras.src.models.functional", "class_name": "Functional"}
    config["config"] = {"name": "empty", "layers": [], "input_layers": [], "output_layers": []}
    with pytest.raises(ModelUploadError, match="Keras could not load this file"):
        load_model_bytes(_zip({"config.json": json.dumps(config), "metadata.json": b"{}"}))


def test_a_second_config_json_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("config.json", b"{}")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("config.json", b"{}")
    with pytest.raises(ModelUploadError, match="holds config.json more than once"):
        load_model_bytes(out.getvalue())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (bytes(range(256)) * 8, "not a `.keras` file"),
        (None, "Expected the file's bytes; got NoneType"),
        ("config.json", "Expected the file's bytes; got str"),
    ],
    ids=["empty", "random", "none", "text"],
)
def test_not_a_model_file_is_refused(data, message):
    with pytest.raises(ModelUploadError, match=message):
        analyse_model_file(data)
