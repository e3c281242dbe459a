// The graphs' data: GET /api/v1/portal/history, kept in the page and topped up on every poll
// with only what is new (the 'after' parameter), so a poll moves a few numbers, not the window.

import { get } from './api.js';

const GPU_FIELDS = ['utilPercent', 'memoryUtilPercent', 'memoryUsedMiB', 'temperatureC', 'powerWatts'];
const VGPU_FIELDS = ['sharePercent', 'memoryUsedMiB', 'launchesPerSecond', 'bytesPerSecond', 'heldBackMillisPerSecond'];

function merge(store, answered, key, fields, cutoff) {
  const seen = new Set();
  for (const s of answered) {
    const id = s[key];
    seen.add(id);
    let have = store.get(id);
    if (!have) {
      have = { ...s, t: [] };
      for (const f of fields) have[f] = [];
      store.set(id, have);
    }
    const last = have.t.length ? have.t[have.t.length - 1] : -Infinity;
    for (let i = 0; i < s.t.length; i++) {
      if (s.t[i] <= last) continue; // asked with some overlap: a sample already held
      have.t.push(s.t[i]);
      for (const f of fields) have[f].push(s[f][i]);
    }
    let old = 0;
    while (old < have.t.length && have.t[old] < cutoff) old++;
    if (old) {
      have.t.splice(0, old);
      for (const f of fields) have[f].splice(0, old);
    }
  }
  for (const id of [...store.keys()]) if (!seen.has(id)) store.delete(id); // left the pool
}

export class History {
  constructor(windowSeconds = 300) {
    this.windowSeconds = windowSeconds;
    this.gpus = new Map();
    this.vgpus = new Map();
    this.meta = null;
  }

  setWindow(seconds) {
    if (seconds === this.windowSeconds) return;
    this.windowSeconds = seconds;
    this.gpus.clear();
    this.vgpus.clear();
    this.meta = null;
  }

  /** Right edge of the graphs: the controller's clock at the last answer. */
  get now() {
    return this.meta ? this.meta.now : Date.now();
  }

  /** Longest pause between two samples that is still drawn as one line. */
  get gapMillis() {
    const m = this.meta;
    return m ? 2.5 * Math.max(m.heartbeatMillis, m.sampleMillis) : 15000;
  }

  async refresh() {
    let query = `portal/history?seconds=${this.windowSeconds}`;
    if (this.meta) {
      // A heartbeat is stamped when it arrives and sampled up to one sampling interval later:
      // ask again from a little before the last answer, and drop what is already held.
      const after = this.meta.now - 2 * this.meta.sampleMillis - 1000;
      if (after > 0) query += `&after=${after}`;
    }
    const asked = this.windowSeconds;
    const h = await get(query);
    if (asked !== this.windowSeconds) return this; // the window changed meanwhile: the next poll starts afresh
    const cutoff = h.now - h.windowSeconds * 1000;
    merge(this.gpus, h.gpus, 'uuid', GPU_FIELDS, cutoff);
    merge(this.vgpus, h.vgpus, 'id', VGPU_FIELDS, cutoff);
    this.meta = h;
    return this;
  }
}
