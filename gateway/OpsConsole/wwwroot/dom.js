// Small DOM and SVG builders: every text goes in as a text node, never as HTML, so service names, log lines and
// span names cannot inject markup.
const SvgNs = 'http://www.w3.org/2000/svg';

function fill(node, attrs, children) {
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of [].concat(children ?? []).flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const h = (tag, attrs, children) => fill(document.createElement(tag), attrs, children);
export const s = (tag, attrs, children) => fill(document.createElementNS(SvgNs, tag), attrs, children);

export function clear(node) { while (node.firstChild) node.firstChild.remove(); return node; }

export const fmt = {
  num(v, digits = 1) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    if (Math.abs(v) >= 1e6) return (v / 1e6).toFixed(digits) + 'M';
    if (Math.abs(v) >= 1e4) return (v / 1e3).toFixed(digits) + 'k';
    return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  },
  pct(v) { return v === null || v === undefined ? '–' : (100 * v).toFixed(v > 0 && v < 0.01 ? 2 : 1) + '%'; },
  ms(v) { return v === null || v === undefined || Number.isNaN(v) ? '–' : (v >= 1000 ? (v / 1000).toFixed(2) + ' s' : v.toFixed(v < 10 ? 2 : 0) + ' ms'); },
  time(t) { return t ? new Date(t).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '–'; },
};

export const link = {
  service: (name, from, to) => '#/services/' + encodeURIComponent(name) + (from ? `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}` : ''),
  template: (name, id) => '#/services/' + encodeURIComponent(name) + '?template=' + id,
  trace: id => '#/traces/' + id,
  incident: id => '#/incidents/' + encodeURIComponent(id),
};
