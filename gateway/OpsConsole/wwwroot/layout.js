// A deterministic layered layout of the service graph: a node's layer is its call depth (breadth-first from the
// services nobody calls; a cycle with no such entry starts at its first name), layers run left to right, names sort
// within a layer, and a layer taller than maxRows wraps into further columns, so 500 services stay on one screen.
export function layout(names, edges, { maxRows = 36, columnWidth = 230, rowHeight = 30 } = {}) {
  const known = new Set(names);
  const callees = new Map(names.map(n => [n, []]));
  const hasCaller = new Set();
  for (const e of edges) {
    if (!known.has(e.client) || !known.has(e.server) || e.client === e.server) continue;
    callees.get(e.client).push(e.server);
    hasCaller.add(e.server);
  }
  const depth = new Map();
  const sorted = [...names].sort();
  const walk = starts => {
    const queue = starts.filter(n => !depth.has(n));
    queue.forEach(n => depth.set(n, 0));
    while (queue.length) {
      const n = queue.shift();
      for (const c of callees.get(n).sort()) {
        if (!depth.has(c)) { depth.set(c, depth.get(n) + 1); queue.push(c); }
      }
    }
  };
  walk(sorted.filter(n => !hasCaller.has(n)));
  for (const n of sorted) if (!depth.has(n)) walk([n]);

  const layers = [];
  for (const n of sorted) (layers[depth.get(n)] ||= []).push(n);
  const positions = new Map();
  let column = 0, rows = 0;
  for (const layer of layers.filter(Boolean)) {
    for (let i = 0; i < layer.length; i += maxRows) {
      layer.slice(i, i + maxRows).forEach((n, row) => positions.set(n, { x: 20 + column * columnWidth, y: 20 + row * rowHeight }));
      rows = Math.max(rows, Math.min(maxRows, layer.length - i));
      column++;
    }
  }
  return { positions, width: 40 + column * columnWidth, height: 40 + rows * rowHeight };
}
