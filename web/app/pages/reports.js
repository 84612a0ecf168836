// Reports for staff (their centres) and admins (all): a period of Almaty
// days, a centre or all, the headline figures, a line chart of each day and
// a bar chart of consultations by service (charts.js, inline SVG), and any
// report as a CSV download (counts below 5 come suppressed from the API).
import { credentials, get, Problem } from "../api.js";
import * as catalog from "../catalog.js";
import { barChart, lineChart } from "../charts.js";
import { myCentres } from "../desk.js";
import { almatyDay, named, number, t, when } from "../i18n.js";
import { go, render } from "../router.js";
import { busy, clearErrors, empty, errorBox, field, fieldErrors, h, loading, replace, setFieldError } from "../ui.js";

const REPORTS = ["overview", "daily", "reach", "consultations", "specialists", "spaces", "waitlists", "waiting", "members"];
const DAY = 86400000;

function period(query) {
  const today = almatyDay(new Date());
  const shift = (iso, days) => almatyDay(new Date(Date.parse(`${iso}T12:00:00+05:00`) + days * DAY));
  if (query.from && query.to) return { from: query.from, to: query.to };
  return { from: shift(today, -29), to: today };
}

export default async function reportsPage({ main, query }) {
  // the title first, the rest once my centres are known
  const wait = loading();
  replace(main, h("h1", {}, t("reports.title")), wait);
  const centres = await myCentres();
  wait.remove();
  const { from, to } = period(query);
  const centreId = query.centre || "";

  const fromInput = h("input", { type: "date", name: "from", value: from, required: true });
  const toInput = h("input", { type: "date", name: "to", value: to, required: true });
  const centreSelect = h("select", { name: "centre_id" },
    h("option", { value: "" }, t("reports.all_centres")),
    ...centres.map((c) => h("option", { value: c.id, selected: c.id === centreId }, named(c))));
  const form = h("form", { class: "toolbar period", novalidate: true, dataset: { form: "period" } },
    field(t("reports.from"), fromInput), field(t("reports.to"), toInput), field(t("desk.centre"), centreSelect),
    h("button", { type: "submit", class: "primary" }, t("reports.show")));
  const presets = h("div", { class: "chips presets", role: "group", "aria-label": t("reports.presets") },
    ...[[7, "reports.last_7"], [30, "reports.last_30"], [90, "reports.last_90"]].map(([days, key]) => h("button", {
      type: "button", class: "secondary small", onclick: () => {
        const today = almatyDay(new Date());
        open({ from: almatyDay(new Date(Date.parse(`${today}T12:00:00+05:00`) - (days - 1) * DAY)), to: today, centre: centreSelect.value });
      },
    }, t(key))));
  const open = (q) => go(`#/reports?${new URLSearchParams(Object.fromEntries(Object.entries(q).filter(([, v]) => v)))}`);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    if (!fromInput.value) return setFieldError(form, "from", t("form.required"));
    if (!toInput.value) return setFieldError(form, "to", t("form.required"));
    if (fromInput.value > toInput.value) return setFieldError(form, "to", t("reports.to_before_from"));
    return open({ from: fromInput.value, to: toInput.value, centre: centreSelect.value });
  });
  const box = h("div", { class: "reports", "aria-live": "polite" });
  main.append(form, presets, box, downloads({ from, to, centreId }));

  const q = { from, to, centre_id: centreId || undefined };
  replace(box, loading());
  try {
    const [overview, daily, consultations, reach, services, districts] = await Promise.all([
      get("/v1/reports/overview", q), get("/v1/reports/daily", q), get("/v1/reports/consultations", q),
      get("/v1/reports/reach", q), catalog.services(), catalog.districts()]);
    replace(box, figures({ overview, daily, consultations, services }, from, to), reachTable(reach, districts));
  } catch (err) {
    replace(box, errorBox(err, render));
    // a refused period (say, more than a year) names its fields: shown by the inputs
    if (err instanceof Problem && Object.keys(err.fields).length) fieldErrors(form, err);
  }
}

function sum(rows, key) {
  return rows.reduce((total, row) => total + (typeof row[key] === "number" ? row[key] : 0), 0);
}

