// One incident: its timeline (started, detected, resolved), the affected services and the edges among them, and the
// ranked root causes with their evidence in words. Each evidence item links to what backs it: the kept trace when
// the item names one (a failed or the slowest request of the incident range), a log template's exemplars (and
// through them the traces) when it names a template, otherwise the service's window chart over the incident.
import { get, poll } from './api.js';
import { h, s, clear, fmt, link } from './dom.js';

export function incidentPage(id) {
  const body = h('div');
  const note = h('p', { class: 'note', id: 'page-note' });
  const element = h('div', { class: 'incident-page' }, [h('h2', {}, ['Incident ', h('code', { text: id })]), body, note]);
  const poller = poll(
    () => Promise.all([get('/api/v1/incidents/' + encodeURIComponent(id)), get('/api/v1/graph')]),
    ([incident, graph]) => { draw(body, incident, graph); note.textContent = `updated ${new Date().toLocaleTimeString()}`; note.className = 'note'; },
    (error, delay) => { note.textContent = `API: ${error.message} (retry in ${delay / 1000} s)`; note.className = 'note problem'; });
  return { element, stop: poller.stop };
}

function draw(root, incident, graph) {
  // The window chart around the incident: from a minute before it started to a minute after it resolved (or now).
  const from = new Date(Date.parse(incident.startedAt) - 60_000).toISOString();
  const to = new Date((incident.resolvedAt ? Date.parse(incident.resolvedAt) : Date.parse(incident.detectedAt)) + 120_000).toISOString();
  clear(root).append(
    h('p', { class: 'incident-status ' + incident.status, text: incident.status }),
    timeline(incident),
    h('h3', { text: 'Affected services' }),
    subgraph(incident, graph),
    h('table', { class: 'affected' }, [
      h('tr', {}, ['Service', 'Severity', 'Signals', 'Max score', 'First onset', 'Last anomaly'].map(t => h('th', { text: t }))),
      ...incident.services.map(x => h('tr', { class: x.severity }, [
        h('td', {}, h('a', { href: link.service(x.name, from, to), text: x.name })),
        h('td', { text: x.severity }), h('td', { text: x.signals.join(', ') }), h('td', { text: fmt.num(x.maxScore, 2) }),
        h('td', { text: fmt.time(x.firstOnset) }), h('td', { text: fmt.time(x.lastAnomalyEnd) }),
      ])),
    ]),
    h('h3', { text: 'Likely root causes, best first' }),
    h('ol', { class: 'causes', id: 'root-causes' }, incident.rootCauses.map(c => h('li', { class: 'cause', 'data-service': c.service }, [
      h('strong', {}, h('a', { href: link.service(c.service, from, to), text: c.service })),
      c.operation ? [' operation ', h('code', { text: c.operation })] : '',
      h('span', { class: 'score', text: ` score ${fmt.num(c.score, 2)}` }),
      h('ul', { class: 'evidence' }, c.evidence.map(e => h('li', { 'data-kind': e.kind }, [
        h('span', { class: 'kind', text: e.kind }), ' ',
        h('a', { class: 'evidence-link', href: evidenceLink(e, c.service, from, to), text: e.summary }),
      ]))),
    ]))),
  );
}

function evidenceLink(e, service, from, to) {
  if (e.traceId) return link.trace(e.traceId);
  if (e.templateId !== null && e.templateId !== undefined) return link.template(service, e.templateId);
  return link.service(service, from, to);
}

function timeline(incident) {
  // The last anomalous window shows how long an open incident has lasted so far.
  const lastAnomaly = incident.services.map(x => x.lastAnomalyEnd).sort().pop();
  const marks = [['started', incident.startedAt], ['detected', incident.detectedAt], ['last anomaly', lastAnomaly], ['resolved', incident.resolvedAt]].filter(m => m[1]);
  const t0 = Date.parse(incident.startedAt);
  const t1 = Math.max(...marks.map(m => Date.parse(m[1])), t0 + 1000);
  const x = t => 90 + 520 * (Date.parse(t) - t0) / (t1 - t0);
  return s('svg', { class: 'timeline', viewBox: '0 0 700 70', width: 700, height: 70 }, [
    s('line', { x1: 90, y1: 30, x2: 610, y2: 30 }),
    ...marks.map(([name, t], i) => s('g', { class: 'mark ' + name.replace(' ', '-') }, [
      s('circle', { cx: x(t), cy: 30, r: 6 }),
      s('text', { x: x(t), y: i % 2 ? 58 : 16, 'text-anchor': 'middle', text: `${name} ${fmt.time(t).slice(11)}` }),
    ])),
  ]);
}

// The incident's services and their callers and callees, in one row per call depth among them.
function subgraph(incident, graph) {
  const names = incident.services.map(x => x.name);
  const inside = new Set(names);
  const edges = graph.edges.filter(e => inside.has(e.client) && inside.has(e.server));
  const placed = new Map(names.map((n, i) => [n, { x: 20 + (i % 4) * 200, y: 20 + Math.floor(i / 4) * 50 }]));
  const height = 50 + Math.ceil(names.length / 4) * 50;
  return s('svg', { class: 'graph subgraph', viewBox: `0 0 820 ${height}`, width: 820, height }, [
    ...edges.map(e => {
      const a = placed.get(e.client), b = placed.get(e.server);
      return s('line', { class: 'edge-line', x1: a.x + 80, y1: a.y + 22, x2: b.x + 80, y2: b.y });
    }),
    ...incident.services.map(x => {
      const p = placed.get(x.name);
      return s('g', { class: `node ${x.severity === 'critical' ? 'critical' : 'warning'}`, transform: `translate(${p.x},${p.y})` }, [
        s('rect', { width: 160, height: 22, rx: 4 }), s('text', { x: 8, y: 15, text: x.name.length > 22 ? x.name.slice(0, 21) + '\u2026' : x.name }),
      ]);
    }),
  ]);
}
