// A course or event: its sessions with seats left; enrol (the whole course,
// or one session), or join the waitlist when it is full.
import { get, intentDone, intentKey, post } from "../api.js";
import * as catalog from "../catalog.js";
import { clearPending, pending, rememberPending } from "../forms.js";
import { has, named, t, when } from "../i18n.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { busy, errorBox, h, load, notice, replace } from "../ui.js";

export default async function programmePage({ main, params }) {
  const kept = pending("seat");
  await load(main, () => Promise.all([get(`/v1/programmes/${encodeURIComponent(params.id)}`), catalog.centres()]), ([p, centres]) => {
    const centre = centres.find((c) => c.id === p.centre_id);
    const sessions = [...p.sessions].sort((a, b) => a.starts_at.localeCompare(b.starts_at));
    const upcoming = sessions.filter((s) => s.status === "open" && s.ends_at >= new Date().toISOString());
    const wantsThis = kept && kept.programme === p.id;
    const head = [
      h("p", { class: "crumbs" }, h("a", { href: "#/programmes" }, t("nav.programmes"))),
      h("h1", {}, named(p)),
      h("p", { class: "muted" }, t(`programme.kind.${p.kind}`), p.is_free ? ` · ${t("programme.free")}` : "",
        ` · ${t("programme.ages", { min: p.min_age, max: p.max_age })}`),
      p.target_group && has(`programme.for_group.${p.target_group}`) ? h("p", { class: "badge info" }, t(`programme.for_group.${p.target_group}`)) : null,
      named(p, "description") ? h("p", {}, named(p, "description")) : null,
      centre ? h("p", { class: "muted" }, h("a", { href: `#/centre/${centre.id}` }, named(centre)), ", ", centre.address) : null,
      wantsThis ? notice(t("book.kept"), "info") : null,
    ];
    const body = [];
    if (p.whole_course) {
      const seats = upcoming.length ? Math.min(...upcoming.map((s) => s.seats_left ?? 0)) : 0;
      body.push(h("section", { class: "card summary", "aria-labelledby": "enrol-h" },
        h("h2", { id: "enrol-h" }, t("programme.whole_course")),
        seatsLine(seats, upcoming[0]?.waiting),
        enrolButton(p, null, seats, "programme.enrol")));
    }
    body.push(h("h2", {}, t("programme.sessions")),
      h("ul", { class: "cards" }, ...upcoming.map((s) => h("li", { class: "card", dataset: { session: s.id } },
        h("h3", {}, when.date(s.starts_at)),
        h("p", {}, when.time(s.starts_at), "–", when.time(s.ends_at), " · ", t("programme.language", { lang: t(`lang.name.${s.language}`) })),
        p.whole_course ? null : [seatsLine(s.seats_left ?? 0, s.waiting), enrolButton(p, s, s.seats_left ?? 0, "programme.enrol_session")]))));
    return [head, body];
  });
}

function seatsLine(seats, waiting) {
  return h("p", { class: "seats" },
    h("span", { class: `badge ${seats > 0 ? "open" : "waiting"}` }, seats > 0 ? t("programme.seats_left", { n: seats }) : t("programme.full")),
    waiting ? ` ${t("programme.waiting_n", { n: waiting })}` : "");
}

function enrolButton(p, s, seats, label) {
  const signedIn = session.signedIn("member");
  const text = !signedIn ? "programme.sign_in_to_enrol" : seats > 0 ? label : "programme.join_waitlist";
  const result = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: seats > 0 ? "primary" : "secondary", dataset: { action: seats > 0 ? "enrol" : "waitlist" } }, t(text));
  button.addEventListener("click", () => busy(button, async () => {
    if (!signedIn) {
      rememberPending({ kind: "seat", programme: p.id, session: s?.id || null });
      go(`#/signin?next=${encodeURIComponent(location.hash)}`);
      return;
    }
    const body = { kind: "seat", programme_id: p.id };
    if (s) body.session_id = s.id;
    const intent = `seat:${p.id}:${s?.id || "all"}`;
    const attempt = async () => {
      try {
        const answer = await post("/v1/bookings", body, { idempotencyKey: intentKey(intent) });
        intentDone(intent);
        clearPending();
        replace(result, answer.booking
          ? notice(t("programme.enrolled"))
          : notice(t("programme.waitlisted", { n: answer.waitlist.position }), "info"),
        h("a", { href: "#/me/bookings" }, t("nav.my_bookings")));
        button.hidden = true;
      } catch (err) {
        if (err.status === 401) {
          rememberPending({ kind: "seat", programme: p.id, session: s?.id || null });
          return;  // signing in again, then back here
        }
        if (err.status && err.status < 500) intentDone(intent);
        replace(result, errorBox(err, () => busy(button, attempt)));
      }
    };
    await attempt();
  }));
  return h("div", {}, result, button);
}
