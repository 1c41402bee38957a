"""Small models built the way people write them, to try the "Your model" tab with.

Both share weights through a *sub-model* called more than once, the way a siamese network is
usually written, rather than by calling one layer object several times.
"""

from __future__ import annotations

import os
import tempfile

EXAMPLE_FILE_NAME = "feature_towers.keras"


def feature_towers(n_features: int = 4, timesteps: int = 10, horizon: int = 10):
    """Model 2 with whole towers shared: one `tower` sub-model called on every feature."""
    import keras
    from keras import layers

    step = keras.Input((timesteps, 1), name="one_feature")
    x = layers.Conv1D(8, 3, activation="relu", name="conv1")(step)
    x = layers.Conv1D(16, 3, activation="relu", name="conv2")(x)
    x = layers.Conv1D(32, 3, activation="relu", name="conv3")(x)
    tower = keras.Model(step, layers.Flatten(name="flatten")(x), name="tower")

    inputs = [keras.Input((timesteps, 1), name=f"feature{f + 1}") for f in range(n_features)]
    towers = [tower(x) for x in inputs]  # one sub-model on every feature: all its weights tied
    x = layers.Concatenate(name="concat")(towers)
    x = layers.Dense(200, activation="relu", name="dense1")(x)
    x = layers.Dense(100, activation="relu", name="dense2")(x)
    heads = [layers.Dense(horizon, name=f"task{t + 1}_head")(x) for t in range(n_features)]
    return keras.Model(inputs, heads, name="feature_towers")


def siamese(timesteps: int = 10, channels: int = 1):
    """A siamese pair: one `encoder` sub-model (with a Sequential inside) on two inputs."""
    import keras
    from keras import layers

    series = keras.Input((timesteps, channels), name="series")
    x = layers.Conv1D(8, 3, activation="relu", name="conv1")(series)
    x = layers.GlobalAveragePooling1D(name="pool")(x)
    project = keras.Sequential([keras.Input((8,)), layers.Dense(4, name="dense")], name="project")
    encoder = keras.Model(series, project(x), name="encoder")

    left = keras.Input((timesteps, channels), name="left")
    right = keras.Input((timesteps, channels), name="right")
    a, b = encoder(left), encoder(right)  # the same sub-model twice: its layers are tied x2
    distance = layers.Subtract(name="difference")([a, b])
    same = layers.Dense(1, activation="sigmoid", name="same")(distance)
    return keras.Model([left, right], same, name="siamese")


def model_file_bytes(model) -> bytes:
    """The bytes `model.save('x.keras')` writes."""
    handle, path = tempfile.mkstemp(suffix=".keras")
    os.close(handle)
    try:
        model.save(path)
        with open(path, "rb") as saved:
            return saved.read()
    finally:
        os.unlink(path)


def example_model_file() -> bytes:
    """The example offered on the page (built in a worker: it needs TensorFlow)."""
    return model_file_bytes(feature_towers())
