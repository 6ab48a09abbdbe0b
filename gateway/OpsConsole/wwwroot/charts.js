// A small SVG line chart over windows, with shaded bands for anomalous windows labelled by the model version that
// scored them.
import { s, fmt } from './dom.js';

export function lineChart({ title, points, value, format, bands = [], id }) {
  const width = 560, height = 150, left = 50, right = 10, top = 20, bottom = 24;
  const times = points.map(p => Date.parse(p.start));
  const t0 = Math.min(...times), t1 = Math.max(...points.map(p => Date.parse(p.end)), t0 + 1);
  const values = points.map(value).map(v => (Number.isFinite(v) ? v : 0));
  const max = Math.max(...values, 1e-9);
  const x = t => left + (width - left - right) * (t - t0) / (t1 - t0);
  const y = v => top + (height - top - bottom) * (1 - v / max);
  const path = points.map((p, i) => `${i ? 'L' : 'M'} ${x((Date.parse(p.start) + Date.parse(p.end)) / 2).toFixed(1)} ${y(values[i]).toFixed(1)}`).join(' ');
  return s('svg', { class: 'chart', id, viewBox: `0 0 ${width} ${height}`, width, height }, [
    s('text', { x: left, y: 13, class: 'chart-title', text: title }),
    ...bands.filter(b => Date.parse(b.windowEnd) >= t0 && Date.parse(b.windowStart) <= t1).map(b => s('g', { class: 'anomaly-band ' + b.severity }, [
      s('rect', { x: x(Math.max(t0, Date.parse(b.windowStart))), y: top, width: Math.max(2, x(Math.min(t1, Date.parse(b.windowEnd))) - x(Math.max(t0, Date.parse(b.windowStart)))), height: height - top - bottom }),
      s('title', { text: `${b.signals.join(', ')} (${b.severity}, score ${fmt.num(b.score, 2)}) scored by ${b.model.name} v${b.model.version}` }),
    ])),
    s('line', { class: 'axis', x1: left, y1: height - bottom, x2: width - right, y2: height - bottom }),
    s('text', { class: 'axis-label', x: left - 4, y: top + 8, 'text-anchor': 'end', text: format(max) }),
    s('text', { class: 'axis-label', x: left - 4, y: height - bottom, 'text-anchor': 'end', text: format(0) }),
    s('text', { class: 'axis-label', x: left, y: height - 6, text: points.length ? fmt.time(points[0].start).slice(11) : '' }),
    s('text', { class: 'axis-label', x: width - right, y: height - 6, 'text-anchor': 'end', text: points.length ? fmt.time(points[points.length - 1].end).slice(11) : '' }),
    s('path', { class: 'series', d: path }),
  ]);
}
