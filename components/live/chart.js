// A growing chart's drawing, from the server's description of it (components/live/chart.py:
// panels, axes, bands and each line's run, column, colour and dash) and the runs' epochs so
// far. The page's live view (components/live/feed.js, joined to this file by
// components/live/view.py) reads the runs' progress files and calls chartHtml.
//
// Each plot area is an SVG stretched to its panel (preserveAspectRatio="none") whose strokes
// keep their width (vector-effect), so a chart fills any column; text is HTML in the page's
// own font and colour, so it reads in light and dark themes alike.

export const VIEW = 1000; // a plot area's own units, stretched to its panel
const TICKS = 5; // about this many labelled ticks per axis
const MAX_POINTS = 250; // per line: as cheap to draw at epoch 2,000 as at epoch 200
const GRID = "rgba(128,128,128,0.25)";
const TEXT = "font-size:12px;opacity:0.8;white-space:nowrap";

// ---- axis scales: ranges, positions and round ticks ----

export function span(values, fixed, log, padded) {
  if (fixed) return [fixed[0], fixed[1]]; // Plotly's log ranges are already log10
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    const u = log ? Math.log10(v) : v;
    lo = Math.min(lo, u);
    hi = Math.max(hi, u);
  }
  if (lo === Infinity) return [0, 1];
  if (hi - lo < 1e-12) return [lo - 0.5, hi + 0.5];
  const pad = padded ? 0.05 * (hi - lo) : 0;
  return [lo - pad, hi + pad];
}

export function at(value, [lo, hi], log) {
  return ((log ? Math.log10(value) : value) - lo) / (hi - lo) * VIEW;
}

function linearTicks(lo, hi) {
  const raw = (hi - lo) / TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const out = [];
  for (let i = Math.ceil(lo / step); i <= Math.floor(hi / step); i++) out.push(i * step);
  return out;
}

// Round values inside the span: on a log axis decades, else 1, 2 and 5 times them, else (a
// span within a factor of 2.5) round values as on a linear axis.
export function ticks([lo, hi], log) {
  if (!log) return linearTicks(lo, hi);
  for (const multiples of [[1], [1, 2, 5]]) {
    const found = [];
    for (let d = Math.floor(lo); d <= Math.ceil(hi); d++) {
      for (const m of multiples) {
        const v = m * 10 ** d;
        if (lo <= Math.log10(v) && Math.log10(v) <= hi) found.push(v);
      }
    }
    if (found.length >= 2) return found;
  }
  return linearTicks(10 ** lo, 10 ** hi).filter((t) => t > 0);
}

export function label(value) {
  if (value === 0) return "0";
  const text = Math.abs(value) >= 1000
    ? Math.round(value).toLocaleString("en-US") // epoch 2,000, not 2e+03
    : String(Number(value.toPrecision(3)));
  return text.replace("-", "\u2212"); // a true minus sign, as Plotly writes it
}

// ---- drawing ----

const escape = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// Evenly spaced rows, the last always among them.
function thinned(rows) {
  const step = Math.ceil(rows.length / MAX_POINTS);
  if (step <= 1) return rows;
  return rows.filter((_, i) => i % step === 0 || i === rows.length - 1);
}

// A trace's points: its feed's rows (all of them for a line measured on a schedule).
function points(trace, runs) {
  const feed = runs[trace.feed];
  if (!feed || !feed.columns) return null;
  const xi = feed.columns.indexOf(trace.x);
  const yi = feed.columns.indexOf(trace.y);
  if (xi < 0 || yi < 0 || !feed.rows.length) return null;
  const rows = trace.gaps ? feed.rows : thinned(feed.rows);
  return { trace, x: rows.map((r) => r[xi]), y: rows.map((r) => r[yi]) };
}

function polylines({ trace, x, y }, xs, ys, log) {
  let good = y.map((v, i) => Number.isFinite(x[i]) && Number.isFinite(v) && (!log || v > 0));
  if (trace.gaps) {
    x = x.filter((_, i) => good[i]);
    y = y.filter((_, i) => good[i]);
    good = good.filter((g) => g);
  }
  const dash = trace.dash ? ` stroke-dasharray="${trace.dash}"` : "";
  const style = `fill="none" stroke="${trace.colour}" stroke-width="${trace.width}" ` +
    `stroke-linejoin="round" vector-effect="non-scaling-stroke"${dash}`;
  const out = [];
  let start = null;
  for (let i = 0; i <= x.length; i++) {
    if (i < x.length && good[i]) {
      if (start === null) start = i;
      continue;
    }
    if (start !== null && i - start > 1) {
      const pts = [];
      for (let j = start; j < i; j++) {
        pts.push(`${at(x[j], xs, false).toFixed(0)},${(VIEW - at(y[j], ys, log)).toFixed(0)}`);
      }
      out.push(`<polyline points="${pts.join(" ")}" ${style}/>`);
    }
    start = null;
  }
  return out.join("");
}

