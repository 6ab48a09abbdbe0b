// The API client: the key the user gave (kept in sessionStorage for this tab only), sent as a bearer key on every
// call; polling that backs off while the API fails.
const KeyName = 'otlpgrains.key';

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

export function key() { return sessionStorage.getItem(KeyName); }
export function setKey(value) { sessionStorage.setItem(KeyName, value); }
export function forgetKey() { sessionStorage.removeItem(KeyName); }

// credentials 'omit': the browser neither sends nor asks for Basic credentials (the API also offers Basic, for the
// dashboard); the key goes in the authorization header instead.
export async function call(path, options = {}) {
  const headers = { accept: 'application/json', ...(options.headers || {}) };
  const k = key();
  if (k) headers.authorization = 'Bearer ' + k;
  const response = await fetch(path, { ...options, headers, credentials: 'omit', cache: 'no-store' });
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = null; }
  if (!response.ok) {
    throw new ApiError(response.status, (body && body.error) || text.trim() || response.statusText);
  }
  return body;
}

export const get = path => call(path);

export const post = (path, payload) =>
  call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });

// Calls load() now and every 5 s; after a failure waits twice as long, up to 60 s, and back to 5 s on success.
// render gets each answer, fail each error. stop() ends it (a page stops its poller when the user leaves it).
export function poll(load, render, fail) {
  const first = 5000, last = 60000;
  let delay = first, timer = null, stopped = false;
  async function tick() {
    try {
      const value = await load();
      if (stopped) return;
      delay = first;
      render(value);
    } catch (error) {
      if (stopped) return;
      delay = Math.min(delay * 2, last);
      fail(error, delay);
    }
    if (!stopped) timer = setTimeout(tick, delay);
  }
  tick();
  return { stop() { stopped = true; clearTimeout(timer); } };
}
