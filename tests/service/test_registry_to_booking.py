"""One event from one service handled by another, through the outbox, across
a relay crash between commit and publish, and a re-published duplicate."""
import pytest
from nameko.testing.services import entrypoint_hook, entrypoint_waiter
from sqlalchemy import func, select, update

from jastar_booking.service import BookingService
from jastar_common import tables
from jastar_common.clock import utcnow
from jastar_common.database import make_engine, make_session_factory
from jastar_common.errors import InvalidInput
from jastar_registry.domain import catalogue
from jastar_registry.repository import RegistryUnitOfWork
from jastar_registry.service import RegistryService

KARASAI = dict(id="karasai", name_kk="Қарасай ауданы", name_ru="Карасайский район",
               admin_centre="Қаскелең", youth_population=82_000)
CENTRE = dict(id="karasai-yrc", district_id="karasai", name_kk="Жастар ресурстық орталығы",
              name_ru="Молодёжный ресурсный центр", address="Қаскелең", status="open",
              opening_hours={"mon": [["09:00", "20:00"]]})


def _count(url, table, *where):
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(table).where(*where)).scalar()
    engine.dispose()
    return n


def test_committed_change_reaches_booking_after_relay_crash_exactly_once(
        rabbit_config, container_factory, service_database):
    registry_url, booking_url = service_database("registry"), service_database("booking")
    config = {"REGISTRY_DATABASE_URL": registry_url, "BOOKING_DATABASE_URL": booking_url,
              "OUTBOX_POLL_SECONDS": 0.2}

    # committed while no relay runs: as if the relay died between commit and publish
    engine = make_engine(registry_url, pool_size=1)
    uow = lambda: RegistryUnitOfWork(make_session_factory(engine), "registry")  # noqa: E731
    catalogue.create(uow(), "district", KARASAI, now=utcnow())
    catalogue.create(uow(), "centre", CENTRE, now=utcnow())
    assert _count(registry_url, tables.outbox, tables.outbox.c.sent_at.is_(None)) == 2

    booking = container_factory(BookingService, config)
    booking.start()
    registry_container = container_factory(RegistryService, config)
    with entrypoint_waiter(booking, "on_registry_change",
                           callback=lambda ctx, res, exc: ctx.args[0].type == "centre.created"):
        registry_container.start()  # its relay finds the unsent rows

    with entrypoint_hook(booking, "list_copies") as copies:
        assert [(c["id"], c["status"]) for c in copies("centre")] == [("karasai-yrc", "open")]

    # the relay publishes again (it died after publishing, before marking sent)
    with engine.begin() as conn:
        conn.execute(update(tables.outbox).where(tables.outbox.c.event_type == "centre.created")
                     .values(sent_at=None))
    with entrypoint_waiter(booking, "on_registry_change"):
        pass
    assert _count(booking_url, tables.inbox) == 2  # district and centre, each once
    with entrypoint_hook(booking, "list_copies") as copies:
        assert len(copies("centre")) == 1
    engine.dispose()


def test_a_change_that_rolls_back_emits_nothing(rabbit_config, service_database):
    url = service_database("registry")
    engine = make_engine(url, pool_size=1)
    uow = lambda: RegistryUnitOfWork(make_session_factory(engine), "registry")  # noqa: E731
    catalogue.create(uow(), "district", KARASAI, now=utcnow())
    with pytest.raises(InvalidInput):
        catalogue.create(uow(), "centre", {**CENTRE, "district_id": "nowhere"}, now=utcnow())
    assert _count(url, tables.outbox) == 1  # district.created only
    engine.dispose()


def test_one_correlation_id_follows_rpc_into_the_event_handler(
        rabbit_config, container_factory, service_database):
    config = {"REGISTRY_DATABASE_URL": service_database("registry"),
              "BOOKING_DATABASE_URL": service_database("booking"), "OUTBOX_POLL_SECONDS": 0.2}
    booking = container_factory(BookingService, config)
    registry_container = container_factory(RegistryService, config)
    booking.start()
    registry_container.start()

    handled = []
    with entrypoint_waiter(booking, "on_registry_change",
                           callback=lambda ctx, res, exc: handled.append(ctx.context_data) or True):
        with entrypoint_hook(registry_container, "create",
                             context_data={"correlation_id": "req-from-the-gateway"}) as create:
            create("district", KARASAI)
    assert handled[0]["correlation_id"] == "req-from-the-gateway"
