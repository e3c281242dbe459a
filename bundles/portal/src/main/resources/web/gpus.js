// The GPUs view: the table (capacity, allocation, usage from the last heartbeat) and, per GPU,
// live graphs of compute utilization and memory drawn from the history.

import { COLORS, drawChart } from './chart.js';
import { el, mib, pct, syncChildren, text } from './format.js';

const table = () => document.querySelector('#gpu-table tbody');

function usageOf(g) {
  return g.usage || { utilPercent: -1, memoryUsedMiB: -1, temperatureC: -1, powerWatts: -1, memoryUtilPercent: -1 };
}

export function renderGpuTable(gpus) {
  syncChildren(table(), gpus, (g) => g.uuid,
    () => el('tr', {}, el('th', { scope: 'row', class: 'mono' }), el('td'), el('td'),
      el('td', { class: 'num' }), el('td', { class: 'num' }), el('td', { class: 'num' }),
      el('td', { class: 'num', dataset: { field: 'util' } }), el('td', { class: 'num' }),
      el('td', { class: 'num' }), el('td', { class: 'num' })),
    (row, g) => {
      const u = usageOf(g), c = row.cells;
      text(c[0], g.uuid);
      text(c[1], g.node);
      text(c[2], g.model);
      text(c[3], `${mib(g.allocatedMemoryMiB)} of ${mib(g.memoryMiB)}`);
      text(c[4], pct(g.allocatedRatio));
      text(c[5], `${g.vgpus} of ${g.vgpuSlots}`);
      text(c[6], pct(u.utilPercent));
      text(c[7], mib(u.memoryUsedMiB));
      text(c[8], u.temperatureC < 0 ? '–' : `${u.temperatureC} °C`);
      text(c[9], u.powerWatts < 0 ? '–' : `${Math.round(u.powerWatts)} W`);
    });
}

/** now / average / peak of the samples in the window, for the caption and the screen-reader label. */
function stats(values) {
  const known = values.filter((v) => v >= 0);
  if (!known.length) return null;
  return { now: known[known.length - 1], avg: known.reduce((a, b) => a + b, 0) / known.length, peak: Math.max(...known) };
}

function makeCard(g) {
  const id = g.uuid;
  const util = el('canvas', { class: 'chart', role: 'img', dataset: { chart: 'util', gpu: id } });
  const memory = el('canvas', { class: 'chart', role: 'img', dataset: { chart: 'memory', gpu: id } });
  return el('article', { class: 'chart-card', dataset: { gpu: id } },
    el('h3', {}, id),
    el('p', { class: 'sub' }, ''),
    el('figure', {}, util, el('figcaption', { dataset: { caption: 'util' } }, '')),
    el('figure', {}, memory, el('figcaption', { dataset: { caption: 'memory' } }, '')));
}

export function renderGpuCharts(gpus, history) {
  const minutes = Math.round(history.windowSeconds / 60);
  const to = history.now, from = to - history.windowSeconds * 1000, gap = history.gapMillis;
  syncChildren(document.getElementById('gpu-charts'), gpus, (g) => g.uuid, makeCard, (card, g) => {
    text(card.querySelector('.sub'), `${g.node}, GPU ${g.index} · ${g.model} · ${mib(g.memoryMiB)}`);
    const h = history.gpus.get(g.uuid) || { t: [], utilPercent: [], memoryUtilPercent: [], memoryUsedMiB: [] };
    const util = card.querySelector('canvas[data-chart="util"]');
    const memory = card.querySelector('canvas[data-chart="memory"]');
    drawChart(util, {
      from, to, yMax: 100, gapMillis: gap, label: (v) => `${v} %`,
      series: [
        { t: h.t, v: h.memoryUtilPercent, color: COLORS.memutil, dash: [5, 3] },
        { t: h.t, v: h.utilPercent, color: COLORS.util, fill: true },
      ],
    });
    drawChart(memory, {
      from, to, yMax: g.memoryMiB, gapMillis: gap, label: mib,
      series: [{ t: h.t, v: h.memoryUsedMiB, color: COLORS.memused, fill: true }],
      lines: [{ y: g.allocatedMemoryMiB, color: COLORS.alloc }],
    });

    const su = stats(h.utilPercent), sm = stats(h.memoryUsedMiB);
    const utilText = su ? `Compute utilization now ${pct(su.now)}, average ${pct(su.avg)}, peak ${pct(su.peak)}`
      : 'No utilization reported yet';
    const memText = sm ? `Memory used now ${mib(sm.now)} of ${mib(g.memoryMiB)}, peak ${mib(sm.peak)}; ${mib(g.allocatedMemoryMiB)} allocated to vGPUs`
      : `No memory use reported yet; ${mib(g.allocatedMemoryMiB)} of ${mib(g.memoryMiB)} allocated to vGPUs`;
    util.setAttribute('aria-label', `${g.uuid}: ${utilText}, over the last ${minutes} min`);
    memory.setAttribute('aria-label', `${g.uuid}: ${memText}, over the last ${minutes} min`);
    text(card.querySelector('[data-caption="util"]'), utilText);
    text(card.querySelector('[data-caption="memory"]'), memText);
  });
}

/** The overview's bars: each GPU's utilization now. */
export function renderGpuBars(gpus) {
  syncChildren(document.getElementById('gpu-bars'), gpus, (g) => g.uuid,
    () => el('li', {}, el('span', { class: 'name' }),
      el('span', { class: 'track', 'aria-hidden': 'true' }, el('span', { class: 'fill' })), el('span', { class: 'val' })),
    (li, g) => {
      const u = usageOf(g).utilPercent;
      text(li.querySelector('.name'), `${g.node} · GPU ${g.index}`);
      li.querySelector('.name').title = g.uuid;
      li.querySelector('.fill').style.width = `${Math.max(0, Math.min(100, u))}%`;
      text(li.querySelector('.val'), pct(u));
    });
}
