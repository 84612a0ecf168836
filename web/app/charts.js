// Charts drawn here as inline SVG (no library, nothing from outside): bars
// for categories, lines for days. Each is an <figure> with a caption and
// the same figures as a table for screen readers and keyboard users.
import { h } from "./ui.js";

const NS = "http://www.w3.org/2000/svg";
// colours that keep 3:1 against white and tell apart (also in greyscale);
// the legend's swatches are the same, as .swatch-N in style.css (no inline styles: CSP)
export const COLOURS = ["#00607a", "#b35900", "#6b3fa0", "#1d6b32"];

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) if (value !== undefined && value !== null) el.setAttribute(key, value);
  for (const child of children.flat()) if (child !== null && child !== undefined) el.append(child instanceof Node ? child : String(child));
  return el;
}

// the axis' top: four whole steps (counts have no quarters), 8 for 7, 120 for 113
function niceMax(value) {
  const unit = value <= 20 ? 1 : 10 ** Math.floor(Math.log10(value / 4));
  return Math.ceil(value / (4 * unit)) * 4 * unit;
}

function axis(width, height, pad, max, format) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  return ticks.map((v) => {
    const y = pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
    return s("g", { class: "tick" },
      s("line", { x1: pad.left, x2: width - pad.right, y1: y, y2: y, stroke: "#c9d2da", "stroke-width": 1 }),
      s("text", { x: pad.left - 6, y: y + 4, "text-anchor": "end", "font-size": 12, fill: "#4f5b66" }, format(v)));
  });
}

function legend(series) {
  if (series.length < 2) return null;
  return h("ul", { class: "legend" }, ...series.map((one, i) => h("li", {},
    h("span", { class: `swatch swatch-${i % COLOURS.length}`, "aria-hidden": "true" }), one.name)));
}

function dataTable(caption, labels, series, format) {
  return h("details", { class: "chart-data" }, h("summary", {}, caption),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, ""), ...series.map((one) => h("th", { scope: "col" }, one.name)))),
      h("tbody", {}, ...labels.map((label, i) => h("tr", {}, h("th", { scope: "row" }, label),
        ...series.map((one) => h("td", {}, format(one.values[i]))))))));
}

// barChart({title, labels: ["Karasai", ...], series: [{name, values}], format}):
// horizontal bars, so long names (services, centres) read whole on the left
export function barChart({ title, labels, series, format = String, tableLabel, kind = "bar" }) {
  const width = 640;
  const bar = 14;
  const gap = 12;
  const group = bar * series.length + gap;
  const pad = { top: 8, right: 16, bottom: 28, left: 250 };
  const height = pad.top + pad.bottom + group * labels.length;
  const max = niceMax(Math.max(1, ...series.flatMap((one) => one.values.map((v) => v || 0))));
  const inner = width - pad.left - pad.right;
  const x = (v) => pad.left + (inner * (v || 0)) / max;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart" },
    ...ticks.map((v) => s("g", { class: "tick" },
      s("line", { x1: x(v), x2: x(v), y1: pad.top, y2: height - pad.bottom, stroke: "#c9d2da", "stroke-width": 1 }),
      s("text", { x: x(v), y: height - pad.bottom + 16, "text-anchor": "middle", "font-size": 12, fill: "#4f5b66" }, format(v)))),
    ...labels.flatMap((label, i) => {
      const y0 = pad.top + group * i + gap / 2;
      return [
        s("text", { x: pad.left - 8, y: y0 + (bar * series.length) / 2 + 4, "text-anchor": "end", "font-size": 12, fill: "#1d2430" },
          short(label, 32), s("title", {}, label)),
        ...series.map((one, k) => s("rect", {
          x: pad.left, y: y0 + k * bar, width: Math.max(0, x(one.values[i]) - pad.left), height: bar - 2,
          fill: COLOURS[k % COLOURS.length], class: "bar",
        }, s("title", {}, `${label} · ${one.name}: ${format(one.values[i] || 0)}`))),
      ];
    }));
  return h("figure", { class: "chart-box", dataset: { chart: kind } }, h("figcaption", {}, title), svg, legend(series),
    dataTable(tableLabel || title, labels, series, format));
}

// lineChart({title, labels: days, series: [{name, values}]})
export function lineChart({ title, labels, series, format = String, tableLabel, tick = (l) => l }) {
  const width = 640;
  const height = 260;
  const pad = { top: 12, right: 16, bottom: 40, left: 44 };
  const max = niceMax(Math.max(1, ...series.flatMap((one) => one.values.map((v) => v || 0))));
  const inner = { w: width - pad.left - pad.right, h: height - pad.top - pad.bottom };
  const x = (i) => pad.left + (labels.length < 2 ? inner.w / 2 : (inner.w * i) / (labels.length - 1));
  const y = (v) => pad.top + inner.h * (1 - (v || 0) / max);
  const every = Math.max(1, Math.ceil(labels.length / 8));
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart" },
    ...axis(width, height, pad, max, format),
    ...labels.map((label, i) => (i % every === 0
      ? s("text", { x: x(i), y: height - pad.bottom + 18, "text-anchor": "middle", "font-size": 12, fill: "#1d2430" }, tick(label)) : null)),
    ...series.map((one, k) => s("g", { class: "line" },
      s("polyline", { points: one.values.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none", stroke: COLOURS[k % COLOURS.length], "stroke-width": 2.5, "stroke-dasharray": k ? "6 4" : null }),
      ...one.values.map((v, i) => s("circle", { cx: x(i), cy: y(v), r: 3.5, fill: COLOURS[k % COLOURS.length] },
        s("title", {}, `${tick(labels[i])} · ${one.name}: ${format(v)}`))))));
  return h("figure", { class: "chart-box", dataset: { chart: "line" } }, h("figcaption", {}, title), svg, legend(series),
    dataTable(tableLabel || title, labels.map(tick), series, format));
}

function short(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}
