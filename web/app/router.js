// A hash router: "#/centre/karasai-yrc?service=jobs" -> the page registered
// for "/centre/:id", called with {params, query, main}. Each visit renders
// into a fresh container, so a slow page that answers after the user moved
// on writes into nothing.
import { t } from "./i18n.js";
import { routes } from "./routes.js";
import * as session from "./session.js";
import { errorBox, h, loading, replace } from "./ui.js";

export function parse(hash = location.hash) {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path, query: Object.fromEntries(new URLSearchParams(search)) };
}

export function match(path) {
  const parts = path.split("/").filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split("/").filter(Boolean);
    if (pattern.length !== parts.length) continue;
    const params = {};
    if (pattern.every((p, i) => (p.startsWith(":") ? (params[p.slice(1)] = decodeURIComponent(parts[i])) : p === parts[i]))) {
      return { route, params };
    }
  }
  return null;
}

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

export function here() {
  return location.hash || "#/";
}

let visit = 0;
let firstRender = true;

export async function render() {
  visit += 1;
  const mine = visit;
  const main = document.getElementById("main");
  const { path, query } = parse();
  const found = match(path);
  const view = h("div", { class: "view" });
  replace(main, view);
  if (!found) {
    replace(view, h("h1", {}, t("error.not_found_page")), h("p", {}, h("a", { href: "#/" }, t("nav.home"))));
    return settle(view, mine);
  }
  const { route, params } = found;
  const roles = [].concat(route.auth || []);  // e.g. ["staff", "admin"]: either may come in
  if (roles.length && !roles.some((role) => session.signedIn(role))) {
    const next = encodeURIComponent(here());
    const signin = roles[0] === "admin" ? "#/admin/signin?" : `#/signin?${roles[0] === "member" ? "" : `role=${roles[0]}&`}`;
    location.replace(`${signin}next=${next}`);
    return undefined;
  }
  replace(view, loading());
  try {
    const page = await route.page();
    if (mine !== visit) return undefined;
    view.replaceChildren();
    await page.default({ params, query, main: view, isCurrent: () => mine === visit });
  } catch (err) {
    if (mine === visit) replace(view, errorBox(err, render));
  }
  return settle(view, mine);
}

// the page's title is its h1; focus moves there so screen readers announce it
function settle(view, mine) {
  if (mine !== visit) return;
  const heading = view.querySelector("h1");
  document.title = heading ? `${heading.textContent} · Jastar Hub` : "Jastar Hub";
  if (!firstRender && heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: false });
  }
  firstRender = false;
  window.scrollTo(0, 0);
  document.dispatchEvent(new CustomEvent("jastar:rendered", { detail: { hash: here() } }));
}
