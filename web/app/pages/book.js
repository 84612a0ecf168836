// Book a consultation: a topic, optionally a specialist, free slots by day
// (Almaty time), one slot, confirm. Signed-out visitors sign in on the way
// and come back to the slot they chose. Also moves an existing booking
// (?reschedule=<booking id>).
import { all, intentDone, intentKey, post, Problem } from "../api.js";
import * as catalog from "../catalog.js";
import { clearPending, pending, rememberPending } from "../forms.js";
import { almatyDay, named, t, when } from "../i18n.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { busy, empty, errorBox, field, h, load, notice, replace, uid } from "../ui.js";

export default async function bookPage({ main, query }) {
  const state = {
    centre: query.centre || null, service: query.service || null, specialist: query.specialist || "",
    day: query.day || null, slot: null, reschedule: query.reschedule || null,
  };
  const kept = pending("consultation");
  if (kept && (!state.service || kept.service === state.service)) Object.assign(state, kept, { slot: kept.slot });

  const top = h("div", {});
  const slotsBox = h("div", { class: "slots", "aria-live": "polite" });
  const confirmBox = h("div", { class: "confirm" });
  replace(main, h("h1", {}, t(state.reschedule ? "book.title_reschedule" : "book.title")), top, slotsBox, confirmBox);

  const [services, specialists, centres] = await Promise.all([catalog.services(), catalog.specialists(), catalog.centres()]);
  const centre = centres.find((c) => c.id === state.centre);
  const offered = services.filter((s) => s.status === "open" && (!state.centre || s.centre_ids.includes(state.centre)));
  if (!state.service && offered.length) state.service = offered[0].id;

  function syncUrl() {
    const q = new URLSearchParams();
    for (const key of ["centre", "service", "specialist", "day", "reschedule"]) if (state[key]) q.set(key, state[key]);
    history.replaceState(null, "", `#/book?${q}`);
  }

  // the topic and the specialist
  const topicName = uid("topic");
  const topics = h("fieldset", { class: "choices", disabled: Boolean(state.reschedule) },
    h("legend", {}, t("book.topic")),
    ...offered.map((s) => {
      const id = uid("svc");
      return h("div", { class: "choice" },
        h("input", { type: "radio", name: topicName, id, value: s.id, checked: s.id === state.service, onchange: () => {
          state.service = s.id;
          state.specialist = "";
          state.slot = null;
          state.day = null;
          renderSpecialists();
          refresh();
        } }),
        h("label", { for: id }, named(s)));
    }));
  const specialistSelect = h("select", { name: "specialist", onchange: () => {
    state.specialist = specialistSelect.value;
    state.slot = null;
    refresh();
  } });
  function renderSpecialists() {
    const who = specialists.filter((p) => p.status === "open" && p.service_ids.includes(state.service));
    replace(specialistSelect, h("option", { value: "" }, t("book.any_specialist")),
      ...who.map((p) => h("option", { value: p.id, selected: p.id === state.specialist }, `${p.full_name} · ${named(p, "title")}`)));
  }
  renderSpecialists();
  replace(top,
    centre ? h("p", { class: "muted" }, h("a", { href: `#/centre/${centre.id}` }, named(centre)), " · ", centre.address) : null,
    kept && kept.slot ? notice(t("book.kept"), "info") : null,
    offered.length ? topics : empty(t("book.no_services")),
    field(t("book.specialist"), specialistSelect));

  async function refresh(takenMessage) {
    syncUrl();
    replace(confirmBox);
    if (!state.service) return;
    // every page of the fortnight's slots, not just the first 20
    await load(slotsBox, () => all("/v1/availability", { service_id: state.service, specialist_id: state.specialist || undefined }),
      (items) => renderSlots(items, takenMessage));
  }

  function renderSlots(items, takenMessage) {
    // one choice per start time (any specialist: the first free one is booked)
    const byStart = new Map();
    for (const slot of items) {
      if (slot.free > 0 && (!state.centre || slot.centre_id === state.centre) && !byStart.has(slot.starts_at)) byStart.set(slot.starts_at, slot);
    }
    const slots = [...byStart.values()].sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    const parts = [];
    if (takenMessage) {
      const after = slots.filter((s) => s.starts_at > takenMessage.starts_at).slice(0, 3);
      parts.push(h("div", { class: "alert error", role: "alert" }, h("p", {}, t("book.taken")),
        after.length ? h("p", {}, t("book.next_free")) : null,
        after.length ? h("div", { class: "chips" }, ...after.map((s) => h("button", { type: "button", class: "secondary", onclick: () => {
          state.day = almatyDay(s.starts_at);
          state.slot = s;
          replace(slotsBox, ...renderSlots(items));
          showConfirm();
        } }, when.dateTime(s.starts_at)))) : null));
    }
    if (!slots.length) {
      parts.push(empty(t("book.no_slots")));
      return parts;
    }
    const days = [...new Set(slots.map((s) => almatyDay(s.starts_at)))];
    if (!days.includes(state.day)) state.day = state.slot ? almatyDay(state.slot.starts_at) : days[0];
    if (state.slot && !byStart.has(state.slot.starts_at)) state.slot = null;
    const dayName = uid("day");
    const dayGroup = h("fieldset", { class: "chips days" }, h("legend", {}, t("book.day")),
      ...days.map((day) => {
        const id = uid("d");
        const first = slots.find((s) => almatyDay(s.starts_at) === day);
        const count = slots.filter((s) => almatyDay(s.starts_at) === day).length;
        return h("span", { class: "chip" },
          h("input", { type: "radio", name: dayName, id, value: day, checked: day === state.day, onchange: () => {
            state.day = day;
            state.slot = null;
            syncUrl();
            replace(timeBox, timeGroup());
            replace(confirmBox);
          } }),
          h("label", { for: id }, when.day(first.starts_at), h("small", {}, t("book.slots_count", { n: count }))));
      }));
    const timeBox = h("div", {});
    const timeGroup = () => {
      const timeName = uid("time");
      return h("fieldset", { class: "chips times" }, h("legend", {}, t("book.time", { day: when.date(`${state.day}T12:00:00+05:00`) })),
        ...slots.filter((s) => almatyDay(s.starts_at) === state.day).map((s) => {
          const id = uid("t");
          return h("span", { class: "chip" },
            h("input", { type: "radio", name: timeName, id, value: s.starts_at, checked: state.slot?.starts_at === s.starts_at, dataset: { slot: s.starts_at }, onchange: () => {
              state.slot = s;
              showConfirm();
            } }),
            h("label", { for: id }, when.time(s.starts_at)));
        }));
    };
    replace(timeBox, timeGroup());
    parts.push(dayGroup, timeBox);
    if (state.slot) setTimeout(showConfirm);
    return parts;
  }

  function showConfirm() {
    const slot = state.slot;
    const service = services.find((s) => s.id === state.service);
    const specialist = specialists.find((p) => p.id === (state.specialist || slot.specialist_id));
    const signedIn = session.signedIn("member");
    const button = h("button", { type: "button", class: "primary big", dataset: { action: "confirm" } },
      t(signedIn ? (state.reschedule ? "book.move_here" : "book.confirm") : "book.sign_in_to_book"));
    const result = h("div", { "aria-live": "assertive" });
    button.addEventListener("click", () => busy(button, () => (signedIn ? submit(result) : signInFirst())));
    replace(confirmBox, h("section", { class: "card summary", "aria-labelledby": "sum-h" },
      h("h2", { id: "sum-h" }, t("book.summary")),
      h("dl", {},
        h("dt", {}, t("book.topic")), h("dd", {}, named(service)),
        h("dt", {}, t("book.when")), h("dd", {}, when.date(slot.starts_at), ", ", when.time(slot.starts_at), "–", when.time(slot.ends_at)),
        state.specialist && specialist ? [h("dt", {}, t("book.specialist")), h("dd", {}, specialist.full_name)] : null,
        centre ? [h("dt", {}, t("book.where")), h("dd", {}, named(centre), ", ", centre.address)] : null),
      result, button));
  }

  function signInFirst() {
    rememberPending({ kind: "consultation", centre: state.centre, service: state.service, specialist: state.specialist, day: state.day, slot: state.slot });
    syncUrl();
    go(`#/signin?next=${encodeURIComponent(location.hash)}`);
  }

  async function submit(result) {
    const slot = state.slot;
    replace(result);
    const intent = state.reschedule
      ? `reschedule:${state.reschedule}:${slot.starts_at}`
      : `book:${state.service}:${state.specialist || "any"}:${slot.starts_at}`;
    try {
      let booking;
      if (state.reschedule) {
        booking = await post(`/v1/bookings/${state.reschedule}/reschedule`, { starts_at: slot.starts_at }, { idempotencyKey: intentKey(intent) });
      } else {
        const body = { kind: "consultation", service_id: state.service, starts_at: slot.starts_at };
        if (state.specialist) body.specialist_id = state.specialist;
        booking = (await post("/v1/bookings", body, { idempotencyKey: intentKey(intent) })).booking;
      }
      intentDone(intent);
      clearPending();
      go(`#/me/bookings?${state.reschedule ? "moved" : "booked"}=${booking.id}`);
    } catch (err) {
      if (err instanceof Problem && err.status === 401) {
        // the session ran out: the app asks to sign in again; keep the slot for after
        rememberPending({ kind: "consultation", centre: state.centre, service: state.service, specialist: state.specialist, day: state.day, slot });
        return;
      }
      if (err instanceof Problem && err.status === 409) {
        intentDone(intent);
        state.slot = null;
        await refresh({ starts_at: slot.starts_at });
        slotsBox.querySelector(".alert")?.focus?.();
        return;
      }
      if (err instanceof Problem) intentDone(intent);  // refused: a new try is a new intent
      replace(result, errorBox(err, () => submit(result)));
    }
  }

  refresh();
}
