// The desk's common ground: which centres are mine (staff: my account's
// centres, GET /v1/staff/me; an admin: all open centres), the centre I work
// at today (remembered on this device), and the day list's small helpers.
import { api, get } from "./api.js";
import * as catalog from "./catalog.js";
import { named, t } from "./i18n.js";
import * as session from "./session.js";
import { field, h } from "./ui.js";

const CHOSEN = "jastar.desk.centre";
let mine = null;

export async function myCentres() {
  if (!mine) {
    const centres = await catalog.centres();
    let ids = null;
    if (session.role() !== "admin") ids = (await get("/v1/staff/me")).centre_ids;
    else {
      // a staff account with the admin role has an account; the admin key has none
      ids = session.token() ? (await get("/v1/staff/me").catch(() => null))?.centre_ids : null;
    }
    mine = ids && ids.length ? centres.filter((c) => ids.includes(c.id)) : centres.filter((c) => c.status === "open");
  }
  return mine;
}

window.addEventListener("jastar:session", () => { mine = null; });

export async function chosenCentre(query = {}) {
  const centres = await myCentres();
  const wanted = query.centre || localStorage.getItem(CHOSEN);
  const centre = centres.find((c) => c.id === wanted) || centres[0] || null;
  if (centre) localStorage.setItem(CHOSEN, centre.id);
  return { centre, centres };
}

// a <select> of my centres; choosing one calls onChange(id)
export function centrePicker(centres, current, onChange) {
  const select = h("select", { name: "centre", onchange: (event) => {
    localStorage.setItem(CHOSEN, event.target.value);
    onChange(event.target.value);
  } }, ...centres.map((c) => h("option", { value: c.id, selected: c.id === current?.id }, named(c))));
  return field(t("desk.centre"), select);
}

// reference data as it is now: the desk edits it, so the browser's copy
// (cached a minute for everyone else) is checked again (a 304 when unchanged)
export const fresh = (path, query) => api("GET", path, { query, cache: "no-cache" });

// who a booking is for: the member's name and phone (staff may read them)
const people = new Map();
export function member(id) {
  if (!id) return Promise.resolve(null);
  if (!people.has(id)) people.set(id, get(`/v1/members/${encodeURIComponent(id)}`).catch(() => null));
  return people.get(id);
}

// what a booking is: a service, a space or a programme, by name
export async function names(centreId) {
  const [index, centre] = await Promise.all([catalog.index(), catalog.centre(centreId)]);
  index.spaces = Object.fromEntries(centre.spaces.map((s) => [s.id, s]));
  return index;
}

export function whatOf(b, index) {
  if (b.kind === "consultation") return named(index.services[b.service_id]) || b.service_id;
  if (b.kind === "seat") return named(index.programmes[b.programme_id]) || b.programme_id;
  return named(index.spaces[b.space_id]) || b.space_id;
}
