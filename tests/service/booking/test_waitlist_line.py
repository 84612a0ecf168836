"""The line for a session, as the centre's desk sees it: who waits, in line
order with their place now; other centres' staff and members see nothing."""
import pytest

from . import world
from .conftest import TEST_POLICY, client, member, staff


@pytest.fixture
def one_seat(rabbit_config, amqp_uri, container_factory, service_database):
    from jastar_booking.service import BookingService
    url = service_database("booking")
    world.build(url, seats=1)
    container = container_factory(BookingService, {"BOOKING_DATABASE_URL": url, **TEST_POLICY})
    container.start()
    with client(amqp_uri) as rpc:
        for n in range(4):  # one seat; three join the line
            rpc.booking.create_booking({"kind": "seat", "member_id": f"m-{n:03d}", "session_id": "s1"})
    return amqp_uri


def test_the_desk_sees_who_waits_in_line_order(one_seat):
    with client(one_seat, staff("c1")) as desk:
        line = desk.booking.resource_waitlist("s1")
        assert [(e["member_id"], e["position"], e["state"]) for e in line["items"]] == [
            ("m-001", 1, "waiting"), ("m-002", 2, "waiting"), ("m-003", 3, "waiting")]
        assert line["total"] == 3
        page = desk.booking.resource_waitlist("s1", {"limit": 1, "offset": 1})
        assert [e["member_id"] for e in page["items"]] == ["m-002"] and page["total"] == 3
        # the first leaves: the others move up
        desk_entry = line["items"][0]["id"]
    with client(one_seat, member("m-001")) as first:
        first.booking.decline_offer(desk_entry)
    with client(one_seat, staff("c1")) as desk:
        assert [(e["member_id"], e["position"]) for e in desk.booking.resource_waitlist("s1")["items"]] == [
            ("m-002", 1), ("m-003", 2)]
