"""The settings table (models.settings) is the one home of every setting: the URL codec, the
validation, the sidebar and README's URL table all follow it, and no view spells out a bound."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from models import settings as table
from models.architectures.variants import VARIANTS
from models.data.toy_data import DataSpec
from models.settings import FLOAT, INT, INT_LIST, SETTINGS, Setting, problem, show
from models.spec import ModelSpec, SpecError
from models.training.engine import TrainConfig
from models.urlstate import (
    SPEC_PARAMS,
    TRAIN_PARAMS,
    list_from_text,
    spec_from_query,
    training_from_query,
)

ROOT = Path(__file__).resolve().parents[2]
CLASSES = {table.SPEC: ModelSpec, table.TRAIN: TrainConfig, table.DATA: DataSpec}
URL_PARAMS = {p.key: p for p in (*SPEC_PARAMS, *TRAIN_PARAMS)}
REGISTRY_CHOICES = {"variant": tuple(VARIANTS)}  # the variant registry names them, not the table
NUMBERS = [s for s in SETTINGS if s.kind in (INT, FLOAT) and s.low is not None]
LISTS = [s for s in SETTINGS if s.kind == INT_LIST]


def _key(setting: Setting) -> str:
    return setting.key


def _below(setting: Setting) -> float:
    """A value just under the setting's low bound."""
    return setting.low - (1 if setting.kind == INT else setting.low / 10 or 0.1)


def readme_row(setting: Setting) -> str:
    """The row README's URL table has for `setting`, written from the table alone."""
    default = setting.default_text or f"`{URL_PARAMS[setting.key].format(setting.default)}`"
    allowed = setting.allowed(REGISTRY_CHOICES.get(setting.key, ()))
    return f"| `{setting.key}` | {setting.meaning} | {default} | {allowed} |"


def test_readmes_url_table_is_written_from_the_settings_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        rows = [line for line in readme.splitlines() if line.startswith(f"| `{setting.key}` |")]
        assert rows == [readme_row(setting)], setting.key
    # The one sentence outside the table that names a setting's bound.
    assert f"any variant + k, up to {table.COMPARE.max_len})" in readme


WIDGETS = {"number_input", "slider", "select_slider", "multiselect"}
BOUND_KEYWORDS = {"min_value", "max_value", "options", "max_selections"}
BOUNDS = {b for s in SETTINGS for b in (s.low, s.high, s.max_len, *s.options) if b is not None}


def _numbers(node: ast.expr) -> list[float]:
    """The numbers a widget argument spells out (`2**31 - 1` counts; a name does not)."""
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [number for item in node.elts for number in _numbers(item)]
    literal = (ast.Constant, ast.UnaryOp, ast.BinOp, ast.operator, ast.unaryop)
    if not all(isinstance(part, literal) for part in ast.walk(node)):
        return []
    value = eval(compile(ast.Expression(node), "<bound>", "eval"))  # literals only: safe
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


def _draws_a_setting(call: ast.Call) -> bool:
    """Whether a widget call draws a setting: by its key or its label, literal or table's."""
    keys, labels = {s.key for s in SETTINGS}, {s.label for s in SETTINGS}
    key = next((k.value for k in call.keywords if k.arg == "key"), None)
    label = call.args[0] if call.args else None
    for node, names, attribute in ((key, keys, "key"), (label, labels, "label")):
        if isinstance(node, ast.Constant) and node.value in names:
            return True
        if isinstance(node, ast.Attribute) and node.attr == attribute:
            return True
    return False


def stray_bounds(source: str) -> list[tuple[int, float]]:
    """(line, number) of each setting's bound spelled out in a setting's widget call."""
    found = []
    for call in ast.walk(ast.parse(source)):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            continue
        if call.func.attr not in WIDGETS:
            continue
        # A setting's own widget spells no bound; any widget capped by one reads it too.
        capped = [k.value for k in call.keywords if k.arg == "max_selections"]
        bounded = call.args[1:3] + [k.value for k in call.keywords if k.arg in BOUND_KEYWORDS]
        arguments = bounded if _draws_a_setting(call) else capped
        found += [(call.lineno, n) for arg in arguments for n in _numbers(arg) if n in BOUNDS]
    return sorted(found)


