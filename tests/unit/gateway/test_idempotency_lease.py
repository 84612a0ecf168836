"""An Idempotency-Key whose request was lost (the gateway killed, or its
database gone before the answer was kept) is not stuck: a repeat is told to
come back (409 with Retry-After) while the first may still run, then takes
the key over and runs again."""
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from jastar_common.clock import utcnow
from jastar_common.errors import Conflict
from jastar_gateway.domain import idempotency
from jastar_gateway.models import metadata
from jastar_gateway.repository import GatewayUnitOfWork
from jastar_gateway.problems import from_exception


@pytest.fixture
def uow():
    engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    metadata.create_all(engine)
    sessions = sessionmaker(engine)
    return lambda: GatewayUnitOfWork(sessions, "gateway")


def test_an_abandoned_key_is_taken_over_after_its_lease(uow):
    started = utcnow()
    assert idempotency.claim(uow(), "member:m1", "k1", "print", started) is None
    # the gateway died here: no keep_answer()
    with pytest.raises(Conflict) as refused:
        idempotency.claim(uow(), "member:m1", "k1", "print", started + timedelta(seconds=5))
    response = from_exception(refused.value)
    assert response.status_code == 409 and response.headers["Retry-After"]
    later = started + timedelta(seconds=idempotency.LEASE_SECONDS + 1)
    assert idempotency.claim(uow(), "member:m1", "k1", "print", later) is None  # runs again
    idempotency.keep_answer(uow(), "member:m1", "k1", 201, '{"booking": {"id": "b1"}}')
    assert idempotency.claim(uow(), "member:m1", "k1", "print", later) == (201, '{"booking": {"id": "b1"}}')


def test_another_request_never_takes_over_a_key(uow):
    started = utcnow()
    idempotency.claim(uow(), "member:m1", "k1", "print", started)
    later = started + timedelta(seconds=idempotency.LEASE_SECONDS + 1)
    with pytest.raises(Conflict):  # not taken over: it is not the same request
        idempotency.claim(uow(), "member:m1", "k1", "another print", later)
    assert idempotency.claim(uow(), "member:m1", "k1", "print", later) is None
