"""The kit's waiting (jastar_devkit.helpers), which tests and benches share."""
import itertools

import pytest

from jastar_devkit.helpers import bearer, free_port, new_phone, wait_until


def test_wait_until_returns_the_first_truthy_value():
    answers = iter([None, 0, "ready"])
    assert wait_until(lambda: next(answers), seconds=5, interval=0) == "ready"


def test_wait_until_says_what_was_not_met_read_when_the_time_is_up():
    log = []
    with pytest.raises(AssertionError, match="no answer: tail 1"):
        wait_until(lambda: log.append(1), seconds=0.05, what=lambda: f"no answer: tail {log[-1]}", interval=0.01)


def test_wait_until_counts_the_listed_errors_as_not_yet_and_names_the_last():
    calls = itertools.count()

    def starting():
        if next(calls) < 2:
            raise ConnectionError("refused")
        return True
    assert wait_until(starting, seconds=5, interval=0, errors=(ConnectionError,))
    with pytest.raises(AssertionError, match="refused"):
        wait_until(lambda: (_ for _ in ()).throw(ConnectionError("refused")), seconds=0.05, interval=0.01,
                   errors=(ConnectionError,))
    with pytest.raises(KeyError):  # an error not listed is a failure at once
        wait_until(lambda: {}["x"], seconds=5, errors=(ConnectionError,))


def test_phones_and_headers_and_ports():
    assert new_phone(1234567) == "+7 701 123 45 67"
    assert new_phone(5, "705") == "+7 705 000 00 05"
    assert bearer({"access_token": "t"}) == bearer("t") == {"Authorization": "Bearer t"}
    assert 0 < free_port() < 65536
