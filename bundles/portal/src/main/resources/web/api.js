// Calls to the platform's REST API (/api/v1, beside /portal). A refusal carries the API's own
// message, {status, error}, so the page can show exactly what the platform said.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const ROOT = new URL('../api/v1/', document.baseURI);

export async function api(method, path, body) {
  const init = { method, headers: { Accept: 'application/json' }, cache: 'no-store' };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let resp;
  try {
    resp = await fetch(new URL(path, ROOT), init);
  } catch (e) {
    throw new ApiError(0, `the platform does not answer (${e.message})`);
  }
  if (resp.status === 204) return null;
  const text = await resp.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: an error page from the web server; its text is shown below
  }
  if (!resp.ok) {
    const said = json && typeof json.error === 'string' ? json.error : text.replace(/<[^>]*>/g, ' ').trim().slice(0, 200);
    throw new ApiError(resp.status, said || `HTTP ${resp.status}`);
  }
  return json;
}

export const get = (path) => api('GET', path);
