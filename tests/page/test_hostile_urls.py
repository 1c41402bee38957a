"""Property test: random and hostile query strings never break the page (AppTest).

For any mix of known and unknown parameters with any values: no exception, a warning naming
every known parameter whose value cannot be used, and the page still renders (the model, or a
clear message saying why this combination cannot be built).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.shell.state import PAGE_PARAMS
from models.urlcodec import BadValue
from models.urlstate import SPEC_PARAMS, TRAIN_PARAMS
from support.page import run_app

# Trains in worker processes or drives many page runs: left out of the quick loop.
pytestmark = pytest.mark.slow


PARAMS = {p.key: p for p in (*SPEC_PARAMS, *PAGE_PARAMS, *TRAIN_PARAMS)}

hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "nan",
            "inf",
            "-inf",
            "1e309",
            "-1",
            "0",
            "99999999999999999999",
            "0x10",
            "8,,16",
            ",",
            "8,16,32,64,128,256,512",
            "<script>alert(1)</script>",
            '"}; ]',
            "hard",
            "towers",
            "cross_stitch",
            "HARD",
            "relu",
            "1",
            "true",
            "off",
            "é",
            "\x00",
        ]
    ),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.lists(st.integers(-5, 600), max_size=8).map(lambda xs: ",".join(map(str, xs))),
)
queries = st.dictionaries(
    st.one_of(st.sampled_from(sorted(PARAMS)), st.text(min_size=1, max_size=8)),
    hostile_text,
    max_size=6,
)


def _is_bad(key: str, value: str) -> bool:
    try:
        PARAMS[key].parse(value)
    except BadValue:
        return True
    return False


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
def test_any_query_string_renders_with_a_warning_per_bad_value(query):
    at = run_app(query)
    assert not at.exception, at.exception
    assert any(t.value == "Layer Sharing Explorer" for t in at.title)
    warnings = " ".join(w.value for w in at.warning)
    for key, value in query.items():
        if key in PARAMS and _is_bad(key, value):
            assert f"`{key}`" in warnings, (key, value, warnings)
    built = any(m.label == "Total parameters" for m in at.metric)
    assert built or any("cannot be built" in e.value for e in at.error)
