// Formatting and small DOM helpers shared by the views.

export function mib(v) {
  if (v == null || v < 0) return '–';
  return v >= 1024 ? `${(v / 1024).toFixed(1)} GiB` : `${Math.round(v)} MiB`;
}

export function pct(v) {
  return v == null || v < 0 ? '–' : `${Math.round(v)} %`;
}

export function count(v) {
  return v == null || v < 0 ? '–' : Math.round(v).toLocaleString('en');
}

export function bytes(v) {
  if (v == null || v < 0) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString('en-GB') : '–';
}

export function ago(iso, nowMillis = Date.now()) {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((nowMillis - Date.parse(iso)) / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

/** A new element: el('td', {class: 'num'}, 'text', child…). */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...children);
  return e;
}

/** Sets an element's text only when it changed (a screen reader or a selection is not disturbed needlessly). */
export function text(e, value) {
  const s = String(value);
  if (e.textContent !== s) e.textContent = s;
}

/**
 * Keeps a container's children (table rows, chart cards) in step with a list, by key: children of
 * items that are gone are removed, new ones made with make(item), and each updated in place with
 * fill(child, item). Elements live on between polls, so a button being pressed or focused, or a
 * canvas, survives a refresh.
 */
export function syncChildren(parent, items, key, make, fill) {
  const old = new Map([...parent.children].map((c) => [c.dataset.id, c]));
  let previous = null;
  for (const item of items) {
    const id = key(item);
    let child = old.get(id);
    if (child) old.delete(id);
    else { child = make(item); child.dataset.id = id; }
    fill(child, item);
    const wanted = previous ? previous.nextSibling : parent.firstChild;
    if (child !== wanted) parent.insertBefore(child, wanted);
    previous = child;
  }
  for (const child of old.values()) child.remove();
}

/** Shows a message; kind 'ok' or 'error' ('error' also becomes an alert for screen readers). */
export function say(target, message, kind) {
  target.textContent = message;
  target.className = `message ${kind || ''}`;
  target.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}
