// One service: RED charts over its retained windows (or the asked range) with its anomaly windows marked and the
// model version that scored each, its operations, its upstream and downstream edges, and its log templates (new and
// surging first) whose exemplars link to their traces, and each window's slowest and last failed request with its
// trace. ?template=N puts that template's exemplars first.
import { get, poll } from './api.js';
import { h, clear, fmt, link } from './dom.js';
import { lineChart } from './charts.js';

// Service names may hold '/': each segment is encoded on its own, as the API's catch-all route expects.
const path = name => name.split('/').map(encodeURIComponent).join('/');

export function servicePage(name, params) {
  const range = params.get('from') && params.get('to') ? `?from=${encodeURIComponent(params.get('from'))}&to=${encodeURIComponent(params.get('to'))}` : '';
  const template = params.has('template') ? Number(params.get('template')) : null;
  const body = h('div');
  const note = h('p', { class: 'note', id: 'page-note' });
  const element = h('div', { class: 'service-page' }, [h('h2', {}, ['Service ', h('code', { text: name })]), body, note]);
  const poller = poll(
    () => Promise.all([
      get(`/api/v1/services/${path(name)}${range}`),
      get(`/api/v1/anomalies?service=${encodeURIComponent(name)}`),
      get(`/api/v1/services/${path(name)}/logs/templates${range}`),
    ]),
    ([detail, anomalies, templates]) => { draw(body, detail, anomalies.anomalies, templates.templates, template, range); note.textContent = `updated ${new Date().toLocaleTimeString()}`; note.className = 'note'; },
    (error, delay) => { note.textContent = `API: ${error.message} (retry in ${delay / 1000} s)`; note.className = 'note problem'; });
  return { element, stop: poller.stop };
}

function draw(root, detail, anomalies, templates, template, range) {
  const series = detail.series;
  const bands = anomalies.filter(a => !a.held);
  const seconds = p => Math.max(1, (Date.parse(p.end) - Date.parse(p.start)) / 1000);
  const ordered = rankTemplates(templates, template);
  clear(root).append(
    h('p', {}, [h('span', { class: 'badge ' + detail.status, id: 'service-status', text: detail.status }),
      ` anomaly score ${fmt.num(detail.anomalyScore, 2)} by ${detail.model.name} v${detail.model.version}; ${fmt.num(detail.requests, 0)} requests, ${fmt.num(detail.errors, 0)} errors`,
      range ? [' in the asked range ', h('a', { href: link.service(detail.name), text: '(all retained windows)' })] : '']),
    template !== null ? exemplarBlock(ordered.find(t => t.id === template), template) : '',
    h('div', { class: 'charts', id: 'red-charts' }, series.length ? [
      lineChart({ id: 'chart-rate', title: 'Rate (requests/s)', points: series, value: p => p.requests / seconds(p), format: v => fmt.num(v), bands }),
      lineChart({ id: 'chart-errors', title: 'Errors (share of requests)', points: series, value: p => (p.requests ? p.errors / p.requests : 0), format: fmt.pct, bands }),
      lineChart({ id: 'chart-p99', title: 'Duration p99', points: series, value: p => p.p99, format: fmt.ms, bands }),
    ] : h('p', { class: 'note', text: 'No closed window in this range yet.' })),
    h('h3', { text: 'Anomalous windows' }),
    bands.length ? h('table', { class: 'anomalies', id: 'anomaly-list' }, [
      h('tr', {}, ['Window', 'Signals', 'Severity', 'Score', 'Model'].map(t => h('th', { text: t }))),
      ...bands.slice(0, 50).map(a => h('tr', { class: a.severity }, [
        h('td', { text: `${fmt.time(a.windowStart)} \u2013 ${fmt.time(a.windowEnd).slice(11)}` }), h('td', { text: a.signals.join(', ') }),
        h('td', { text: a.severity }), h('td', { text: fmt.num(a.score, 2) }), h('td', { class: 'scored-by', text: `${a.model.name} v${a.model.version}` }),
      ])),
    ]) : h('p', { class: 'calm', text: 'None retained.' }),
    h('h3', { text: 'Operations' }),
    h('table', { class: 'operations' }, [
      h('tr', {}, ['Operation', 'Spans', 'Requests', 'Errors', 'p50', 'p99'].map(t => h('th', { text: t }))),
      ...detail.operations.map(o => h('tr', {}, [h('td', { text: o.name }), h('td', { text: fmt.num(o.spans, 0) }), h('td', { text: fmt.num(o.requests, 0) }),
        h('td', { text: fmt.num(o.errors, 0) }), h('td', { text: fmt.ms(o.latencyMs.p50) }), h('td', { text: fmt.ms(o.latencyMs.p99) })])),
    ]),
    h('div', { class: 'side-by-side' }, [edgeTable('Upstream (callers)', detail.upstream, e => e.client), edgeTable('Downstream (callees)', detail.downstream, e => e.server)]),
    h('h3', { text: 'Request exemplars (each window\u2019s slowest and last failed, newest first)' }),
    (detail.traces || []).length ? h('table', { class: 'request-traces', id: 'request-traces' }, [
      h('tr', {}, ['Ended', 'Operation', 'Duration', 'Outcome', 'Trace'].map(t => h('th', { text: t }))),
      ...detail.traces.map(t => h('tr', { class: t.failed ? 'critical' : '' }, [
        h('td', { text: fmt.time(t.end) }), h('td', { text: t.operation }), h('td', { text: fmt.ms(t.durationMs) }),
        h('td', { text: t.failed ? 'failed' : 'slowest' }),
        h('td', {}, h('a', { class: 'trace-link', href: link.trace(t.traceId), text: 'trace ' + t.traceId.slice(0, 8) + '\u2026' })),
      ])),
    ]) : h('p', { class: 'calm', text: 'No request in this range.' }),
    h('h3', { text: 'Log templates (new and surging first)' }),
    ordered.length ? h('table', { class: 'templates', id: 'log-templates' }, [
      h('tr', {}, ['Template', 'Severity', 'Count', 'Score', 'First seen', 'Exemplar'].map(t => h('th', { text: t }))),
      ...ordered.map(t => h('tr', { id: 'template-' + t.id, class: t.id === template ? 'chosen' : '' }, [
        h('td', {}, [t.isNew ? h('span', { class: 'badge new', text: 'new' }) : '', ' ', h('code', { text: t.template })]), h('td', { text: t.severity }),
        h('td', { text: fmt.num(t.count, 0) }), h('td', { text: fmt.num(t.score, 2) }), h('td', { text: fmt.time(t.firstSeen) }),
        h('td', {}, exemplarLink(t.exemplars[0])),
      ])),
    ]) : h('p', { class: 'calm', text: 'No log template in this range.' }),
  );
}

