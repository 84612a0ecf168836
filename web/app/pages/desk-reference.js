// Reference data the desk keeps up to date (PATCH /v1/admin/{kind}/{id}):
// programmes (names, places), their sessions (times, places) and the
// specialists' weekly schedules. The registry checks every change; its
// refusals come back next to the field they name.
import { api, get } from "../api.js";
import * as catalog from "../catalog.js";
import { centrePicker, chosenCentre, fresh } from "../desk.js";
import { almatyDay, list, named, t, when } from "../i18n.js";
import { go } from "../router.js";
import { banner, busy, clearErrors, empty, field, fieldErrors, h, load, loading, replace, setFieldError } from "../ui.js";

const TABS = ["programmes", "sessions", "schedules"];
const WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const ALMATY_OFFSET = "+05:00";  // Kazakhstan keeps one zone, UTC+5, with no summer time

export default async function referencePage({ main, query }) {
  // the title first, the rest once my centres are known
  const wait = loading();
  replace(main, h("h1", {}, t("desk.reference_title")), wait);
  const { centre, centres } = await chosenCentre(query);
  wait.remove();
  const tab = TABS.includes(query.tab) ? query.tab : "programmes";
  if (!centre) {
    main.append(empty(t("desk.no_centres")));
    return;
  }
  const link = (changes) => `#/desk/reference?${new URLSearchParams({ centre: centre.id, tab, ...changes })}`;
  const box = h("div", {});
  main.append(centrePicker(centres, centre, (id) => go(link({ centre: id }))),
    h("nav", { class: "tabs", "aria-label": t("desk.reference_title") }, ...TABS.map((name) => h("a", {
      class: `button ${name === tab ? "primary" : "secondary"} small`, href: link({ tab: name }), "aria-current": name === tab ? "page" : null,
    }, t(`desk.tab.${name}`)))), box);
  if (tab === "programmes") {
    await load(box, () => fresh("/v1/programmes", { centre_id: centre.id, limit: 100 }), (page) => (page.items.length
      ? h("ul", { class: "cards wide" }, ...page.items.map((p) => h("li", { class: "card", dataset: { programme: p.id } },
        h("h2", {}, named(p)), editForm("programme", p, [
          ["name_kk", t("desk.name_kk"), "text"], ["name_ru", t("desk.name_ru"), "text"], ["capacity", t("desk.capacity"), "number"]]))))
      : empty(t("desk.no_programmes"))));
  } else if (tab === "sessions") {
    await load(box, async () => {
      const page = await fresh("/v1/programmes", { centre_id: centre.id, limit: 100 });
      return Promise.all(page.items.map((p) => fresh(`/v1/programmes/${encodeURIComponent(p.id)}`)));
    }, (programmes) => (programmes.length ? programmes.map((p) => h("section", { class: "card", dataset: { programme: p.id } },
      h("h2", {}, named(p)),
      p.sessions.length ? h("ul", { class: "plain sessions" }, ...p.sessions.map((s) => h("li", { dataset: { session: s.id } },
        h("h3", {}, when.date(s.starts_at), ", ", when.time(s.starts_at)),
        editForm("session", { ...s, starts_at: local(s.starts_at), ends_at: local(s.ends_at) }, [
          ["starts_at", t("desk.starts_at"), "datetime-local"], ["ends_at", t("desk.ends_at"), "datetime-local"],
          ["capacity", t("desk.capacity"), "number"]], (data) => ({ ...data,
          starts_at: data.starts_at && `${data.starts_at}:00${ALMATY_OFFSET}`, ends_at: data.ends_at && `${data.ends_at}:00${ALMATY_OFFSET}` })))))
        : empty(t("desk.no_sessions")))) : empty(t("desk.no_programmes"))));
  } else {
    await load(box, async () => {
      const [page, specialists] = await Promise.all([get("/v1/schedules", { centre_id: centre.id, limit: 100 }), catalog.specialists()]);
      const byId = Object.fromEntries(specialists.map((s) => [s.id, s]));
      return page.items.map((s) => ({ ...s, specialist: byId[s.specialist_id] }));
    }, (schedules) => (schedules.length ? h("ul", { class: "cards wide" }, ...schedules.map((s) => h("li", { class: "card", dataset: { schedule: s.id } },
      h("h2", {}, s.specialist?.full_name || s.specialist_id),
      s.specialist ? h("p", { class: "muted" }, named(s.specialist, "title")) : null,
      weekForm(s)))) : empty(t("desk.no_schedules"))));
  }
}

