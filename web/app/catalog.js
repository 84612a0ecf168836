// Reference data (districts, centres, services, programmes, specialists),
// read once per visit of the app and shared by the pages that name things.
import { all, get } from "./api.js";

const cache = new Map();

function once(key, fetcher) {
  if (!cache.has(key)) {
    const pending = fetcher().catch((err) => {
      cache.delete(key);  // a failed read is asked again next time
      throw err;
    });
    cache.set(key, pending);
  }
  return cache.get(key);
}

const byId = (items) => Object.fromEntries(items.map((item) => [item.id, item]));

export const districts = () => once("districts", () => all("/v1/districts"));
export const centres = () => once("centres", () => all("/v1/centers"));
export const centre = (id) => once(`centre:${id}`, () => get(`/v1/centers/${encodeURIComponent(id)}`));
export const services = () => once("services", () => all("/v1/services"));
export const programmes = () => once("programmes", () => all("/v1/programmes"));
export const specialists = () => once("specialists", () => all("/v1/specialists"));

export async function index() {
  const [c, s, p, sp] = await Promise.all([centres(), services(), programmes(), specialists()]);
  return { centres: byId(c), services: byId(s), programmes: byId(p), specialists: byId(sp) };
}

// spaces are read with their centre
export async function space(id, centreId) {
  const found = centreId ? (await centre(centreId)).spaces.find((s) => s.id === id) : null;
  if (found) return found;
  for (const c of await centres()) {
    const hit = (await centre(c.id)).spaces.find((s) => s.id === id);
    if (hit) return hit;
  }
  return null;
}

export function forget() {
  cache.clear();
}
