"""The folder a server's progress files go in when the page's browser polls them itself.

A job's losses reach the page two ways: the server reads the progress file for the finished
charts and tables, and the browser fetches the same file a few times a second for the growing
chart (Streamlit serves the app's `static/` folder), so the page need not rerun to draw it.
Each server gets its own folder, named by its process id: a server that was killed leaves one
behind, and the next server to start removes it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from models.workers.processes import alive


def live_folder(root: Path) -> Path:
    """A new folder for this process's progress files under `root`, after removing the
    folders of servers that are no longer running."""
    root.mkdir(parents=True, exist_ok=True)
    for old in root.iterdir():
        owner = old.name.split("-", 1)[0]
        if old.is_dir() and owner.isdigit() and not alive(int(owner)):
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=root))
