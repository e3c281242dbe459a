// The vGPUs view: every vGPU with its group, its client process and usage, a sparkline of its
// share of the GPU, and the actions: allocate, resize (memory, ratio) and release. Each action
// calls the REST API and shows what the API answered, a refusal's own message included.

import { api } from './api.js';
import { COLORS, drawSpark } from './chart.js';
import { bytes, count, el, mib, pct, say, syncChildren, text } from './format.js';

const SPARK_MILLIS = 60000;
/** How long a pressed Release button waits for the confirming press. */
const CONFIRM_MILLIS = 6000;

let refreshSoon = () => {};
let current = new Map();

function actionMessage(message, kind) {
  say(document.getElementById('action-message'), message, kind);
}

function makeRow() {
  const resize = el('button', { type: 'button', class: 'quiet', dataset: { action: 'resize' } }, 'Resize…');
  const release = el('button', { type: 'button', class: 'danger', dataset: { action: 'release' } }, 'Release');
  const spark = el('canvas', { class: 'spark', role: 'img' });
  return el('tr', {},
    el('th', { scope: 'row' }, el('span', { class: 'mono' }), el('br'), el('small', { class: 'mono muted' })),
    el('td'), el('td', {}, el('span'), el('br'), el('small', { class: 'mono muted' })),
    el('td', { class: 'num', dataset: { field: 'memory' } }), el('td', { class: 'num', dataset: { field: 'ratio' } }),
    el('td', { dataset: { field: 'process' } }), el('td', { class: 'num' }),
    el('td', { class: 'share' }, spark, el('span', { dataset: { field: 'share' } })),
    el('td', { class: 'num' }), el('td', { class: 'num' }), el('td', { class: 'num' }),
    el('td', { class: 'actions' }, resize, release));
}

export function renderVgpus(vgpus, history) {
  current = new Map(vgpus.map((v) => [v.id, v]));
  // The sparkline shows the last minute: a share that changes is seen in a small space.
  const to = history.now, from = to - SPARK_MILLIS;
  syncChildren(document.querySelector('#vgpu-table tbody'), vgpus, (v) => v.id, makeRow, (row, v) => {
    const u = v.usage, c = row.cells;
    text(c[0].firstChild, v.id);
    text(c[0].lastChild, v.allocationId);
    text(c[1], v.groupId || '–');
    text(c[2].firstChild, v.node);
    text(c[2].lastChild, v.gpu);
    text(c[3], mib(v.memoryMiB));
    text(c[4], pct(v.ratio));
    text(c[5], u && u.process ? u.process : 'no client');
    c[5].classList.toggle('muted', !(u && u.process));
    text(c[6], u ? mib(u.memoryUsedMiB) : '–');
    const h = history.vgpus.get(v.id) || { t: [], sharePercent: [] };
    const spark = c[7].querySelector('canvas');
    drawSpark(spark, h.t, h.sharePercent, from, to, 100, COLORS.util, history.gapMillis);
    spark.setAttribute('aria-label', `GPU share of ${v.id} over the last minute`);
    text(c[7].querySelector('[data-field="share"]'), u ? pct(u.sharePercent) : '–');
    text(c[8], u ? count(u.launches) : '–');
    text(c[9], u ? bytes(u.bytesMoved) : '–');
    text(c[10], u ? `${count(u.heldBackMillis)} ms` : '–');
    const release = c[11].querySelector('[data-action="release"]');
    if (!release.dataset.armed) text(release, 'Release');
    release.setAttribute('aria-label', `Release allocation ${v.allocationId} (every vGPU of it)`);
    c[11].querySelector('[data-action="resize"]').setAttribute('aria-label', `Resize ${v.id}`);
  });
  document.getElementById('vgpu-empty').hidden = vgpus.length > 0;
}

function openResize(v) {
  const form = document.getElementById('resize-form');
  form.dataset.vgpu = v.id;
  text(document.getElementById('resize-id'), v.id);
  document.getElementById('resize-memory').value = v.memoryMiB;
  document.getElementById('resize-ratio').value = v.ratio;
  form.hidden = false;
  document.getElementById('resize-memory').focus();
}

async function submitResize(e) {
  e.preventDefault();
  const form = e.currentTarget;
  const id = form.dataset.vgpu;
  const memoryMiB = Number(document.getElementById('resize-memory').value);
  const ratio = Number(document.getElementById('resize-ratio').value);
  try {
    const v = await api('PUT', `vgpus/${encodeURIComponent(id)}`, { memoryMiB, ratio });
    actionMessage(`Resized ${v.id} to ${mib(v.memoryMiB)} (${v.memoryMiB} MiB), ratio ${v.ratio} %.`, 'ok');
    form.hidden = true;
  } catch (err) {
    actionMessage(`Resize of ${id} refused: ${err.message}`, 'error');
  }
  refreshSoon();
}

async function release(button, v) {
  // Two presses: releasing ends the client's access to every vGPU of the allocation.
  if (!button.dataset.armed) {
    button.dataset.armed = 'true';
    text(button, 'Confirm release');
    actionMessage(`Press “Confirm release” to release allocation ${v.allocationId}.`);
    setTimeout(() => { delete button.dataset.armed; text(button, 'Release'); }, CONFIRM_MILLIS);
    return;
  }
  delete button.dataset.armed;
  try {
    await api('DELETE', `allocations/${encodeURIComponent(v.allocationId)}`);
    actionMessage(`Released allocation ${v.allocationId}.`, 'ok');
  } catch (err) {
    actionMessage(`Release of ${v.allocationId} refused: ${err.message}`, 'error');
  }
  refreshSoon();
}

async function submitAllocate(e) {
  e.preventDefault();
  const out = document.getElementById('allocate-message');
  const group = document.getElementById('allocate-group').value.trim();
  const body = {
    count: Number(document.getElementById('allocate-count').value),
    memoryMiB: Number(document.getElementById('allocate-memory').value),
    ratio: Number(document.getElementById('allocate-ratio').value),
    crossNode: document.getElementById('allocate-cross').checked,
    owner: 'portal',
  };
  if (group) body.groupId = group;
  try {
    const a = await api('POST', 'allocations', body);
    say(out, `Allocated ${a.id}: ${a.vgpus.map((v) => `${v.id} on ${v.node}/${v.gpu}`).join(', ')}.`, 'ok');
  } catch (err) {
    say(out, `Refused: ${err.message}`, 'error');
  }
  refreshSoon();
}

/** Wires the forms and buttons once; refresh is called after every action so the table shows its effect. */
export function setupVgpuActions(refresh) {
  refreshSoon = refresh;
  document.querySelector('#vgpu-table tbody').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-action]');
    if (!button) return;
    const v = current.get(button.closest('tr').dataset.id);
    if (!v) return;
    if (button.dataset.action === 'resize') openResize(v);
    else release(button, v);
  });
  document.getElementById('resize-form').addEventListener('submit', submitResize);
  document.getElementById('resize-cancel').addEventListener('click', () => {
    document.getElementById('resize-form').hidden = true;
  });
  document.getElementById('allocate-form').addEventListener('submit', submitAllocate);
}
