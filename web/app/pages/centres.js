// Districts and their centres: open ones with their hours, planned ones
// with the year they open.
import * as catalog from "../catalog.js";
import { hoursLines, openNow } from "../hours.js";
import { named, number, t } from "../i18n.js";
import { go } from "../router.js";
import { empty, field, h, load, replace } from "../ui.js";

export default async function centresPage({ main, query }) {
  const list = h("div", { class: "centres", "aria-live": "polite" });
  replace(main, h("h1", {}, t("centres.title")), h("p", { class: "lead" }, t("centres.lead")), list);
  await load(list, () => Promise.all([catalog.districts(), catalog.centres()]), ([districts, centres]) => {
    const select = h("select", { name: "district", onchange: () => go(select.value ? `#/centres?district=${select.value}` : "#/centres") },
      h("option", { value: "" }, t("centres.all_districts")),
      ...districts.map((d) => h("option", { value: d.id, selected: d.id === query.district }, named(d))));
    const shown = districts.filter((d) => !query.district || d.id === query.district);
    const sections = shown.map((d) => {
      const here = centres.filter((c) => c.district_id === d.id);
      if (!here.length) return null;
      return h("section", { class: "district", "aria-labelledby": `d-${d.id}` },
        h("h2", { id: `d-${d.id}` }, named(d)),
        d.youth_population ? h("p", { class: "muted" }, t("centres.youth", { n: number(d.youth_population) })) : null,
        h("ul", { class: "cards" }, ...here.map(centreCard)));
    }).filter(Boolean);
    return [h("div", { class: "filters" }, field(t("centres.district"), select)),
      sections.length ? sections : empty(t("centres.none"))];
  });
}

function centreCard(c) {
  const planned = c.status === "planned";
  const open = !planned && openNow(c.opening_hours || {});
  return h("li", { class: `card centre ${c.status}`, dataset: { centre: c.id } },
    h("h3", {}, h("a", { href: `#/centre/${c.id}` }, named(c))),
    h("p", { class: "muted" }, c.address),
    planned
      ? h("p", { class: "badge planned" }, t("centre.opens_in", { year: c.planned_year || "" }))
      : h("div", {},
        h("p", { class: `badge ${open ? "open" : "closed"}` }, t(open ? "centre.open_now" : "centre.closed_now")),
        h("ul", { class: "hours" }, ...hoursLines(c.opening_hours || {}).map((line) => h("li", {}, h("span", {}, line.days), " ", line.text)))));
}
