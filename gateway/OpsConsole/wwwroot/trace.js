// A kept trace as a waterfall: one row per span (parents before children, indented by depth), the critical path
// highlighted, errors marked, self time per service beside it, and a span's details on click. The trace is kept
// and complete, so it is loaded once.
import { get } from './api.js';
import { h, s, clear, fmt, link } from './dom.js';

const RowHeight = 22;
const LabelWidth = 320;
const BarWidth = 560;

export function tracePage(id) {
  const body = h('div', {}, h('p', { class: 'note', text: 'loading\u2026' }));
  const element = h('div', { class: 'trace-page' }, [h('h2', {}, ['Trace ', h('code', { text: id })]), body]);
  get('/api/v1/traces/' + id).then(
    trace => draw(body, trace),
    error => clear(body).append(h('p', { class: 'problem', text: error.message })));
  return { element };
}

function draw(root, trace) {
  const spans = trace.spans;
  const critical = new Set(trace.criticalPath);
  const byId = new Map(spans.map(x => [x.spanId, x]));
  const depth = x => { let d = 0; for (let p = byId.get(x.parentSpanId); p && d < 64; p = byId.get(p.parentSpanId)) d++; return d; };
  const t0 = Math.min(...spans.map(x => Date.parse(x.start)));
  const t1 = Math.max(...spans.map(x => Date.parse(x.end)), t0 + 1);
  const scale = BarWidth / (t1 - t0);
  const details = h('div', { class: 'span-details', id: 'span-details' }, h('p', { class: 'note', text: 'Click a span for its details.' }));
  const svg = s('svg', { class: 'waterfall', id: 'waterfall', viewBox: `0 0 ${LabelWidth + BarWidth + 100} ${spans.length * RowHeight + 10}`, width: LabelWidth + BarWidth + 100, height: spans.length * RowHeight + 10 });
  spans.forEach((x, i) => {
    const y = 5 + i * RowHeight;
    const left = LabelWidth + (Date.parse(x.start) - t0) * scale;
    const width = Math.max(2, (Date.parse(x.end) - Date.parse(x.start)) * scale);
    const classes = ['span', critical.has(x.spanId) ? 'critical-path' : '', x.status === 'ERROR' ? 'error' : ''].filter(Boolean).join(' ');
    const row = s('g', { class: classes, 'data-span': x.spanId }, [
      s('rect', { class: 'row', x: 0, y, width: LabelWidth + BarWidth + 100, height: RowHeight - 2 }),
      s('text', { x: 4 + 12 * depth(x), y: y + 14, text: `${x.status === 'ERROR' ? '\u2716 ' : ''}${x.service}: ${x.name}`.slice(0, 48) }),
      s('rect', { class: 'bar', x: left, y: y + 3, width, height: RowHeight - 8, rx: 2 }),
      s('text', { class: 'duration', x: left + width + 4, y: y + 14, text: fmt.ms(x.durationMs) }),
    ]);
    row.addEventListener('click', () => showSpan(details, x, critical.has(x.spanId)));
    svg.append(row);
  });
  const selfTime = Object.entries(trace.selfTimeMs).sort((a, b) => b[1] - a[1]);
  clear(root).append(
    h('p', {}, [`${spans.length} spans over ${fmt.ms(t1 - t0)}, kept because `, h('strong', { text: trace.keptBecause }),
      trace.orphans ? `; ${trace.orphans} spans lost their parent` : '', trace.cutSpans ? `; ${trace.cutSpans} spans cut at the limit` : '']),
    h('p', { class: 'legend' }, [h('span', { class: 'swatch critical-path' }), ' critical path ', h('span', { class: 'swatch error' }), ' error']),
    svg,
    h('div', { class: 'side-by-side' }, [
      h('div', {}, [h('h3', { text: 'Self time per service' }), h('table', { class: 'self-time' }, selfTime.map(([service, ms]) =>
        h('tr', {}, [h('td', {}, h('a', { href: link.service(service), text: service })), h('td', { text: fmt.ms(ms) })])))]),
      details,
    ]),
  );
}

// A kept span: its ids, kind, times and status, then its attributes as sent (sorted by key, their type on hover).
function showSpan(root, x, onCriticalPath) {
  const rows = [
    ['service', x.service], ['name', x.name], ['kind', x.kind], ['status', x.status], ['span id', x.spanId],
    ['parent span id', x.parentSpanId || '(root)'], ['start', fmt.time(x.start)], ['end', fmt.time(x.end)],
    ['duration', fmt.ms(x.durationMs)], ['on the critical path', onCriticalPath ? 'yes' : 'no'],
  ];
  const attributes = [...(x.attributes || [])].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  clear(root).append(
    h('h3', { text: 'Span' }),
    h('table', { class: 'attributes' }, rows.map(([k, v]) => h('tr', {}, [h('th', { text: k }), h('td', { text: v })]))),
    h('h3', { text: 'Attributes' }),
    attributes.length === 0
      ? h('p', { class: 'note', text: 'The span came with no attributes.' })
      : h('table', { class: 'attributes', id: 'span-attributes' }, attributes.map(a =>
        h('tr', { 'data-key': a.key }, [h('th', { text: a.key, title: a.type }), h('td', { text: a.value })]))),
  );
}