// New (first seen in the last ten minutes of the range) first, then by frequency score (a surge scores high), then count.
function rankTemplates(templates, chosen) {
  const last = Math.max(0, ...templates.map(t => Date.parse(t.lastSeen)));
  return templates.map(t => ({ ...t, isNew: last - Date.parse(t.firstSeen) < 600_000 }))
    .sort((a, b) => (b.id === chosen) - (a.id === chosen) || b.isNew - a.isNew || b.score - a.score || b.count - a.count);
}

function exemplarLink(e) {
  if (!e) return '';
  return e.traceId ? h('a', { class: 'trace-link', href: link.trace(e.traceId), text: 'trace ' + e.traceId.slice(0, 8) + '\u2026' }) : h('span', { class: 'note', text: 'no trace' });
}

function exemplarBlock(t, id) {
  if (!t) return h('p', { class: 'problem', text: `log template ${id} has no line in this range` });
  return h('section', { class: 'exemplars', id: 'log-exemplar' }, [
    h('h3', {}, ['Log exemplars of ', h('code', { text: t.template })]),
    h('ul', {}, t.exemplars.map(e => h('li', {}, [fmt.time(e.time), ' ', h('code', { text: e.body }), ' ', exemplarLink(e)]))),
  ]);
}

function edgeTable(title, edges, other) {
  return h('div', {}, [h('h3', { text: title }), edges.length ? h('table', { class: 'edges' }, [
    h('tr', {}, ['Service', 'Calls', 'Errors', 'p99'].map(t => h('th', { text: t }))),
    ...edges.map(e => h('tr', {}, [h('td', {}, e.virtual && other(e) === e.server ? h('span', { text: other(e) + ' (uninstrumented)' }) : h('a', { href: link.service(other(e)), text: other(e) })),
      h('td', { text: fmt.num(e.calls, 0) }), h('td', { text: fmt.pct(e.calls ? e.errors / e.calls : 0) }), h('td', { text: fmt.ms(e.latencyMs.p99) })])),
  ]) : h('p', { class: 'calm', text: 'None.' })]);
}
