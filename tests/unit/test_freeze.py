"""Freezing a layer object: a run leaves its weights bit-identical in every call while the rest
train, and the sentences about it say so."""

from __future__ import annotations

import numpy as np

from models.architectures.presets import MODEL_2
from models.data.toy_data import DataSpec
from models.inspect import planned_analysis
from models.lab.calls import inspect_calls
from models.lab.frozen import frozen_proof, frozen_sentence, lab_sentence
from models.spec import ModelSpec
from models.training.engine import TrainConfig, train


def test_a_frozen_shared_layer_keeps_its_weights_in_every_call_while_the_rest_train():
    sizes = ModelSpec(conv_filters=(4, 8), dense_units=(16,))
    spec = MODEL_2.on(sizes).replace(frozen=("conv1",))
    data_spec = DataSpec(samples=40, val_samples=8)
    result = train(spec, data_spec.materialise(spec), TrainConfig(epochs=5))
    assert result.status == "finished"
    assert result.unmoved == ("conv1",)  # bit-identical; every other layer with weights moved
    start = inspect_calls(spec, "conv1", data_spec)
    trained = inspect_calls(spec, "conv1", data_spec, weights=result.weights)
    assert len(trained.calls) == 4
    for before, after in zip(start.calls, trained.calls, strict=True):
        assert np.array_equal(before.activations, after.activations)  # each call, unchanged
    unfrozen = train(MODEL_2.on(sizes), data_spec.materialise(spec), TrainConfig(epochs=5))
    assert unfrozen.unmoved == ()


def test_the_sentences_say_the_flag_belongs_to_the_object_and_what_the_run_showed():
    spec = MODEL_2.on(ModelSpec()).replace(frozen=("conv1", "dense1"))
    sentence = frozen_sentence(planned_analysis(spec))
    assert "`conv1` (all 4 calls), `dense1`" in sentence
    assert f"{32 + 102_600:,} parameters keep their starting values" in sentence
    assert "freezes it in every branch" in sentence
    assert frozen_sentence(planned_analysis(MODEL_2.on(ModelSpec()))) == ""
    proof = frozen_proof(("conv1",), ("conv1",), 60)
    assert "After 60 epochs the weights of `conv1` are bit-identical" in proof
    assert proof.endswith("every other layer with weights moved.")
    assert "changed although frozen" in frozen_proof(("conv1",), (), 60)
    assert "did not move although not frozen" in frozen_proof(("conv1",), ("conv1", "x"), 60)


def test_the_lab_says_the_flag_belongs_to_the_object_with_its_call_count():
    sentence = lab_sentence("conv1", 4)
    assert "`conv1.trainable = False` stops all 4 at once" in sentence
    assert "not to a call" in sentence
