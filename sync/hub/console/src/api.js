// Talks to kiosk-hub's staff API (staff_server.h): the session cookie is
// HttpOnly and sent by the browser; every change carries the session's CSRF
// token in X-CSRF-Token. A 401 sends the user back to the sign-in page.

let csrf = '';
let onSignedOut = () => {};

export function setCsrf(token) { csrf = token || ''; }
export function whenSignedOut(fn) { onSignedOut = fn; }

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRF-Token'] = csrf;
  }
  const res = await fetch(`/staff/api/${path}`, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? (method === 'GET' ? undefined : '{}') : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { error: text }; }
  if (!res.ok) {
    if (res.status === 401 && path !== 'login') onSignedOut();
    throw new ApiError(res.status, data?.error || `${res.status} ${res.statusText}`);
  }
  return data;
}

export const api = {
  get: (path) => call('GET', path),
  post: (path, body) => call('POST', path, body),
};

// A file the hub sends as an attachment (CSV, provisioning file), saved by
// the browser under `name`.
export function saveBlob(blob, name) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
