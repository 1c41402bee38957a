"""Every tab runs inside an error boundary: a bug shows a short message there, never a
traceback, and the rest of the page keeps working."""

from __future__ import annotations

from components.shell import boundary


def test_the_message_keeps_paths_out_and_stays_short():
    error = ValueError("could not read C:\\Users\\me\\data.csv or /home/me/x/y.csv " + "z" * 500)
    detail = boundary._detail(error)
    assert detail.startswith("ValueError: could not read … or …")
    assert len(detail) <= len("ValueError: ") + boundary.MAX_DETAIL
