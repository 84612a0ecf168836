"""Dates and times as each language writes them, in Almaty, and SMS quiet
hours. Month names are written out here: the system locale is not to be
trusted to have kk_KZ or ru_RU (and Kazakh wants the nominative month after
the "жылғы" year, Russian the genitive)."""
from datetime import datetime, time, timedelta

from jastar_common.calendar import ALMATY, to_local

MONTHS = {
    "kk": ("қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде",
           "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"),
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля",
           "августа", "сентября", "октября", "ноября", "декабря"),
    "en": ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December"),
}


def format_when(dt_utc, language):
    """kk "2026 жылғы 1 желтоқсан, 10:00"; ru "1 декабря 2026 г., 10:00";
    en "1 December 2026, 10:00" -- always Almaty wall-clock time."""
    local = to_local(dt_utc)
    month = MONTHS.get(language, MONTHS["en"])[local.month - 1]
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if language == "kk":
        return f"{local.year} жылғы {local.day} {month}, {clock}"
    if language == "ru":
        return f"{local.day} {month} {local.year} г., {clock}"
    return f"{local.day} {month} {local.year}, {clock}"


def parse_quiet_hours(text):
    """"22:00-08:00" -> (time(22), time(8)); "off", "none" or "" -> None (no quiet hours)."""
    if not text or text.strip().lower() in ("off", "none"):
        return None
    start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    return start, end


def in_quiet_hours(dt_utc, quiet):
    if quiet is None:
        return False
    start, end = quiet
    now = to_local(dt_utc).time()
    if start <= end:
        return start <= now < end
    return now >= start or now < end  # the window wraps midnight


def defer_past_quiet_hours(dt_utc, quiet):
    """The first moment at or after dt_utc outside the quiet window: a message
    due at 23:10 goes at 08:00 the next morning (deferred, never dropped)."""
    if not in_quiet_hours(dt_utc, quiet):
        return dt_utc
    local = to_local(dt_utc)
    end = quiet[1]
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    wake = datetime.combine(day, end, tzinfo=ALMATY)
    return wake.astimezone(dt_utc.tzinfo)
