// Course rosters: the centre's programmes, each session's seats taken and
// left and how many wait in line; who holds a seat (the seat bookings of the
// session's day list) and who waits, in line order (GET /v1/waitlist).
import { all } from "../api.js";
import { centrePicker, chosenCentre, fresh, member } from "../desk.js";
import { almatyDay, named, t, when } from "../i18n.js";
import { go } from "../router.js";
import { busy, empty, errorBox, h, load, loading, replace } from "../ui.js";

export default async function rostersPage({ main, query }) {
  // the title first, the rest once my centres are known
  const wait = loading();
  replace(main, h("h1", {}, t("desk.rosters_title")), wait);
  const { centre, centres } = await chosenCentre(query);
  wait.remove();
  if (!centre) {
    main.append(empty(t("desk.no_centres")));
    return;
  }
  const box = h("div", {});
  main.append(centrePicker(centres, centre, (id) => go(`#/desk/rosters?centre=${encodeURIComponent(id)}`)), box);
  await load(box, async () => {
    const page = await fresh("/v1/programmes", { centre_id: centre.id, limit: 100 });
    return Promise.all(page.items.map((p) => fresh(`/v1/programmes/${encodeURIComponent(p.id)}`)));
  }, (programmes) => (programmes.length ? programmes.map((p) => programmeCard(p, centre)) : empty(t("desk.no_programmes"))));
}

function programmeCard(p, centre) {
  const id = `prog-${p.id}`;
  return h("section", { class: "card roster", dataset: { programme: p.id }, "aria-labelledby": id },
    h("h2", { id }, named(p)),
    h("p", { class: "muted" }, t("desk.capacity"), ": ", String(p.capacity ?? "—")),
    p.sessions.length ? h("table", { class: "list" },
      h("thead", {}, h("tr", {}, ...["desk.col.time", "desk.seats_taken", "desk.seats_left", "desk.waiting", "desk.col.member"]
        .map((k) => h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...p.sessions.map((s) => sessionRow(p, s, centre))))
      : empty(t("desk.no_sessions")));
}

function sessionRow(p, s, centre) {
  const capacity = s.capacity ?? p.capacity;
  const left = s.seats_left;
  const people = h("div", { "aria-live": "polite" });
  const show = h("button", { type: "button", class: "secondary small", "aria-label": `${t("desk.show_roster")}: ${when.dateTime(s.starts_at)}` }, t("desk.show_roster"));
  show.addEventListener("click", () => busy(show, async () => {
    try {
      // a whole course has one line for all its sessions: the programme's
      const line = p.whole_course ? p.id : s.id;
      const [day, waiting] = await Promise.all([
        all(`/v1/centers/${encodeURIComponent(centre.id)}/day`, { date: almatyDay(s.starts_at) }),
        all("/v1/waitlist", { resource_id: line })]);
      const seats = day.filter((b) => b.kind === "seat" && (b.session_id === s.id || b.resource_id === s.id || b.resource_id === p.id)
        && ["pending", "confirmed", "checked_in", "no_show"].includes(b.state));
      const [seated, queued] = await Promise.all([
        Promise.all(seats.map((b) => member(b.member_id))), Promise.all(waiting.map((w) => member(w.member_id)))]);
      replace(people,
        h("p", { class: "roster-h" }, t("desk.seats_taken")),
        seats.length ? h("ol", { class: "roster-names" }, ...seats.map((b, i) => h("li", { dataset: { booking: b.id } },
          seated[i]?.full_name || t("desk.member_unknown"), " ", h("span", { class: `badge ${b.state}` }, t(`state.${b.state}`)))))
          : h("p", { class: "muted" }, t("desk.roster_empty")),
        h("p", { class: "roster-h" }, t("desk.waiting")),
        waiting.length ? h("ol", { class: "roster-names waitlist" }, ...waiting.map((w, i) => h("li", { dataset: { entry: w.id, state: w.state } },
          queued[i]?.full_name || t("desk.member_unknown"), " ", h("span", { class: `badge ${w.state}` }, t(`state.${w.state}`)))))
          : h("p", { class: "muted" }, t("desk.line_empty")));
    } catch (err) {
      replace(people, errorBox(err));
    }
  }));
  return h("tr", { dataset: { session: s.id } },
    h("td", {}, when.day(s.starts_at), " ", when.time(s.starts_at), "–", when.time(s.ends_at)),
    h("td", {}, capacity && left !== null && left !== undefined ? String(capacity - left) : "—"),
    h("td", {}, left === null || left === undefined ? "—" : String(left)),
    h("td", {}, String(s.waiting ?? 0)),
    h("td", {}, show, people));
}
