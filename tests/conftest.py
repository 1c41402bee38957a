"""Shared fixtures: one Streamlit server per test session, a fresh browser page per test."""

from collections.abc import Iterator

import pytest

from support.browser import browser_page, running_app


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """Base URL of the repo's app.py, served for the whole session."""
    with running_app() as url:
        yield url


@pytest.fixture
def page():
    """A fresh headless-Chromium page (1400x1000, light colour scheme)."""
    with browser_page() as new_page:
        yield new_page


@pytest.fixture(scope="module")
def service():
    """A training service of one worker, shared by a module's tests (test_jobs, test_visitors)."""
    from models.workers.jobs import TrainingService  # only where a module asks for workers

    svc = TrainingService(workers=1)
    yield svc
    svc.shutdown()
