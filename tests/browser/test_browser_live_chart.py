"""The browser's live view (`components/live/chart.js` + `live_feed.js`), run in Chromium.

The module is imported into a blank page; runs' progress files are handed to it as text (what
it would fetch), and the charts are described by the server's `components.live.chart`, so
these check the two halves together: lines where their values are, dashes, bands, gaps,
thinning, ticks and labels, escaping, and what the progress bars say.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from components.live.chart import probe, template
from components.live.view import LIVE_JS
from components.train.charts import loss_figure
from components.train.conflict_charts import conflict_figure
from models.training import history as losses
from models.workers.protocol import END_LINE
from support.browser import browser_page

pytestmark = pytest.mark.browser

N_TASKS = 2
COLUMNS = losses.drawn_live(N_TASKS)
IMPORT = """async (source) => {
  window.live = await import('data:text/javascript,' + encodeURIComponent(source));
}"""
# Draws `chart` from progress files' text; returns the polylines' points and the HTML.
DRAW = """([chart, files]) => {
  const urls = files.map((_, i) => `run${i}-${Math.random()}`);
  files.forEach((text, i) => window.live.readLines(window.live.feedFor(urls[i]), text, 'end'));
  const runs = urls.map(url => window.live.feedFor(url));
  document.body.innerHTML = window.live.chartHtml({title: 'T', chart}, runs);
  const lines = [...document.querySelectorAll('polyline')].map(p =>
    p.getAttribute('points').split(' ').map(xy => xy.split(',').map(Number)));
  return {lines, html: document.body.innerHTML};
}"""


@pytest.fixture(scope="module")
def page():
    with browser_page() as new_page:
        new_page.goto("about:blank")
        new_page.evaluate(IMPORT, LIVE_JS)
        yield new_page


def _file(history: pd.DataFrame, ended: bool = False) -> str:
    """A progress file's text, as the worker writes it."""
    rows = "".join(",".join(f"{v:.9g}" for v in row) + "\n" for row in history.to_numpy())
    return ",".join(history.columns) + "\n" + rows + (END_LINE + "\n" if ended else "")


def _history(epochs: int = 60) -> pd.DataFrame:
    epoch = np.arange(1, epochs + 1, dtype=float)
    frame = pd.DataFrame({c: np.exp(-epoch / 30) + 0.1 for c in COLUMNS})
    frame[losses.EPOCH] = epoch
    frame[losses.CONFLICT_MEAN] = np.where(epoch % 2 == 0, np.sin(epoch / 10) * 0.3, np.nan)
    return frame


def _draw(page, fig, *histories: pd.DataFrame) -> dict:
    chart = template(fig, [COLUMNS] * len(histories))
    return page.evaluate(DRAW, [chart, [_file(h) for h in histories]])


def test_loss_chart_draws_every_line_in_its_style(page):
    drawn = _draw(page, loss_figure(probe(COLUMNS), N_TASKS, log_scale=True), _history())
    assert len(drawn["lines"]) == 2 * (N_TASKS + 1)
    assert drawn["html"].count('stroke-dasharray="2 3"') == N_TASKS + 1  # train: dotted
    assert "val task 2" in drawn["html"] and "MSE (standardised)" in drawn["html"]
    first = drawn["lines"][0]
    assert first[0][0] == 0 and first[-1][0] == 1000  # x spans the epochs exactly
    assert first[-1][1] > first[0][1]  # a falling loss ends lower (larger y downwards)


def test_conflict_chart_joins_scheduled_points_and_shades_conflict(page):
    drawn = _draw(page, conflict_figure(probe(COLUMNS)), _history())
    (line,) = drawn["lines"]
    assert len(line) == 30  # every measured (even) epoch, joined across the NaN between
    assert "<rect" in drawn["html"] and 'fill-opacity="0.12"' in drawn["html"]
    assert ">conflict<" in drawn["html"]
    assert ">\u22121<" in drawn["html"] and ">1<" in drawn["html"]  # a true minus sign


def test_a_long_run_is_thinned_and_a_gap_breaks_its_line(page):
    history = _history(2000)  # drawn at every 8th epoch and the last
    history.loc[16, losses.total("val")] = np.nan  # a drawn epoch
    drawn = _draw(page, loss_figure(probe(COLUMNS), N_TASKS, log_scale=False), history)
    before, after = drawn["lines"][:2]  # the validation total, broken at the gap
    assert len(before) == 2 and before[0][0] == 0
    assert len(before) + len(after) == 250 and after[-1][0] == 1000  # the last epoch kept
    assert len(drawn["lines"]) == 2 * (N_TASKS + 1) + 1


