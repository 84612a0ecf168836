// Webhooks: subscribe a URL to event types (the signing secret is shown
// once), see a subscription's deliveries, and send one again.
import { all, api, get, post } from "../api.js";
import { keepDraft, values } from "../forms.js";
import { t, when } from "../i18n.js";
import { banner, busy, clearErrors, confirmDialog, empty, errorBox, field, fieldErrors, h, load, notice, replace, setFieldError } from "../ui.js";

export default async function webhooksPage({ main }) {
  const listBox = h("div", { "aria-live": "polite" });
  const reload = () => load(listBox, () => all("/v1/webhooks"), (items) => webhookList(items, reload));
  replace(main, h("h1", {}, t("admin.webhooks")), h("p", { class: "lead" }, t("admin.webhooks_lead")),
    listBox, webhookForm(reload));
  await reload();
}

function webhookList(items, reload) {
  if (!items.length) return empty(t("admin.no_webhooks"));
  return h("ul", { class: "cards wide" }, ...items.map((w) => {
    const deliveries = h("div", { class: "deliveries", "aria-live": "polite" });
    const show = h("button", { type: "button", class: "secondary small", "aria-expanded": "false", dataset: { action: "deliveries" } }, t("admin.deliveries"));
    show.addEventListener("click", () => {
      show.setAttribute("aria-expanded", "true");
      load(deliveries, () => get(`/v1/webhooks/${w.id}/deliveries`, { limit: 20 }), (page) => deliveryList(page.items, () => show.click()));
    });
    return h("li", { class: "card webhook", dataset: { webhook: w.id } },
      h("h3", { class: "url" }, w.url),
      w.description ? h("p", {}, w.description) : null,
      h("p", { class: "muted" }, t("admin.event_types"), ": ", w.event_types.join(", ")),
      h("p", { class: `badge ${w.active === false ? "closed" : "open"}` }, t(w.active === false ? "admin.webhook_off" : "admin.webhook_on")),
      w.disabled_reason ? h("p", { class: "muted" }, w.disabled_reason) : null,
      h("div", { class: "booking-actions" }, show,
        h("button", { type: "button", class: "link", "aria-label": `${t("admin.delete")}: ${w.url}`, onclick: async (event) => {
          const sure = await confirmDialog({ title: t("admin.delete"), body: [w.url], yes: t("admin.delete"), danger: true });
          if (!sure) return;
          await busy(event.target, async () => {
            try {
              await api("DELETE", `/v1/webhooks/${w.id}`);
              reload();
            } catch (err) {
              banner(errorBox(err).textContent, "error");
            }
          });
        } }, t("admin.delete"))),
      deliveries);
  }));
}

function deliveryList(items, reload) {
  if (!items.length) return empty(t("admin.no_deliveries"));
  return h("table", { class: "list" },
    h("thead", {}, h("tr", {}, ...["admin.col.event", "admin.col.status", "admin.col.attempts", "admin.col.created", "desk.col.actions"]
      .map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, ...items.map((d) => {
      const result = h("span", { "aria-live": "polite" });
      return h("tr", { dataset: { delivery: d.id, status: d.status } },
        h("td", {}, d.event_type),
        h("td", {}, h("span", { class: `badge ${d.status === "delivered" ? "open" : d.status === "failed" ? "closed" : "pending"}` }, d.status),
          d.last_status_code ? ` HTTP ${d.last_status_code}` : "", d.last_error ? h("span", { class: "muted error-text" }, ` ${d.last_error}`) : null),
        h("td", {}, String(d.attempts ?? 0)),
        h("td", {}, d.created_at ? when.dateTime(d.created_at) : "—"),
        h("td", {}, h("button", { type: "button", class: "secondary small", dataset: { action: "replay" },
          "aria-label": `${t("admin.replay")}: ${d.event_type}`, onclick: (event) => busy(event.currentTarget, async () => {
            try {
              await post(`/v1/webhook-deliveries/${d.id}/replay`, {});
              banner(t("admin.replayed"), "ok", { timeout: 5000 });
              reload();
            } catch (err) {
              replace(result, errorBox(err));
            }
          }) }, t("admin.replay")), result));
    })));
}

function webhookForm(reload) {
  const shown = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "card", novalidate: true, dataset: { form: "new-webhook" } },
    h("h2", {}, t("admin.new_webhook")),
    field(t("admin.url"), h("input", { name: "url", type: "url", required: true, placeholder: "https://", autocomplete: "off" }), t("admin.url_hint")),
    field(t("admin.event_types"), h("input", { name: "event_types", required: true, value: "booking.*", autocomplete: "off" }), t("admin.event_types_hint")),
    field(t("admin.description"), h("input", { name: "description", autocomplete: "off" })),
    h("button", { type: "submit", class: "primary" }, t("admin.create_webhook")), shown);
  const draft = keepDraft(form, "new-webhook");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(form);
    const data = values(form);
    if (!data.url) return setFieldError(form, "url", t("form.required"));
    const types = (data.event_types || "").split(/[\s,]+/).filter(Boolean);
    if (!types.length) return setFieldError(form, "event_types", t("form.required"));
    return busy(form.querySelector("[type=submit]"), async () => {
      try {
        const made = await post("/v1/webhooks", { url: data.url, event_types: types, description: data.description });
        draft.clear();
        form.querySelector("[name=url]").value = "";
        replace(shown, notice([h("p", {}, t("admin.secret_once")), h("code", { class: "secret", dataset: { secret: "webhook" } }, made.secret)]));
        reload();
      } catch (err) {
        fieldErrors(form, err);
      }
    });
  });
  return form;
}
