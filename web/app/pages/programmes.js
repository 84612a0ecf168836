// Courses, events and trainings across the centres.
import * as catalog from "../catalog.js";
import { named, t } from "../i18n.js";
import { empty, h, load, replace } from "../ui.js";

export default async function programmesPage({ main, query }) {
  const list = h("div", {});
  replace(main, h("h1", {}, t("programmes.title")), list);
  await load(list, () => Promise.all([catalog.programmes(), catalog.centres()]), ([programmes, centres]) => {
    const shown = programmes.filter((p) => p.status === "open" && (!query.centre || p.centre_id === query.centre));
    if (!shown.length) return empty(t("programmes.none"));
    const centreOf = Object.fromEntries(centres.map((c) => [c.id, c]));
    return h("ul", { class: "cards" }, ...shown.map((p) => h("li", { class: "card", dataset: { programme: p.id } },
      h("p", { class: "muted" }, t(`programme.kind.${p.kind}`), p.is_free ? ` · ${t("programme.free")}` : ""),
      h("h2", {}, h("a", { href: `#/programme/${p.id}` }, named(p))),
      p.target_group ? h("p", { class: "badge info" }, t(`programme.for_group.${p.target_group}`)) : null,
      named(p, "description") ? h("p", {}, named(p, "description")) : null,
      centreOf[p.centre_id] ? h("p", { class: "muted" }, named(centreOf[p.centre_id])) : null)));
  });
}
