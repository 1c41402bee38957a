"""The "Your model" tab in a real browser: upload a file, see its graph, totals and names."""

from __future__ import annotations

import threading
from urllib.parse import urlparse

import psutil
import pytest

from models.uploads.examples import model_file_bytes, siamese
from models.workers.processes import memory_mb
from support.browser import open_tab, wait_for_app_idle
from support.hostile_files import BOMB

pytestmark = pytest.mark.browser

# Quotes, braces, a backslash and an HTML element that would run code if it ever reached the
# DOM as markup (Keras forbids only "/" in names).
HOSTILE = 'q"b{c}\\n <img src=x onerror="window.pwned=1"> &amp;'


def _open_tab_and_upload(page, app_url: str, path) -> None:
    page.goto(app_url)
    wait_for_app_idle(page)
    open_tab(page, "Your model")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    wait_for_app_idle(page, timeout_ms=180_000)  # the first upload may start the fork server


def _upload_graph_text(page) -> str:
    """The text of the uploaded model's graph (only the open tab is drawn)."""
    svg = page.get_by_role("tabpanel", name="Your model").locator(".lse-graph > svg")
    svg.locator("g.node").first.wait_for(timeout=60_000)
    return svg.text_content() or ""


def _metric(page, label: str, index: int) -> str:
    boxes = page.locator('[data-testid="stMetric"]').filter(has_text=label)
    return boxes.nth(index).locator('[data-testid="stMetricValue"]').inner_text()


def test_uploaded_siamese_shows_tied_inner_layers_and_totals(app_url, page, tmp_path):
    path = tmp_path / "siamese.keras"
    path.write_bytes(model_file_bytes(siamese()))
    _open_tab_and_upload(page, app_url, path)
    text = _upload_graph_text(page)
    assert "encoder/conv1 · Conv1D" in text and "32 params · ×2 calls" in text
    assert "encoder/project/dense · Dense" in text and "36 params · ×2 calls" in text
    assert _metric(page, "Total parameters", 0) == "73"  # the tab shows its model's figures
    assert _metric(page, "Tied parameters", 0) == "68"  # one output: tying, not tasks
    assert page.locator('[data-testid="stException"]').count() == 0

    page.get_by_role("tabpanel", name="Your model").get_by_text(
        "One node per call", exact=True
    ).click()
    wait_for_app_idle(page)
    assert "call 2/2" in _upload_graph_text(page)


def test_hostile_layer_names_render_as_literal_text(app_url, page, tmp_path):
    import keras
    from keras import layers

    inner = keras.Input((4,), name=f"in_{HOSTILE}")
    block = keras.Model(inner, layers.Dense(2, name=f"dense_{HOSTILE}")(inner), name="block")
    a, b = keras.Input((4,), name="a"), keras.Input((4,), name="b")
    model = keras.Model([a, b], layers.Add(name="add")([block(a), block(b)]), name="hostile")
    path = tmp_path / "hostile.keras"
    path.write_bytes(model_file_bytes(model))

    _open_tab_and_upload(page, app_url, path)
    text = _upload_graph_text(page)
    assert f"block/dense_{HOSTILE} · Dense" in text
    legends = page.locator('[data-testid="stHtml"]').all_text_contents()
    assert any(f"block/dense_{HOSTILE} (×2, tied)" in text for text in legends)
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => window.pwned") is None
    assert page.locator('[data-testid="stException"]').count() == 0


def test_bad_file_shows_an_error_and_the_page_keeps_working(app_url, page, tmp_path):
    path = tmp_path / "model.keras"
    path.write_bytes(b"this is a text file, not a model")
    _open_tab_and_upload(page, app_url, path)
    alerts = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any(
        "This is not a `.keras` file" in a or "This is not a .keras file" in a for a in alerts
    )
    assert page.locator('[data-testid="stException"]').count() == 0
    open_tab(page, "Model")  # the rest of the page keeps working
    assert _metric(page, "Total parameters", 0) == "52,012"


def _app_processes(app_url: str) -> list[psutil.Process]:
    """The Streamlit server serving `app_url` and every process under it (workers, the fork
    server and what it forks)."""
    port = str(urlparse(app_url).port)
    server = next(
        p
        for p in psutil.process_iter(["cmdline"])
        if "streamlit" in " ".join(p.info["cmdline"] or ()) and port in (p.info["cmdline"] or ())
    )
    return [server, *server.children(recursive=True)]


class _PeakPss:
    """Each of the app's processes' largest PSS (MB, from /proc/PID/smaps_rollup), sampled
    every 50 ms in a thread until stopped; processes that start meanwhile included."""

    def __init__(self, app_url: str):
        self.app_url, self.peaks, self._stop = app_url, {}, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            for process in _app_processes(self.app_url):
                pss = memory_mb(process.pid, "pss")
                self.peaks[process.pid] = max(self.peaks.get(process.pid, 0.0), pss)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def test_a_file_declaring_gigabytes_is_refused_at_once_and_no_process_grows(
    app_url, page, tmp_path
):
    path = tmp_path / "bomb.keras"
    path.write_bytes(BOMB)  # 1 KB declaring a 30000 x 30000 Dense: 3.4 GB if Keras built it
    page.goto(app_url)
    wait_for_app_idle(page)
    open_tab(page, "Your model")
    before = {p.pid: memory_mb(p.pid, "pss") for p in _app_processes(app_url)}
    with _PeakPss(app_url) as sampled:
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
        refusal = page.locator('[data-testid="stAlert"]').filter(
            has_text="This model declares 900,030,000 parameters"
        )
        refusal.wait_for(timeout=5_000)
        wait_for_app_idle(page)
    assert "the limit is 200 MB of weights" in refusal.inner_text()
    grown = {
        pid: round(peak - before.get(pid, 0.0))
        for pid, peak in sampled.peaks.items()
        if peak - before.get(pid, 0.0) > 300  # a few hundred MB: a loader's TensorFlow share
    }
    assert grown == {}, f"processes that grew past 300 MB of PSS: {grown}"
    assert page.locator('[data-testid="stException"]').count() == 0
