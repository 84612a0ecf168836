// My messages (what was sent, by which channel, when) and my preferences:
// the channels I want, the language messages come in, and quiet hours
// (Almaty time; non-urgent messages due inside wait for their end).
import { api, get, pager } from "../api.js";
import { keepDraft, values } from "../forms.js";
import { has, LANGUAGES, t, when } from "../i18n.js";
import { busy, clearErrors, empty, errorBox, field, fieldErrors, h, load, notice, replace, uid } from "../ui.js";

const CHANNELS = ["sms", "email", "telegram"];

export default async function myNotificationsPage({ main }) {
  const prefsBox = h("div", {});
  const listBox = h("div", {});
  replace(main, h("h1", {}, t("notes.title")),
    h("section", { "aria-labelledby": "prefs-h" }, h("h2", { id: "prefs-h" }, t("notes.preferences")), prefsBox),
    h("section", { "aria-labelledby": "list-h" }, h("h2", { id: "list-h" }, t("notes.sent")), listBox));
  load(prefsBox, () => Promise.all([get("/v1/me/notification-preferences"), get("/v1/me")]), ([prefs, me]) => preferencesForm(prefs, me));
  // newest first, a page at a time behind "more"
  const messages = pager("/v1/me/notifications", {}, 20);
  load(listBox, () => messages.next(), (items) => {
    if (!items.length) return empty(t("notes.none"));
    const list = h("ul", { class: "cards" }, ...items.map(messageCard));
    if (messages.done) return list;
    const more = h("button", { type: "button", class: "secondary", dataset: { action: "more" } }, t("common.more"));
    more.addEventListener("click", () => busy(more, async () => {
      try {
        list.append(...(await messages.next()).map(messageCard));
        if (messages.done) more.remove();
      } catch (err) {
        more.after(errorBox(err));
      }
    }));
    return [list, more];
  });
}

function messageCard(m) {
  return h("li", { class: "card", dataset: { message: m.id } },
    h("h3", {}, has(`notes.type.${m.message_type}`) ? t(`notes.type.${m.message_type}`) : m.message_type),
    h("p", { class: "muted" }, m.created_at ? when.dateTime(m.created_at) : "", " · ", has(`notes.channel.${m.channel}`) ? t(`notes.channel.${m.channel}`) : m.channel),
    h("p", { class: `badge ${m.status}` }, has(`notes.state.${m.status}`) ? t(`notes.state.${m.status}`) : m.status));
}

function preferencesForm(prefs, me) {
  const telegram = h("input", { name: "telegram_chat_id", inputmode: "numeric", value: prefs.telegram_chat_id || "" });
  const save = h("button", { type: "submit", class: "primary" }, t("common.save"));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { novalidate: true, dataset: { form: "preferences" } },
    h("fieldset", { class: "choices" }, h("legend", {}, t("notes.channels")),
      ...CHANNELS.map((channel) => {
        const id = uid("ch");
        return h("div", { class: "choice" },
          h("input", { type: "checkbox", id, name: `channel_${channel}`, checked: prefs.channels.includes(channel) }),
          h("label", { for: id }, t(`notes.channel.${channel}`)));
      })),
    field(t("notes.telegram_chat"), telegram, t("notes.telegram_hint")),
    h("fieldset", { class: "choices" }, h("legend", {}, t("member.language")),
      ...LANGUAGES.map((lang) => {
        const id = uid("lang");
        return h("div", { class: "choice" },
          h("input", { type: "radio", id, name: "language", value: lang, checked: me.language === lang }),
          h("label", { for: id, lang }, t(`lang.name.${lang}`)));
      })),
    quietHours(prefs.quiet_hours),
    result, save);
  const draft = keepDraft(form, "preferences");
  form.querySelector("[name=quiet_on]").dispatchEvent(new Event("change"));  // a restored draft's switch
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    replace(result);
    const data = values(form);
    const channels = CHANNELS.filter((c) => data[`channel_${c}`]);
    busy(save, async () => {
      try {
        const quiet = data.quiet_on ? { from: hhmm(data.quiet_from), to: hhmm(data.quiet_to) } : null;
        await api("PUT", "/v1/me/notification-preferences", { body: { channels, telegram_chat_id: data.telegram_chat_id || null, quiet_hours: quiet } });
        if (data.language && data.language !== me.language) {
          await api("PATCH", "/v1/me", { body: { language: data.language } });
          me.language = data.language;
        }
        draft.clear();
        replace(result, notice(t("common.saved")));
      } catch (err) {
        fieldErrors(form, flatQuiet(err), { channels: "channel_sms", quiet_hours: "quiet_from" });
      }
    });
  });
  return form;
}

// an off switch and two times; off, the times are kept but not sent
function quietHours(quiet) {
  const switchId = uid("quiet");
  // text, not type=time: a time input shows AM/PM on an English device; Almaty writes 22:00
  const clock = (name, value) => h("input", {
    type: "text", name, value, inputmode: "numeric", autocomplete: "off", maxlength: 5, size: 5,
    placeholder: value, pattern: "([01][0-9]|2[0-3]):[0-5][0-9]", required: true,
  });
  const from = clock("quiet_from", quiet?.from || "22:00");
  const to = clock("quiet_to", quiet?.to || "08:00");
  const on = h("input", { type: "checkbox", id: switchId, name: "quiet_on", role: "switch", checked: Boolean(quiet),
    onchange: () => {
      from.disabled = !on.checked;
      to.disabled = !on.checked;
      for (const input of [from, to]) {  // off, an error about the times no longer applies
        if (input.disabled) input.removeAttribute("aria-invalid");
        const slot = document.getElementById(`${input.id}-error`);
        if (slot && input.disabled) slot.hidden = true;
      }
    } });
  from.disabled = to.disabled = !quiet;
  return h("fieldset", { class: "choices quiet", dataset: { field: "quiet_hours" } },
    h("legend", {}, t("notes.quiet.title")),
    h("p", { class: "hint" }, t("notes.quiet.hint")),
    h("div", { class: "choice" }, on, h("label", { for: switchId }, t("notes.quiet.on"))),
    h("div", { class: "quiet-times" }, field(t("notes.quiet.from"), from), field(t("notes.quiet.to"), to)));
}

// "8:00", "8.00" or "0800" as "08:00"; anything else as typed (the API names it)
function hhmm(text = "") {
  const m = /^(\d{1,2})[:.]?(\d{2})$/.exec(text.trim());
  return m ? `${m[1].padStart(2, "0")}:${m[2]}` : text.trim();
}

// the API names quiet_hours.from / .to: shown next to those two inputs
function flatQuiet(err) {
  const inner = err?.fields?.quiet_hours;
  if (inner && typeof inner === "object" && !Array.isArray(inner)) {
    for (const [key, messages] of Object.entries(inner)) err.fields[`quiet_${key}`] = messages;
    delete err.fields.quiet_hours;
  }
  return err;
}
