"""A model's graph as SVG text, laid out on the server, so the page shows it as it arrives.

Streamlit's graphviz chart lays the DOT text out in the browser, with Graphviz compiled to
WebAssembly, after the rest of the page has drawn: on this machine a returning visitor's graph
of model 2 came 1.9-2.0 s after the click on the link, though its element reached the browser
at ~0.8 s. Laid out here by Graphviz's `dot` program (~25 ms for a model's graph, in a process
of its own with a time limit) and sent as SVG, it shows at ~1.0 s. `dot` comes from the system
package `graphviz` (`packages.txt` on Community Cloud; `.ci/run` in CI); where it is missing
the page lets the browser lay the graph out, as before.

One renderer serves every visitor and keeps what it drew by DOT text, within a bound in bytes.
"""

from __future__ import annotations

import hashlib
import re
import threading

from models.analysis.dot_render import DotRenderError, dot_binary, render_dot
from models.kept import KeptResults

KEPT_BYTES = 8 * 2**20  # ~200 graphs of model 2's size
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)
# Graphviz writes a link only for a URL/href attribute, which the app's DOT never sets; a link
# in the page's HTML could only come from a name that broke out of its quotes: none is kept.
_LINKS = re.compile(r'\s(?:xlink:)?href="[^"]*"')


class SvgRenderer:
    """DOT text -> the `<svg>` element Graphviz draws for it (see the module's docstring)."""

    def __init__(self, kept_bytes: int = KEPT_BYTES):
        self.kept_bytes = kept_bytes
        self._lock = threading.Lock()
        self._kept = KeptResults(kept_bytes, size=len)  # SVG text, counted by its length

    def svg(self, dot: str) -> str | None:
        """The `<svg>` element for `dot`, on one line (None: Graphviz is not installed here).
        Raises `DotRenderError` if Graphviz cannot lay it out."""
        key = hashlib.blake2b(dot.encode(), digest_size=16).digest()
        with self._lock:
            if (kept := self._kept.get(key)) is not None:
                return kept
        if dot_binary() is None:
            return None
        text = element(render_dot(dot, "svg").decode("utf-8"))
        with self._lock:
            self._kept.put(key, text)
        return text


def element(svg: str) -> str:
    """Graphviz's SVG document as one `<svg>` element on one line, without its XML prolog and
    comments: Markdown takes it as one block of HTML (a blank line would end the block)."""
    start = svg.find("<svg")
    if start < 0:
        raise DotRenderError("Graphviz returned no SVG.")
    return " ".join(_LINKS.sub("", _COMMENTS.sub("", svg[start:])).split("\n")).strip()
