// Who is signed in: the access token (JWT from POST /v1/auth/token) and its
// expiry, kept in localStorage so a reload stays signed in. `role` is
// "member" or "staff" (the desk uses the same sign-in with role=staff).
// An admin signs in with the ADMIN_API_KEY instead: kept in sessionStorage
// only (gone with the tab), sent as X-Api-Key, role "admin".
const STORE = "jastar.session";
const ADMIN_KEY = "jastar.admin-key";

function read() {
  try {
    return JSON.parse(localStorage.getItem(STORE)) || null;
  } catch {
    return null;
  }
}

export function current() {
  const saved = read();
  if (saved && saved.expiresAt > Date.now()) return saved;
  const key = apiKey();
  return key ? { role: "admin", apiKey: key } : null;
}

export function apiKey() {
  return sessionStorage.getItem(ADMIN_KEY);
}

export function startAdmin(key) {
  localStorage.removeItem(STORE);
  sessionStorage.setItem(ADMIN_KEY, key);
  window.dispatchEvent(new CustomEvent("jastar:session"));
}

export function token() {
  return current()?.token || null;
}

export function role() {
  return current()?.role || null;
}

export function signedIn(asRole = "member") {
  return current()?.role === asRole;
}

export function start({ access_token: token, expires_in: ttl }, role = "member", extra = {}) {
  localStorage.setItem(STORE, JSON.stringify({
    token, role, expiresAt: Date.now() + (ttl - 30) * 1000, ...extra,
  }));
  window.dispatchEvent(new CustomEvent("jastar:session"));
}

export function update(extra) {
  const saved = current();
  if (saved) localStorage.setItem(STORE, JSON.stringify({ ...saved, ...extra }));
}

// the token was refused (expired, or the account is gone)
export function expire() {
  localStorage.removeItem(STORE);
  sessionStorage.removeItem(ADMIN_KEY);
}

export function end() {
  localStorage.removeItem(STORE);
  sessionStorage.removeItem(ADMIN_KEY);
  window.dispatchEvent(new CustomEvent("jastar:session"));
}
