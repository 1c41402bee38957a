"""A stand-in for Graphviz's `dot` binary, for tests of the download plumbing."""

from __future__ import annotations

import sys
from pathlib import Path


def fake_dot(directory: Path) -> Path:
    """A stand-in `dot` in `directory` that echoes its format flag and input."""
    fake = directory / "dot"
    fake.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stdout.write(sys.argv[1] + sys.stdin.read())\n"
    )
    fake.chmod(0o755)
    return fake
