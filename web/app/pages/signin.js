// Sign in with a phone and a one-time code; a new phone registers on the
// spot (name, birth date 14-35, consent; IIN optional), then signs in.
// `next` is where to go after (the slot chosen before is kept: forms.js).
import { get, post, Problem } from "../api.js";
import * as catalog from "../catalog.js";
import { keepDraft, values } from "../forms.js";
import { language, named, t } from "../i18n.js";
import { go } from "../router.js";
import * as session from "../session.js";
import { busy, clearErrors, field, fieldErrors, h, notice, replace, setFieldError, uid } from "../ui.js";

const YOUTH = [14, 35];

export default async function signinPage({ main, query }) {
  const role = query.role === "staff" ? "staff" : "member";
  const next = query.next || (role === "staff" ? "#/desk" : "#/me/bookings");
  const body = h("div", { class: "narrow" });
  replace(main, h("h1", {}, t(role === "staff" ? "auth.title_staff" : "auth.title")), body);
  let phone = sessionStorage.getItem("jastar.phone") || "";

  function phoneStep(message) {
    const input = h("input", { name: "phone", type: "tel", autocomplete: "tel", inputmode: "tel", required: true, value: phone, placeholder: "+7 7__ ___ __ __" });
    const submit = h("button", { type: "submit", class: "primary" }, t("auth.send_code"));
    const form = h("form", { novalidate: true, dataset: { form: "phone" } },
      message ? notice(message, "info") : null,
      field(t("auth.phone"), input, t("auth.phone_hint")), submit);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      if (!input.value.trim()) return setFieldError(form, "phone", t("form.required"));
      return busy(submit, async () => {
        try {
          const answer = await post("/v1/auth/otp", { phone: input.value.trim(), role });
          phone = input.value.trim();
          sessionStorage.setItem("jastar.phone", phone);
          codeStep(answer);
        } catch (err) {
          fieldErrors(form, err);
        }
      });
    });
    replace(body, form);
    input.focus();
  }

  function codeStep(answer, message) {
    const input = h("input", { name: "code", type: "text", inputmode: "numeric", autocomplete: "one-time-code", pattern: "[0-9]{6}", maxlength: "6", required: true });
    const submit = h("button", { type: "submit", class: "primary" }, t("auth.sign_in"));
    const form = h("form", { novalidate: true, dataset: { form: "code" } },
      message ? notice(message, "ok") : null,
      h("p", {}, t("auth.code_sent", { phone })),
      answer.code ? h("p", { class: "dev-code", dataset: { code: answer.code } }, t("auth.dev_code", { code: answer.code })) : null,
      field(t("auth.code"), input), submit,
      h("button", { type: "button", class: "link", onclick: () => phoneStep() }, t("auth.change_phone")));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      if (!/^\d{6}$/.test(input.value.trim())) return setFieldError(form, "code", t("auth.code_format"));
      return busy(submit, async () => {
        try {
          const token = await post("/v1/auth/token", { phone, code: input.value.trim(), role });
          session.start(token, role);
          if (role === "member") {
            const me = await get("/v1/me").catch(() => null);
            if (me) session.update({ name: me.full_name, memberId: me.id });
          }
          go(next);
        } catch (err) {
          if (err instanceof Problem && err.status === 401) setFieldError(form, "code", t("auth.wrong_code"));
          else fieldErrors(form, err);
        }
      });
    });
    const parts = [form];
    if (role === "member") {
      parts.push(h("section", { class: "card register-invite", "aria-labelledby": "new-h" },
        h("h2", { id: "new-h" }, t("auth.new_here")),
        h("p", {}, t("auth.new_here_text")),
        h("button", { type: "button", class: "secondary", onclick: () => registerStep() }, t("auth.register"))));
    }
    replace(body, ...parts);
    input.focus();
  }

  async function registerStep() {
    const today = new Date();
    const bound = (years) => new Date(today.getFullYear() - years, today.getMonth(), today.getDate()).toISOString().slice(0, 10);
    const districts = await catalog.districts().catch(() => []);
    const form = h("form", { novalidate: true, dataset: { form: "register" } },
      h("p", {}, t("auth.register_for", { phone })),
      field(t("member.full_name"), h("input", { name: "full_name", autocomplete: "name", required: true, minlength: "2" })),
      field(t("member.birth_date"), h("input", { name: "birth_date", type: "date", required: true, min: bound(YOUTH[1] + 1), max: bound(YOUTH[0]) }), t("member.birth_date_hint")),
      field(t("member.district"), h("select", { name: "district_id" },
        h("option", { value: "" }, t("member.district_none")),
        ...districts.map((d) => h("option", { value: d.id }, named(d))))),
      field(t("member.iin"), h("input", { name: "iin", inputmode: "numeric", maxlength: "12", pattern: "[0-9]{12}" }), t("member.iin_hint")),
      categoriesField([]),
      h("div", { class: "field check", dataset: { field: "consent" } },
        h("input", { type: "checkbox", name: "consent", id: "consent", required: true, "aria-describedby": "consent-error" }),
        h("label", { for: "consent" }, t("member.consent")),
        h("p", { class: "field-error", id: "consent-error", hidden: true })),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", onclick: () => codeStep({}) }, t("common.back")),
        h("button", { type: "submit", class: "primary" }, t("auth.register_submit"))));
    const draft = keepDraft(form, "register");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      clearErrors(form);
      const { categories, ...data } = splitCategories(values(form));
      if (!data.full_name) return setFieldError(form, "full_name", t("form.required"));
      if (!data.birth_date) return setFieldError(form, "birth_date", t("form.required"));
      if (!ageFits(data.birth_date)) return setFieldError(form, "birth_date", t("member.age_range"));
      if (data.iin && !/^\d{12}$/.test(data.iin)) return setFieldError(form, "iin", t("member.iin_format"));
      if (!data.consent) return setFieldError(form, "consent", t("member.consent_required"));
      return busy(form.querySelector("[type=submit]"), async () => {
        try {
          await post("/v1/members", { ...data, categories, phone, language: language(), consent: true });
          draft.clear();
          const answer = await post("/v1/auth/otp", { phone, role });
          codeStep(answer, t("auth.registered"));
        } catch (err) {
          if (err instanceof Problem && err.status === 409 && "phone" in err.fields) {
            const answer = await post("/v1/auth/otp", { phone, role }).catch(() => ({}));
            codeStep(answer, t("auth.already_registered"));
          } else fieldErrors(form, err);
        }
      });
    });
    replace(body, form);
    form.querySelector("[name=full_name]").focus();
  }

  if (session.signedIn(role)) {
    go(next);
    return;
  }
  phoneStep(query.next ? t("auth.sign_in_to_continue") : null);
}

function ageFits(iso) {
  const born = new Date(`${iso}T12:00:00`);
  const now = new Date();
  let age = now.getFullYear() - born.getFullYear();
  if (now < new Date(now.getFullYear(), born.getMonth(), born.getDate())) age -= 1;
  return age >= YOUTH[0] && age <= YOUTH[1];
}

// who a member is, for programmes meant for a group (the sewing workshop is
// for young women and mothers); the registry's categories
export const CATEGORIES = ["young_women_and_mothers", "student", "job_seeker", "young_parent", "disability"];

export function categoriesField(chosen) {
  return h("fieldset", { class: "choices", dataset: { field: "categories" } },
    h("legend", {}, t("member.categories")),
    h("p", { class: "hint" }, t("member.categories_hint")),
    ...CATEGORIES.map((name) => {
      const id = uid("cat");
      return h("div", { class: "choice" },
        h("input", { type: "checkbox", id, name: `category_${name}`, checked: chosen.includes(name) }),
        h("label", { for: id }, t(`member.category.${name}`)));
    }));
}

export function splitCategories(data) {
  const out = { ...data, categories: CATEGORIES.filter((name) => data[`category_${name}`]) };
  for (const name of CATEGORIES) delete out[`category_${name}`];
  return out;
}
