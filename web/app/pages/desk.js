// The day list of a centre, by time, with states: check in, mark a no-show,
// approve or reject a pending space booking. Desktop first; on a tablet the
// table becomes one card per booking (style.css).
import { all, post } from "../api.js";
import { almatyDay, t, when } from "../i18n.js";
import { go } from "../router.js";
import { centrePicker, chosenCentre, member, names, whatOf } from "../desk.js";
import { banner, busy, confirmDialog, empty, errorBox, field, h, load, loading, notice, replace } from "../ui.js";

// which actions a state allows; the API still decides (its refusals are shown)
const ACTIONS = {
  confirmed: [["check-in", "desk.check_in", "primary"], ["no-show", "desk.no_show", "secondary"]],
  pending: [["approve", "desk.approve", "primary"], ["reject", "desk.reject", "danger"]],
};

export default async function deskPage({ main, query }) {
  // the title first, the rest once my centres are known
  const wait = loading();
  replace(main, h("h1", {}, t("desk.title")), wait);
  const { centre, centres } = await chosenCentre(query);
  wait.remove();
  const day = query.date || almatyDay(new Date());
  if (!centre) {
    main.append(empty(t("desk.no_centres")));
    return;
  }
  const dateInput = h("input", { type: "date", name: "date", value: day });
  const reopen = (changes) => go(`#/desk?${new URLSearchParams({ centre: centre.id, date: day, ...changes })}`);
  dateInput.addEventListener("change", () => dateInput.value && reopen({ date: dateInput.value }));
  const list = h("div", { class: "day-list", "aria-live": "polite" });
  main.append(
    h("div", { class: "toolbar" },
      centrePicker(centres, centre, (id) => reopen({ centre: id })),
      field(t("desk.date"), dateInput),
      h("a", { class: "button secondary", href: "#/desk/walk-in" }, t("desk.walk_in"))),
    ...(query.booked ? [notice(t("desk.walk_in_booked"))] : []),
    h("h2", { id: "day-h" }, when.date(`${day}T12:00:00+05:00`)),
    list);
  const fetcher = async () => {
    const [items, index] = await Promise.all([all(`/v1/centers/${encodeURIComponent(centre.id)}/day`, { date: day }), names(centre.id)]);
    const people = await Promise.all(items.map((b) => member(b.member_id)));
    return { items: items.map((b, i) => ({ ...b, person: people[i] })), index };
  };
  const draw = ({ items, index }) => {
    if (!items.length) return empty(t("desk.day_empty"));
    const sorted = [...items].sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    return h("table", { class: "day", "aria-labelledby": "day-h" },
      h("thead", {}, h("tr", {}, ...["desk.col.time", "desk.col.what", "desk.col.member", "desk.col.state", "desk.col.actions"]
        .map((key) => h("th", { scope: "col" }, t(key))))),
      h("tbody", {}, ...sorted.map((b) => row(b, index, () => load(list, fetcher, draw)))));
  };
  await load(list, fetcher, draw);
  if (query.booked) list.querySelector(`[data-booking="${CSS.escape(query.booked)}"]`)?.classList.add("highlight");
}

function row(b, index, reload) {
  const result = h("div", { class: "row-result", "aria-live": "polite" });
  const who = b.person ? [h("span", { class: "who" }, b.person.full_name), h("span", { class: "muted phone" }, b.person.phone)]
    : h("span", { class: "muted" }, t("desk.member_unknown"));
  const buttons = (ACTIONS[b.state] || []).map(([verb, label, cls]) => h("button", {
    type: "button", class: `${cls} small`, dataset: { action: verb },
    "aria-label": `${t(label)}: ${b.person?.full_name || ""} ${when.time(b.starts_at)}`.trim(),
    onclick: (event) => act(event.currentTarget, b, verb, label, result, reload),
  }, t(label)));
  return h("tr", { dataset: { booking: b.id, state: b.state, kind: b.kind } },
    h("td", { class: "time", dataset: { label: t("desk.col.time") } }, `${when.time(b.starts_at)}–${when.time(b.ends_at)}`),
    h("td", { dataset: { label: t("desk.col.what") } }, h("span", { class: "muted kind" }, t(`mine.kind.${b.kind}`)), " ", whatOf(b, index)),
    h("td", { dataset: { label: t("desk.col.member") } }, who),
    h("td", { dataset: { label: t("desk.col.state") } }, h("span", { class: `badge ${b.state}` }, t(`state.${b.state}`))),
    h("td", { class: "do", dataset: { label: t("desk.col.actions") } }, h("div", { class: "row-actions" }, ...buttons), result));
}

async function act(button, b, verb, label, result, reload) {
  let body = {};
  if (verb === "reject" || verb === "no-show") {
    const sure = await confirmDialog({
      title: t(label), body: [`${b.person?.full_name || ""} · ${when.dateTime(b.starts_at)}`, t(`desk.${verb === "reject" ? "reject" : "no_show"}_body`)],
      yes: t(label), danger: true,
    });
    if (!sure) return;
    if (verb === "reject") body = { reason: t("desk.reject_reason") };
  }
  // a repeat is harmless: the state has moved on, and the API says so (409)
  await busy(button, async () => {
    try {
      await post(`/v1/bookings/${b.id}/${verb}`, body);
      banner(t(`desk.done.${verb}`), "ok", { timeout: 5000 });
      await reload();
    } catch (err) {
      replace(result, errorBox(err, () => act(button, b, verb, label, result, reload)));
    }
  });
}
