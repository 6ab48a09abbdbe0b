// The overview: open incidents, the service map (nodes by status, edges with rate, error ratio and p99), and a
// sortable, filterable table of services. A click on a node zooms to its neighbourhood (its callers and callees).
import { get, poll } from './api.js';
import { h, s, clear, fmt, link } from './dom.js';
import { layout } from './layout.js';

const MaxEdgeLabels = 80;
const RecentResolved = 5;
const NodeWidth = 180;

export function overview() {
  const state = { services: [], graph: { nodes: [], edges: [] }, incidents: [], resolved: [], focus: null, query: '', sort: 'status', descending: true, lastCalls: new Map(), rates: new Map(), rendered: false };
  const incidents = h('section', { class: 'incidents' });
  const search = h('input', { type: 'search', id: 'service-search', placeholder: 'search services', size: 30 });
  const whole = h('button', { type: 'button', id: 'whole-map', hidden: true, text: 'Whole map' });
  const focusNote = h('span', { class: 'focus-note' });
  const map = h('div', { class: 'map', id: 'service-map' });
  const table = h('table', { class: 'services', id: 'services-table' });
  const note = h('p', { class: 'note', id: 'page-note' });
  const element = h('div', { class: 'overview' }, [
    h('h2', { text: 'Open incidents' }), incidents,
    h('h2', { text: 'Service map' }), h('div', { class: 'toolbar' }, [search, whole, focusNote]), map,
    h('h2', { text: 'Services' }), table, note,
  ]);

  search.addEventListener('input', () => { state.query = search.value.trim().toLowerCase(); draw(); });
  whole.addEventListener('click', () => { state.focus = null; draw(); });

  function draw() {
    drawIncidents(incidents, state.incidents, state.resolved);
    drawMap(map, state, name => { state.focus = name; draw(); });
    whole.hidden = !state.focus;
    clear(focusNote);
    if (state.focus) focusNote.append('neighbourhood of ', h('a', { href: link.service(state.focus), text: state.focus }));
    drawTable(table, state, () => draw());
  }

  const poller = poll(
    () => Promise.all([get('/api/v1/services'), get('/api/v1/graph'), get('/api/v1/incidents?status=open'), get('/api/v1/incidents?status=resolved')]),
    ([services, graph, open, resolved]) => {
      const now = performance.now();
      for (const e of graph.edges) {
        const id = e.client + '\u2192' + e.server;
        const before = state.lastCalls.get(id);
        if (before && now > before.at) state.rates.set(id, Math.max(0, (e.calls - before.calls) * 1000 / (now - before.at)));
        state.lastCalls.set(id, { calls: e.calls, at: now });
      }
      Object.assign(state, { services: services.services, graph, incidents: open.incidents, resolved: resolved.incidents.slice(0, RecentResolved) });
      draw();
      note.textContent = `updated ${new Date().toLocaleTimeString()}; ${state.services.length} services, ${graph.edges.length} edges`;
      note.className = 'note';
      if (!state.rendered) {
        // For the first-render benchmark: the first answer drawn into the DOM, and the frame after it was painted.
        state.rendered = true;
        performance.mark('overview-rendered');
        requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('overview-painted')));
      }
    },
    (error, delay) => { note.textContent = `API: ${error.message} (retry in ${delay / 1000} s)`; note.className = 'note problem'; });
  return { element, stop: poller.stop };
}

function drawIncidents(root, open, resolved) {
  clear(root);
  const item = i => {
    const top = i.rootCauses[0];
    return h('li', { class: 'incident ' + i.status, 'data-incident': i.id }, [
      h('a', { href: link.incident(i.id), text: i.id }),
      ` ${i.status === 'open' ? 'since' : 'started'} ${fmt.time(i.startedAt)}${i.resolvedAt ? `, resolved ${fmt.time(i.resolvedAt)}` : ''}, ${i.services.length} service${i.services.length === 1 ? '' : 's'}`,
      top ? [' \u2014 likeliest cause ', h('strong', { class: 'top-cause', text: top.service })] : '',
    ]);
  };
  root.append(open.length ? h('ul', { id: 'open-incidents' }, open.map(item)) : h('p', { class: 'calm', text: 'No open incident.' }));
  if (resolved.length) root.append(h('details', { class: 'resolved' }, [h('summary', { text: `Recently resolved (${resolved.length})` }), h('ul', { id: 'resolved-incidents' }, resolved.map(item))]));
}

function visibleNodes(state) {
  const nodes = state.graph.nodes.map(n => n.name);
  const neighbours = name => state.graph.edges.filter(e => e.client === name || e.server === name).flatMap(e => [e.client, e.server]);
  if (state.focus) return new Set([state.focus, ...neighbours(state.focus)]);
  if (state.query) {
    const hits = nodes.filter(n => n.toLowerCase().includes(state.query));
    return new Set([...hits, ...hits.flatMap(neighbours)]);
  }
  return new Set(nodes);
}

