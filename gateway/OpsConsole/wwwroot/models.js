// The model registry: each model's versions with their stage, shadow agreement and drift, and its audit list. An
// admin key gets promote and roll back, each behind a confirmation that asks for a reason; a read key gets no
// buttons (the roles come from /api/v1/whoami, and the API refuses a read key's POST anyway).
import { get, post, poll } from './api.js';
import { h, clear, fmt } from './dom.js';

export function modelsPage(identity) {
  const admin = identity.roles.includes('admin');
  const body = h('div');
  const note = h('p', { class: 'note', id: 'page-note' });
  const element = h('div', { class: 'models-page' }, [h('h2', { text: 'Models' }), body, note]);
  let confirming = false;
  const load = async () => {
    const list = await get('/api/v1/models');
    return Promise.all(list.models.map(m => get('/api/v1/models/' + encodeURIComponent(m.name))));
  };
  const act = (label, path, payload) => ask(label, reason => post(path, { ...payload, who: identity.key || 'console', reason }));
  let models = [];
  function ask(label, run) {
    confirming = true;
    const reason = h('input', { type: 'text', id: 'confirm-reason', placeholder: 'reason (for the audit list)', size: 40 });
    const problem = h('span', { class: 'problem' });
    const panel = h('div', { class: 'confirm', id: 'confirm' }, [
      h('strong', { text: label + '?' }), ' ', reason, ' ',
      h('button', { type: 'button', id: 'confirm-yes', onclick: async () => {
        try { await run(reason.value || 'from the console'); confirming = false; models = await load(); draw(); } catch (error) { problem.textContent = error.message; }
      } }, 'Confirm'), ' ',
      h('button', { type: 'button', id: 'confirm-no', onclick: () => { confirming = false; draw(); } }, 'Cancel'), ' ', problem,
    ]);
    body.prepend(panel);
    reason.focus();
  }
  function draw() {
    clear(body);
    if (!models.length) { body.append(h('p', { class: 'calm', text: 'No model registered: services are scored by the built-in detector.' })); return; }
    for (const m of models) body.append(modelBlock(m, admin, act));
  }
  const poller = poll(load,
    value => { models = value; if (!confirming) draw(); note.textContent = `updated ${new Date().toLocaleTimeString()}${admin ? '' : '; promote and roll back need an admin key'}`; note.className = 'note'; },
    (error, delay) => { note.textContent = `API: ${error.message} (retry in ${delay / 1000} s)`; note.className = 'note problem'; });
  return { element, stop: poller.stop };
}

function modelBlock(m, admin, act) {
  const base = '/api/v1/models/' + encodeURIComponent(m.name);
  return h('section', { class: 'model', 'data-model': m.name }, [
    h('h3', {}, [m.name, ' ', h('span', { class: 'note', text: `production v${m.production ?? '–'}, shadow v${m.shadow ?? '–'}` }),
      admin && m.rollbackTo.length ? h('button', { type: 'button', class: 'rollback', onclick: () => act(`Roll ${m.name} back to v${m.rollbackTo[0]}`, base + '/rollback', {}) }, `Roll back to v${m.rollbackTo[0]}`) : '']),
    h('table', { class: 'versions' }, [
      h('tr', {}, ['Version', 'Kind', 'Stage', 'Created', 'Windows scored', 'Shadow agreement', 'Drift (PSI)', admin ? 'Change' : ''].filter(Boolean).map(t => h('th', { text: t }))),
      ...m.versions.map(v => {
        const sc = v.scores;
        const agreement = sc && sc.agreement ? `${fmt.pct(sc.agreement.share)} of ${sc.agreement.compared}` : '–';
        const drift = sc && sc.drift && sc.drift.psi !== null ? `${fmt.num(sc.drift.psi, 3)} (bound ${fmt.num(sc.drift.bound, 2)})${sc.drift.retrainRecommended ? ' retrain' : ''}` : '–';
        return h('tr', { class: 'stage-' + v.stage, 'data-version': v.number }, [
          h('td', { text: 'v' + v.number }), h('td', { text: v.kind }), h('td', { class: 'stage', text: v.stage }), h('td', { text: `${fmt.time(v.createdAt)} by ${v.createdBy}` }),
          h('td', { text: sc ? fmt.num(sc.windows, 0) : '–' }), h('td', { text: agreement }), h('td', { text: drift }),
          admin ? h('td', {}, ['shadow', 'production'].filter(stage => v.stage !== stage && v.stage !== 'archived').map(stage =>
            h('button', { type: 'button', class: 'promote', 'data-stage': stage, onclick: () => act(`Promote ${m.name} v${v.number} to ${stage}`, base + '/promote', { version: v.number, stage }) }, `to ${stage}`))) : '',
        ].filter(x => x !== ''));
      }),
    ]),
    h('details', { class: 'audit', open: true }, [h('summary', { text: `Audit (${m.audit.length}${m.droppedAuditEntries ? `, ${m.droppedAuditEntries} older dropped` : ''})` }),
      h('table', {}, m.audit.slice().reverse().map(a => h('tr', {}, [h('td', { text: fmt.time(a.at) }), h('td', { text: a.who }), h('td', { text: a.action }),
        h('td', { text: `v${a.version}: ${a.from ?? '–'} \u2192 ${a.to}` }), h('td', { text: a.reason })])))]),
  ]);
}
