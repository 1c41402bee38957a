"""The app loads in a real browser without errors.

UPDATE_SCREENSHOT=1 pytest -m browser also refreshes docs/screenshot.png for the README.
"""

import os

import pytest

from support.browser import REPO_ROOT, wait_for_app_idle

pytestmark = pytest.mark.browser

APP_NAME = "Layer Sharing Explorer"


def test_app_loads_without_exception(app_url, page):
    page.goto(app_url)
    state = wait_for_app_idle(page)

    assert state == "notRunning", f"app.py did not run (script state {state!r})"
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.first.inner_text()
    heading = page.locator("h1").first
    assert heading.is_visible()
    assert APP_NAME.lower() in f"{page.title()} {heading.inner_text()}".lower()

    if os.environ.get("UPDATE_SCREENSHOT") == "1":
        page.goto(f"{app_url}/?variant=towers&k=1&view=calls&tab=model")
        wait_for_app_idle(page)
        page.wait_for_selector(".lse-graph > svg g.node")
        target = REPO_ROOT / "docs" / "screenshot.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))
