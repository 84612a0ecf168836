// My bookings: upcoming and past; cancel, reschedule (consultations), add to
// calendar; my waitlist places, and an offered seat to accept or decline
// before its offer runs out (a countdown).
import { all, download, intentDone, intentKey, pager, post } from "../api.js";
import * as catalog from "../catalog.js";
import { named, t, when } from "../i18n.js";
import { render } from "../router.js";
import { banner, busy, confirmDialog, empty, errorBox, h, load, notice, replace } from "../ui.js";

const ACTIVE = ["pending", "confirmed", "checked_in"];

export default async function myBookingsPage({ main, query, isCurrent }) {
  const box = h("div", {});
  const flash = query.booked ? notice(t("mine.booked")) : query.moved ? notice(t("mine.moved")) : null;
  replace(main, h("h1", {}, t("mine.title")), flash, box);
  // newest first, a page at a time (older ones behind "more"); waitlist places all
  const bookings = pager("/v1/me/bookings", {}, 50);
  const fetcher = async () => {
    const [items, waitlist, names] = await Promise.all([bookings.next(), all("/v1/me/waitlist"), catalog.index()]);
    await nameSpaces(items, names);
    return { items, waitlist, names };
  };
  const draw = (mine) => {
    const { names } = mine;
    const now = new Date().toISOString();
    const upcoming = mine.items.filter((b) => ACTIVE.includes(b.state) && b.ends_at >= now)
      .sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    const past = mine.items.filter((b) => !upcoming.includes(b))
      .sort((a, b) => b.starts_at.localeCompare(a.starts_at));
    const waiting = mine.waitlist.filter((w) => ["waiting", "offered"].includes(w.state));
    const more = bookings.done ? null : h("button", { type: "button", class: "secondary", dataset: { action: "more" } }, t("common.more"));
    more?.addEventListener("click", () => busy(more, async () => {
      try {
        const items = await bookings.next();
        await nameSpaces(items, names);
        mine.items.push(...items);
        replace(box, draw(mine));
        box.querySelector("[data-action=more]")?.focus();
      } catch (err) {
        more.after(errorBox(err));
      }
    }));
    return [
      waiting.length ? h("section", { "aria-labelledby": "wl-h" },
        h("h2", { id: "wl-h" }, t("mine.waitlist")),
        h("ul", { class: "cards" }, ...waiting.map((w) => waitlistCard(w, names, isCurrent)))) : null,
      h("section", { "aria-labelledby": "up-h" },
        h("h2", { id: "up-h" }, t("mine.upcoming")),
        upcoming.length ? h("ul", { class: "cards" }, ...upcoming.map((b) => bookingCard(b, names, true)))
          : [empty(t("mine.none_upcoming")), h("a", { class: "button primary", href: "#/centres" }, t("mine.book_one"))]),
      h("section", { "aria-labelledby": "past-h" },
        h("h2", { id: "past-h" }, t("mine.past")),
        past.length ? h("ul", { class: "cards" }, ...past.map((b) => bookingCard(b, names, false))) : (more ? null : empty(t("mine.none_past"))),
        more),
    ];
  };
  await load(box, fetcher, draw);
  const highlighted = query.booked || query.moved;
  if (highlighted) box.querySelector(`[data-booking="${CSS.escape(highlighted)}"]`)?.classList.add("highlight");
}

// spaces are named by their centre's page
async function nameSpaces(items, names) {
  const centreIds = [...new Set(items.filter((b) => b.kind === "space").map((b) => b.centre_id))];
  const centres = await Promise.all(centreIds.map((id) => catalog.centre(id)));
  names.spaceNames = { ...names.spaceNames, ...Object.fromEntries(centres.flatMap((c) => c.spaces).map((s) => [s.id, named(s)])) };
}

export function whatOf(b, names) {
  if (b.kind === "consultation") return named(names.services[b.service_id]) || t("mine.kind.consultation");
  if (b.kind === "seat") return named(names.programmes[b.programme_id]) || t("mine.kind.seat");
  return names.spaceNames?.[b.space_id] || t("mine.kind.space");
}

