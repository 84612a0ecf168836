"""The facts' rules (domain/model.py): which of two snapshots of one object
is kept, and the store's conditional upserts keeping the same one."""
import random
from datetime import date, datetime, timedelta

import pytest

from jastar_reports.domain.model import BookingFact, MemberFact, WaitlistFact, latest

from .world import HASHER, MONDAY, Booking, store

H = timedelta(hours=1)


def booking(state, at, **data):
    return BookingFact.from_event({**Booking("m1", MONDAY).data, "state": state, "changed_at": at.isoformat(),
                                   **data}, HASHER)


def entry(state, at):
    return WaitlistFact.from_event({"entry_id": "e1", "member_id": "w1", "resource_id": "sewing-1",
                                    "centre_id": "karasai-yrc", "joined_at": MONDAY.isoformat(),
                                    "state": state, "changed_at": at.isoformat()}, HASHER)


def member(status, at, district_id="karasai", registered_at=None):
    return MemberFact(HASHER("m1"), district_id, status, registered_at or at, at)


def test_a_booking_fact_is_built_from_the_events_data():
    fact = booking("confirmed", MONDAY - H)
    assert fact.member_hash == HASHER("m1") and fact.key == fact.booking_id
    assert fact.rank == 1 and fact.order() == (MONDAY - H, 1)
    assert fact.row()["rank"] == 1 and "member_id" not in fact.row()
    late = booking("confirmed", MONDAY, starts_at="2026-03-02T20:00:00")  # naive: UTC, 01:00 in Almaty
    assert late.day == date(2026, 3, 3) and late.starts_at.utcoffset() == timedelta(0)


def test_times_left_out_of_a_snapshot_are_the_events():
    data = {**Booking("m1", MONDAY).data, "state": "pending"}
    del data["requested_at"], data["changed_at"]
    fact = BookingFact.from_event(data, HASHER, event_time=MONDAY - H)
    assert fact.changed_at == fact.requested_at == MONDAY - H
    assert BookingFact.from_event({**data, "state": "unheard-of"}, HASHER, MONDAY).rank == 0
    waiting = WaitlistFact.from_event({"entry_id": "e1", "member_id": "w1", "resource_id": "r", "centre_id": "c",
                                       "state": "waiting"}, HASHER, MONDAY)
    assert waiting.joined_at == waiting.changed_at == MONDAY and waiting.day == date(2026, 3, 2)


@pytest.mark.parametrize("make, first, further", [(booking, "confirmed", "cancelled"),
                                                  (entry, "offered", "accepted")])
def test_the_later_snapshot_wins_and_a_tie_goes_to_the_further_state(make, first, further):
    older, newer = make(further, MONDAY), make(first, MONDAY + H)
    assert newer.supersedes(older) and not older.supersedes(newer)   # time before rank
    assert older.kept_over(newer) is newer and newer.kept_over(older) is newer
    behind, ahead = make(first, MONDAY), make(further, MONDAY)        # the same time: rank
    assert ahead.kept_over(behind) is ahead and behind.kept_over(ahead) is ahead
    assert make(first, MONDAY).kept_over(None).state == first


def test_a_duplicate_supersedes_nothing_and_the_stored_one_stays():
    stored, again = booking("checked_in", MONDAY), booking("checked_in", MONDAY)
    assert stored == again and not again.supersedes(stored)
    assert again.kept_over(stored) is stored


def test_latest_keeps_one_per_object_whatever_the_order():
    states = [booking("confirmed", MONDAY - H), booking("checked_in", MONDAY), booking("completed", MONDAY + H),
              booking("completed", MONDAY + H), booking("no_show", MONDAY - 2 * H)]
    other = booking("cancelled", MONDAY, starts_at=(MONDAY + 24 * H).isoformat(), booking_id="b2")
    for seed in range(5):
        shuffled = random.Random(seed).sample(states + [other], 6)
        assert sorted(latest(shuffled), key=lambda f: f.booking_id) == sorted([states[2], other],
                                                                              key=lambda f: f.booking_id)


def test_a_member_keeps_the_newest_status_its_last_district_and_the_first_registration():
    registered = member("active", MONDAY)
    erased = member("erased", MONDAY + H, district_id=None)
    kept = erased.kept_over(registered)
    assert (kept.status, kept.district_id, kept.registered_at) == ("erased", "karasai", MONDAY)
    assert registered.kept_over(erased) == kept                      # whichever comes first
    assert erased.kept_over(None).kept_over(registered) == kept
    early_update = member("active", MONDAY - H, district_id="konaev", registered_at=MONDAY + H)
    assert early_update.kept_over(registered) == registered          # older, registered later: nothing
    updated_first = member("active", MONDAY + 2 * H, district_id="konaev", registered_at=MONDAY + 2 * H)
    kept = registered.kept_over(updated_first)
    assert (kept.district_id, kept.registered_at, kept.day) == ("konaev", MONDAY, date(2026, 3, 2))
    tie = member("suspended", MONDAY, district_id="konaev")
    assert tie.kept_over(registered) == registered                   # same time: the stored one's


# --- the store keeps what the model keeps --------------------------------------

def _snapshots(make, states, seed):
    rng = random.Random(seed)
    return [make(rng.choice(states), MONDAY + rng.randrange(4) * H) for _ in range(12)]


def _members(seed):
    rng = random.Random(seed)
    return [member(rng.choice(("active", "suspended", "erased")), MONDAY + rng.randrange(4) * H,
                   district_id=rng.choice(("karasai", "konaev", None)),
                   registered_at=MONDAY + rng.randrange(-3, 4) * H) for _ in range(12)]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("what", ["booking_facts", "waitlist_facts", "member_facts"])
def test_the_stores_upsert_keeps_what_the_model_keeps(tmp_path, what, seed):
    snapshots = {"booking_facts": lambda: _snapshots(booking, list(BookingFact.RANKS), seed),
                 "waitlist_facts": lambda: _snapshots(entry, list(WaitlistFact.RANKS), seed),
                 "member_facts": lambda: _members(seed)}[what]()
    uow, kept = store(tmp_path / "facts.db")(), None
    with uow:
        repository = getattr(uow, what)
        for fact in snapshots:
            repository.put(fact if what == "member_facts" else [fact])
            kept = fact.kept_over(kept)
        assert repository.find() == [kept.row()]


def test_times_compare_as_moments_whatever_their_offset():
    utc = booking("confirmed", MONDAY)
    almaty = booking("cancelled", datetime.fromisoformat("2026-03-02T10:00:00+05:00"))  # the same moment
    assert almaty.kept_over(utc) is almaty and utc.kept_over(almaty) is almaty  # rank decides
