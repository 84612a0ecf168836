"""Pages of a list never drop or repeat a row: lists are ordered by a unique
key (start time, then id), so bookings that share a start time page stably."""
from .conftest import client, staff
from . import world


def test_paging_through_bookings_that_share_a_start_time(booking):
    day = booking.day
    starts, ends = world.local(day, 10).isoformat(), world.local(day, 11).isoformat()
    made = set()
    with client(booking.amqp_uri) as rpc:
        for n in range(11):  # eleven members at the coworking desks, all at 10:00
            made.add(rpc.booking.create_booking({
                "kind": "space", "member_id": f"m-{n:03d}", "space_id": "desks",
                "starts_at": starts, "ends_at": ends})["booking"]["id"])
    with client(booking.amqp_uri, staff("c1")) as desk:
        seen = []
        for offset in range(0, 12, 3):
            page = desk.booking.centre_day("c1", day.isoformat(), {"limit": 3, "offset": offset})
            seen += [row["id"] for row in page["items"]]
    assert len(seen) == len(set(seen)) == 11
    assert set(seen) == made
    assert seen == sorted(made)  # one start time: the id decides, not the order rows were stored
    # the same order every time it is asked
    with client(booking.amqp_uri, staff("c1")) as desk:
        again = desk.booking.centre_day("c1", day.isoformat(), {"limit": 11, "offset": 0})
    assert [row["id"] for row in again["items"]] == seen
