// "Add to calendar": an iCalendar file made here from the booking (the API
// has no .ics yet; issue 12 adds GET /v1/me/bookings/{id}.ics, and then
// this link should point there). Times in UTC, which every calendar shows
// in its own zone; the centre's address as the location.
import { named, t } from "./i18n.js";

const stamp = (iso) => new Date(iso).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
const text = (value) => String(value || "").replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\n/g, "\\n");

export function icsText(booking, what, centre) {
  const lines = [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Jastar Hub//web//KK", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
    "BEGIN:VEVENT",
    `UID:${booking.id}@jastar-hub`,
    `DTSTAMP:${stamp(new Date().toISOString())}`,
    `DTSTART:${stamp(booking.starts_at)}`,
    `DTEND:${stamp(booking.ends_at)}`,
    `SUMMARY:${text(t("calendar.summary", { what }))}`,
    centre ? `LOCATION:${text(`${named(centre)}, ${centre.address}`)}` : null,
    "END:VEVENT", "END:VCALENDAR",
  ].filter(Boolean);
  return `${lines.join("\r\n")}\r\n`;
}

export function icsFile(booking, what, centre) {
  return `data:text/calendar;charset=utf-8,${encodeURIComponent(icsText(booking, what, centre))}`;
}
