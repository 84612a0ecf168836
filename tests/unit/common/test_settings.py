import dataclasses

import pytest
from nameko import config

from jastar_common.settings import ConfiguredTimer, Settings, from_setting, read


@dataclasses.dataclass(frozen=True)
class _Sweeping:
    sweep_seconds: float = from_setting("TEST_SWEEP_SECONDS", 30.0, float)
    label: str = from_setting("TEST_LABEL", "desk")
    batch: int = 50  # not a setting: always the default


def test_settings_are_read_at_setup_not_when_declared():
    provider = Settings(_Sweeping)  # what a service class does at import
    with config.patch({"TEST_SWEEP_SECONDS": "2.5"}):
        provider.setup()
    settings = provider.get_dependency(worker_ctx=None)
    assert settings == _Sweeping(sweep_seconds=2.5, label="desk", batch=50)
    assert provider.get_dependency(worker_ctx=None) is settings  # built once


def test_the_environment_serves_when_config_does_not_say(monkeypatch):
    monkeypatch.setenv("TEST_LABEL", "hall")
    assert read(_Sweeping).label == "hall"


def test_a_test_names_the_values_it_cares_about():
    with config.patch({"TEST_SWEEP_SECONDS": "9"}):
        assert read(_Sweeping, sweep_seconds=0.1).sweep_seconds == 0.1


def test_settings_do_not_change_once_built():
    with pytest.raises(dataclasses.FrozenInstanceError):
        read(_Sweeping).sweep_seconds = 1


def test_a_mutable_settings_class_is_refused():
    @dataclasses.dataclass
    class Loose:
        x: int = from_setting("TEST_X", 1, int)
    with pytest.raises(TypeError, match="frozen"):
        read(Loose)


def test_a_function_builds_settings_with_derived_values():
    provider = Settings(lambda: _Sweeping(label=read(_Sweeping).label.upper()))
    provider.setup()
    assert provider.get_dependency(worker_ctx=None).label == "DESK"


def test_a_configured_timer_takes_its_interval_at_setup():
    timer = ConfiguredTimer("TEST_TICK_SECONDS", 1.0, eager=True)
    assert timer.interval == 1.0 and timer.eager
    with config.patch({"TEST_TICK_SECONDS": "0.2"}):
        timer.setup()
    assert timer.interval == 0.2
    with config.patch({}):
        timer.setup()
    assert timer.interval == 1.0