def test_names_are_escaped(page):
    fig = loss_figure(probe(COLUMNS), N_TASKS, log_scale=True)
    fig.data[0].name = "<b>run</b>"
    drawn = _draw(page, fig, _history())
    assert "&lt;b&gt;run&lt;/b&gt;" in drawn["html"] and "<b>" not in drawn["html"]


def test_nothing_is_drawn_before_the_first_epoch(page):
    drawn = _draw(page, loss_figure(probe(COLUMNS), N_TASKS, log_scale=True), _history(0))
    assert drawn["html"] == "" and drawn["lines"] == []


@pytest.mark.parametrize(
    ("span", "log", "expected"),
    [
        ((0, 60), False, [0, 20, 40, 60]),
        ((-1.05, 1.05), False, [-1, -0.5, 0, 0.5, 1]),
        ((np.log10(0.05), np.log10(3)), True, [0.1, 1]),
        ((np.log10(0.15), np.log10(0.9)), True, [0.2, 0.5]),  # inside one decade: 2s and 5s
        ((np.log10(1.1), np.log10(1.9)), True, [1.2, 1.4, 1.6, 1.8]),  # not even those
    ],
)
def test_ticks_are_round_and_inside_the_axis(page, span, log, expected):
    ticks = page.evaluate("([s, log]) => window.live.ticks(s, log)", [list(span), log])
    assert ticks == pytest.approx(expected)


def test_labels_read_like_plotlys(page):
    values = [0, 0.1, 1, 20, -0.5, 0.0001, 2000]
    labels = page.evaluate("(vs) => vs.map(window.live.label)", values)
    assert labels == ["0", "0.1", "1", "20", "\u22120.5", "0.0001", "2,000"]


def test_progress_bars_say_the_servers_stage_then_the_epoch(page):
    says = page.evaluate(
        """([file, ended]) => {
          const live = window.live;
          const data = {urls: ['a' + Math.random(), 'b' + Math.random()], totals: [60, 60],
            bars: [{feed: 0, label: 'Model 1', stage: 'running', waiting: '',
                    left: ' · about 4.2 s left'},
                   {feed: 1, label: 'Model 2', stage: 'queued',
                    waiting: 'queued: waiting for a free worker (1 ahead)', left: ''},
                   {feed: 2, label: '', stage: 'compiling', waiting: 'building…', left: ''}]};
          data.urls.push('c' + Math.random());
          data.totals.push(60);
          live.readLines(live.feedFor(data.urls[0]), file, 'end');
          const before = live.barsHtml(data);
          live.readLines(live.feedFor(data.urls[1]), ended, 'end');
          document.body.innerHTML = live.barsHtml(data);
          return [before, document.body.innerText];
        }""",
        [_file(_history(30)), _file(_history(60), ended=True)],
    )
    before, after = says
    assert "Model 1: epoch 30 / 60 · about 4.2 s left" in before
    assert "Model 2: queued: waiting for a free worker (1 ahead)" in before
    assert "Building…" in before  # a lone job's bar has no label: its words start capitalised
    assert "Model 2: ended after 60 of 60 epochs" in after


# When the view looks at the files next: `rows` of `total` epochs read, at `ms` per epoch.
NEXT_LOOK = """([rows, total, ms, ended]) => {
  const url = `next-${Math.random()}`;
  const feed = window.live.feedFor(url);
  feed.rows = Array.from({length: rows}, () => [0]);
  const now = 100000;
  feed.first = [now - ms * (rows - 10), 10];  // the speed was first seen at epoch 10
  feed.ended = ended;
  return window.live.nextLookMs({urls: [url], totals: [total], every_ms: 150}, now);
}"""


@pytest.mark.parametrize(
    ("rows", "total", "ms", "ended", "wait"),
    [
        (60, 100, 20, False, 150),  # due in 820 ms: the usual look
        (98, 100, 20, False, 60),  # due in 40 ms: look just after
        (99, 100, 1, False, 40),  # due at once: not sooner than a chunk takes
        (98, 100, 20, True, 150),  # ended: nothing is due
        (100, 100, 20, False, 150),  # all its epochs are in
        (10, 100, 20, False, 150),  # its speed is not known yet
    ],
)
def test_the_view_looks_again_when_a_run_is_due_to_end(page, rows, total, ms, ended, wait):
    assert page.evaluate(NEXT_LOOK, [rows, total, ms, ended]) == pytest.approx(wait)
