// The live view of running jobs: progress bars and growing charts, redrawn in the browser
// from the jobs' progress files (components/live/view.py mounts it, joined after
// components/live/chart.js, whose chartHtml draws the charts).
//
// The browser fetches each run's progress file (its lines: models/workers/protocol.py) a few
// times a second (only the new bytes) and redraws, so the page does not rerun while a run
// trains. When every run's file has its end line (or all its epochs), it tells the server once
// ("ended"), which then collects the outcomes.

const feeds = new Map(); // progress file URL -> what has been read of it
const mounts = new WeakMap(); // the component's element -> its data and timer

// ---- reading the progress files ----

// What has been read of one run's file: `first` is [time, epochs] when epochs first came.
const newFeed = () => ({ offset: 0, columns: null, rows: [], ended: false, first: null });

export function feedFor(url) {
  if (!feeds.has(url)) feeds.set(url, newFeed());
  return feeds.get(url);
}

export function readLines(feed, text, endLine) {
  for (const line of text.split("\n")) {
    if (!line) continue;
    if (line === endLine) feed.ended = true;
    else if (!feed.columns) feed.columns = line.split(",");
    else feed.rows.push(line.split(",").map(Number)); // "nan" becomes NaN
  }
  if (feed.rows.length && !feed.first) feed.first = [performance.now(), feed.rows.length];
}

async function poll(feed, url, endLine) {
  // Only the bytes not read yet, from the last newline read: a range that always has a byte
  // is never refused (416), and the browser logs a refused request as an error.
  const headers = feed.offset ? { Range: `bytes=${feed.offset - 1}-` } : {};
  const response = await fetch(url, { cache: "no-store", headers });
  if (!response.ok || (feed.offset && response.status !== 206)) return false;
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (feed.offset) bytes = bytes.subarray(1);
  const complete = bytes.lastIndexOf(10) + 1; // a line still being written waits
  if (!complete) return false;
  feed.offset += complete;
  readLines(feed, new TextDecoder().decode(bytes.subarray(0, complete)), endLine);
  return true;
}

// Milliseconds per epoch at the speed seen since the first epochs came (0: not known yet),
// for when to look next (the time left a bar shows is the server's estimate).
function msPerEpoch(feed, now) {
  if (!feed || !feed.first || feed.rows.length <= feed.first[1]) return 0;
  return (now - feed.first[0]) / (feed.rows.length - feed.first[1]);
}

// ---- progress bars ----

const count = (n) => n.toLocaleString("en-US");

// What a bar says. The words for what only the server knows (a job queued, a worker starting,
// compiling) and the time left at the speed it has seen come with the bar
// (components/live/view.py); the browser adds what it reads from the file: the epochs.
export function barText(bar, feed, total) {
  const done = feed ? feed.rows.length : 0;
  let text;
  if ((feed && feed.ended) || bar.stage === "ended") {
    text = `ended after ${count(done)} of ${count(total)} epochs`;
  } else if (done || !bar.waiting) text = `epoch ${count(done)} / ${count(total)}${bar.left}`;
  else text = bar.waiting;
  return bar.label ? `${bar.label}: ${text}` : text[0].toUpperCase() + text.slice(1);
}

export function barsHtml(data) {
  return data.bars.map((bar) => {
    const feed = feeds.get(data.urls[bar.feed]);
    const total = data.totals[bar.feed];
    const done = feed ? feed.rows.length : 0;
    const width = Math.min(100, (100 * done) / total).toFixed(1);
    return `<div class="lse-progress"><div class="lse-progress-text">` +
      `${escape(barText(bar, feed, total))}</div><div class="lse-track">` +
      `<div class="lse-fill" style="width:${width}%"></div></div></div>`;
  }).join("");
}

// ---- the component ----

function draw(state, charts) {
  const { data, root } = state;
  root.querySelector(".lse-bars").innerHTML = barsHtml(data);
  if (charts) {
    root.querySelector(".lse-charts").innerHTML =
      data.charts.map((c) => chartHtml(c, data.urls.map((url) => feeds.get(url)))).join("");
  }
}

