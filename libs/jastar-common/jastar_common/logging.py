"""JSON log lines carrying one correlation id across HTTP, RPC and events.

The id lives in the nameko worker's context_data (which nameko copies into
RPC and event headers) and, for the log formatter, in greenlet-local storage."""
import json
import logging
import uuid
from datetime import datetime, timezone

from eventlet.corolocal import local
from nameko.extensions import DependencyProvider

CORRELATION_KEY = "correlation_id"
_current = local()


def current_correlation_id():
    return getattr(_current, "value", None)


def set_correlation_id(value):
    _current.value = value


def new_correlation_id():
    return uuid.uuid4().hex


class CorrelationFilter(logging.Filter):
    def filter(self, record):
        if not getattr(record, "correlation_id", None):  # an explicit one (extra=) wins
            record.correlation_id = current_correlation_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line; extra fields given to the logger are kept."""

    _skip = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "correlation_id": getattr(record, "correlation_id", None) or current_correlation_id(),
        }
        for key, value in vars(record).items():
            if key not in self._skip and key not in line:
                line[key] = value
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def logging_config(level="INFO"):
    """A dictConfig for services and CLIs (nameko's LOGGING key takes it too)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"correlation": {"()": "jastar_common.logging.CorrelationFilter"}},
        "formatters": {"json": {"()": "jastar_common.logging.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["correlation"],
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {"kombu": {"level": "WARNING"}, "amqp": {"level": "WARNING"}},
    }


class Correlation(DependencyProvider):
    """Gives every worker a correlation id: the caller's when one came with the
    request or event, else a new one. Outgoing RPC and outbox events carry it."""

    # nameko injects dependencies before worker_setup, and in another greenthread
    def get_dependency(self, worker_ctx):
        cid = worker_ctx.context_data.get(CORRELATION_KEY) or new_correlation_id()
        worker_ctx.context_data[CORRELATION_KEY] = cid
        return cid

    def worker_setup(self, worker_ctx):  # runs in the worker's own greenthread
        set_correlation_id(worker_ctx.context_data.get(CORRELATION_KEY))

    def worker_teardown(self, worker_ctx):
        set_correlation_id(None)
