"""Real models nobody here wrote: every `keras.applications` backbone, alone and shared by two
inputs (a siamese pair, the most common real use of a shared sub-model), analysed exactly."""

from __future__ import annotations

import pytest

from models.analysis.sharing import analyse
from support.applications import BACKBONES, QUICK, backbone, siamese


def _cases():
    for name in BACKBONES:
        marks = () if name in QUICK else (pytest.mark.slow,)
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", list(_cases()))
def test_a_backbone_alone_and_shared_by_two_inputs_has_exact_totals(name):
    net = backbone(name)
    alone = analyse(net)
    assert alone.totals.total == net.count_params()
    assert alone.totals.tied == 0

    pair = siamese(net)
    shared = analyse(pair)
    head = pair.get_layer("same").count_params()
    assert shared.totals.total == pair.count_params() == net.count_params() + head
    # Unrolled: each call of the backbone's layers would own a copy of their weights.
    assert shared.totals.unrolled == 2 * net.count_params() + head
    assert shared.totals.saved_by_tying == net.count_params()
    weighted = [layer for layer in shared.layers if layer.params and layer.name != "same"]
    assert weighted and all(layer.n_calls == 2 for layer in weighted)
    assert all(layer.name.startswith(f"{net.name}/") for layer in weighted)
