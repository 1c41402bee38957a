"""The workers' log records as a test reads them: from the logger itself, since the app's own
handler (set up by any earlier test that started the training service) keeps them from
reaching pytest's capture."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from models.workers.logs import LOGGER


class _Lines(logging.Handler):
    def __init__(self, lines: list[str]):
        super().__init__(logging.INFO)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@contextlib.contextmanager
def worker_log() -> Iterator[list[str]]:
    """The messages the workers' logger gives at INFO and above while the block runs."""
    lines: list[str] = []
    logger, handler = logging.getLogger(LOGGER), _Lines(lines)
    level = logger.level
    logger.setLevel(logging.INFO)  # setLevel, not the attribute: it clears the logger's cache
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