// "2026-03-02T10:00" in Almaty, for a datetime-local input
function local(iso) {
  return `${almatyDay(iso)}T${when.time(iso)}`;
}

function editForm(kind, obj, inputs, shape = (data) => data) {
  const form = h("form", { class: "edit", novalidate: true, dataset: { form: `edit-${kind}` } },
    h("div", { class: "toolbar" }, ...inputs.map(([name, label, type]) => field(label, h("input", {
      name, type, value: obj[name] ?? "", id: `${kind}-${obj.id}-${name}`, min: type === "number" ? "1" : null, required: name !== "capacity",
    })))),
    h("button", { type: "submit", class: "primary small" }, t("desk.save")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = {};
    for (const [name, , type] of inputs) {
      const value = form.elements[name].value.trim();
      if (!value && name !== "capacity") return setFieldError(form, name, t("form.required"));
      if (value) data[name] = type === "number" ? Number(value) : value;
    }
    return busy(form.querySelector("[type=submit]"), async () => {
      try {
        await api("PATCH", `/v1/admin/${kind}/${encodeURIComponent(obj.id)}`, { body: shape(data) });
        catalog.forget();
        banner(t("desk.saved"), "ok", { timeout: 4000 });
      } catch (err) {
        fieldErrors(form, err);
      }
    });
  });
  return form;
}

// a week as one line a day: "09:00-13:00, 14:00-18:00" (empty: no hours)
function weekForm(schedule) {
  const weekly = schedule.weekly || {};
  const form = h("form", { class: "edit week", novalidate: true, dataset: { form: "edit-schedule" } },
    h("p", { class: "hint" }, t("desk.hours_hint")),
    h("div", { class: "week-grid" }, ...WEEK.map((day, i) => field(list("date.weekdays")[i] || day, h("input", {
      name: `weekly.${day}`, id: `schedule-${schedule.id}-${day}`, value: (weekly[day] || []).map(([a, b]) => `${a}-${b}`).join(", "),
      placeholder: t("desk.day_off"), autocomplete: "off",
    })))),
    h("input", { type: "hidden", name: "weekly", id: `schedule-${schedule.id}-weekly` }),
    h("p", { class: "field-error", id: `schedule-${schedule.id}-weekly-error`, hidden: true }),
    h("button", { type: "submit", class: "primary small" }, t("desk.save")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    const week = {};
    for (const day of WEEK) {
      const text = form.elements[`weekly.${day}`].value.trim();
      if (!text) continue;
      const spans = text.split(/\s*,\s*/).map((span) => span.split(/\s*[-–]\s*/));
      if (spans.some((span) => span.length !== 2 || !span.every((x) => /^\d{2}:\d{2}$/.test(x)) || span[0] >= span[1])) {
        return setFieldError(form, `weekly.${day}`, t("desk.hours_format"));
      }
      week[day] = spans;
    }
    return busy(form.querySelector("[type=submit]"), async () => {
      try {
        await api("PATCH", `/v1/admin/schedule/${encodeURIComponent(schedule.id)}`, { body: { weekly: week } });
        banner(t("desk.saved"), "ok", { timeout: 4000 });
      } catch (err) {
        fieldErrors(form, err);
      }
    });
  });
  return form;
}
