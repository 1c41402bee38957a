"""DOT text to SVG or PNG bytes with the Graphviz `dot` program, when it is installed.

The page's graphs (`models.analysis.svg`) and the image downloads use it; where it is missing
the browser lays the page's graphs out and only the DOT file can be downloaded.
"""

from __future__ import annotations

import shutil
import subprocess

FORMATS = ("svg", "png")
TIMEOUT_SECONDS = 20.0


class DotRenderError(RuntimeError):
    """Graphviz is missing, failed, or took too long; the message says which."""


def dot_binary() -> str | None:
    """Path of the Graphviz `dot` program, or None when Graphviz is not installed."""
    return shutil.which("dot")


def render_dot(dot: str, fmt: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Render DOT text to `fmt` ('svg' or 'png') bytes; raise `DotRenderError` if it cannot."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}")
    binary = dot_binary()
    if binary is None:
        raise DotRenderError("Graphviz's `dot` program is not installed.")
    try:
        done = subprocess.run(
            [binary, f"-T{fmt}"], input=dot.encode(), capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as error:
        raise DotRenderError(f"Graphviz took longer than {timeout:g} s.") from error
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode(errors="replace").strip()[:300]
        raise DotRenderError(f"Graphviz failed (exit {done.returncode}): {detail}")
    return done.stdout
