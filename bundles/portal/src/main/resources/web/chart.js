// Time-series charts drawn on <canvas>: a few hundred points per chart, redrawn on every poll,
// which a canvas does in well under a millisecond and without any library. Series colours are
// fixed values (the CSS legend uses the same) so that a series is recognisable in a screenshot.

export const COLORS = { util: '#1d4ed8', memutil: '#c2410c', memused: '#047857', alloc: '#6b7280' };

/** Sizes the canvas's backing store to its CSS box and the screen's pixel ratio; returns the 2D context. */
function prepare(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || canvas.width;
  const h = canvas.clientHeight || canvas.height;
  const bw = Math.round(w * ratio), bh = Math.round(h * ratio);
  if (canvas.width !== bw) canvas.width = bw;
  if (canvas.height !== bh) canvas.height = bh;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return { ctx, w, h };
}

/**
 * Splits a series into runs of known, close-together samples: a value below 0 (the server could
 * not read it) or a pause longer than gapMillis (no heartbeat came) ends a run, so the line breaks
 * there instead of bridging what nobody measured.
 */
export function runs(t, v, from, gapMillis) {
  const out = [];
  let run = [];
  for (let i = 0; i < t.length; i++) {
    if (t[i] < from) continue;
    const broken = run.length && t[i] - run[run.length - 1][0] > gapMillis;
    if (v[i] < 0 || broken) {
      if (run.length) out.push(run);
      run = [];
      if (v[i] < 0) continue;
    }
    run.push([t[i], v[i]]);
  }
  if (run.length) out.push(run);
  return out;
}

function strokeRuns(ctx, parts, x, y, s, floor) {
  ctx.setLineDash(s.dash || []);
  ctx.strokeStyle = s.color;
  ctx.fillStyle = s.color;
  for (const r of parts) {
    if (s.fill) {
      ctx.globalAlpha = 0.16;
      ctx.beginPath();
      ctx.moveTo(x(r[0][0]), floor);
      for (const [t, v] of r) ctx.lineTo(x(t), y(v));
      ctx.lineTo(x(r[r.length - 1][0]), floor);
      ctx.closePath();
      ctx.fill();
      ctx.globalAlpha = 1;
    }
    if (r.length === 1) {
      ctx.fillRect(x(r[0][0]) - 2, y(r[0][1]) - 2, 4, 4);
      continue;
    }
    ctx.beginPath();
    r.forEach(([t, v], i) => (i ? ctx.lineTo(x(t), y(v)) : ctx.moveTo(x(t), y(v))));
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

/**
 * Draws a chart: c = {from, to (epoch ms), yMax, label(v) for the axis, gapMillis,
 * series: [{t, v, color, dash, fill}], lines: [{y, color, dash}]}. Returns how many samples it drew.
 */
export function drawChart(canvas, c) {
  const { ctx, w, h } = prepare(canvas);
  const css = getComputedStyle(canvas);
  const ink = css.getPropertyValue('--muted').trim() || '#4b5563';
  const grid = css.getPropertyValue('--line').trim() || '#d5d9e0';
  const pad = { l: 58, r: 10, t: 8, b: 20 };
  const pw = Math.max(10, w - pad.l - pad.r), ph = Math.max(10, h - pad.t - pad.b);
  const span = Math.max(1, c.to - c.from), top = c.yMax > 0 ? c.yMax : 1;
  const x = (t) => pad.l + ((t - c.from) / span) * pw;
  const y = (v) => pad.t + ph - (Math.min(Math.max(v, 0), top) / top) * ph;

  ctx.font = '11px system-ui, "DejaVu Sans", sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = grid;
  ctx.fillStyle = ink;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4, yy = Math.round(y(v)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(pad.l, yy);
    ctx.lineTo(pad.l + pw, yy);
    ctx.stroke();
    ctx.fillText(c.label ? c.label(v) : String(v), pad.l - 6, yy);
  }
  ctx.textBaseline = 'alphabetic';
  const minutes = span / 60000;
  ctx.textAlign = 'left';
  ctx.fillText(minutes >= 1 ? `−${Math.round(minutes)} min` : `−${Math.round(span / 1000)} s`, pad.l, h - 5);
  ctx.textAlign = 'right';
  ctx.fillText('now', pad.l + pw, h - 5);

  ctx.save();
  ctx.beginPath();
  ctx.rect(pad.l, pad.t - 2, pw, ph + 4);
  ctx.clip();
  for (const l of c.lines || []) {
    ctx.setLineDash(l.dash || [6, 4]);
    ctx.strokeStyle = l.color;
    ctx.lineWidth = 1.5;
    const yy = Math.round(y(l.y)) + 0.5;
    ctx.beginPath();
    ctx.moveTo(pad.l, yy);
    ctx.lineTo(pad.l + pw, yy);
    ctx.stroke();
  }
  ctx.setLineDash([]);
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  let drawn = 0;
  for (const s of c.series) {
    const parts = runs(s.t, s.v, c.from, c.gapMillis);
    parts.forEach((r) => (drawn += r.length));
    strokeRuns(ctx, parts, x, y, s, pad.t + ph);
  }
  ctx.restore();
  if (drawn === 0) {
    ctx.fillStyle = ink;
    ctx.textAlign = 'center';
    ctx.fillText('No samples yet', pad.l + pw / 2, pad.t + ph / 2 - 12);
  }
  return drawn;
}

/** A small line without axes, for a table cell. */
export function drawSpark(canvas, t, v, from, to, yMax, color, gapMillis) {
  const { ctx, w, h } = prepare(canvas);
  const span = Math.max(1, to - from);
  const x = (tt) => 1 + ((tt - from) / span) * (w - 2);
  const y = (vv) => h - 2 - (Math.min(Math.max(vv, 0), yMax) / yMax) * (h - 4);
  ctx.lineWidth = 1.5;
  const parts = runs(t, v, from, gapMillis);
  strokeRuns(ctx, parts, x, y, { color, fill: true }, h - 1);
  return parts.reduce((n, r) => n + r.length, 0);
}
