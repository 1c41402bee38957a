"""The workers' log reaches the host: INFO records (a worker started, replaced, a lease
expired) are written, once each, which an unconfigured logger would drop."""

from __future__ import annotations

import io
import logging

import pytest

from models.workers.logs import LOGGER, show_worker_logs


@pytest.fixture
def fresh_logger():
    logger = logging.getLogger(LOGGER)
    saved = logger.handlers[:], logger.level, logger.propagate
    logger.handlers.clear()
    yield logger
    logger.handlers[:], logger.level, logger.propagate = saved


def test_info_records_are_written_once(fresh_logger):
    stream = io.StringIO()
    show_worker_logs(stream)
    show_worker_logs(stream)  # a second service in the process adds no second handler
    logging.getLogger(LOGGER).info("worker %s grew %.0f MB: replaced", 123, 210.4)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("lse.workers INFO: worker 123 grew 210 MB: replaced")


def test_the_level_is_read_from_the_environment(fresh_logger, monkeypatch):
    monkeypatch.setenv("LSE_LOG_LEVEL", "warning")
    stream = io.StringIO()
    logger = show_worker_logs(stream)
    logger.info("worker 1 started")
    logger.warning("worker 1 died during a task: killed")
    assert stream.getvalue().count("\n") == 1 and "died" in stream.getvalue()


def test_an_unknown_level_keeps_info(fresh_logger, monkeypatch):
    monkeypatch.setenv("LSE_LOG_LEVEL", "chatty")
    assert show_worker_logs(io.StringIO()).level == logging.INFO


def test_records_go_to_the_stderr_of_the_moment(fresh_logger, monkeypatch):
    """A test runner closes the stderr it captured; the pool's threads log on after that."""
    first = io.StringIO()
    monkeypatch.setattr("sys.stderr", first)
    logger = show_worker_logs()
    first.close()
    later = io.StringIO()
    monkeypatch.setattr("sys.stderr", later)
    logger.info("worker 7 started")
    assert later.getvalue().endswith("lse.workers INFO: worker 7 started\n")
