"""What idle workers compile before a click: this spec first, Compare's list when asked, each
once, never what a click would be refused."""

from __future__ import annotations

from models.data.csv_data import inputs_only
from models.data.toy_data import DataSpec
from models.spec import MAX_FEATURES, ModelSpec
from models.training.engine import TrainConfig
from models.workers.ahead import compiles_ahead

SPEC = ModelSpec()
DATA, CONFIG = DataSpec(), TrainConfig()


def test_this_spec_first_then_the_compare_list_each_once():
    a, b = SPEC.replace(shared_layers=0), SPEC.replace(variant="towers", shared_layers=1)
    never = lambda job: None  # noqa: E731
    assert compiles_ahead(SPEC, [], DATA, CONFIG, never) == [SPEC]
    assert compiles_ahead(SPEC, [a, SPEC, b, a], DATA, CONFIG, never) == [SPEC, a, b]


def test_nothing_a_click_would_refuse_is_compiled_ahead():
    big = SPEC.replace(conv_filters=(256, 256))
    asked = []

    def refused(job):
        asked.append((job.spec, job.data, job.config))
        return "too big" if job.spec == big else None

    assert compiles_ahead(SPEC, [big], DATA, CONFIG, refused) == [SPEC]
    assert asked == [(SPEC, DATA, CONFIG), (big, DATA, CONFIG)]  # priced as the click would be


def test_a_csv_column_picked_to_forecast_is_not_also_an_input_only_one():
    assert inputs_only(["sales"], ["temperature", "sales", "visitors"]) == [
        "temperature",
        "visitors",
    ]
    targets = [f"c{i}" for i in range(MAX_FEATURES - 1)]
    assert inputs_only(targets, ["x", "y"]) == ["x"]  # the model reads at most MAX_FEATURES
    assert inputs_only(targets + ["z"], ["x"]) == []
