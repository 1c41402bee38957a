"""A person's own CSV through the real page: after training, the loss chart and the forecasts
speak of the file's own columns (visitors, sales), not "task 1" (the tables, drawn on a canvas
in the browser, are checked in AppTest)."""

from __future__ import annotations

import numpy as np
import pytest

from support.browser import open_tab, wait_for_app_idle

pytestmark = pytest.mark.browser

COLUMNS = ("visitors", "sales", "temperature")


def _shop_csv(path, rows: int = 240) -> None:
    """Daily visitors, sales and temperature with weekly and yearly swings, and a date column
    the app takes for the time order."""
    day = np.arange(rows)
    rng = np.random.default_rng(7)
    visitors = 500 + 80 * np.sin(2 * np.pi * day / 7) + rng.normal(0, 10, rows)
    sales = 0.3 * visitors + 20 * np.sin(2 * np.pi * day / 30) + rng.normal(0, 5, rows)
    temperature = 12 + 9 * np.sin(2 * np.pi * (day - 100) / 365) + rng.normal(0, 1, rows)
    dates = np.datetime64("2024-01-01") + day
    lines = ["date," + ",".join(COLUMNS)]
    lines += [
        f"{d},{v:.0f},{s:.2f},{t:.1f}"
        for d, v, s, t in zip(dates, visitors, sales, temperature, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_results_use_the_csv_columns_names(app_url, page, tmp_path):
    csv = tmp_path / "shop.csv"
    _shop_csv(csv)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{app_url}/?epochs=30&filters=4,8&units=16")
    wait_for_app_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("My CSV", exact=True).click()
    wait_for_app_idle(page)
    sidebar.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(csv))
    wait_for_app_idle(page)
    assert "Time order from date" in sidebar.inner_text()
    open_tab(page, "Train")
    page.get_by_role("button", name="Train", exact=True).click()
    page.wait_for_selector("text=/Finished 30 epochs in [0-9.]+ s/", timeout=120_000)
    wait_for_app_idle(page)
    page.wait_for_selector(".st-key-final_loss .main-svg", timeout=30_000)
    page.get_by_text("Forecasts on the validation set").click()  # drawn once opened
    page.wait_for_selector(".st-key-forecast .main-svg", timeout=30_000)
    legend = " | ".join(page.locator(".st-key-final_loss .legendtext").all_text_contents())
    for name in COLUMNS:
        assert f"val {name}" in legend, legend
    assert "task 1" not in legend, legend
    titles = " ".join(page.locator(".st-key-forecast .main-svg").all_text_contents())
    assert all(name in titles for name in COLUMNS), titles
    assert page.locator('[data-testid="stException"]').count() == 0
