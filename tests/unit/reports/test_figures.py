"""The reports' figures from events: the rules, duplicates and reordering,
a rebuild from the owners' facts, small-count suppression and access."""
import random
import sqlite3
from datetime import date, timedelta

import pytest

from jastar_common.caller import Caller
from jastar_common.errors import InvalidInput, NotAllowed
from jastar_reports.domain import facts, rebuild, reports
from jastar_reports.domain.figures import REPORTS

from .world import (
    ADMIN, HASHER, MONDAY, NOW, SETTINGS, WEEK, Booking, apply_all, event, registry_events, scenario, store,
)

H = timedelta(hours=1)


def figures(uow_factory, name, caller=ADMIN, query=WEEK, export=False):
    return reports.build(uow_factory(), caller, name, query, SETTINGS, NOW, export=export)["rows"]


def all_figures(uow_factory):
    return {name: figures(uow_factory, name) for name in REPORTS}


def by(rows, **match):
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def test_overview_counts_bookings_by_the_day_they_start(live):
    karasai = by(figures(live, "overview"), centre_id="karasai-yrc")
    assert karasai == {
        "centre_id": "karasai-yrc", "district_id": "karasai", "bookings": 6, "served": 3,
        "members_served": 2, "new_members": 2, "no_shows": 1, "cancelled": 2, "late_cancellations": 1,
        "rejected": 0, "no_show_rate": 0.25, "cancellation_rate": 0.3333}
    assert by(figures(live, "overview"), centre_id="konaev-yrc")["members_served"] == 1


def test_districts_count_people_once_over_their_centres(live):
    rows = figures(live, "districts")
    assert [r["district_id"] for r in rows] == ["karasai", "konaev"]
    karasai = by(rows, district_id="karasai")
    overview = by(figures(live, "overview"), centre_id="karasai-yrc")
    assert karasai == {k: v for k, v in overview.items() if k != "centre_id"}  # one centre there


def test_reach_against_the_youth_population_and_unknown_is_null(live):
    rows = figures(live, "reach")
    assert by(rows, level="region")["members_served"] == 3
    assert by(rows, level="region")["share_of_youth"] == round(3 / 432_000, 8)
    assert by(rows, level="region")["new_members"] == 1  # m1 registered this week; m5 before
    karasai = by(rows, level="district", id="karasai")
    assert (karasai["members_served"], karasai["youth_population"], karasai["new_members"]) == (2, 82_000, 1)
    konaev = by(rows, level="district", id="konaev")
    assert konaev["youth_population"] is None and konaev["share_of_youth"] is None
    assert konaev["members_served"] == 1


def test_consultations_specialists_spaces_waiting(live):
    jobs = by(figures(live, "consultations"), centre_id="karasai-yrc", service_id="jobs")
    assert (jobs["consultations"], jobs["served"], jobs["no_shows"], jobs["partner_id"]) == (5, 2, 1, "career-centre")
    aigerim = by(figures(live, "specialists"), specialist_id="aigerim", centre_id="karasai-yrc")
    assert (aigerim["scheduled_hours"], aigerim["booked_hours"], aigerim["booked_share"]) == (4.0, 1.5, 0.375)
    spaces = figures(live, "spaces")
    assert by(spaces, weekday="mon", hour=15) | {} == {
        "centre_id": "karasai-yrc", "space_id": "studio", "space_kind": "recording_studio",
        "weekday": "mon", "hour": 15, "open_hours": 1.0, "booked_hours": 1.0, "use": 1.0}
    assert by(spaces, weekday="tue", hour=9)["booked_hours"] == 0.0
    assert not [r for r in spaces if r["weekday"] == "sat"]  # closed at weekends
    waiting = by(figures(live, "waiting"), service_id="jobs")
    assert (waiting["consultations"], waiting["median_days"], waiting["p90_days"]) == (4, 3.0, 3.0)


def test_waitlists_and_members_by_age_band(live):
    karasai = by(figures(live, "waitlists"), centre_id="karasai-yrc")
    assert karasai == {"centre_id": "karasai-yrc", "joined": 2, "offers_made": 2, "accepted": 1,
                       "declined": 0, "expired": 1, "median_hours_to_seat": 5.0}
    members = figures(live, "members")
    assert by(members, centre_id="karasai-yrc", age_band="18-24") == {
        "centre_id": "karasai-yrc", "age_band": "18-24", "members": 2, "first_visit": 2, "returning": 0}
    assert by(members, centre_id="konaev-yrc", age_band="30-35")["members"] == 1


def test_a_member_who_came_before_the_period_is_returning(live):
    next_week = {**WEEK, "from": date(2026, 3, 9), "to": date(2026, 3, 15)}
    later = Booking("m1", MONDAY + 7 * 24 * H).move("checked_in", MONDAY + 7 * 24 * H)
    apply_all(live, later.events)
    row = by(figures(live, "members", query=next_week), centre_id="karasai-yrc", age_band="18-24")
    assert (row["members"], row["first_visit"], row["returning"]) == (1, 0, 1)


def test_daily_series_has_every_day_of_the_period(live):
    rows = [r for r in figures(live, "daily") if r["centre_id"] == "karasai-yrc"]
    assert [r["date"] for r in rows] == [f"2026-03-0{d}" for d in range(2, 9)]
    assert by(rows, date="2026-03-02")["bookings"] == 5 and by(rows, date="2026-03-03")["served"] == 1


