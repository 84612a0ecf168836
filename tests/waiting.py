"""Polling with a deadline: for what arrives asynchronously (events, other
processes). The deadline bounds a hang; it is not a speed target."""
import time


def wait_until(check, seconds=60, what="condition not met in time", interval=0.1):
    """The first truthy value of `check()`, or AssertionError(what) after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            assert value, what
            return value
        time.sleep(interval)
