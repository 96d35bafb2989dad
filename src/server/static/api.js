// The dashboard's client for the HTTP API: the token (sessionStorage), JSON requests that turn
// problem responses into errors, and EventSource URLs (which carry the token as ?token=).

const TOKEN_KEY = 'burrow.token';

/** The token the user supplied, or ''. */
export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

/** Stores (or, with '', forgets) the token for this browser tab. */
export function setToken(token) {
  if (token === '') sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** A refused request: carries the problem body (code, detail, ...). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls the API; resolves to the parsed JSON (or null for 204), rejects with an ApiError. */
export async function api(method, path, body) {
  const headers = {};
  const token = getToken();
  if (token !== '') headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  const data = text === '' ? null : JSON.parse(text);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

/** The URL of an event stream, with the token as a query parameter (EventSource cannot set headers). */
export function streamUrl(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  const token = getToken();
  if (token !== '') url.searchParams.set('token', token);
  return url.pathname + url.search;
}

/**
 * Runs `fn` at most once per `ms`, always once more after the last call (so the final state is never
 * missed), and never twice at the same time.
 */
export function coalesce(fn, ms) {
  let timer = null;
  let again = false;
  let running = false;
  const fire = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    try {
      await fn();
    } finally {
      running = false;
      if (again) schedule();
    }
  };
  const schedule = () => {
    if (timer === null) timer = setTimeout(fire, ms);
    else again = true;
  };
  schedule.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    again = false;
  };
  return schedule;
}
