"""Where Streamlit does not serve the static folder, the live view still grows and ends.

The browser then cannot fetch a running job's progress file (`components.live.view`): the
server sends its lines with each of its polls instead.
"""

from __future__ import annotations

import pytest

from support.browser import browser_page, open_tab, running_app, wait_for_app_idle

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_without_static_serving_the_chart_grows_from_the_servers_polls():
    env = {"STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "false"}
    with running_app(env=env) as url, browser_page() as app:
        app.goto(f"{url}/?epochs=1500&samples=100")
        wait_for_app_idle(app)
        open_tab(app, "Train")
        app.get_by_role("button", name="Train", exact=True).click()
        app.wait_for_selector("text=/Epoch [0-9,]+ \\/ 1,500/", timeout=90_000)
        app.locator(".lse-live svg polyline").first.wait_for(timeout=60_000)
        app.wait_for_selector("text=/Finished 1,500 epochs in/", timeout=120_000)
        assert app.locator('[data-testid="stException"]').count() == 0
