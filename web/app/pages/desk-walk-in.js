// A walk-in: find the member by phone, or register them on the spot (staff
// POST /v1/members, with their consent said aloud), then book the next free
// consultation slot of a service at this centre for them.
import { get, intentDone, intentKey, post, Problem } from "../api.js";
import * as catalog from "../catalog.js";
import { centrePicker, chosenCentre } from "../desk.js";
import { keepDraft, values } from "../forms.js";
import { almatyDay, language, named, t, when } from "../i18n.js";
import { go } from "../router.js";
import { busy, clearErrors, empty, errorBox, field, fieldErrors, h, load, loading, notice, replace, setFieldError } from "../ui.js";

export default async function walkInPage({ main, query }) {
  // the title first, the rest once my centres are known
  const wait = loading();
  replace(main, h("h1", {}, t("desk.walk_in_title")), wait);
  const { centre, centres } = await chosenCentre(query);
  wait.remove();
  if (!centre) {
    main.append(empty(t("desk.no_centres")));
    return;
  }
  const step = h("div", { class: "narrow" });
  main.append(centrePicker(centres, centre, (id) => go(`#/desk/walk-in?centre=${encodeURIComponent(id)}`)), step);

  function findStep() {
    const input = h("input", { name: "phone", type: "tel", autocomplete: "off", required: true, placeholder: "+7 7__ ___ __ __" });
    const submit = h("button", { type: "submit", class: "primary" }, t("desk.find"));
    const form = h("form", { novalidate: true, dataset: { form: "find" } }, field(t("auth.phone"), input, t("desk.find_hint")), submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      const phone = input.value.trim();
      if (!phone) return setFieldError(form, "phone", t("form.required"));
      return busy(submit, async () => {
        try {
          bookStep(await get("/v1/members", { phone }));
        } catch (err) {
          if (err instanceof Problem && err.status === 404) registerStep(phone);
          else fieldErrors(form, err);
        }
      });
    });
    replace(step, form);
    input.focus();
  }

  function registerStep(phone) {
    const form = h("form", { novalidate: true, dataset: { form: "walk-in-register" } },
      notice(t("desk.not_found", { phone }), "info"),
      field(t("auth.phone"), h("input", { name: "phone", type: "tel", value: phone, required: true })),
      field(t("member.full_name"), h("input", { name: "full_name", required: true, autocomplete: "off" })),
      field(t("member.birth_date"), h("input", { name: "birth_date", type: "date", required: true }), t("member.birth_date_hint")),
      field(t("desk.member_language"), h("select", { name: "language" },
        h("option", { value: "kk", selected: language() === "kk" }, t("lang.name.kk")),
        h("option", { value: "ru", selected: language() === "ru" }, t("lang.name.ru")))),
      h("div", { class: "field check", dataset: { field: "consent" } },
        h("input", { type: "checkbox", name: "consent", id: "walk-in-consent", "aria-describedby": "walk-in-consent-error" }),
        h("label", { for: "walk-in-consent" }, t("desk.consent")),
        h("p", { class: "field-error", id: "walk-in-consent-error", hidden: true })),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: findStep }, t("common.back")),
        h("button", { type: "submit", class: "primary" }, t("desk.register"))));
    const draft = keepDraft(form, "walk-in");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      const data = values(form);
      if (!data.full_name) return setFieldError(form, "full_name", t("form.required"));
      if (!data.birth_date) return setFieldError(form, "birth_date", t("form.required"));
      if (!data.consent) return setFieldError(form, "consent", t("member.consent_required"));
      return busy(form.querySelector("[type=submit]"), async () => {
        try {
          const made = await post("/v1/members", { ...data, consent: true });
          draft.clear();
          bookStep(made, t("desk.registered"));
        } catch (err) {
          // registered already (say, the answer to a first try was lost): that member it is
          const known = err instanceof Problem && err.status === 409 && "phone" in err.fields
            ? await get("/v1/members", { phone: data.phone }).catch(() => null) : null;
          if (known) {
            draft.clear();
            bookStep(known);
          } else fieldErrors(form, err);
        }
      });
    });
    replace(step, form);
    form.querySelector("[name=full_name]").focus();
  }

  async function bookStep(person, message) {
    const detail = await catalog.centre(centre.id);
    const services = detail.services || [];
    const select = h("select", { name: "service_id" }, ...services.map((s) => h("option", { value: s.id }, named(s))));
    const slots = h("div", { class: "walk-in-slots", "aria-live": "polite" });
    const showSlots = () => load(slots, () => get("/v1/availability", { service_id: select.value, limit: 5 }),
      (page) => (page.items.length ? slotList(person, page.items.filter((s) => !s.centre_id || s.centre_id === centre.id))
        : empty(t("book.no_slots"))));
    select.addEventListener("change", showSlots);
    replace(step,
      message ? notice(message) : null,
      h("section", { class: "card member-card", dataset: { member: person.id }, "aria-labelledby": "who-h" },
        h("h2", { id: "who-h" }, person.full_name),
        h("p", { class: "muted" }, person.phone),
        h("button", { type: "button", class: "link", onclick: findStep }, t("desk.someone_else"))),
      services.length ? [field(t("desk.service"), select), h("h2", {}, t("desk.next_free")), slots] : empty(t("book.no_services")));
    if (services.length) showSlots();
  }

  function slotList(person, items) {
    if (!items.length) return empty(t("book.no_slots"));
    const result = h("div", {});
    return [h("ul", { class: "plain slots" }, ...items.slice(0, 5).map((slot, i) => h("li", {},
      h("button", {
        type: "button", class: i === 0 ? "primary" : "secondary", dataset: { slot: slot.starts_at },
        onclick: (event) => book(event.currentTarget, person, slot, result),
      }, t("desk.book_at", { time: `${when.day(slot.starts_at)} ${when.time(slot.starts_at)}` }))))), result];
  }

  async function book(button, person, slot, result) {
    const intent = `walk-in:${person.id}:${slot.starts_at}`;
    await busy(button, async () => {
      try {
        const made = await post("/v1/bookings", {
          kind: "consultation", member_id: person.id, service_id: step.querySelector("[name=service_id]").value,
          specialist_id: slot.specialist_id || undefined, starts_at: slot.starts_at,
        }, { idempotencyKey: intentKey(intent) });
        intentDone(intent);
        const booking = made.booking;
        go(`#/desk?${new URLSearchParams({ centre: booking.centre_id, date: almatyDay(booking.starts_at), booked: booking.id })}`);
      } catch (err) {
        replace(result, errorBox(err));
      }
    });
  }

  findStep();
}
