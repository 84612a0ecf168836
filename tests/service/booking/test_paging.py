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


def test_a_members_lists_count_only_what_the_caller_may_see(booking):
    """Bookings and waitlist places are separate pages, each with its total;
    a staff member's total counts only their centres (filtered in the query)."""
    day = booking.day
    with client(booking.amqp_uri) as rpc:
        for hour in (10, 12, 14):
            rpc.booking.create_booking({
                "kind": "space", "member_id": "m-020", "space_id": "desks",
                "starts_at": world.local(day, hour).isoformat(), "ends_at": world.local(day, hour + 1).isoformat()})
    with client(booking.amqp_uri, staff("c1")) as desk:
        page = desk.booking.member_bookings("m-020", {"limit": 2, "offset": 0})
        assert (len(page["items"]), page["total"], page["limit"], page["offset"]) == (2, 3, 2, 0)
        rest = desk.booking.member_bookings("m-020", {"limit": 2, "offset": 2})
        assert len(rest["items"]) == 1 and rest["total"] == 3
        assert desk.booking.member_waitlist("m-020") == {"items": [], "total": 0, "limit": 50, "offset": 0}
    with client(booking.amqp_uri, staff("another-centre")) as elsewhere:
        assert elsewhere.booking.member_bookings("m-020") == {"items": [], "total": 0, "limit": 50, "offset": 0}


def test_the_reports_rebuild_pages_through_every_booking_by_id(booking):
    day = booking.day
    with client(booking.amqp_uri) as rpc:
        made = {rpc.booking.create_booking({
            "kind": "space", "member_id": f"m-{n:03d}", "space_id": "desks",
            "starts_at": world.local(day, 10).isoformat(),
            "ends_at": world.local(day, 11).isoformat()})["booking"]["id"] for n in range(5)}
        seen, after = [], None
        while True:
            page = rpc.booking.list_facts("bookings", {"limit": 2, **({"after": after} if after else {})})
            seen += [fact["booking_id"] for fact in page["items"]]
            after = page["next"]
            if after is None:
                break
        assert rpc.booking.list_facts("waitlist") == {"items": [], "next": None}
    assert seen == sorted(made)
