// Building blocks: DOM without innerHTML (nothing the API says is ever
// parsed as HTML), loading / empty / error states, field errors next to
// their fields, the connection banner, a confirm dialog.
import { Offline, Problem } from "./api.js";
import { has, t } from "./i18n.js";

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
export function uid(prefix = "f") {
  ids += 1;
  return `${prefix}-${ids}`;
}

export const loading = (text = t("common.loading")) =>
  h("p", { class: "loading", role: "status", "aria-live": "polite" }, h("span", { class: "spinner", "aria-hidden": "true" }), text);

export const empty = (text) => h("p", { class: "empty" }, text);

// what went wrong, in the user's language, with a retry where one helps
export function problemText(err) {
  if (err instanceof Offline) return t("error.offline");
  if (err instanceof Problem) {
    if (err.code === "rule_broken") {
      // a rule may say more for one action (too late to cancel, not to book)
      const { rule, action, min_notice_minutes: min } = err.body;
      if (action && has(`rule.${rule}.${action}`)) return t(`rule.${rule}.${action}`, { min });
      if (has(`rule.${rule}`)) return t(`rule.${rule}`);
    }
    if (has(`problem.${err.code}`)) return t(`problem.${err.code}`);
    return err.title || t("error.unknown");
  }
  console.error(err);
  return t("error.unknown");
}

export function errorBox(err, retry) {
  const box = h("div", { class: "alert error", role: "alert" }, h("p", {}, problemText(err)));
  if (err instanceof Problem && err.detail && !has(`problem.${err.code}`) && !has(`rule.${err.body.rule}`)) {
    box.append(h("p", { class: "detail" }, err.detail));
  }
  if (retry && (err instanceof Offline || err.retryable)) {
    box.append(h("button", { type: "button", class: "secondary", onclick: retry }, t("common.retry")));
  }
  return box;
}

export function notice(text, kind = "ok") {
  return h("div", { class: `alert ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

// Load something into `target`: a loading state, then render(data), or the
// error with a retry that loads again.
export async function load(target, fetcher, render) {
  replace(target, loading());
  try {
    const data = await fetcher();
    replace(target, render(data));
  } catch (err) {
    if (err.name === "AbortError") return;
    replace(target, errorBox(err, () => load(target, fetcher, render)));
  }
}

// A labelled form control; the error slot below it is what fieldErrors fills.
export function field(label, control, hint) {
  const id = control.id || uid(control.name || "f");
  control.id = id;
  const error = h("p", { class: "field-error", id: `${id}-error`, hidden: true });
  const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  control.setAttribute("aria-describedby", described);
  return h("div", { class: "field", dataset: { field: control.name || "" } },
    h("label", { for: id }, label),
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    control, error);
}

export function clearErrors(form) {
  for (const p of form.querySelectorAll(".field-error")) {
    p.hidden = true;
    p.textContent = "";
  }
  for (const c of form.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
  form.querySelector(".form-error")?.remove();
}

// A problem's `fields` shown next to those fields (the first one focused);
// what names no field of this form goes on top of the form.
export function fieldErrors(form, err, aliases = {}) {
  clearErrors(form);
  const unplaced = [];
  let first = null;
  const fields = err instanceof Problem ? err.fields : {};
  for (const [name, messages] of Object.entries(fields || {})) {
    const control = form.querySelector(`[name="${CSS.escape(aliases[name] || name)}"]`);
    const text = fieldMessage(name, messages);
    if (!control) {
      unplaced.push(text);
      continue;
    }
    const slot = form.querySelector(`#${CSS.escape(control.id)}-error`);
    control.setAttribute("aria-invalid", "true");
    if (slot) {
      slot.textContent = text;
      slot.hidden = false;
    }
    first = first || control;
  }
  if (!first || unplaced.length) {
    const box = errorBox(err);
    box.classList.add("form-error");
    for (const text of unplaced) box.append(h("p", {}, text));
    form.prepend(box);
  }
  (first || form.querySelector(".form-error"))?.focus?.();
  return first;
}

function fieldMessage(name, messages) {
  const list = Array.isArray(messages) ? messages : typeof messages === "object"
    ? Object.values(messages).flat() : [String(messages)];
  const text = list.join(" ");
  // the API's words first (issue 12 brings them in kk/ru); our own for known cases
  return has(`field.${name}`) ? `${t(`field.${name}`)}: ${text}` : text;
}

export function setFieldError(form, name, text) {
  const control = form.querySelector(`[name="${name}"]`);
  const slot = form.querySelector(`#${CSS.escape(control.id)}-error`);
  control.setAttribute("aria-invalid", "true");
  slot.textContent = text;
  slot.hidden = false;
  control.focus();
}

// A modal question with a clear answer; resolves true or false.
export function confirmDialog({ title, body, yes, no = t("common.back"), danger = false }) {
  return new Promise((resolve) => {
    const titleId = uid("dlg");
    const dialog = h("dialog", { class: "dialog", "aria-labelledby": titleId },
      h("h2", { id: titleId }, title),
      ...[body].flat().map((line) => (line instanceof Node ? line : h("p", {}, line))),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", value: "no", onclick: () => dialog.close("no") }, no),
        h("button", { type: "button", class: danger ? "danger" : "primary", onclick: () => dialog.close("yes") }, yes)));
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue === "yes");
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// the page's top banner: connection state and one-off messages
export function banner(text, kind = "info", { retry, timeout } = {}) {
  const slot = document.getElementById("banner");
  if (!text) {
    slot.replaceChildren();
    return;
  }
  const shown = h("div", { class: `alert ${kind}` }, h("span", {}, text),
    retry ? h("button", { type: "button", class: "secondary", onclick: retry }, t("common.retry")) : null);
  replace(slot, shown);
  // only this message goes: a same-worded one shown since keeps its own time
  if (timeout) setTimeout(() => shown.remove(), timeout);
}

export function button(text, onclick, cls = "primary", extra = {}) {
  return h("button", { type: "button", class: cls, onclick, ...extra }, text);
}

// Disable a button while its action runs (nothing is sent twice by double clicks).
export async function busy(btn, action) {
  if (btn.disabled) return undefined;
  btn.disabled = true;
  btn.setAttribute("aria-busy", "true");
  try {
    return await action();
  } finally {
    btn.disabled = false;
    btn.removeAttribute("aria-busy");
  }
}
