"""Real models that installed packages ship: every `keras.applications` backbone, and a
siamese pair built on one."""

from __future__ import annotations

import keras

# Small inputs keep every backbone to a second or two; these need more pixels to build at all.
MIN_SIDE = {"InceptionV3": 75, "InceptionResNetV2": 75, "Xception": 71, "NASNetLarge": 32}


QUICK = ("MobileNetV3Small", "ConvNeXtTiny")  # keras.ops operations (x + y) between layers


BACKBONES = sorted(name for name in dir(keras.applications) if name[0].isupper())


def backbone(name: str):
    side = MIN_SIDE.get(name, 32)
    build = getattr(keras.applications, name)
    return build(weights=None, input_shape=(side, side, 3), include_top=False, pooling="avg")


def siamese(net) -> keras.Model:
    """Two images through the one backbone object: every layer inside it is called twice."""
    left = keras.Input(net.input_shape[1:], name="left")
    right = keras.Input(net.input_shape[1:], name="right")
    distance = keras.layers.Subtract(name="difference")([net(left), net(right)])
    return keras.Model([left, right], keras.layers.Dense(1, name="same")(distance))
