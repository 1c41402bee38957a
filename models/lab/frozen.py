"""What freezing a layer object means, in sentences: `trainable` belongs to the object, so a
shared layer frozen is frozen in every call (keras-team/keras #13436, #8259, #3555, #9240)."""

from __future__ import annotations

from models.analysis.records import Analysis


def frozen_sentence(analysis: Analysis) -> str:
    """What the frozen layer objects of `analysis` do, and why per object; "" if none."""
    frozen = [layer for layer in analysis.layers if layer.frozen]
    if not frozen:
        return ""
    named = ", ".join(
        f"`{layer.name}` (all {layer.n_calls} calls)" if layer.tied else f"`{layer.name}`"
        for layer in frozen
    )
    params = sum(layer.params for layer in frozen)
    sentence = (
        f"Frozen: {named} — {params:,} parameters keep their starting values; the rest train. "
        "`trainable` is a flag of the layer object, not of a call: "
    )
    if any(layer.tied for layer in frozen):
        return sentence + (
            "freezing a shared layer freezes it in every branch that calls it. To freeze one "
            "branch only, that branch needs its own layer object (fewer shared layers)."
        )
    return sentence + "a layer called once is frozen where it is called."


def frozen_proof(frozen: tuple[str, ...], unmoved: tuple[str, ...], epochs: int) -> str:
    """After a run: whether the frozen objects kept their weights bit for bit and the others
    moved (`unmoved`: the layers whose weights ended exactly as they started)."""
    kept = [name for name in frozen if name in unmoved]
    moved = [name for name in frozen if name not in unmoved]
    still = [name for name in unmoved if name not in frozen]
    parts = []
    if kept:
        names = ", ".join(f"`{name}`" for name in kept)
        parts.append(
            f"After {epochs:,} epochs the weights of {names} are bit-identical to their start, "
            "so every call of them computes what it did before training"
        )
    if moved:
        parts.append(f"{', '.join(moved)} changed although frozen")
    if still:
        parts.append(f"{', '.join(still)} did not move although not frozen (no gradient reached)")
    else:
        parts.append("every other layer with weights moved")
    return "; ".join(parts) + "."


def lab_sentence(layer: str, n_calls: int) -> str:
    """The Lab's word on freezing, beside the proof that the calls' gradients add up."""
    return (
        f"Freezing follows from the same fact: `{layer}` is one layer object holding one set of "
        f"variables for its {n_calls} calls, so `{layer}.trainable = False` stops all {n_calls} "
        "at once — the flag belongs to the object, not to a call. *Freeze layer objects* on the "
        "Model tab shows it, and a run proves the weights stay bit-identical."
    )