function figures({ overview, daily, consultations, services }, from, to) {
  const rows = overview.rows;
  if (!rows.length && !daily.rows.length) return empty(t("reports.empty"));
  const bookings = sum(rows, "bookings");
  const served = sum(rows, "served");
  const noShows = sum(rows, "no_shows");
  const rate = served + noShows ? noShows / (served + noShows) : null;
  const percent = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000) / 10}%`);
  const tiles = [
    ["reports.bookings", number(bookings)], ["reports.served", number(served)],
    ["reports.members_served", number(sum(rows, "members_served"))], ["reports.new_members", number(sum(rows, "new_members"))],
    ["reports.no_show_rate", percent(rate)], ["reports.cancelled", number(sum(rows, "cancelled"))],
  ];
  // every day of the period, those without bookings at 0
  const days = [];
  for (let d = Date.parse(`${from}T12:00:00+05:00`); d <= Date.parse(`${to}T12:00:00+05:00`); d += DAY) days.push(almatyDay(new Date(d)));
  const perDay = (key) => days.map((day) => sum(daily.rows.filter((r) => r.date === day), key));
  const byService = {};
  for (const row of consultations.rows) {
    const one = (byService[row.service_id] ||= { consultations: 0, served: 0, no_shows: 0 });
    for (const key of Object.keys(one)) one[key] += typeof row[key] === "number" ? row[key] : 0;
  }
  const serviceNames = Object.fromEntries(services.map((s) => [s.id, named(s)]));
  const serviceIds = Object.keys(byService);
  return [
    h("dl", { class: "tiles" }, ...tiles.map(([key, value]) => h("div", { class: "tile" }, h("dt", {}, t(key)), h("dd", {}, value)))),
    h("div", { class: "charts" },
      lineChart({
        title: t("reports.chart_daily"), labels: days, tick: (day) => when.day(`${day}T12:00:00+05:00`), tableLabel: t("reports.as_table"),
        series: [{ name: t("reports.bookings"), values: perDay("bookings") }, { name: t("reports.served"), values: perDay("served") }],
      }),
      serviceIds.length ? barChart({
        title: t("reports.chart_services"), labels: serviceIds.map((id) => serviceNames[id] || id), tableLabel: t("reports.as_table"),
        series: [{ name: t("reports.consultations"), values: serviceIds.map((id) => byService[id].consultations) },
          { name: t("reports.served"), values: serviceIds.map((id) => byService[id].served) },
          { name: t("reports.no_shows"), values: serviceIds.map((id) => byService[id].no_shows) }],
      }) : empty(t("reports.no_consultations"))),
  ];
}

// Reach against the youth population (the region, its districts): a share
// where the population is known, "unknown" where it is not (never 0)
function reachTable(reach, districts) {
  const rows = reach.rows.filter((r) => r.level !== "centre" && (r.level === "region" || r.members_served || r.youth_population));
  if (!rows.length) return null;
  const names = Object.fromEntries(districts.map((d) => [d.id, named(d)]));
  const share = (r) => (r.share_of_youth === null || r.share_of_youth === undefined ? t("reports.unknown")
    : `${(r.share_of_youth * 100).toLocaleString("ru-RU", { maximumFractionDigits: 3 })}%`);
  const count = (v) => (typeof v === "number" ? number(v) : v ?? t("reports.unknown"));
  return h("section", { class: "reach", "aria-labelledby": "reach-h" },
    h("h2", { id: "reach-h" }, t("reports.reach_title")),
    h("table", { class: "list" },
      h("thead", {}, h("tr", {}, ...["reports.area", "reports.youth_population", "reports.members_served", "reports.new_members", "reports.share"]
        .map((key) => h("th", { scope: "col" }, t(key))))),
      h("tbody", {}, ...rows.map((r) => h("tr", { dataset: { reach: r.id } },
        h("th", { scope: "row" }, r.level === "region" ? t("reports.region") : names[r.id] || r.id),
        h("td", {}, count(r.youth_population)), h("td", {}, count(r.members_served)),
        h("td", {}, count(r.new_members)), h("td", {}, share(r)))))));
}

// CSV: fetched with the caller's credentials, handed to the browser as a file
function downloads({ from, to, centreId }) {
  const select = h("select", { name: "report" }, ...REPORTS.map((name) => h("option", { value: name }, t(`reports.name.${name}`))));
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: "secondary" }, t("reports.download"));
  button.addEventListener("click", () => busy(button, async () => {
    replace(result);
    try {
      const params = new URLSearchParams({ from, to, format: "csv" });
      if (centreId) params.set("centre_id", centreId);
      const response = await fetch(`/v1/reports/${select.value}?${params}`, { headers: { Accept: "text/csv", ...credentials() } });
      if (!response.ok) throw new Problem(response.status, await response.json().catch(() => ({})));
      const blob = await response.blob();
      const link = h("a", { href: URL.createObjectURL(blob), download: `jastar-${select.value}-${from}-${to}.csv`, hidden: true });
      document.body.append(link);
      link.click();
      setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 10000);
    } catch (err) {
      replace(result, errorBox(err));
    }
  }));
  return h("section", { class: "card downloads", "aria-labelledby": "csv-h" },
    h("h2", { id: "csv-h" }, t("reports.csv_title")),
    h("p", { class: "muted" }, t("reports.csv_text")),
    h("div", { class: "toolbar" }, field(t("reports.report"), select), button), result);
}
