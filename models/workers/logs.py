"""The workers' log, written where a host reads it (the server's stderr: Community Cloud's
"Manage app" log): worker starts, replacements with the MB grown, kills, lease expiry and
deadlines. Python drops INFO records of a logger nobody configured, and Streamlit configures
only its own, so the service sets this one up as it starts."""

from __future__ import annotations

import logging
import os
import sys

LOGGER = "lse.workers"
LEVEL_VARIABLE = "LSE_LOG_LEVEL"  # e.g. WARNING for a quieter log; INFO by default


class _Stderr(logging.StreamHandler):
    """Writes to the `sys.stderr` of the moment: a test runner that captured the one there was
    when the handler was made closes it, and the pool's threads log on after that."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def show_worker_logs(stream=None) -> logging.Logger:
    """Send the workers' records to `stream` (stderr by default), once per process."""
    logger = logging.getLogger(LOGGER)
    if not logger.handlers:
        handler = logging.StreamHandler(stream) if stream is not None else _Stderr()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False  # a host's own root handler would print each record twice
        level = os.environ.get(LEVEL_VARIABLE, "INFO").upper()
        logger.setLevel(level if level in logging.getLevelNamesMapping() else logging.INFO)
    return logger