@pytest.mark.parametrize("seed", range(5))
def test_duplicates_and_any_order_change_nothing(tmp_path, live, seed):
    events = scenario()[0]
    shuffled = events + random.Random(seed).sample(events, 12)  # twelve delivered twice
    random.Random(seed).shuffle(shuffled)
    other = store(tmp_path / f"shuffled-{seed}.db")
    apply_all(other, shuffled)
    assert all_figures(other) == all_figures(live)


def test_the_same_data_republished_under_a_new_event_id_changes_nothing(tmp_path, live):
    before = all_figures(live)
    apply_all(live, [event(e.type, e.data, e.time) for e in scenario()[0]])
    assert all_figures(live) == before


class RegistryService:
    """The registry's RPC as the rebuild reads it: offset pages."""

    def __init__(self, objects, members):
        self.objects, self.members = objects, members

    @staticmethod
    def _page(items, query):
        return {"items": items[query["offset"]:query["offset"] + query["limit"]], "total": len(items)}

    def list(self, kind, query):
        return self._page([o for k, o in self.objects if k == kind], query)

    def list_member_facts(self, query):
        return self._page(self.members, query)


class BookingService:
    """Booking's list_facts: keyset pages."""

    def __init__(self, facts_by_kind):
        self.facts = facts_by_kind

    def list_facts(self, what, query):
        start = query["after"] or 0
        items = self.facts[what][start:start + query["limit"]]
        return {"items": items, "next": start + len(items) if start + len(items) < len(self.facts[what]) else None}


def test_a_rebuild_from_the_owners_gives_the_same_figures(tmp_path, live, monkeypatch):
    monkeypatch.setattr(rebuild, "PAGE", 2)  # several pages of everything
    events, bookings, entries = scenario()
    objects = []
    for e in registry_events():
        kind = e.type.split(".")[0]
        objects.append((kind, {"id": e.data[f"{kind}_id"],
                               **{k: v for k, v in e.data.items() if k != f"{kind}_id"}}))
    members = [
        {"member_id": "m1", "district_id": "karasai", "status": "active", "registered_at": MONDAY.isoformat()},
        {"member_id": "m5", "district_id": "konaev", "status": "active",
         "registered_at": (MONDAY - timedelta(days=40)).isoformat()}]
    latest = {}
    for e in entries:
        latest[e.data["entry_id"]] = e.data
    owners_facts = {"bookings": [b.latest() for b in bookings], "waitlist": list(latest.values())}
    rebuilt = store(tmp_path / "rebuilt.db")
    assert facts.needs_rebuild(rebuilt())

    counts = rebuild.rebuild_from_owners(rebuilt, RegistryService(objects, members), BookingService(owners_facts), HASHER,
                                         lambda: MONDAY + 100 * H)
    assert counts["member"] == 2 and counts["bookings"] == len(bookings) and counts["centre"] == 2
    assert not facts.needs_rebuild(rebuilt())
    assert all_figures(rebuilt) == all_figures(live)


def test_no_member_id_is_stored(tmp_path, live):
    with sqlite3.connect(tmp_path / "live.db") as db:
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        values = {str(v) for name in names if name != "jastar_inbox"
                  for row in db.execute(f"SELECT * FROM {name}") for v in row}
    assert HASHER("m1") in values
    assert not {v for v in values if v in ("m1", "m2", "w0") or '"m1"' in v}


def test_exports_suppress_counts_below_five(live):
    rows = figures(live, "overview", export=True)
    karasai = by(rows, centre_id="karasai-yrc")
    assert karasai["bookings"] == 6                      # five or more: shown
    assert karasai["served"] == "<5" and karasai["no_shows"] == "<5"
    assert karasai["rejected"] == 0                      # zero picks out nobody
    assert karasai["no_show_rate"] is None               # it would give the count back
    assert karasai["cancellation_rate"] is None          # cancelled is 2
    waiting = by(figures(live, "waiting", export=True), service_id="jobs")
    assert waiting["consultations"] == "<5" and waiting["median_days"] is None
    assert by(figures(live, "waiting"), service_id="jobs")["median_days"] == 3.0  # JSON for staff is whole


def test_staff_see_only_their_centres(live):
    desk = Caller("staff", "desk-1", ("konaev-yrc",))
    assert [r["centre_id"] for r in figures(live, "overview", caller=desk)] == ["konaev-yrc"]
    reach = figures(live, "reach", caller=desk)
    assert {r["id"] for r in reach} == {"almaty-region", "konaev", "konaev-yrc"}
    assert by(reach, level="region")["members_served"] == 1  # over the centres they see
    with pytest.raises(NotAllowed):
        figures(live, "overview", caller=desk, query={**WEEK, "centre_id": "karasai-yrc"})
    with pytest.raises(NotAllowed):
        figures(live, "overview", caller=Caller("member", "m1"))


def test_bad_periods_and_unknown_names_are_refused(live):
    with pytest.raises(InvalidInput) as err:
        figures(live, "overview", query={**WEEK, "to": date(2026, 3, 1)})
    assert "to" in err.value.details["fields"]
    with pytest.raises(InvalidInput):
        figures(live, "overview", query={**WEEK, "centre_id": "nowhere"})
    with pytest.raises(InvalidInput):
        reports.build(live(), ADMIN, "everything", WEEK, SETTINGS, NOW)


def test_events_applied_in_batches_give_the_same_figures(tmp_path, live):
    events = scenario()[0]
    batched = store(tmp_path / "batched.db")
    for n in range(0, len(events), 7):
        facts.apply_events(batched(), events[n:n + 7] + events[n:n + 1], HASHER)  # one twice in each
    assert all_figures(batched) == all_figures(live)
