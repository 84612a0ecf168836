// Administration: staff accounts (who signs in at the desk, for which
// centres) and integrators' API keys (a new key is shown once).
import { all, api, post } from "../api.js";
import * as catalog from "../catalog.js";
import { keepDraft, values } from "../forms.js";
import { named, t, when } from "../i18n.js";
import { banner, busy, clearErrors, confirmDialog, empty, errorBox, field, fieldErrors, h, load, notice, replace, setFieldError } from "../ui.js";

export default async function adminPage({ main }) {
  const centres = (await catalog.centres()).filter((c) => c.status === "open");
  const staffBox = h("div", { "aria-live": "polite" });
  const keysBox = h("div", { "aria-live": "polite" });
  const names = Object.fromEntries(centres.map((c) => [c.id, named(c)]));
  const loadStaff = () => load(staffBox, () => all("/v1/staff"), (items) => staffList(items, names, loadStaff));
  const loadKeys = () => load(keysBox, () => all("/v1/api-keys"), (items) => keyList(items, loadKeys));
  replace(main, h("h1", {}, t("admin.title")),
    h("section", { "aria-labelledby": "staff-h" },
      h("h2", { id: "staff-h" }, t("admin.staff")), staffBox, staffForm(centres, loadStaff)),
    h("section", { "aria-labelledby": "keys-h" },
      h("h2", { id: "keys-h" }, t("admin.keys")), keysBox, keyForm(loadKeys)));
  await Promise.all([loadStaff(), loadKeys()]);
}

function staffList(items, names, reload) {
  const active = items.filter((a) => a.active);
  if (!active.length) return empty(t("admin.no_staff"));
  return h("table", { class: "list" },
    h("thead", {}, h("tr", {}, ...["admin.col.name", "auth.phone", "admin.col.role", "admin.col.centres", "desk.col.actions"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, ...active.map((a) => h("tr", { dataset: { staff: a.id } },
      h("td", {}, a.full_name), h("td", {}, a.phone), h("td", {}, t(`admin.role.${a.role}`)),
      h("td", {}, a.centre_ids.map((id) => names[id] || id).join(", ") || "—"),
      h("td", {}, h("button", { type: "button", class: "link", "aria-label": `${t("admin.deactivate")}: ${a.full_name}`, onclick: async (event) => {
        const sure = await confirmDialog({ title: t("admin.deactivate"), body: [a.full_name, t("admin.deactivate_body")], yes: t("admin.deactivate"), danger: true });
        if (!sure) return;
        await busy(event.target, async () => {
          try {
            await api("DELETE", `/v1/staff/${a.id}`);
            reload();
          } catch (err) {
            banner(errorBox(err).textContent, "error");
          }
        });
      } }, t("admin.deactivate")))))));
}

function staffForm(centres, reload) {
  const form = h("form", { class: "card", novalidate: true, dataset: { form: "new-staff" } },
    h("h3", {}, t("admin.new_staff")),
    field(t("admin.col.name"), h("input", { name: "full_name", required: true, autocomplete: "off" })),
    field(t("auth.phone"), h("input", { name: "phone", type: "tel", required: true, autocomplete: "off" }), t("admin.phone_hint")),
    field(t("admin.col.role"), h("select", { name: "role" },
      h("option", { value: "staff" }, t("admin.role.staff")), h("option", { value: "admin" }, t("admin.role.admin")))),
    h("fieldset", { class: "centre-choice", dataset: { field: "centre_ids" } }, h("legend", {}, t("admin.col.centres")),
      ...centres.map((c) => h("div", { class: "field check" },
        h("input", { type: "checkbox", name: `centre:${c.id}`, id: `staff-centre-${c.id}`, value: c.id }),
        h("label", { for: `staff-centre-${c.id}` }, named(c)))),
      h("input", { type: "hidden", name: "centre_ids", id: "staff-centre-ids" }),
      h("p", { class: "field-error", id: "staff-centre-ids-error", hidden: true })),
    h("button", { type: "submit", class: "primary" }, t("admin.add_staff")));
  const draft = keepDraft(form, "new-staff");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = values(form);
    const centreIds = centres.filter((c) => data[`centre:${c.id}`]).map((c) => c.id);
    if (!data.full_name) return setFieldError(form, "full_name", t("form.required"));
    if (!data.phone) return setFieldError(form, "phone", t("form.required"));
    return busy(form.querySelector("[type=submit]"), async () => {
      try {
        const made = await post("/v1/staff", { full_name: data.full_name, phone: data.phone, role: data.role, centre_ids: centreIds });
        draft.clear();
        form.reset();
        banner(t("admin.staff_added", { name: made.full_name }), "ok", { timeout: 6000 });
        reload();
      } catch (err) {
        fieldErrors(form, err);
      }
    });
  });
  return form;
}

function keyList(items, reload) {
  const live = items.filter((k) => !k.revoked_at);
  if (!live.length) return empty(t("admin.no_keys"));
  return h("table", { class: "list" },
    h("thead", {}, h("tr", {}, ...["admin.col.name", "admin.col.created", "desk.col.actions"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, ...live.map((k) => h("tr", { dataset: { key: k.id } },
      h("td", {}, k.name), h("td", {}, k.created_at ? when.dateTime(k.created_at) : "—"),
      h("td", {}, h("button", { type: "button", class: "link", "aria-label": `${t("admin.revoke")}: ${k.name}`, onclick: async (event) => {
        const sure = await confirmDialog({ title: t("admin.revoke"), body: [k.name, t("admin.revoke_body")], yes: t("admin.revoke"), danger: true });
        if (!sure) return;
        await busy(event.target, async () => {
          try {
            await api("DELETE", `/v1/api-keys/${k.id}`);
            reload();
          } catch (err) {
            banner(errorBox(err).textContent, "error");
          }
        });
      } }, t("admin.revoke")))))));
}

function keyForm(reload) {
  const shown = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", novalidate: true, dataset: { form: "new-key" } },
    h("h3", {}, t("admin.new_key")),
    field(t("admin.key_name"), h("input", { name: "name", required: true, autocomplete: "off" }), t("admin.key_name_hint")),
    h("button", { type: "submit", class: "primary" }, t("admin.create_key")), shown);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = values(form);
    if (!data.name) return setFieldError(form, "name", t("form.required"));
    return busy(form.querySelector("[type=submit]"), async () => {
      try {
        const made = await post("/v1/api-keys", { name: data.name });
        form.querySelector("[name=name]").value = "";
        replace(shown, notice([h("p", {}, t("admin.key_once")), h("code", { class: "secret", dataset: { secret: "key" } }, made.key)]));
        reload();
      } catch (err) {
        fieldErrors(form, err);
      }
    });
  });
  return form;
}
