from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from nameko.testing.services import worker_factory

from jastar_common.clock import Clock, clock_of, fixed, utcnow


class _Service:
    name = "clocked"
    now = Clock()

    def stamp(self):
        return self.now()


def test_utcnow_is_aware_utc():
    before = datetime.now(timezone.utc)
    moment = utcnow()
    assert moment.utcoffset() == timedelta(0)
    assert before <= moment <= datetime.now(timezone.utc)


def test_a_worker_gets_the_callable_not_the_provider():
    assert Clock().get_dependency(worker_ctx=None) is utcnow


def test_a_test_runs_a_worker_at_a_moment_of_its_choosing():
    moment = datetime(2026, 3, 21, 9, 30, tzinfo=timezone.utc)
    assert worker_factory(_Service, now=fixed(moment)).stamp() == moment
    assert Clock(fixed(moment)).get_dependency(worker_ctx=None)() == moment


def test_an_extension_reads_the_containers_clock():
    moment = datetime(2026, 3, 21, 9, 30, tzinfo=timezone.utc)
    assert clock_of(SimpleNamespace(dependencies=[object(), Clock(fixed(moment))]))() == moment
    assert clock_of(SimpleNamespace(dependencies=[])) is utcnow