function bookingCard(b, names, upcoming) {
  const centre = names.centres[b.centre_id];
  const specialist = b.specialist_id ? names.specialists[b.specialist_id] : null;
  const what = whatOf(b, names);
  const result = h("div", { "aria-live": "polite" });
  const actions = h("div", { class: "booking-actions" });
  const closed = [];
  if (upcoming) {
    // the API says until when the member may still move or cancel; past that,
    // say so instead of offering a button the service would refuse
    const open = (until) => until && Date.now() < Date.parse(until);
    if (b.kind === "consultation" && open(b.move_until)) {
      actions.append(h("a", { class: "button secondary", href: `#/book?reschedule=${b.id}&service=${b.service_id}&centre=${b.centre_id}` }, t("mine.reschedule")));
    } else if (b.kind === "consultation" && b.move_until) {
      closed.push(h("p", { class: "muted", dataset: { closed: "move" } }, t("mine.move_closed", { time: when.time(b.move_until) })));
    }
    actions.append(
      h("button", { type: "button", class: "secondary", dataset: { action: "calendar" }, onclick: (event) => busy(event.currentTarget,
        () => download(`/v1/me/bookings/${b.id}.ics`, `jastar-${b.id}.ics`).catch((err) => replace(result, errorBox(err)))) }, t("mine.calendar")));
    if (open(b.cancel_until)) {
      actions.append(h("button", { type: "button", class: "secondary", dataset: { action: "cancel" }, onclick: (event) => cancel(event.currentTarget, b, what, result) }, t("mine.cancel")));
    } else if (b.cancel_until) {
      closed.push(h("p", { class: "muted", dataset: { closed: "cancel" } }, t("mine.cancel_closed", { time: when.time(b.cancel_until) })));
    }
  }
  return h("li", { class: "card booking", dataset: { booking: b.id, state: b.state, kind: b.kind } },
    h("p", { class: "muted" }, t(`mine.kind.${b.kind}`)),
    h("h3", {}, what),
    h("p", {}, when.date(b.starts_at), ", ", when.time(b.starts_at), "–", when.time(b.ends_at)),
    centre ? h("p", { class: "muted" }, named(centre), ", ", centre.address) : null,
    specialist ? h("p", { class: "muted" }, specialist.full_name) : null,
    h("p", { class: `badge ${b.state}` }, t(`state.${b.state}`)),
    ...closed, result, actions);
}

async function cancel(button, b, what, result) {
  const sure = await confirmDialog({
    title: t("mine.cancel_title"), body: [`${what}: ${when.dateTime(b.starts_at)}`, t("mine.cancel_body")],
    yes: t("mine.cancel_yes"), danger: true,
  });
  if (!sure) return;
  const intent = `cancel:${b.id}`;
  const attempt = () => busy(button, async () => {
    try {
      await post(`/v1/bookings/${b.id}/cancel`, {}, { idempotencyKey: intentKey(intent) });
      intentDone(intent);
      banner(t("mine.cancelled"), "ok", { timeout: 6000 });
      render();
    } catch (err) {
      replace(result, errorBox(err, attempt));
    }
  });
  await attempt();
}

function waitlistCard(w, names, isCurrent) {
  const programme = names.programmes[w.resource_id];
  const what = programme ? named(programme) : w.resource_id;
  const result = h("div", { "aria-live": "polite" });
  const card = h("li", { class: "card waitlist", dataset: { entry: w.id, state: w.state } },
    h("h3", {}, what),
    h("p", { class: `badge ${w.state}` }, t(`state.${w.state}`)),
    w.state === "waiting" ? h("p", { class: "position" }, t("mine.position", { n: w.position })) : null,
    result);
  if (w.state === "offered") {
    const clock = h("span", { class: "countdown", role: "timer", "aria-live": "off" });
    const accept = h("button", { type: "button", class: "primary", dataset: { action: "accept" } }, t("mine.accept"));
    const decline = h("button", { type: "button", class: "secondary", dataset: { action: "decline" } }, t("mine.decline"));
    const tick = () => {
      const left = Math.max(0, Math.round((new Date(w.offer_expires_at) - Date.now()) / 1000));
      clock.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      if (left === 0) {
        accept.disabled = true;
        replace(result, notice(t("mine.offer_expired"), "info"));
      }
      if (left > 0 && isCurrent()) setTimeout(tick, 1000);
    };
    tick();
    const answer = (button, verb, done) => {
      const intent = `${verb}:${w.id}`;
      const attempt = () => busy(button, async () => {
        try {
          await post(`/v1/waitlist/${w.id}/${verb}`, {}, { idempotencyKey: intentKey(intent) });
          intentDone(intent);
          banner(t(done), "ok", { timeout: 6000 });
          render();
        } catch (err) {
          replace(result, errorBox(err, attempt));
        }
      });
      attempt();
    };
    accept.addEventListener("click", () => answer(accept, "accept", "mine.accepted"));
    decline.addEventListener("click", () => answer(decline, "decline", "mine.declined"));
    card.append(h("p", {}, t("mine.offer"), " ", clock), h("div", { class: "booking-actions" }, accept, decline));
  } else {
    const leave = h("button", { type: "button", class: "link", dataset: { action: "leave" } }, t("mine.leave"));
    leave.addEventListener("click", () => busy(leave, async () => {
      try {
        await post(`/v1/waitlist/${w.id}/decline`, {});
        render();
      } catch (err) {
        replace(result, errorBox(err));
      }
    }));
    card.append(leave);
  }
  return card;
}
