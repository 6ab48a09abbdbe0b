// A deterministic layered layout of the service graph: a node's layer is its call depth (breadth-first from the
// services nobody calls; a cycle with no such entry starts at its first name), layers run left to right, names sort
// within a layer, a layer taller than maxRows wraps into further columns, and after maxColumns columns the next ones
// start a band below, so neither 500 services side by side nor a call chain 500 deep runs off the page.
export function layout(names, edges, { maxRows = 36, maxColumns = 6, columnWidth = 230, rowHeight = 30, bandGap = 50 } = {}) {
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
  const columns = [];
  for (const layer of layers.filter(Boolean)) {
    for (let i = 0; i < layer.length; i += maxRows) columns.push(layer.slice(i, i + maxRows));
  }
  const positions = new Map();
  let top = 20, width = 0;
  for (let band = 0; band * maxColumns < columns.length; band++) {
    const inBand = columns.slice(band * maxColumns, (band + 1) * maxColumns);
    inBand.forEach((column, c) => column.forEach((n, row) => positions.set(n, { x: 20 + c * columnWidth, y: top + row * rowHeight })));
    width = Math.max(width, 40 + inBand.length * columnWidth);
    top += Math.max(...inBand.map(c => c.length)) * rowHeight + bandGap;
  }
  return { positions, width, height: top };
}
