"""Session state <-> URL: read the link once per session, write it back after every change."""

from __future__ import annotations

from dataclasses import fields

import streamlit as st

from components.shell.navigation import QUESTION, SLUG_OF, TAB_KEY, TAB_SLUGS
from components.shell.session import session
from models.analysis.graph import LAYOUTS, VIEWS
from models.architectures.variants import settled
from models.data.toy_data import DataSpec
from models.experiments.configurations import default_configurations, pairs_of
from models.settings import COMPARE
from models.spec import ModelSpec
from models.training.engine import TrainConfig
from models.urlcodec import Param, choice, decode, encode, flag, flag_text
from models.urlstate import (
    LIST_FIELDS,
    PICKED_FIELDS,
    SPEC_PARAMS,
    TRAIN_LIST_FIELDS,
    TRAIN_PARAMS,
    compare_list,
    compare_text,
    list_from_text,
    list_text,
    shortened,
    spec_from_query,
    spec_to_query,
    training_from_query,
    training_to_query,
)


def _tab(text: str) -> str:
    return TAB_SLUGS[choice(tuple(TAB_SLUGS))(text)]


DEFAULT_LIST = "the default comparison"  # what an empty Compare list stands for


PAGE_PARAMS = (
    Param("view", "view", choice(VIEWS)),
    Param("layout", "layout", choice(LAYOUTS)),
    Param("present", "present", flag, flag_text),
    Param("tab", TAB_KEY, _tab, lambda label: SLUG_OF.get(label, "question")),
    # The Compare list as the link gave it: (variant, k) pairs, placed on the sizes when the
    # Compare tab first draws them (components.compare.picker).
    Param(COMPARE.key, COMPARE.field, compare_list, lambda p: compare_text(p) or DEFAULT_LIST),
)
PAGE_DEFAULTS = {"view": "layers", "layout": "TB", "present": False, TAB_KEY: QUESTION}
PAGE_DEFAULTS[COMPARE.field] = COMPARE.default

# Each widget's session-state key is its URL parameter's key; lists are edited as comma text,
# read once when typed (`read_list_text`) and kept as lists in `session.list_values` by field.
SPEC_KEYS = {p.field: p.key for p in SPEC_PARAMS}
TRAIN_KEYS = {p.field: p.key for p in TRAIN_PARAMS}
SETTING_KEYS = SPEC_KEYS | TRAIN_KEYS  # a list's text box, whichever class its field is on


def load_spec_into_widgets(spec: ModelSpec) -> None:
    """Put `spec`'s values into the widgets' session-state keys (call before they are drawn)."""
    state = st.session_state
    for field, key in SPEC_KEYS.items():
        value = getattr(spec, field)
        if field in LIST_FIELDS:  # edited as comma text
            value = list_text(value)
        elif field in PICKED_FIELDS:
            value = list(value)
        state[key] = value
    spec_lists = {field: getattr(spec, field) for field in LIST_FIELDS}
    session.list_values = session.list_values | spec_lists
    session.list_problems = {f: p for f, p in session.list_problems.items() if f not in spec_lists}


def read_list_text(field: str) -> None:
    """A list's text box changed: read it once; text that does not parse keeps the last list
    and leaves a problem on the page until the text parses (or a preset replaces it)."""
    kept = session.list_values[field]
    value, problem = list_from_text(field, st.session_state[SETTING_KEYS[field]], kept)
    session.list_values = session.list_values | {field: value}
    problems = {f: p for f, p in session.list_problems.items() if f != field}
    session.list_problems = problems | ({field: problem} if problem else {})


def init_from_url() -> None:
    """On a session's first run, seed every widget from the query string; note bad values."""
    if session.initialised:
        return
    params = {key: st.query_params[key] for key in st.query_params}
    spec, warnings = spec_from_query(params)
    page, page_warnings = decode(params, PAGE_PARAMS, PAGE_DEFAULTS)
    training, train_warnings = training_from_query(params)
    load_spec_into_widgets(spec)
    # A page setting the link does not name keeps a value already set (a test opening a tab).
    chosen = {p.field for p in PAGE_PARAMS if p.key in params or p.field not in st.session_state}
    st.session_state.update({field: page[field] for field in chosen})
    st.session_state.update({key: training[field] for field, key in TRAIN_KEYS.items()})
    for field in TRAIN_LIST_FIELDS:  # edited as comma text, kept parsed as the spec's lists
        st.session_state[TRAIN_KEYS[field]] = list_text(training[field])
        session.list_values = session.list_values | {field: training[field]}
    # The link's warnings stay on the page until the settings change.
    session.url_warnings = warnings + page_warnings + train_warnings
    session.url_spec = spec
    session.initialised = True


def keep_url_widgets() -> None:
    """Keep every URL-backed setting alive while its widget is not drawn (a closed tab, the
    toy-data sliders while a CSV is in use): Streamlit drops an undrawn widget's state."""
    state = st.session_state
    for param in (*SPEC_PARAMS, *PAGE_PARAMS, *TRAIN_PARAMS):
        if param.key in state:
            state[param.key] = state[param.key]


def spec_from_widgets() -> tuple[ModelSpec, list[str]]:
    """The spec the widgets describe, and the problems of list texts that did not parse."""
    state = st.session_state
    values = {f: state[key] for f, key in SPEC_KEYS.items() if f not in LIST_FIELDS}
    values |= {field: tuple(values[field]) for field in PICKED_FIELDS}
    lists = {field: session.list_values[field] for field in LIST_FIELDS}
    spec = settled(ModelSpec(**values, **lists))  # groups only where they count
    return spec, list(session.list_problems.values())


def write_url(spec: ModelSpec) -> None:
    """Mirror the current settings into the query string, so a copied link reproduces them."""
    query = spec_to_query(spec) | encode(st.session_state, PAGE_PARAMS)
    query |= training_to_query(training_values())
    configs = session.cmp_configs
    if configs is not None:  # the comparison this session is looking at, as it stands
        query["compare"] = compare_text(pairs_of(configs))
    usual_list = compare_text(pairs_of(default_configurations(spec)))
    if query["compare"] == DEFAULT_LIST:
        query["compare"] = usual_list
    usual = {
        "present": "0",
        "extra": "0",
        "frozen": "",
        "groups": "",
        "weights": "",
        "tab": SLUG_OF[QUESTION],
        "compare": usual_list,
    }
    query = shortened(query, usual)
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)


def training_values() -> dict[str, object]:
    """Training and data settings from their widgets, by field name (lists as last read)."""
    values = {field: st.session_state[key] for field, key in TRAIN_KEYS.items()}
    return values | {field: session.list_values.get(field, ()) for field in TRAIN_LIST_FIELDS}


def training_settings() -> tuple[DataSpec, TrainConfig]:
    """(DataSpec, TrainConfig) from the training widgets."""
    values = training_values()
    return tuple(
        cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})
        for cls in (DataSpec, TrainConfig)
    )
