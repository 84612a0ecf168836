"""pytest-timeout under eventlet: the main greenlet is not what threading calls
the main thread, so the plugin falls back to a timer thread that can only dump
stacks and exit the process, ending the whole session on one slow test. A
green timeout instead fails just the test that overran, in the greenlet where
it is stuck (the traceback says where), and the session goes on. Like the
plugin's (green) timer thread before it, it fires only when that greenlet
yields: a busy loop or a blocking C call is not interrupted."""
import eventlet
import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_timeout_set_timer(item, settings):
    timeout = eventlet.Timeout(settings.timeout, pytest.fail.Exception(
        f"Timeout: over {settings.timeout:g}s (pytest-timeout)", pytrace=True))
    item.cancel_timeout = timeout.cancel
    return True
