"""From a spec to everything the Model tab shows about its model: analysis, sentences, code.

The one place where the parts meet: `architectures` builds, `analysis` reads the built model,
`codegen` writes it out, `costs` plans the same model without Keras; none of them imports
another. The server uses `explained_analysis` (no Keras); `code_for_spec` builds the model and
runs in the Keras lane (`models.workers.lane`).
"""

from __future__ import annotations

import dataclasses
from collections import Counter

from models.analysis.call_graph import CallGraph, LayerCall, LayerFacts, depth_first
from models.analysis.records import Analysis
from models.analysis.sharing import analyse_graph
from models.architectures.variants import VARIANTS, build_model
from models.codegen.source import literal
from models.codegen.writer import generate_code
from models.costs.plan import ModelPlan, call_plan, model_plan, total_params
from models.costs.planner import Shape
from models.costs.sharing_costs import cost_sentences, model_cost
from models.spec import ModelSpec


def spec_header(spec: ModelSpec) -> list[str]:
    """Header lines for generated code: the variant and every field of the spec."""
    variant = VARIANTS.get(spec.variant)
    lines = [f"Variant: {spec.variant}" + (f" ({variant.label})" if variant else ""), "Spec:"]
    lines += [f"  {f.name} = {literal(getattr(spec, f.name))}" for f in dataclasses.fields(spec)]
    return lines


def code_for_spec(spec: ModelSpec) -> str:
    """Build `spec`'s model and return the Python source that builds it again."""
    return generate_code(build_model(spec), spec_header(spec))


def planned_analysis(spec: ModelSpec) -> Analysis:
    """`analyse(build_model(spec))` (its `extra` empty), worked out from the spec's call plan
    without importing Keras: the server draws a model before TensorFlow has loaded.

    Raises `SpecError` (as `build_model` would) if the spec cannot be built.
    """
    return analyse_graph(_planned_graph(model_plan(spec), spec.frozen))


def explained_analysis(spec: ModelSpec) -> Analysis:
    """What the page shows about `spec`'s model, without Keras: its planned analysis with, in
    `extra`, the variant's sentences about it (`explanation`), what each layer object costs
    beyond parameters (`cost`, a `ModelCost`; the explanation ends with what sharing saves
    of it)."""
    analysis = planned_analysis(spec)
    cost = model_cost(call_plan(spec), analysis)
    # What it saves beyond parameters closes what it saves in parameters.
    explanation = [*VARIANTS[spec.variant].explain(spec, analysis), *cost_sentences(cost, analysis)]
    return dataclasses.replace(analysis, extra={"explanation": explanation, "cost": cost})


def _batched(shape: Shape) -> str:
    return str((None, *shape))  # as Keras prints a tensor's shape: the batch axis first


def with_known_frozen(spec: ModelSpec) -> tuple[ModelSpec, tuple[str, ...]]:
    """(`spec` freezing only layer objects with weights that its model has, the names it
    dropped): a variant or k change renames layers (`conv1` becomes `task1_conv1`, ...).
    Raises `SpecError` if the spec cannot be built."""
    weighted = {call.layer for call in model_plan(spec).calls if call.params > 0}
    kept = tuple(name for name in spec.frozen if name in weighted)
    dropped = tuple(name for name in spec.frozen if name not in weighted)
    return (spec.replace(frozen=kept) if dropped else spec), dropped


def _planned_graph(plan: ModelPlan, frozen: tuple[str, ...] = ()) -> CallGraph:
    """The graph `flatten_calls` finds in the built model, from the plan's calls."""
    layers: dict[str, LayerFacts] = {}  # builders give every layer object its own name
    node_index, made_so_far = [], Counter()  # Keras numbers a layer's calls as they are made
    for call in plan.calls:
        layers.setdefault(
            call.layer,
            LayerFacts(
                name=call.layer,
                type=call.keras_class,
                params=call.params,
                weight_shapes=tuple(str(shape) for shape in call.weights),
                lane_mixer=call.lane_mixer,
                gates_experts=call.gates_experts,
                frozen=call.layer in frozen and call.params > 0,
            ),
        )
        node_index.append(made_so_far[call.layer])
        made_so_far[call.layer] += 1
    # The analysis lists calls in Keras' graph order (depth first from the outputs), not in
    # the order the builder made them.
    order = depth_first(
        (index for index, _ in plan.outputs),
        lambda index: [parent for parent, _ in plan.calls[index].parents],
        key=lambda index: index,
    )
    made: dict[int, LayerCall] = {}
    for index in order:
        call = plan.calls[index]
        made[index] = LayerCall(
            layer=layers[call.layer],
            path=(),
            order=(node_index[index],),
            parents=[(made[parent], output) for parent, output in call.parents],
            input_shapes=tuple(_batched(shape) for shape in call.inputs),
            output_shapes=tuple(_batched(shape) for shape in call.outputs),
        )
    return CallGraph(
        name=plan.name,
        calls=list(made.values()),
        outputs=[(made[index], output) for index, output in plan.outputs],
        inputs=[layers[plan.calls[index].layer] for index in plan.inputs],
        total_params=total_params(plan.calls),
    )
