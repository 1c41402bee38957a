"""The sidebar's widgets take their bounds, labels and help from the settings table."""

from __future__ import annotations

from models import settings as table
from models.data.toy_data import DataSpec
from models.settings import INT_LIST, SETTINGS, Setting, show
from support.page import run_app

LISTS = [s for s in SETTINGS if s.kind == INT_LIST]


def test_the_sidebar_draws_each_setting_with_the_tables_label_bounds_and_help():
    at = run_app({"variant": "branched"})  # the one variant whose task groups are drawn
    for setting in (table.FEATURES, table.EXTRA_INPUTS, table.TIMESTEPS, table.HORIZON):
        _check_number(at.number_input(key=setting.key), setting)
    for setting in (table.KERNEL_SIZE, table.EPOCHS, table.BATCH_SIZE, table.SEED):
        _check_number(at.number_input(key=setting.key), setting)
    samples, setting = at.number_input(key=table.SAMPLES.key), table.SAMPLES
    assert (samples.label, samples.min, samples.max) == (setting.label, setting.low, setting.high)
    assert samples.help == setting.help_text(val_windows=DataSpec().val_samples)
    for setting in (table.RELATEDNESS, table.NOISE):
        slider = at.slider(key=setting.key)
        assert (slider.label, slider.min, slider.max) == (setting.label, setting.low, setting.high)
        assert slider.help == setting.help_text()
    rates = at.select_slider(key=table.LEARNING_RATE.key)
    assert rates.options == [show(v) for v in table.LEARNING_RATE.options]
    for setting in LISTS:
        box = at.text_input(key=setting.key)
        assert (box.label, box.help) == (setting.label, setting.help_text())
    activation = at.selectbox(key=table.ACTIVATION.key)
    assert tuple(activation.options) == table.ACTIVATION.choices


def _check_number(widget, setting: Setting) -> None:
    assert (widget.label, widget.min, widget.max) == (setting.label, setting.low, setting.high)
    assert widget.help == setting.help_text(), setting.key
