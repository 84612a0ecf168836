// Who is signed in: the access token (JWT from POST /v1/auth/token) and its
// expiry, kept in localStorage so a reload stays signed in. `role` is
// "member" or "staff" (the desk uses the same sign-in with role=staff).
const STORE = "jastar.session";

function read() {
  try {
    return JSON.parse(localStorage.getItem(STORE)) || null;
  } catch {
    return null;
  }
}

export function current() {
  const saved = read();
  if (!saved || saved.expiresAt <= Date.now()) return null;
  return saved;
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
}

export function end() {
  localStorage.removeItem(STORE);
  window.dispatchEvent(new CustomEvent("jastar:session"));
}
