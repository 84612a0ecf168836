import json

import pytest
from nameko.standalone.rpc import ClusterRpcClient
from sqlalchemy import select

import jastar_common.errors  # noqa: F401  (typed errors over RPC)
from jastar_booking.service import BookingService
from jastar_common import tables
from jastar_common.database import make_engine

from . import world

TEST_POLICY = {"BOOKING_MIN_NOTICE_BOOK_MINUTES": 60, "BOOKING_WINDOW_DAYS": 30,
               "BOOKING_MAX_ACTIVE_CONSULTATION": 100, "BOOKING_MAX_ACTIVE_SPACE": 100}


@pytest.fixture
def booking(rabbit_config, amqp_uri, container_factory, service_database):
    """A booking service on a fresh database holding the test world."""
    url = service_database("booking")
    day = world.build(url)
    container = container_factory(BookingService, {"BOOKING_DATABASE_URL": url, "max_workers": 60,
                                                   **TEST_POLICY})
    container.start()
    container.url, container.day, container.amqp_uri = url, day, amqp_uri
    return container


def client(amqp_uri, caller=None):
    """An RPC client; with a caller, calls carry that identity as the gateway's would."""
    context = {"caller": json.dumps(caller)} if caller else {}
    return ClusterRpcClient(uri=amqp_uri, context_data=context)


def member(member_id):
    return {"kind": "member", "id": member_id, "centre_ids": []}


def staff(*centre_ids):
    return {"kind": "staff", "id": "desk-1", "centre_ids": list(centre_ids)}


def events(url, prefix=""):
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        rows = conn.execute(select(tables.outbox.c.event_type, tables.outbox.c.envelope)
                            .order_by(tables.outbox.c.id)).all()
    engine.dispose()
    return [(t, json.loads(e)["data"]) for t, e in rows if t.startswith(prefix)]
