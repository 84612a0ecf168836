// Book hours in a space (coworking desk, recording studio, podcast zone,
// hall): a day, a start, a length within the space's rules; only hours
// with a free place can be chosen (full ones show as full). Spaces that
// need staff approval are booked as pending.
import { all, intentDone, intentKey, post, Problem } from "../api.js";
import * as catalog from "../catalog.js";
import { clearPending, pending, rememberPending } from "../forms.js";
import { almatyDay, named, t, when } from "../i18n.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { busy, empty, errorBox, field, h, load, notice, replace, uid } from "../ui.js";

const MINUTE = 60 * 1000;

export default async function spacePage({ main, params, query }) {
  const centreId = query.centre || (await catalog.space(params.id))?.centre_id;
  const centre = centreId ? await catalog.centre(centreId) : null;
  const space = centre?.spaces.find((s) => s.id === params.id);
  if (!space) {
    replace(main, h("h1", {}, t("error.not_found_page")));
    return;
  }
  const kept = pending("space");
  const state = kept && kept.space === space.id ? { day: kept.day, start: kept.start, minutes: kept.minutes } : { day: query.day || null, start: null, minutes: space.min_minutes };
  const hoursBox = h("div", { "aria-live": "polite" });
  const confirmBox = h("div", { class: "confirm" });
  replace(main,
    h("p", { class: "crumbs" }, h("a", { href: `#/centre/${centre.id}` }, named(centre))),
    h("h1", {}, named(space)),
    h("p", { class: "muted" }, t(`space.kind.${space.kind}`), " · ", t("space.capacity", { n: space.capacity })),
    space.equipment?.length ? h("p", { class: "muted" }, space.equipment.join(", ")) : null,
    space.needs_approval ? h("p", { class: "badge info" }, t("space.needs_approval")) : null,
    kept && kept.space === space.id ? notice(t("book.kept"), "info") : null,
    hoursBox, confirmBox);

  let slots = [];
  const refresh = () => load(hoursBox, () => all("/v1/availability", { space_id: space.id, include_full: "true" }), (items) => {
    slots = items.filter((s) => s.starts_at > new Date().toISOString())
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    return draw();
  });

  function freeRun(start) {
    // how many minutes from `start` are free, slot after consecutive slot
    let minutes = 0;
    let at = new Date(start).getTime();
    for (;;) {
      const slot = slots.find((s) => new Date(s.starts_at).getTime() === at);
      if (!slot || slot.free <= 0) return minutes;
      const length = (new Date(slot.ends_at) - new Date(slot.starts_at)) / MINUTE;
      minutes += length;
      at += length * MINUTE;
      if (minutes >= space.max_minutes) return minutes;
    }
  }

  function draw() {
    if (!slots.some((s) => s.free > 0)) return empty(t("space.no_hours"));
    const days = [...new Set(slots.filter((s) => s.free > 0).map((s) => almatyDay(s.starts_at)))];
    if (!days.includes(state.day)) state.day = days[0];
    const dayName = uid("day");
    const dayGroup = h("fieldset", { class: "chips days" }, h("legend", {}, t("space.day")),
      ...days.map((day) => {
        const id = uid("d");
        const first = slots.find((s) => almatyDay(s.starts_at) === day);
        return h("span", { class: "chip" },
          h("input", { type: "radio", name: dayName, id, value: day, checked: day === state.day, onchange: () => {
            state.day = day;
            state.start = null;
            replace(hoursBox, draw());
            replace(confirmBox);
          } }),
          h("label", { for: id }, when.day(first.starts_at)));
      }));
    const startName = uid("start");
    const startGroup = h("fieldset", { class: "chips times" }, h("legend", {}, t("space.start")),
      ...slots.filter((s) => almatyDay(s.starts_at) === state.day).map((s) => {
        const id = uid("s");
        const usable = s.free > 0 && freeRun(s.starts_at) >= space.min_minutes;
        return h("span", { class: "chip" },
          h("input", { type: "radio", name: startName, id, value: s.starts_at, disabled: !usable, checked: state.start === s.starts_at, dataset: { slot: s.starts_at }, onchange: () => {
            state.start = s.starts_at;
            state.minutes = Math.max(space.min_minutes, Math.min(state.minutes, freeRun(s.starts_at)));
            showConfirm();
          } }),
          h("label", { for: id }, when.time(s.starts_at),
            h("small", {}, s.free > 0 ? (space.capacity > 1 ? t("space.free_n", { n: s.free }) : "") : t("space.full"))));
      }));
    if (state.start) setTimeout(showConfirm);
    return [dayGroup, startGroup];
  }

  function lengths(start) {
    const room = Math.min(freeRun(start), space.max_minutes);
    const out = [];
    for (let m = space.min_minutes; m <= room; m += space.grid_minutes) out.push(m);
    return out;
  }

  function showConfirm() {
    const choices = lengths(state.start);
    if (!choices.includes(state.minutes)) state.minutes = choices[0];
    const select = h("select", { name: "minutes", onchange: () => {
      state.minutes = Number(select.value);
      showConfirm();
    } }, ...choices.map((m) => h("option", { value: m, selected: m === state.minutes }, t("space.hours_n", { h: Math.floor(m / 60), m: m % 60 }))));
    const ends = new Date(new Date(state.start).getTime() + state.minutes * MINUTE).toISOString();
    const signedIn = session.signedIn("member");
    const result = h("div", { "aria-live": "assertive" });
    const button = h("button", { type: "button", class: "primary big", dataset: { action: "book-space" } },
      t(signedIn ? "space.book" : "space.sign_in_to_book"));
    button.addEventListener("click", () => busy(button, () => (signedIn ? submit(ends, result) : signInFirst())));
    replace(confirmBox, h("section", { class: "card summary", "aria-labelledby": "sp-sum" },
      h("h2", { id: "sp-sum" }, t("book.summary")),
      field(t("space.duration"), select),
      h("dl", {},
        h("dt", {}, t("book.when")), h("dd", {}, when.date(state.start), ", ", when.time(state.start), "–", when.time(ends)),
        h("dt", {}, t("book.where")), h("dd", {}, named(space), ", ", named(centre))),
      space.needs_approval ? h("p", { class: "muted" }, t("space.pending_note")) : null,
      result, button));
  }

  function signInFirst() {
    rememberPending({ kind: "space", space: space.id, day: state.day, start: state.start, minutes: state.minutes });
    go(`#/signin?next=${encodeURIComponent(`#/space/${space.id}?centre=${centre.id}`)}`);
  }

  async function submit(ends, result) {
    const body = { kind: "space", space_id: space.id, starts_at: state.start, ends_at: ends };
    const intent = `space:${space.id}:${state.start}:${ends}`;
    try {
      const answer = await post("/v1/bookings", body, { idempotencyKey: intentKey(intent) });
      intentDone(intent);
      clearPending();
      go(`#/me/bookings?booked=${answer.booking.id}`);
    } catch (err) {
      if (err instanceof Problem && err.status === 401) {
        rememberPending({ kind: "space", space: space.id, day: state.day, start: state.start, minutes: state.minutes });
        return;  // signing in again, then back here with the same hours
      }
      if (err instanceof Problem) intentDone(intent);
      if (err instanceof Problem && err.status === 409) {
        state.start = null;
        replace(confirmBox, h("div", { class: "alert error", role: "alert" }, t("space.not_free")));
        refresh();
        return;
      }
      replace(result, errorBox(err, () => submit(ends, result)));
    }
  }

  refresh();
}
