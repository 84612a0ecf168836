// The one way to the public /v1 API (same origin). Problems come back as a
// Problem (status, code, title in the user's language, fields at fault); a
// lost connection as Offline; a 401 on a signed-in call ends the session and
// tells the app, which asks to sign in again (what was typed is kept: forms.js).
import { language } from "./i18n.js";
import * as session from "./session.js";

export class Problem extends Error {
  constructor(status, body) {
    super(body.detail || body.title || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || "error";
    this.title = body.title || "";
    this.detail = body.detail || "";
    this.fields = body.fields || {};
    this.body = body;
  }
}

export class Offline extends Error {}

export async function api(method, path, { body, query, idempotencyKey, signal, cache } = {}) {
  let url = path;
  if (query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== "") params.set(key, value);
    }
    if ([...params].length) url += `?${params}`;
  }
  const headers = { Accept: "application/json", ...credentials() };
  const token = headers.Authorization || headers["X-Api-Key"];
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(url, {
      method, headers, signal, cache, body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new Offline(err.message);
  }
  if (response.status === 204) return null;
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json().catch(() => ({})) : {};
  if (!response.ok) {
    const problem = new Problem(response.status, data);
    if (response.status === 401 && token) {
      session.expire();
      window.dispatchEvent(new CustomEvent("jastar:session-expired"));
    }
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      problem.retryable = true;
    }
    throw problem;
  }
  return data;
}

// who is asking, and in which language: a member's or staff's token, or an admin's key
export function credentials() {
  const headers = { "Accept-Language": language() || "ru" };
  const token = session.token();
  const key = session.apiKey();
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (key) headers["X-Api-Key"] = key;
  return headers;
}

export const get = (path, query) => api("GET", path, { query });

// A file the API makes for the signed-in member (a booking's .ics): fetched
// with the token, then saved by the browser under `filename`.
export async function download(path, filename) {
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${session.token()}`, "Accept-Language": language() || "ru" } });
  } catch (err) {
    throw new Offline(err.message);
  }
  if (!response.ok) throw new Problem(response.status, await response.json().catch(() => ({})));
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
export const post = (path, body, options = {}) => api("POST", path, { body: body ?? {}, ...options });

// Every page of a list ({items, total, limit, offset}), 100 at a time, up to
// `max` items (bounded, so a runaway total cannot loop): reference lists and a
// fortnight of free slots. Open-ended lists (my bookings, my messages) read
// page by page with a "more" control instead (pager).
export async function all(path, query = {}, { max = 2000 } = {}) {
  const items = [];
  for (;;) {
    const page = await get(path, { ...query, limit: 100, offset: items.length });
    items.push(...page.items);
    if (!page.items.length || page.total === undefined || items.length >= page.total || items.length >= max) return items;
  }
}

// An open-ended list read a page at a time: `await next()` gives the next
// page's items; `done` once the list's total is read.
export function pager(path, query = {}, limit = 20) {
  let offset = 0;
  let total = Infinity;
  return {
    get done() {
      return offset >= total;
    },
    async next() {
      const page = await get(path, { ...query, limit, offset });
      offset += page.items.length;
      total = page.items.length ? page.total : offset;
      return page.items;
    },
  };
}

// One Idempotency-Key per user intent (e.g. "book jobs at 10:00"): made the
// first time, reused by every retry of that intent, dropped once it is done,
// so a retry after a lost answer never books twice.
const INTENTS = "jastar.intents";
function intents() {
  try {
    return JSON.parse(sessionStorage.getItem(INTENTS)) || {};
  } catch {
    return {};
  }
}
export function intentKey(intent) {
  const known = intents();
  if (!known[intent]) {
    known[intent] = randomId();
    sessionStorage.setItem(INTENTS, JSON.stringify(known));
  }
  return known[intent];
}
export function intentDone(intent) {
  const known = intents();
  delete known[intent];
  sessionStorage.setItem(INTENTS, JSON.stringify(known));
}

export function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
