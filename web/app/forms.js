// Form helpers: read a form's values, and keep what was typed as a draft in
// sessionStorage (an expired session or a reload does not lose it).
const PREFIX = "jastar.draft.";

export function values(form) {
  const out = {};
  for (const control of form.elements) {
    if (!control.name || control.disabled) continue;
    if (control.type === "checkbox") out[control.name] = control.checked;
    else if (control.type === "radio") {
      if (control.checked) out[control.name] = control.value;
    } else if (control.value.trim() !== "") out[control.name] = control.value.trim();
  }
  return out;
}

export function keepDraft(form, key, { except = [] } = {}) {
  const store = PREFIX + key;
  try {
    const saved = JSON.parse(sessionStorage.getItem(store)) || {};
    for (const [name, value] of Object.entries(saved)) {
      const control = form.elements[name];
      if (!control || except.includes(name)) continue;
      if (control.type === "checkbox") control.checked = Boolean(value);
      else control.value = value;
    }
  } catch {
    sessionStorage.removeItem(store);
  }
  const save = () => {
    const all = values(form);
    for (const name of except) delete all[name];
    sessionStorage.setItem(store, JSON.stringify(all));
  };
  form.addEventListener("input", save);
  form.addEventListener("change", save);
  return { clear: () => sessionStorage.removeItem(store) };
}

// a slot or seat chosen before signing in, picked up again after
const PENDING = "jastar.pending";
export function rememberPending(what) {
  sessionStorage.setItem(PENDING, JSON.stringify(what));
}
export function pending(kind) {
  try {
    const saved = JSON.parse(sessionStorage.getItem(PENDING));
    return saved && (!kind || saved.kind === kind) ? saved : null;
  } catch {
    return null;
  }
}
export function clearPending() {
  sessionStorage.removeItem(PENDING);
}
