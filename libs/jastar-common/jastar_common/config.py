"""Settings come from the environment, with defaults that run on one machine.

Services read them through nameko's config (config.yml expands ${VAR:default});
code that runs outside a container (CLIs, migrations) reads the environment."""
import os

from nameko import config as nameko_config

DEFAULT_AMQP_URI = "pyamqp://guest:guest@127.0.0.1:5672//"


def setting(key, default=None, cast=None):
    value = nameko_config.get(key)
    if value in (None, ""):
        value = os.environ.get(key)
    if value in (None, ""):
        return default
    return cast(value) if cast else value


def amqp_uri():
    return setting("AMQP_URI", DEFAULT_AMQP_URI)


def database_url(service):
    """<SERVICE>_DATABASE_URL, else DATABASE_URL, else a SQLite file under var/.
    (The per-service key lets several services share one process's config,
    as in tests.)"""
    return setting(f"{service.upper()}_DATABASE_URL") or setting(
        "DATABASE_URL", f"sqlite:///var/{service}.db")