def test_the_scan_finds_a_bound_spelled_out_and_passes_the_tables():
    spelled = (
        'st.number_input("Epochs", 1, 5000, key="epochs")\n'
        'st.slider("x", min_value=0.0, max_value=table.NOISE.high, key=table.NOISE.key)\n'
        "st.number_input(table.SEED.label, 0, 2**31 - 1)\n"
        'st.select_slider("Learning rate", [1e-5, 1.0, 10.0], key="lr")\n'
        'st.multiselect("Series to forecast", columns, key="csv_columns", max_selections=16)\n'
    )
    found = [(1, 1), (1, 5000), (2, 0.0), (3, 0), (3, 2**31 - 1), (4, 1e-5), (4, 1.0), (4, 10.0)]
    assert stray_bounds(spelled) == [*found, (5, 16)]
    read = "st.number_input(s.label, min_value=s.low, max_value=s.high, key=s.key)\n"
    other = 'st.slider("Validation window", 1, len(data.x_val), 1, key="forecast_window")\n'
    assert stray_bounds(read + other) == []


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "components").rglob("*.py")),
    ids=lambda p: p.relative_to(ROOT / "components").as_posix(),
)
def test_no_view_spells_out_a_settings_bound(path):
    assert stray_bounds(path.read_text(encoding="utf-8")) == []


def test_every_setting_fills_its_classes_field_with_the_tables_default():
    for setting in SETTINGS:
        for name in setting.sets:
            assert getattr(CLASSES[name](), setting.field) == setting.default, setting.key
        if not setting.default_text:  # with one, the default stands for no value of its own
            assert problem(setting, setting.default) is None, setting.key
    assert (
        table.VARIANT.default in VARIANTS and table.ACTIVATION.default in table.ACTIVATION.choices
    )
    rates = table.LEARNING_RATE
    assert (rates.options[0], rates.options[-1]) == (rates.low, rates.high)


def _decoded(setting: Setting, text: str) -> tuple[object, list[str]]:
    if table.SPEC in setting.sets:
        spec, warnings = spec_from_query({setting.key: text})
        return getattr(spec, setting.field), warnings
    values, warnings = training_from_query({setting.key: text})
    return values[setting.field], warnings


@pytest.mark.parametrize("setting", NUMBERS, ids=_key)
def test_a_link_past_a_bound_is_clamped_to_the_tables_bound(setting):
    for past, bound in ((setting.high + 1, setting.high), (_below(setting), setting.low)):
        value, warnings = _decoded(setting, show(past))
        assert value == bound
        assert len(warnings) == 1 and f"`{setting.key}`" in warnings[0]
        assert f"{show(setting.low)}–{show(setting.high)}" in warnings[0]


@pytest.mark.parametrize("setting", LISTS, ids=_key)
def test_a_link_with_a_list_past_its_bounds_names_them_and_keeps_the_default(setting):
    too_big = ",".join([str(setting.high + 1)] * max(setting.min_len, 1))
    too_long = ",".join([str(setting.low)] * (setting.max_len + 1))
    for text, bounds in (
        (too_big, f"{setting.low}–{setting.high}"),
        (too_long, f"{setting.min_len} to {setting.max_len}"),
    ):
        value, warnings = _decoded(setting, text)
        assert value == setting.default and bounds in warnings[0]


def test_a_list_typed_in_the_sidebar_is_read_against_the_tables_bounds():
    units = table.DENSE_UNITS
    assert list_from_text(units.field, f"{units.high}, 8", (4,)) == ((units.high, 8), None)
    kept, said = list_from_text(units.field, f"{units.high + 1}", (4,))
    assert kept == (4,) and f"{units.low}–{units.high}" in said


def _too_far(setting: Setting) -> list[tuple[object, str]]:
    """Values just past the setting's bounds, each with the words its error must say."""
    if setting.kind == INT_LIST:
        long = (setting.low,) * (setting.max_len + 1)
        return [
            ((setting.high + 1,), f"between {setting.low} and {setting.high}"),
            (long, f"{setting.min_len} to {setting.max_len}"),
        ]
    bounds = f"between {show(setting.low)} and {show(setting.high)}"
    return [(setting.high + 1, bounds), (_below(setting), bounds)]


@pytest.mark.parametrize("setting", [s for s in NUMBERS + LISTS if s.sets], ids=_key)
def test_validation_refuses_a_value_past_the_tables_bound_and_names_it(setting):
    for holder in (CLASSES[name] for name in setting.sets):
        for value, bounds in _too_far(setting):
            with pytest.raises(SpecError) as error:
                holder(**{setting.field: value}).validate()
            # A note means another setting bounds it too, and `extra`'s error names that one.
            if setting is not table.EXTRA_INPUTS:
                assert setting.field in str(error.value) and bounds in str(error.value)
        if not setting.note:
            at_bound = (setting.high,) if setting.kind == INT_LIST else setting.high
            holder(**{setting.field: at_bound}).validate()


def test_input_only_series_stay_under_the_features_and_the_tables_bound():
    most = table.FEATURES.high
    assert table.EXTRA_INPUTS.high == most - 1
    ModelSpec(n_features=most, extra_inputs=table.EXTRA_INPUTS.high).validate()
    with pytest.raises(SpecError, match=f"fewer than the {most} features"):
        ModelSpec(n_features=most, extra_inputs=most).validate()


def test_choices_are_validated_against_the_table():
    with pytest.raises(SpecError, match="relu"):
        ModelSpec(activation="softplus").validate()
