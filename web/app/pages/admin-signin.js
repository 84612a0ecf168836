// An admin signs in with the admin API key (ADMIN_API_KEY; `make run` prints
// it). The key is checked by reading the staff accounts, then kept in this
// tab's sessionStorage only (session.js) and sent as X-Api-Key.
import { get, Problem } from "../api.js";
import { t } from "../i18n.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { busy, clearErrors, field, fieldErrors, h, notice, replace, setFieldError } from "../ui.js";

export default async function adminSigninPage({ main, query }) {
  const next = query.next || "#/admin";
  if (session.signedIn("admin")) {
    go(next);
    return;
  }
  const input = h("input", { name: "key", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  const submit = h("button", { type: "submit", class: "primary" }, t("admin.sign_in"));
  const form = h("form", { novalidate: true, class: "narrow", dataset: { form: "admin-key" } },
    query.next ? notice(t("auth.sign_in_to_continue"), "info") : null,
    field(t("admin.key"), input, t("admin.key_hint")), submit,
    h("p", {}, h("a", { href: "#/signin?role=staff&next=%23%2Fdesk" }, t("admin.staff_instead"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    const key = input.value.trim();
    if (!key) return setFieldError(form, "key", t("form.required"));
    return busy(submit, async () => {
      session.startAdmin(key);
      try {
        await get("/v1/staff", { limit: 1 });
        go(next);
      } catch (err) {
        session.end();
        if (err instanceof Problem && (err.status === 401 || err.status === 403)) setFieldError(form, "key", t("admin.wrong_key"));
        else fieldErrors(form, err);
      }
    });
  });
  replace(main, h("h1", {}, t("admin.signin_title")), form);
  input.focus();
}
