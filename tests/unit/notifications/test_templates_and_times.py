"""Templates (every type in kk, ru and en, filled with sample data), dates
the way each language writes them in Almaty time, and SMS quiet hours."""
from datetime import datetime, timezone

import pytest

from jastar_common.calendar import to_local, to_utc

from jastar_notifications.domain.localtime import (
    defer_past_quiet_hours, format_when, in_quiet_hours, parse_quiet_hours,
)
from jastar_notifications.domain.planning import MESSAGE_TYPES
from jastar_notifications.templates import LANGUAGES, PLACEHOLDERS, TEMPLATE_DIR, load, placeholders, render

SAMPLE = {"name": "Айгерім", "centre": "Қарасай ЖРО", "address": "Каскелең, Абылай хан 1",
          "what": "Психолог", "when": "2026 жылғы 1 желтоқсан, 10:00",
          "previous_when": "2026 жылғы 30 қараша, 15:00", "deadline": "2026 жылғы 1 желтоқсан, 12:00",
          "reason": "Маман ауырып қалды", "lead": "24h", "code": "493021"}


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_every_message_type_has_each_language_and_renders(message_type, language):
    assert (TEMPLATE_DIR / language / f"{message_type}.txt").is_file()
    subject, body = load(language, message_type)
    assert subject and body
    assert placeholders(subject + body) <= PLACEHOLDERS
    rendered = render(message_type, language, SAMPLE)
    assert rendered.language == language
    assert "{" not in rendered.body and "}" not in rendered.body and rendered.subject
    used = placeholders(body)
    for name in used:
        assert SAMPLE[name] in rendered.body


def test_no_template_files_beyond_the_known_types():
    for language in LANGUAGES:
        names = {p.stem for p in (TEMPLATE_DIR / language).glob("*.txt")}
        assert names == set(MESSAGE_TYPES)


def test_a_language_with_no_templates_falls_back_to_english():
    rendered = render("booking_confirmed", "de", SAMPLE)
    assert rendered.language == "en" and rendered.body.startswith("Hello, Айгерім!")


def test_missing_values_leave_no_braces():
    assert "{" not in render("booking_rescheduled", "ru", {"name": "Асель"}).body


@pytest.mark.parametrize("instant, kk, ru", [
    # Almaty is UTC+5: 18:59 UTC is 23:59 local, 19:00 UTC is midnight of the next day
    (utc(2026, 11, 30, 18, 59), "2026 жылғы 30 қараша, 23:59", "30 ноября 2026 г., 23:59"),
    (utc(2026, 11, 30, 19, 0), "2026 жылғы 1 желтоқсан, 00:00", "1 декабря 2026 г., 00:00"),
    (utc(2026, 12, 31, 19, 0), "2027 жылғы 1 қаңтар, 00:00", "1 января 2027 г., 00:00"),
    (utc(2026, 3, 1, 5, 5), "2026 жылғы 1 наурыз, 10:05", "1 марта 2026 г., 10:05"),
])
def test_dates_in_almaty_written_each_languages_way(instant, kk, ru):
    assert format_when(instant, "kk") == kk
    assert format_when(instant, "ru") == ru


def test_english_dates():
    assert format_when(utc(2026, 5, 9, 4, 30), "en") == "9 May 2026, 09:30"


QUIET = parse_quiet_hours("22:00-08:00")


@pytest.mark.parametrize("local_hm, expected_local", [
    ((21, 59), "2026-12-01T21:59"),   # still allowed: sent now
    ((22, 0), "2026-12-02T08:00"),    # quiet: next morning
    ((23, 30), "2026-12-02T08:00"),
    ((7, 59), "2026-12-01T08:00"),    # quiet after midnight: the same morning
    ((8, 0), "2026-12-01T08:00"),     # allowed again
])
def test_sms_quiet_hours_defer_to_eight_in_the_morning(local_hm, expected_local):
    hour, minute = local_hm
    due = to_utc(datetime(2026, 12, 1, hour, minute))  # Almaty wall-clock time
    deferred = defer_past_quiet_hours(due, QUIET)
    assert to_local(deferred).strftime("%Y-%m-%dT%H:%M") == expected_local
    assert in_quiet_hours(due, QUIET) == (deferred != due)


def test_no_quiet_hours_configured_defers_nothing():
    assert parse_quiet_hours("") is None and parse_quiet_hours("off") is None
    due = utc(2026, 12, 1, 18, 0)  # 23:00 local
    assert defer_past_quiet_hours(due, None) == due
