"""Booking's settings are read when the service sets up, not at import: a
test (or an operator) configures the limits and the sweep's interval."""
from datetime import timedelta

from nameko import config

from jastar_booking.service import BookingService
from jastar_booking.settings import read_settings
from jastar_common.settings import ConfiguredTimer


def test_the_limits_and_timeouts_come_from_config_at_setup():
    with config.patch({"BOOKING_MIN_NOTICE_BOOK_MINUTES": "5", "REGISTRY_RPC_TIMEOUT_SECONDS": "2.5"}):
        settings = read_settings()
    assert settings.policy.min_notice_book == timedelta(minutes=5)
    assert settings.registry_rpc_timeout == 2.5
    assert read_settings().policy.min_notice_book == timedelta(minutes=60)  # the default again


def test_the_sweep_and_resync_intervals_are_configured_timers():
    keys = {name: getattr(BookingService, name).nameko_entrypoints for name in ("sweep", "resync_if_empty")}
    timers = {name: next(iter(found)) for name, found in keys.items()}
    assert all(isinstance(timer, ConfiguredTimer) for timer in timers.values())
    assert (timers["sweep"].key, timers["resync_if_empty"].key) == (
        "BOOKING_SWEEP_SECONDS", "BOOKING_RESYNC_CHECK_SECONDS")
