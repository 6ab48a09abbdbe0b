// The console's router: #/ overview, #/incidents/{id}, #/traces/{id}, #/services/{name}?from=&to=&template=,
// #/models, #/federation. It asks /api/v1/whoami first: a key that cannot read brings up the key form, and the roles
// decide what the pages offer.
import { get, key, setKey, forgetKey } from './api.js';
import { clear, h } from './dom.js';
import { overview } from './overview.js';
import { incidentPage } from './incident.js';
import { tracePage } from './trace.js';
import { servicePage } from './service.js';
import { modelsPage } from './models.js';
import { federationPage } from './federation.js';

const view = document.getElementById('view');
const status = document.getElementById('status');
const keyForm = document.getElementById('key-form');
const keyInput = document.getElementById('key-input');
const keyProblem = document.getElementById('key-problem');
const who = document.getElementById('who');
const forget = document.getElementById('forget');

let current = null;
let identity = null;

const routes = [
  [/^#\/incidents\/(.+)$/, m => incidentPage(decodeURIComponent(m[1]))],
  [/^#\/traces\/([0-9a-fA-F]{32})$/, m => tracePage(m[1].toLowerCase())],
  [/^#\/services\/([^?]+)(?:\?(.*))?$/, m => servicePage(decodeURIComponent(m[1]), new URLSearchParams(m[2] || ''))],
  [/^#\/models$/, () => modelsPage(identity)],
  [/^#\/federation$/, () => federationPage()],
  [/^(#\/?)?$/, () => overview()],
];

export function showStatus(text, isError = false) {
  status.textContent = text || '';
  status.className = 'status' + (isError ? ' error' : '');
}

async function identify() {
  const answer = await get('/api/v1/whoami');
  if (!answer.roles.includes('read')) {
    keyForm.hidden = false;
    keyProblem.textContent = key() ? (answer.key ? `key ${answer.key} cannot read` : 'unknown key') : '';
    keyInput.focus();
    return false;
  }
  identity = answer;
  keyForm.hidden = true;
  who.textContent = identity.keysConfigured ? `key ${identity.key} (${identity.roles.join(', ')})` : 'no keys configured: open to all';
  forget.hidden = !identity.keysConfigured;
  return true;
}

async function route() {
  if (current && current.stop) current.stop();
  current = null;
  clear(view);
  showStatus('');
  if (!identity && !(await identify())) return;
  const hash = location.hash || '#/';
  for (const [pattern, page] of routes) {
    const match = hash.match(pattern);
    if (match) {
      current = page(match);
      view.append(current.element);
      return;
    }
  }
  view.append(h('p', { class: 'problem', text: `no page at ${hash}` }));
}

keyForm.addEventListener('submit', event => {
  event.preventDefault();
  setKey(keyInput.value.trim());
  keyInput.value = '';
  identity = null;
  route().catch(e => showStatus(e.message, true));
});
forget.addEventListener('click', () => {
  forgetKey();
  identity = null;
  route().catch(e => showStatus(e.message, true));
});
window.addEventListener('hashchange', () => route().catch(e => showStatus(e.message, true)));
route().catch(e => showStatus(e.message, true));