function shapes(panel, ys) {
  return panel.shapes.map((s) => {
    const top = VIEW - at(s.y1, ys, panel.log);
    const bottom = VIEW - at(s.y0, ys, panel.log);
    if (s.type === "rect") {
      return `<rect x="0" width="${VIEW}" y="${top.toFixed(1)}" ` +
        `height="${(bottom - top).toFixed(1)}" fill="${s.fill}" fill-opacity="${s.opacity}"/>`;
    }
    return `<line x1="0" x2="${VIEW}" y1="${top.toFixed(1)}" y2="${top.toFixed(1)}" ` +
      `stroke="${s.colour}" stroke-width="${s.width}" stroke-dasharray="${s.dash}" ` +
      `vector-effect="non-scaling-stroke"/>`;
  }).join("");
}

function panelHtml(panel, height, runs) {
  const lines = panel.traces.map((t) => points(t, runs)).filter(Boolean);
  const xs = span(lines.flatMap((l) => l.x), null, false, false);
  const ys = span(lines.flatMap((l) => l.y), panel.yrange, panel.log, true);
  const marks = ticks(ys, panel.log);
  const grid = marks.map((t) => {
    const h = (VIEW - at(t, ys, panel.log)).toFixed(1);
    return `<line x1="0" x2="${VIEW}" y1="${h}" y2="${h}" stroke="${GRID}" ` +
      `vector-effect="non-scaling-stroke"/>`;
  }).join("");
  const svg = `<svg viewBox="0 0 ${VIEW} ${VIEW}" preserveAspectRatio="none" ` +
    `style="position:absolute;inset:0;width:100%;height:100%">${shapes(panel, ys)}${grid}` +
    `${lines.map((l) => polylines(l, xs, ys, panel.log)).join("")}</svg>`;
  const notes = panel.notes.map((n) => {
    const top = 100 - at(n.y, ys, panel.log) / 10;
    const colour = n.colour ? `color:${n.colour};` : "";
    return `<span style="position:absolute;left:${(100 * n.x).toFixed(1)}%;` +
      `top:${top.toFixed(2)}%;transform:translateY(${n.above ? "-100%" : "-50%"});` +
      `padding:0 4px;${colour}${TEXT}">${escape(n.text)}</span>`;
  }).join("");
  const yTicks = marks.map((t) =>
    `<span style="position:absolute;right:4px;top:${(100 - at(t, ys, panel.log) / 10).toFixed(2)}%;` +
    `transform:translateY(-50%);${TEXT}">${label(t)}</span>`).join("");
  const xTicks = ticks(xs, false).map((t) =>
    `<span style="position:absolute;left:${(at(t, xs, false) / 10).toFixed(2)}%;` +
    `transform:translateX(-50%);${TEXT}">${label(t)}</span>`).join("");
  const title = panel.title
    ? `<div style="text-align:center;font-size:14px">${escape(panel.title)}</div>` : "";
  return `<div>${title}<div style="display:flex;height:${height}px">` +
    `<div style="width:16px;writing-mode:vertical-rl;transform:rotate(180deg);` +
    `text-align:center;font-size:12px">${escape(panel.ytitle)}</div>` +
    `<div style="position:relative;width:44px">${yTicks}</div>` +
    `<div style="position:relative;flex:1;border-left:1px solid ${GRID};` +
    `border-bottom:1px solid ${GRID}">${svg}${notes}</div></div>` +
    `<div style="position:relative;height:18px;margin-left:60px">${xTicks}</div>` +
    `<div style="text-align:center;font-size:12px;margin-left:60px">` +
    `${escape(panel.xtitle)}</div></div>`;
}

function legendHtml(entries) {
  if (!entries.length) return "";
  const items = entries.map((e) => {
    const style = e.dash === "solid" ? "solid" : e.dash === "dot" ? "dotted" : "dashed";
    return `<span style="display:inline-flex;align-items:center;gap:4px;margin-right:14px;` +
      `font-size:12px"><span style="width:28px;border-top:${e.width}px ${style} ` +
      `${e.colour}"></span>${escape(e.name)}</span>`;
  }).join("");
  return `<div style="display:flex;flex-wrap:wrap;margin-bottom:6px">${items}</div>`;
}

// A chart is drawn once some run has an epoch of a column it plots: no empty axes before.
// `runs`: per run, {columns, rows} read so far (undefined: nothing yet).
export function chartHtml({ title, chart }, runs) {
  const drawn = chart.panels.some((p) => p.traces.some((t) => points(t, runs)));
  if (!drawn) return "";
  const heading = title ? `<p style="font-weight:600;margin:1rem 0 0.25rem">${escape(title)}</p>` : "";
  const cells = chart.panels.map((p) => panelHtml(p, chart.height, runs)).join("");
  const grid = `display:grid;grid-template-columns:repeat(${chart.columns},minmax(0,1fr));` +
    `gap:8px 24px`;
  return `${heading}<div class="lse-live">${legendHtml(chart.legend)}` +
    `<div style="${grid}">${cells}</div></div>`;
}
