"""Any JSON at all, and a real config with any part replaced by any JSON: the scan gives a
`DeclaredModel` or a refusal with a message, never another exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.uploads.config_scan import DeclaredModel, scan_config
from models.uploads.limits import ModelUploadError
from support.hostile_files import nested


def outcome(config: object) -> None:
    """Scan `config`: a DeclaredModel or a refusal with a message, never anything else."""
    try:
        declared = scan_config(json.dumps(config))
    except ModelUploadError as error:
        assert str(error).strip()
        return
    assert isinstance(declared, DeclaredModel) and declared.params >= 0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=30,
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(JSON)
def test_any_json_is_a_declared_model_or_a_refusal(value):
    outcome(value)


def paths(value, at=()):
    """Every place inside a JSON value, as a path of keys and indexes."""
    yield at
    if isinstance(value, dict | list):
        for key, child in value.items() if isinstance(value, dict) else enumerate(value):
            yield from paths(child, (*at, key))


NESTED = nested(2)  # sub-models, inputs, a Dense, tensors: every part of a real config
PLACES = list(paths(NESTED))[1:]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(PLACES), JSON), min_size=1, max_size=3))
def test_a_real_config_with_any_part_replaced_is_scanned_or_refused(changes):
    config = json.loads(json.dumps(NESTED))
    for place, value in changes:
        parent = config
        try:
            for key in place[:-1]:
                parent = parent[key]
            parent[place[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier change removed this place
            continue
    outcome(config)
