// Start: the language (asked once, then remembered), the header, the router,
// and what the app says about the connection and the session.
import { catalogue, LANGUAGES, language, storedLanguage, t, useLanguage } from "./i18n.js";
import { nav } from "./routes.js";
import { go, here, match, parse, render } from "./router.js";
import * as session from "./session.js";
import { banner, h, replace } from "./ui.js";

async function chooseLanguage() {
  // each language's name in its own words, from its own catalogue
  const names = {};
  for (const lang of LANGUAGES) {
    const messages = await catalogue(lang);
    names[lang] = { self: messages["lang.self"], prompt: messages["lang.choose"] };
  }
  const main = document.getElementById("main");
  return new Promise((resolve) => {
    replace(main, h("section", { class: "chooser", "aria-labelledby": "choose-title" },
      h("h1", { id: "choose-title" }, "Jastar Hub"),
      ...LANGUAGES.map((lang) => h("p", { lang }, names[lang].prompt)),
      h("div", { class: "chooser-buttons" }, ...LANGUAGES.map((lang) => h("button", {
        type: "button", class: "primary big", lang, dataset: { lang },
        onclick: async () => {
          await useLanguage(lang);
          resolve();
        },
      }, names[lang].self)))));
    firstRender();
  });
}

export function header() {
  const top = document.getElementById("top");
  const role = session.signedIn("member") ? "member" : session.role() || "anonymous";
  const items = nav[role] || nav.anonymous;
  const current = parse().path;
  // the menu item for this page: the longest href this path starts with ("/desk/walk-in", not "/desk")
  const active = items.map((item) => item.href.slice(1))
    .filter((path) => current === path || current.startsWith(`${path}/`) || (path.length > 1 && current.startsWith(path)))
    .sort((a, b) => b.length - a.length)[0];
  const other = LANGUAGES.find((lang) => lang !== language());
  const signedIn = Boolean(session.current());
  replace(top,
    h("a", { class: "brand", href: "#/" }, h("span", { class: "logo", "aria-hidden": "true" }, "J"), "Jastar Hub"),
    h("nav", { "aria-label": t("nav.label") }, h("ul", {}, ...items.map((item) => h("li", {},
      h("a", { href: item.href, "aria-current": item.href.slice(1) === active ? "page" : null }, t(item.label)))))),
    h("div", { class: "top-actions" },
      h("button", {
        type: "button", class: "link", lang: other, dataset: { lang: other }, title: t("lang.switch_to"),
        onclick: async () => {
          await useLanguage(other);
          header();
          render();
        },
      }, t(`lang.name.${other}`)),
      signedIn
        ? h("button", { type: "button", class: "link", onclick: signOut }, t("nav.sign_out"))
        : current === "/signin" ? null : h("a", { href: `#/signin?next=${encodeURIComponent(here())}`, class: "button secondary small" }, t("nav.sign_in"))));
  document.querySelector(".skip").textContent = t("nav.skip");
}

function signOut() {
  session.end();
  go("#/");
}

function watchConnection() {
  window.addEventListener("offline", () => banner(t("error.offline"), "error"));
  window.addEventListener("online", () => banner(t("common.back_online"), "ok", { timeout: 4000 }));
  window.addEventListener("jastar:session-expired", () => {
    banner(t("auth.expired"), "info", { timeout: 8000 });
    header();
    // what was typed stays in its form's draft (forms.js); come back here after
    const { path } = parse();
    const roles = [].concat(match(path)?.route.auth || []);
    if (roles.length && !roles.includes("member")) render();  // the router asks the desk's or admin's sign-in
    else if (!path.startsWith("/signin")) {
      location.replace(`#/signin?next=${encodeURIComponent(here())}`);
    }
  });
  window.addEventListener("jastar:session", header);
}

async function start() {
  const saved = storedLanguage();
  if (saved) await useLanguage(saved);
  else await chooseLanguage();
  header();
  watchConnection();
  window.addEventListener("hashchange", () => {
    header();
    render();
  });
  await render();
  document.body.dataset.ready = "true";  // for tests and the load benchmark
  firstRender();
}

// bench/web_load.py reads this mark: the first page (the language chooser on
// a first visit, else the page asked for, its data loaded) is on screen
function firstRender() {
  if (!performance.getEntriesByName("jastar:first-render").length) performance.mark("jastar:first-render");
}

start();
