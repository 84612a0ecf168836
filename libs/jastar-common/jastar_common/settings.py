"""One way to read settings: each service declares a frozen dataclass, built
once when its container sets up (from nameko config, else the environment:
config.setting), never at import time, when config is not known yet.

    @dataclass(frozen=True)
    class BookingSettings:
        sweep_seconds: float = from_setting("BOOKING_SWEEP_SECONDS", 30.0, float)

    class BookingService:
        settings = Settings(BookingSettings)  # a worker sees the object itself

A value derived from others is computed by a function returning the
dataclass: `Settings(read_booking_settings)`."""
import dataclasses

from nameko.extensions import DependencyProvider
from nameko.timer import Timer

from .config import setting


def from_setting(key, default, cast=None):
    """A dataclass field read from the setting `key` (`default` when unset)."""
    return dataclasses.field(default=default, metadata={"setting": key, "cast": cast})


def read(cls, **given):
    """An instance of the frozen dataclass `cls`: each from_setting field read
    now, unless `given` (tests name the values they care about)."""
    if not (dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen):
        raise TypeError(f"{cls.__name__} is not a frozen dataclass: settings do not change")
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in given and "setting" in f.metadata:
            values[f.name] = setting(f.metadata["setting"], f.default, f.metadata["cast"])
    return cls(**values, **given)


class Settings(DependencyProvider):
    """Builds the service's settings once, at setup; each worker gets that
    object. `source` is a frozen dataclass of from_setting fields, or a
    function that takes no argument and returns the settings."""

    def __init__(self, source):
        self.source = source
        self.settings = None

    def setup(self):
        self.settings = read(self.source) if isinstance(self.source, type) else self.source()

    def get_dependency(self, worker_ctx):
        return self.settings


class ConfiguredTimer(Timer):
    """A timer whose interval is the setting `key`, read when the container
    sets up (the decorator runs at import, before config is known)."""

    def __init__(self, key, default, **kwargs):
        self.key, self.default = key, default
        super().__init__(interval=default, **kwargs)

    def setup(self):
        self.interval = setting(self.key, self.default, float)
        super().setup()


configured_timer = ConfiguredTimer.decorator
