// Messages and formats in the chosen language (kk or ru). Every text the app
// shows comes from web/messages/<lang>.json; dates and times are always
// Asia/Almaty, whatever the device's own time zone.
export const LANGUAGES = ["kk", "ru"];
export const TIME_ZONE = "Asia/Almaty";
const STORE = "jastar.lang";

let lang = null;
let messages = {};
const loaded = {};

export function storedLanguage() {
  const saved = localStorage.getItem(STORE);
  return LANGUAGES.includes(saved) ? saved : null;
}

export function language() {
  return lang;
}

export async function catalogue(which) {
  if (!loaded[which]) {
    // resolved through the import map: the hashed, long-cached catalogue
    const response = await fetch(import.meta.resolve(`../messages/${which}.json`));
    if (!response.ok) throw new Error(`messages ${which}: ${response.status}`);
    loaded[which] = await response.json();
  }
  return loaded[which];
}

export async function useLanguage(next) {
  messages = await catalogue(next);
  lang = next;
  localStorage.setItem(STORE, next);
  document.documentElement.lang = next;
}

// t("book.slots_count", {n: 3}): "{n}" placeholders; a message that is an object
// holds plural forms (one, few, many, other) chosen by Intl.PluralRules.
export function t(key, params = {}) {
  let text = messages[key];
  if (text === undefined) {
    console.warn("no message", key, lang);
    return key;
  }
  if (typeof text === "object") {
    const form = new Intl.PluralRules(locale()).select(Number(params.n ?? 0));
    text = text[form] ?? text.other;
  }
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? `{${name}}`));
}

export function has(key) {
  return key in messages;
}

export function locale() {
  return lang === "kk" ? "kk-KZ" : "ru-RU";
}

// the name of a catalogue object in the chosen language (name_kk / name_ru)
export function named(obj, field = "name") {
  if (!obj) return "";
  return obj[`${field}_${lang}`] || obj[`${field}_ru`] || obj[`${field}_kk`] || obj[field] || obj.id || "";
}

// Dates by hand from the catalogue's names: browsers' Intl data for Kazakh
// is often missing (Chromium formats kk-KZ as "M11 30, Mon"). Numbers come
// from Intl in Almaty time.
const partsFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: TIME_ZONE, year: "numeric", month: "numeric", day: "numeric", weekday: "short",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});
const WEEKDAY = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

export function list(key) {
  return Array.isArray(messages[key]) ? messages[key] : [];
}

function parts(value) {
  const p = Object.fromEntries(partsFormat.formatToParts(new Date(value)).map((x) => [x.type, x.value]));
  const month = Number(p.month);
  return {
    y: p.year, d: Number(p.day), time: `${p.hour}:${p.minute}`, weekday: WEEKDAY[p.weekday],
    month: list("date.months")[month - 1], mon: list("date.months_short")[month - 1],
  };
}

export const when = {
  time: (iso) => parts(iso).time,
  day: (iso) => {
    const p = parts(iso);
    return t("date.day", { ...p, wd: list("date.weekdays_short")[p.weekday] });
  },
  date: (iso) => {
    const p = parts(iso);
    return t("date.long", { ...p, wd: list("date.weekdays")[p.weekday] });
  },
  // a calendar date (YYYY-MM-DD, no time): a birth date
  calendarDay: (day) => when.date(`${day}T12:00:00+05:00`),
  dateTime: (iso) => {
    const p = parts(iso);
    return t("date.date_time", { ...p, wd: list("date.weekdays_short")[p.weekday] });
  },
};

export function weekdayShort(index) {
  return list("date.weekdays_short")[index];
}

// YYYY-MM-DD of an instant in Almaty: the day a slot belongs to
const dayKeyFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit",
});
export function almatyDay(value) {
  return dayKeyFormat.format(value instanceof Date ? value : new Date(value));
}

export function number(n) {
  return new Intl.NumberFormat("ru-RU").format(n);  // "82 000": the same grouping in kk and ru
}
