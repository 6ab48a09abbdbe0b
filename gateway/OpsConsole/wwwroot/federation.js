// The federation page: every cluster and how it answered (Thanos-style partial answers), the open incidents of all
// clusters, and the federated service map: each node named cluster/service, the calls that cross clusters dashed.
import { get, poll } from './api.js';
import { h, clear, fmt, link } from './dom.js';
import { drawMap } from './overview.js';

export function federationPage() {
  const state = { services: [], graph: { nodes: [], edges: [] }, focus: null, query: '', rates: new Map() };
  const clusters = h('table', { class: 'services', id: 'clusters-table' });
  const incidents = h('section', { class: 'incidents' });
  const map = h('div', { class: 'map', id: 'federated-map' });
  const note = h('p', { class: 'note', id: 'page-note' });
  const element = h('div', { class: 'federation' }, [
    h('h2', { text: 'Clusters' }), clusters,
    h('h2', { text: 'Open incidents, all clusters' }), incidents,
    h('h2', { text: 'Federated service map' }), map, note,
  ]);
  const draw = () => drawMap(map, state, name => { state.focus = state.focus === name ? null : name; draw(); });

  const poller = poll(
    () => Promise.all([get('/api/v1/federation/graph'), get('/api/v1/federation/incidents')]),
    ([graph, open]) => {
      const local = graph.clusters[0]?.name;
      drawClusters(clusters, graph.clusters);
      drawIncidents(incidents, open.incidents, local);
      const id = (cluster, name) => `${cluster}/${name}`;
      state.graph = {
        nodes: graph.nodes.map(n => ({ name: id(n.cluster, n.name), virtual: n.virtual })),
        edges: graph.edges.map(e => ({ ...e, client: id(e.clientCluster, e.client), server: id(e.serverCluster, e.server) })),
      };
      // A node of a cluster that did not answer has no status: drawn as ok, the clusters table says why.
      state.services = graph.nodes.filter(n => !n.virtual).map(n => ({ name: id(n.cluster, n.name), status: n.status || 'ok' }));
      draw();
      note.textContent = `updated ${new Date().toLocaleTimeString()}; ${graph.partial ? 'partial: not every cluster answered' : 'every cluster answered'}; ${graph.nodes.length} nodes, ${graph.edges.filter(e => e.remote).length} calls across clusters`;
      note.className = graph.partial ? 'note problem' : 'note';
    },
    (error, delay) => { note.textContent = `API: ${error.message} (retry in ${delay / 1000} s)`; note.className = 'note problem'; });
  return { element, stop: poller.stop };
}

function drawClusters(table, clusters) {
  clear(table).append(
    h('thead', {}, h('tr', {}, ['Cluster', 'Status', 'Copy age', 'Detail'].map(t => h('th', { text: t })))),
    h('tbody', {}, clusters.map(c => h('tr', { 'data-cluster': c.name }, [
      h('td', { text: c.name }),
      h('td', { class: 'status ' + (c.status === 'ok' ? 'ok' : 'critical'), text: c.status }),
      h('td', { text: c.ageSeconds == null ? '' : `${fmt.num(c.ageSeconds)} s` }),
      h('td', { text: c.detail || '' }),
    ]))));
}

// This cluster's incidents open on their page; another cluster's are read on that cluster's console.
function drawIncidents(root, incidents, local) {
  clear(root);
  if (!incidents.length) {
    root.append(h('p', { class: 'calm', text: 'No open incident in any cluster that answered.' }));
    return;
  }

  root.append(h('ul', { id: 'federated-incidents' }, incidents.map(i => h('li', { class: 'incident open', 'data-incident': i.id, 'data-cluster': i.cluster }, [
    `${i.cluster}: `,
    i.cluster === local ? h('a', { href: link.incident(i.id), text: i.id }) : h('span', { text: i.id }),
    ` since ${fmt.time(i.startedAt)}, ${i.services.length} service${i.services.length === 1 ? '' : 's'}`,
    i.topCause ? [' \u2014 likeliest cause ', h('strong', { class: 'top-cause', text: i.topCause })] : '',
  ]))));
}