// Also the federation page's map, whose node names are cluster/service.
export function drawMap(root, state, onFocus) {
  const statusOf = new Map(state.services.map(x => [x.name, x.status]));
  const visible = visibleNodes(state);
  const names = state.graph.nodes.map(n => n.name).filter(n => visible.has(n));
  const edges = state.graph.edges.filter(e => visible.has(e.client) && visible.has(e.server));
  const labelled = edges.length <= MaxEdgeLabels;
  // Labelled edges need room between the columns for their figures.
  const placed = layout(names, edges, { columnWidth: labelled ? NodeWidth + 170 : NodeWidth + 50 });
  const { positions, width } = placed;
  const height = placed.height + 40; // room for the dips of edges back to an earlier column
  const labels = [];
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'graph' }, [
    s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }))),
  ]);
  for (const e of edges) {
    const a = positions.get(e.client), b = positions.get(e.server);
    // Forward edges run right to left edge; an edge back to an earlier column (a cycle) dips below both nodes.
    const forward = b.x > a.x + NodeWidth / 2;
    const x1 = forward ? a.x + NodeWidth : a.x + NodeWidth / 2, y1 = forward ? a.y + 10 : a.y + 22;
    const x2 = forward ? b.x : b.x + NodeWidth / 2, y2 = forward ? b.y + 10 : b.y + 22;
    const bend = Math.max(40, Math.abs(x2 - x1) / 2);
    const d = forward ? `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}` : `M ${x1} ${y1} C ${x1} ${y1 + 40}, ${x2} ${y2 + 40}, ${x2} ${y2}`;
    const ratio = e.calls ? e.errors / e.calls : 0;
    const rate = state.rates.get(e.client + '\u2192' + e.server);
    const words = `${rate === undefined ? fmt.num(e.calls, 0) + ' calls' : fmt.num(rate) + '/s'} \u00b7 ${fmt.pct(ratio)} err \u00b7 p99 ${fmt.ms(e.latencyMs.p99)}`;
    const g = s('g', { class: 'edge' + (ratio >= 0.05 ? ' failing' : '') + (e.remote ? ' remote' : ''), 'data-edge': `${e.client}\u2192${e.server}` }, [
      s('path', { d, 'marker-end': 'url(#arrow)' }),
      s('title', { text: `${e.client} \u2192 ${e.server}: ${words}` }),
    ]);
    // Drawn after the nodes, so that no node covers them; a dipping edge's figures sit under its caller.
    if (labelled) labels.push(s('text', { x: forward ? (x1 + x2) / 2 : x1, y: forward ? (y1 + y2) / 2 - 4 : y1 + 14, class: 'edge-label', text: words }));
    svg.append(g);
  }
  for (const name of names) {
    const p = positions.get(name);
    const node = state.graph.nodes.find(n => n.name === name);
    const status = node.virtual ? 'virtual' : statusOf.get(name) || 'ok';
    const g = s('g', { class: `node ${status}${state.focus === name ? ' focused' : ''}`, 'data-service': name, 'data-status': status, transform: `translate(${p.x},${p.y})`, tabindex: 0 }, [
      s('rect', { width: NodeWidth, height: 22, rx: 4 }),
      s('text', { x: 8, y: 15, text: name.length > 26 ? name.slice(0, 25) + '\u2026' : name }),
      s('title', { text: `${name}: ${status}` }),
    ]);
    g.addEventListener('click', () => onFocus(name));
    svg.append(g);
  }
  svg.append(...labels);
  clear(root).append(svg);
}

const StatusRank = { critical: 2, warning: 1, ok: 0 };
const Columns = [
  ['name', 'Service', x => x.name],
  ['status', 'Status', x => StatusRank[x.status] ?? 0],
  ['rate', 'Rate /s', x => x.rate],
  ['errorRatio', 'Errors', x => x.errorRatio],
  ['p50', 'p50', x => x.latencyMs.p50],
  ['p99', 'p99', x => x.latencyMs.p99],
  ['anomalyScore', 'Anomaly', x => x.anomalyScore],
  ['model', 'Model', x => x.model ? `${x.model.name} v${x.model.version}` : ''],
];

function drawTable(table, state, redraw) {
  const rows = state.services.filter(x => !state.query || x.name.toLowerCase().includes(state.query));
  const key = Columns.find(c => c[0] === state.sort)[2];
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    const order = typeof x === 'string' ? x.localeCompare(y) : x - y;
    return (state.descending ? -order : order) || a.name.localeCompare(b.name);
  });
  clear(table).append(
    h('thead', {}, h('tr', {}, Columns.map(([id, title]) => h('th', {
      'data-sort': id, class: state.sort === id ? (state.descending ? 'sorted down' : 'sorted up') : '',
      onclick: () => { state.descending = state.sort === id ? !state.descending : id !== 'name'; state.sort = id; redraw(); },
    }, title)))),
    h('tbody', {}, rows.map(x => h('tr', { class: x.status, 'data-service': x.name }, [
      h('td', {}, h('a', { href: link.service(x.name), text: x.name })),
      h('td', { class: 'status-cell', text: x.status }),
      h('td', { text: fmt.num(x.rate) }),
      h('td', { text: fmt.pct(x.errorRatio) }),
      h('td', { text: fmt.ms(x.latencyMs.p50) }),
      h('td', { text: fmt.ms(x.latencyMs.p99) }),
      h('td', { text: fmt.num(x.anomalyScore, 2) }),
      h('td', { text: x.model ? `${x.model.name} v${x.model.version}` : '' }),
    ]))));
}