// Every run has all its epochs, or has ended short of them (stopped, diverged, failed): the
// server may collect the outcomes now (it waits the last ~0.1 s for the worker to hand them
// back while it saves the model, rather than the browser waiting for the end line).
function allIn(data) {
  return data.urls.every((url, i) => {
    const feed = feeds.get(url);
    return feed && (feed.ended || feed.rows.length >= data.totals[i]);
  });
}

async function tick(state) {
  if (state.busy) return;
  state.busy = true;
  try {
    const { urls, texts, end } = state.data;
    const grown = await Promise.all(urls.map((url, i) => {
      const feed = feedFor(url);
      if (feed.ended || texts[i] !== null) return false; // sent by the server instead
      return poll(feed, url, end).catch(() => false);
    }));
    draw(state, grown.some(Boolean)); // the charts only when some run has new lines
    if (allIn(state.data) && !state.told) {
      state.told = true;
      state.trigger("ended", true);
    }
  } finally {
    state.busy = false;
  }
  schedule(state);
}

const SOONEST_MS = 40; // about one chunk of epochs: the worker writes no more often
const END_SLACK_MS = 20; // looking just after the due time finds the last line written

// When to look next: every `every_ms`, or sooner when a run is due to end before that, at the
// speed seen so far, so the page hears of the last epoch ~50 ms sooner on average.
export function nextLookMs(data, now) {
  let wait = data.every_ms;
  data.urls.forEach((url, i) => {
    const feed = feeds.get(url);
    const ms = feed && !feed.ended ? msPerEpoch(feed, now) : 0;
    if (ms && feed.rows.length < data.totals[i]) {
      const due = ms * (data.totals[i] - feed.rows.length) + END_SLACK_MS;
      wait = Math.min(wait, Math.max(SOONEST_MS, due));
    }
  });
  return wait;
}

// The next look, until the server has been told or the view is gone.
function schedule(state) {
  clearTimeout(state.timer);
  const next = () => tick(state);
  const wait = nextLookMs(state.data, performance.now());
  state.timer = state.told || state.gone ? null : setTimeout(next, wait);
}

// After the runs ended, the page draws their final charts below; until the first of them
// (`selector`) has drawn, this view keeps the last live chart on screen (no blank moment
// while Plotly draws), then hides. A hidden view stays hidden on later reruns.
function handOver(state, selector) {
  if (state.observer) state.observer.disconnect();
  state.observer = null;
  const gone = () => {
    if (!document.querySelector(selector)) return false;
    state.root.style.display = "none";
    return true;
  };
  if (gone()) return;
  state.root.querySelector(".lse-bars").innerHTML = "";
  state.observer = new MutationObserver(() => gone() && state.observer.disconnect());
  state.observer.observe(document.body, { childList: true, subtree: true });
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let state = mounts.get(parentElement);
  if (!state) {
    const root = document.createElement("div");
    root.className = "lse-live-view";
    root.innerHTML = '<div class="lse-bars"></div><div class="lse-charts"></div>';
    parentElement.appendChild(root);
    state = { root, timer: null, told: false };
    mounts.set(parentElement, state);
  }
  if (state.data && state.data.urls.join() !== data.urls.join()) state.told = false;
  state.data = data;
  state.trigger = setTriggerValue;
  for (const [url, feed] of feeds) if (feed.ended && !data.urls.includes(url)) feeds.delete(url);
  // Files the page does not serve come with the data, whole, at each server poll.
  data.texts.forEach((text, i) => {
    if (text === null) return;
    const fresh = newFeed();
    readLines(fresh, text, data.end);
    const seen = feeds.get(data.urls[i]);
    fresh.first = (seen && seen.first) || fresh.first; // the estimate's start stays
    feeds.set(data.urls[i], fresh);
  });
  state.gone = false;
  if (data.replaced_by) { // the runs have ended: only the hand-over to the final charts
    clearTimeout(state.timer);
    state.told = true;
    if (state.root.style.display !== "none") handOver(state, data.replaced_by);
    return () => {
      state.gone = true;
      if (state.observer) state.observer.disconnect();
    };
  }
  if (state.observer) state.observer.disconnect();
  state.root.style.display = "";
  draw(state, true);
  clearTimeout(state.timer);
  tick(state); // a tick already under way schedules the next one as it ends
  return () => {
    state.gone = true;
    clearTimeout(state.timer);
  };
}
