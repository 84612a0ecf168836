// A centre: its hours, what it offers (consultations by topic, with the
// partner who gives them), its spaces, partners, courses and events.
import * as catalog from "../catalog.js";
import { hoursLines } from "../hours.js";
import { named, t } from "../i18n.js";
import { empty, h, load, replace } from "../ui.js";

export default async function centrePage({ main, params }) {
  await load(main, () => Promise.all([catalog.centre(params.id), catalog.programmes()]), ([c, programmes]) => {
    const partners = Object.fromEntries(c.partners.map((p) => [p.id, p]));
    const planned = c.status === "planned";
    const mine = programmes.filter((p) => p.centre_id === c.id);
    return [
      h("p", { class: "crumbs" }, h("a", { href: "#/centres" }, t("nav.centres"))),
      h("h1", {}, named(c)),
      h("p", { class: "muted" }, c.address),
      planned ? h("p", { class: "badge planned" }, t("centre.opens_in", { year: c.planned_year || "" })) : null,
      c.floors || c.area_m2 ? h("p", {}, t("centre.size", { floors: c.floors || "—", area: c.area_m2 || "—" })) : null,
      planned ? null : h("section", { "aria-labelledby": "hours-h" },
        h("h2", { id: "hours-h" }, t("centre.hours")),
        h("ul", { class: "hours" }, ...hoursLines(c.opening_hours || {}).map((l) => h("li", {}, h("span", {}, l.days), " ", l.text)))),
      h("section", { "aria-labelledby": "services-h" },
        h("h2", { id: "services-h" }, t("centre.services")),
        c.services.length ? h("ul", { class: "cards" }, ...c.services.map((s) => h("li", { class: "card", dataset: { service: s.id } },
          h("h3", {}, named(s)),
          s.partner_id && partners[s.partner_id] ? h("p", { class: "muted" }, t("centre.with_partner", { partner: named(partners[s.partner_id]) })) : null,
          h("p", { class: "muted" }, t("centre.minutes", { n: s.slot_minutes })),
          planned ? null : h("a", { class: "button primary", href: `#/book?centre=${c.id}&service=${s.id}` }, t("centre.book_consultation"))))) : empty(t("centre.no_services"))),
      h("section", { "aria-labelledby": "spaces-h" },
        h("h2", { id: "spaces-h" }, t("centre.spaces")),
        c.spaces.length ? h("ul", { class: "cards" }, ...c.spaces.map((s) => spaceCard(c, s))) : empty(t("centre.no_spaces"))),
      mine.length ? h("section", { "aria-labelledby": "prog-h" },
        h("h2", { id: "prog-h" }, t("centre.programmes")),
        h("ul", { class: "cards" }, ...mine.map((p) => h("li", { class: "card" },
          h("h3", {}, h("a", { href: `#/programme/${p.id}` }, named(p))),
          h("p", { class: "muted" }, t(`programme.kind.${p.kind}`)))))) : null,
      c.partners.length ? h("section", { "aria-labelledby": "partners-h" },
        h("h2", { id: "partners-h" }, t("centre.partners")),
        h("ul", { class: "plain" }, ...c.partners.map((p) => h("li", {}, named(p),
          p.website ? [" · ", h("a", { href: p.website, rel: "noopener noreferrer", target: "_blank" }, p.website.replace(/^https?:\/\//, ""))] : null)))) : null,
    ];
  });
}

function spaceCard(c, s) {
  const open = s.status === "open" && c.status === "open";
  return h("li", { class: "card", dataset: { space: s.id } },
    h("h3", {}, named(s)),
    h("p", { class: "muted" }, t(`space.kind.${s.kind}`), " · ", t("space.capacity", { n: s.capacity })),
    s.equipment?.length ? h("p", { class: "muted" }, s.equipment.join(", ")) : null,
    s.needs_approval ? h("p", { class: "badge info" }, t("space.needs_approval")) : null,
    open && s.kind !== "consultation_room"
      ? h("a", { class: "button secondary", href: `#/space/${s.id}?centre=${c.id}` }, t("space.book_hours"))
      : (s.status === "planned" ? h("p", { class: "badge planned" }, s.opens_on ? t("space.opens_on", { date: s.opens_on }) : t("space.opens_soon")) : null));
}
