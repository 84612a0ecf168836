"""One trace per booking: W3C trace context (`traceparent`) from the HTTP
request, through every RPC (nameko copies the worker's context data into
its headers), the outbox (a column, then the event's AMQP headers), the
handlers of that event, and what notifications sends later (a column on
the message or webhook delivery, then the webhook request's header).

OpenTelemetry SDK: spans are exported over OTLP/HTTP when
OTEL_EXPORTER_OTLP_ENDPOINT is set (OTEL_* variables configure the rest),
and tracing is off otherwise; an incoming traceparent is then passed on
unchanged, so a traced caller's trace still crosses this service.

Spans are started with an explicit parent (the traceparent string), not
from OpenTelemetry's ambient context: greenthreads share it unreliably."""
import logging
import os
import re
from contextlib import contextmanager

from eventlet.corolocal import local
from nameko.extensions import DependencyProvider
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)

TRACEPARENT_KEY = "traceparent"  # in RPC context data, and the AMQP / HTTP header name
_VALID = re.compile(r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")
_propagator = TraceContextTextMapPropagator()
_provider = None  # None: tracing is off
_current = local()


def configure(service, provider=None):
    """Once per process: a provider given (tests: an in-memory exporter), or
    OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set, else off."""
    global _provider
    if provider is not None:
        _provider = provider
        return
    if _provider is not None or not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    _provider = TracerProvider(resource=Resource.create({"service.name": f"jastar-{service}"}))
    _provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    log.info("tracing exported over OTLP", extra={"endpoint": os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"]})


def valid(traceparent):
    """The header if it is a well-formed W3C traceparent, else None (never trust input)."""
    if isinstance(traceparent, str) and _VALID.match(traceparent.strip().lower()):
        return traceparent.strip().lower()
    return None


def current_traceparent():
    return getattr(_current, "value", None)


def set_traceparent(value):
    _current.value = value


def start_span(name, parent=None, kind=SpanKind.INTERNAL, service=None, attributes=None):
    """A span, child of the `parent` traceparent (a new trace without one);
    None when tracing is off."""
    if _provider is None:
        return None
    context = _propagator.extract({TRACEPARENT_KEY: parent}) if valid(parent) else None
    attributes = dict(attributes or {})
    if service:
        attributes["jastar.service"] = service
    return _provider.get_tracer("jastar").start_span(name, context=context, kind=kind,
                                                     attributes=attributes)


def traceparent_of(span, fallback=None):
    """The traceparent naming `span` as parent, for what it calls next."""
    if span is None:
        return fallback
    carrier = {}
    _propagator.inject(carrier, context=trace.set_span_in_context(span))
    return carrier.get(TRACEPARENT_KEY, fallback)


def end_span(span, error=None):
    if span is None:
        return
    if error is not None:
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, error.__class__.__name__))
    span.end()


@contextmanager
def span(name, parent=None, kind=SpanKind.INTERNAL, service=None, attributes=None):
    """A span for a block; inside it, current_traceparent() names it."""
    opened = start_span(name, parent, kind, service, attributes)
    saved = current_traceparent()
    set_traceparent(traceparent_of(opened, fallback=valid(parent)))
    try:
        yield opened
    except BaseException as exc:
        end_span(opened, exc)
        opened = None
        raise
    finally:
        set_traceparent(saved)
        end_span(opened)


@contextmanager
def continued(correlation_id, traceparent, name, kind=SpanKind.INTERNAL, service=None):
    """Work done later for a request or event (a message sent by a timer):
    its log lines carry that correlation id, its span joins that trace."""
    from .logging import current_correlation_id, set_correlation_id
    saved = current_correlation_id()
    set_correlation_id(correlation_id)
    try:
        with span(name, traceparent, kind, service) as opened:
            yield opened
    finally:
        set_correlation_id(saved)


_KINDS = {"Rpc": SpanKind.SERVER, "JsonRoute": SpanKind.SERVER, "EventSubscriber": SpanKind.CONSUMER}


class Tracing(DependencyProvider):
    """A span for every worker, child of the traceparent its request or event
    came with; the worker's context data then names this span, so the RPCs
    it makes and the events it emits continue the trace."""

    def setup(self):
        configure(self.container.service_name)

    # runs before other dependencies' worker_setup and before any RPC the worker makes
    def get_dependency(self, worker_ctx):
        context = worker_ctx.context_data
        parent = valid(context.get(TRACEPARENT_KEY))
        entrypoint = worker_ctx.entrypoint
        service = self.container.service_name
        worker_ctx.jastar_span = None
        kind = _KINDS.get(type(entrypoint).__name__)
        if kind is None and parent is None:
            return None  # a timer tick is no request: what it sends continues its own trace
        opened = start_span(f"{service}.{entrypoint.method_name}", parent,
                            kind or SpanKind.INTERNAL, service)
        worker_ctx.jastar_span = opened
        traceparent = traceparent_of(opened, fallback=parent)
        if traceparent:
            context[TRACEPARENT_KEY] = traceparent
        return None

    def worker_setup(self, worker_ctx):  # the worker's own greenthread
        set_traceparent(worker_ctx.context_data.get(TRACEPARENT_KEY))

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        opened = getattr(worker_ctx, "jastar_span", None)
        if opened is not None:
            correlation_id = worker_ctx.context_data.get("correlation_id")
            if correlation_id:
                opened.set_attribute("jastar.correlation_id", correlation_id)
        end_span(opened, exc_info[1] if exc_info else None)

    def worker_teardown(self, worker_ctx):
        set_traceparent(None)
