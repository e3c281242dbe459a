// The portal's page: one section per view (chosen by the URL's #hash), refreshed from the REST API
// every two seconds (?refresh=N for N seconds). Only the view on screen is fetched, and the next
// poll starts when the last one finished, so a slow platform is never asked twice at once.

import { get, api } from './api.js';
import { ago, el, mib, say, syncChildren, text, time } from './format.js';
import { History } from './history.js';
import { renderGpuBars, renderGpuCharts, renderGpuTable } from './gpus.js';
import { renderVgpus, setupVgpuActions } from './vgpus.js';

const asked = Number(new URLSearchParams(location.search).get('refresh'));
const POLL_MILLIS = asked > 0 ? Math.min(60000, Math.max(500, asked * 1000)) : 2000;
const HIDDEN_POLL_MILLIS = 15000; // a tab nobody looks at still notices when the platform goes away
const VIEWS = ['overview', 'nodes', 'gpus', 'vgpus', 'policy', 'events'];

const history = new History(Number(document.getElementById('window').value));
let view = 'overview';
let lastGpus = [];

const $ = (id) => document.getElementById(id);

function renderEvents(tbody, events) {
  tbody.replaceChildren(...events.slice().reverse().map((e) => el('tr', {},
    el('td', { title: e.time }, time(e.time)), el('td', {}, e.kind), el('td', { class: 'mono' }, e.subject), el('td', {}, e.message))));
}

async function loadOverview() {
  const [pool, gpus, events] = await Promise.all([get('pool'), get('gpus'), get('events?max=8')]);
  const s = (k) => document.querySelector(`[data-summary="${k}"]`);
  text(s('nodes'), `${pool.nodesUp} of ${pool.nodes}`);
  text(s('gpus'), pool.gpus);
  text(s('memory'), `${mib(pool.allocatedMemoryMiB)} of ${mib(pool.memoryMiB)}`);
  s('memory').title = `${pool.allocatedMemoryMiB} MiB of ${pool.memoryMiB} MiB`;
  $('memory-meter').value = pool.memoryMiB ? pool.allocatedMemoryMiB / pool.memoryMiB : 0;
  text(s('vgpus'), pool.vgpus);
  text(s('allocations'), pool.allocations);
  text(s('policy'), pool.policy || 'none');
  renderGpuBars(gpus);
  renderEvents(document.querySelector('#overview-events tbody'), events);
}

async function loadNodes() {
  const nodes = await get('nodes');
  syncChildren(document.querySelector('#node-table tbody'), nodes, (n) => n.name,
    () => el('tr', {}, el('th', { scope: 'row' }), el('td', { class: 'mono' }), el('td'), el('td', { class: 'mono' }),
      el('td', { class: 'num' }), el('td')),
    (row, n) => {
      const c = row.cells;
      text(c[0], n.name);
      text(c[1], n.address || '–');
      text(c[2], n.state);
      c[2].className = `state-${n.state}`;
      text(c[3], Object.entries(n.transports || {}).map(([k, v]) => `${k} ${v}`).join(', ') || '–');
      text(c[4], n.gpus.length);
      text(c[5], ago(n.lastHeartbeat));
      c[5].title = n.lastHeartbeat || '';
    });
}

async function loadGpus() {
  const [gpus] = await Promise.all([get('gpus'), history.refresh()]);
  lastGpus = gpus;
  renderGpuTable(gpus);
  renderGpuCharts(gpus, history);
}

async function loadVgpus() {
  const [vgpus] = await Promise.all([get('vgpus'), history.refresh()]);
  renderVgpus(vgpus, history);
}

async function loadPolicy() {
  const [policies, active] = await Promise.all([get('policies'), get('policies/active')]);
  text($('policy-active'), active.name || 'none');
  const form = $('policy-form');
  syncChildren($('policy-list'), policies, (p) => p.name,
    (p) => el('label', {}, el('input', { type: 'radio', name: 'policy', value: p.name }), ' ', el('span')),
    (label, p) => {
      text(label.querySelector('span'), `${p.name} (${p.bundle} ${p.version})${p.detail ? ` · ${p.detail}` : ''}`);
      // Follow the policy in force until the operator picks another one here.
      if (!form.dataset.touched) label.querySelector('input').checked = p.name === active.name;
    });
}

async function loadEvents() {
  renderEvents(document.querySelector('#event-table tbody'), await get('events?max=200'));
}

const LOADERS = { overview: loadOverview, nodes: loadNodes, gpus: loadGpus, vgpus: loadVgpus, policy: loadPolicy, events: loadEvents };

let timer = null, inFlight = null, again = false;

/** Loads the view on screen now; polls continue from when it finished. */
function refresh() {
  if (inFlight) {
    again = true;
    return inFlight;
  }
  clearTimeout(timer);
  const live = $('live');
  inFlight = LOADERS[view]()
    .then(() => {
      // When the page first showed data, for whoever measures how fast it loads (the browser test does).
      if (!performance.getEntriesByName('orion-first-data').length) performance.mark('orion-first-data');
      text(live, `Live · updated ${new Date().toLocaleTimeString('en-GB')}`);
      live.classList.remove('error');
      live.removeAttribute('role');
    })
    .catch((err) => {
      text(live, `Cannot load from the platform: ${err.message}. Retrying…`);
      live.classList.add('error');
      live.setAttribute('role', 'alert');
      console.error(err);
    })
    .finally(() => {
      inFlight = null;
      if (again) {
        again = false;
        refresh();
      } else {
        timer = setTimeout(refresh, document.hidden ? HIDDEN_POLL_MILLIS : POLL_MILLIS);
      }
    });
  return inFlight;
}

function show(wanted, moveFocus) {
  view = VIEWS.includes(wanted) ? wanted : 'overview';
  for (const s of document.querySelectorAll('[data-view]')) s.hidden = s.id !== view;
  for (const a of document.querySelectorAll('nav a')) {
    if (a.getAttribute('href') === `#${view}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${document.querySelector(`#${view} h1`).textContent} · Orion vGPU portal`;
  if (moveFocus) $('main').focus();
  refresh();
}

async function selectPolicy(e) {
  e.preventDefault();
  const form = e.currentTarget;
  const chosen = form.querySelector('input[name="policy"]:checked');
  const out = $('policy-message');
  if (!chosen) {
    say(out, 'Pick a policy first.', 'error');
    return;
  }
  try {
    const answer = await api('PUT', 'policies/active', { name: chosen.value });
    say(out, `Policy in force: ${answer.name}.`, 'ok');
    delete form.dataset.touched;
  } catch (err) {
    say(out, `Refused: ${err.message}`, 'error');
  }
  refresh();
}

function start() {
  setupVgpuActions(refresh);
  $('policy-form').addEventListener('change', (e) => { e.currentTarget.dataset.touched = 'true'; });
  $('policy-form').addEventListener('submit', selectPolicy);
  $('window').addEventListener('change', (e) => {
    history.setWindow(Number(e.target.value));
    refresh();
  });
  let redraw = null;
  window.addEventListener('resize', () => {
    clearTimeout(redraw);
    redraw = setTimeout(() => view === 'gpus' && renderGpuCharts(lastGpus, history), 150);
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
  window.addEventListener('hashchange', () => show(location.hash.slice(1), true));
  show(location.hash.slice(1), false);
}

start();
