"""Tracing is off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; then spans go to
that OTLP/HTTP endpoint (here a local receiver standing in for a collector)."""
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from jastar_common import tracing


class Collector(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Collector.received.append((self.path, self.headers.get("Content-Type"), body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def collector():
    Collector.received = []
    server = HTTPServer(("127.0.0.1", 0), Collector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_off_without_an_endpoint(monkeypatch):
    monkeypatch.setattr(tracing, "_provider", None)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    tracing.configure("booking")
    assert tracing.start_span("booking.create_booking") is None
    # an incoming trace is passed on unchanged
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with tracing.span("work", parent):
        assert tracing.current_traceparent() == parent


def test_spans_are_exported_over_otlp_http(monkeypatch, collector):
    monkeypatch.setattr(tracing, "_provider", None)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", collector)
    tracing.configure("booking")
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with tracing.span("booking.create_booking", parent, service="booking"):
        child = tracing.current_traceparent()
    assert child.split("-")[1] == "0af7651916cd43dd8448eb211c80319c" and child != parent
    assert tracing._provider.force_flush(10_000)
    tracing._provider.shutdown()
    (path, content_type, body), = Collector.received
    assert path == "/v1/traces" and content_type == "application/x-protobuf"
    assert b"booking.create_booking" in body and b"jastar-booking" in body


def test_a_malformed_traceparent_is_not_trusted():
    assert tracing.valid("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
    for bad in (None, "", "x", "00-zz-b7ad6b7169203331-01", 42,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra"):
        assert tracing.valid(bad) is None
