// My profile: what the centres know about me, a calendar feed of my
// bookings, and erasing my account (with a clear warning).
import { api, get, post } from "../api.js";
import * as catalog from "../catalog.js";
import { keepDraft, values } from "../forms.js";
import { named, t, when } from "../i18n.js";
import { go } from "../router.js";
import { categoriesField, splitCategories } from "./signin.js";
import * as session from "../session.js";
import { banner, busy, clearErrors, confirmDialog, errorBox, field, fieldErrors, h, load, notice, replace } from "../ui.js";

export default async function myAccountPage({ main }) {
  const box = h("div", {});
  replace(main, h("h1", {}, t("account.title")), box);
  await load(box, () => Promise.all([get("/v1/me"), catalog.districts()]), ([me, districts]) => [
    profileForm(me, districts), calendarFeed(), eraseSection(),
  ]);
}

function profileForm(me, districts) {
  const save = h("button", { type: "submit", class: "primary" }, t("common.save"));
  const result = h("div", { "aria-live": "polite" });
  const form = h("form", { novalidate: true, dataset: { form: "profile" } },
    h("dl", { class: "facts" },
      h("dt", {}, t("auth.phone")), h("dd", {}, me.phone || "—"),
      h("dt", {}, t("member.birth_date")), h("dd", {}, me.birth_date ? when.calendarDay(me.birth_date) : "—"),
      me.iin ? [h("dt", {}, t("field.iin")), h("dd", {}, me.iin)] : null),
    field(t("member.full_name"), h("input", { name: "full_name", autocomplete: "name", value: me.full_name || "" })),
    field(t("member.email"), h("input", { name: "email", type: "email", autocomplete: "email", value: me.email || "" })),
    field(t("member.telegram"), h("input", { name: "telegram", value: me.telegram || "" })),
    field(t("member.district"), h("select", { name: "district_id" },
      h("option", { value: "" }, t("member.district_none")),
      ...districts.map((d) => h("option", { value: d.id, selected: d.id === me.district_id }, named(d))))),
    categoriesField(me.categories || []),
    result, save);
  const draft = keepDraft(form, "profile");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    replace(result);
    const data = splitCategories(values(form));
    const changes = {
      full_name: data.full_name, email: data.email || null, telegram: data.telegram || null,
      district_id: data.district_id || null, categories: data.categories,
    };
    busy(save, async () => {
      try {
        const saved = await api("PATCH", "/v1/me", { body: changes });
        session.update({ name: saved.full_name });
        draft.clear();
        replace(result, notice(t("account.saved")));
      } catch (err) {
        fieldErrors(form, err);
      }
    });
  });
  return h("section", { "aria-labelledby": "profile-h" }, h("h2", { id: "profile-h" }, t("account.profile")), form);
}

function calendarFeed() {
  const out = h("div", { "aria-live": "polite" });
  const make = h("button", { type: "button", class: "secondary" }, t("account.feed_make"));
  make.addEventListener("click", () => busy(make, async () => {
    try {
      const feed = await post("/v1/me/calendar-feed", {});
      const input = h("input", { readonly: true, value: feed.url, name: "feed_url" });
      const revoke = h("button", { type: "button", class: "link" }, t("account.feed_revoke"));
      revoke.addEventListener("click", () => busy(revoke, async () => {
        await api("DELETE", "/v1/me/calendar-feed").then(() => replace(out, notice(t("account.feed_revoked"))), (err) => replace(out, errorBox(err)));
      }));
      replace(out, field(t("account.feed_url"), input, t("account.feed_hint")), revoke);
      input.select();
    } catch (err) {
      replace(out, errorBox(err));
    }
  }));
  return h("section", { "aria-labelledby": "feed-h" }, h("h2", { id: "feed-h" }, t("account.feed_title")),
    h("p", {}, t("account.feed_text")), make, out);
}

function eraseSection() {
  const button = h("button", { type: "button", class: "danger", dataset: { action: "erase" } }, t("account.delete_button"));
  const result = h("div", { "aria-live": "polite" });
  button.addEventListener("click", async () => {
    const sure = await confirmDialog({
      title: t("account.delete_title"), body: [t("account.delete_text")],
      yes: t("account.delete_confirm"), danger: true,
    });
    if (!sure) return;
    busy(button, async () => {
      try {
        await api("DELETE", "/v1/me");
        session.end();
        banner(t("account.deleted"), "ok", { timeout: 8000 });
        go("#/");
      } catch (err) {
        replace(result, errorBox(err));
      }
    });
  });
  return h("section", { class: "card danger-zone", "aria-labelledby": "erase-h" },
    h("h2", { id: "erase-h" }, t("account.delete_title")),
    h("p", {}, t("account.delete_text")), result, button);
}
