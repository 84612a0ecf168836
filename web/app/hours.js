// Opening hours ({mon: [["09:00", "20:00"]], ...}) in words: consecutive days
// with the same hours together, weekday names from Intl in the chosen language.
import { t, TIME_ZONE, weekdayShort } from "./i18n.js";

export const WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

const weekdayName = weekdayShort;

const spans = (list) => (list || []).map(([from, to]) => `${from}–${to}`).join(", ");

export function hoursLines(hours) {
  const lines = [];
  let start = 0;
  for (let i = 1; i <= WEEK.length; i += 1) {
    if (i < WEEK.length && spans(hours[WEEK[i]]) === spans(hours[WEEK[start]])) continue;
    const text = spans(hours[WEEK[start]]);
    const days = i - 1 === start ? weekdayName(start) : `${weekdayName(start)}–${weekdayName(i - 1)}`;
    lines.push({ days, text: text || t("centre.closed_day") });
    start = i;
  }
  return lines;
}

// open right now, in Almaty?
export function openNow(hours, now = new Date()) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: TIME_ZONE, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).formatToParts(now).map((p) => [p.type, p.value]));
  const day = parts.weekday.toLowerCase().slice(0, 3);
  const time = `${parts.hour}:${parts.minute}`;
  return (hours[day] || []).some(([from, to]) => from <= time && time < to);
}
