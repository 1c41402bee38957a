"""Two configurations side by side in the page (AppTest)."""

from __future__ import annotations

from support.page import graphs, metric, run_app


def test_the_model_tab_compares_with_model_2_by_default():
    at = run_app(tab="Model")
    at.toggle(key="diff_on").set_value(True).run()
    assert not at.exception
    assert metric(at, "B − A") == "+82,632"
    (table,) = [d.value for d in at.dataframe if "Change" in d.value.columns]
    changes = set(table["Change"])
    assert "removed" not in changes and "added" in changes  # conv2 has copies per feature
    assert "one per feature (4 × 400), +1,200 parameters" in changes
    assert len(graphs(at)) == 2
