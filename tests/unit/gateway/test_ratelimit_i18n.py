"""The gateway's rate limiter, language choice and problem mapping, without services."""
import json

import pytest

from jastar_common.errors import InvalidInput, NotAllowed, NotFound, RuleBroken, SlotTaken
from jastar_gateway import problems
from jastar_gateway.domain.access import Forbidden, Unauthenticated
from jastar_gateway.i18n import language_of
from jastar_gateway.ratelimit import RateLimiter


# --- RateLimiter -----------------------------------------------------------------

def test_a_burst_then_refusal_then_refill():
    limiter = RateLimiter(rate=2.0, burst=3)
    assert [limiter.take("a", now=100.0) for _ in range(3)] == [0, 0, 0]
    wait = limiter.take("a", now=100.0)
    assert wait == pytest.approx(0.5)  # one token at 2 per second
    assert limiter.take("a", now=100.25) == pytest.approx(0.25)  # refused calls do not cost a token
    assert limiter.take("a", now=100.5) == 0  # refilled one
    assert limiter.take("a", now=100.5) > 0
    assert [limiter.take("a", now=110.0) for _ in range(3)] == [0, 0, 0]  # refill caps at the burst
    assert limiter.take("a", now=110.0) > 0


def test_clients_have_their_own_buckets():
    limiter = RateLimiter(rate=1.0, burst=1)
    assert limiter.take("a", now=0.0) == 0
    assert limiter.take("a", now=0.0) == pytest.approx(1.0)
    assert limiter.take("b", now=0.0) == 0


def test_the_buckets_stay_bounded():
    limiter = RateLimiter(rate=1.0, burst=1, max_clients=3)
    for n in range(10):
        assert limiter.take(f"client-{n}", now=0.0) == 0
        assert len(limiter.buckets) <= 3


def test_time_going_backwards_does_not_mint_tokens():
    limiter = RateLimiter(rate=1.0, burst=2)
    limiter.take("a", now=50.0)
    limiter.take("a", now=50.0)
    assert limiter.take("a", now=40.0) > 0


# --- language_of ------------------------------------------------------------------

@pytest.mark.parametrize("header, language", [
    ("kk", "kk"),
    ("ru-RU,ru;q=0.9", "ru"),
    ("en;q=0.1, kk;q=0.8", "kk"),
    ("kk;q=0.5, ru;q=0.5", "kk"),  # equal quality: the first given
    ("de-DE,de;q=0.9,ru;q=0.3", "ru"),
    ("RU", "ru"),
    ("kk;q=0, ru;q=0.2", "ru"),  # q=0 means "not this one"
    ("kk;q=banana", "en"),
    ("", "en"),
    (None, "en"),
    ("garbage", "en"),
    ("*", "en"),
    (";;;,,,q=", "en"),
    ("kk; q=0.8, ru;q=0.5", "kk"),
])
def test_language_of(header, language):
    assert language_of(header) == language


def test_language_of_allows_whitespace_before_the_semicolon():
    """RFC 9110 weight = OWS ";" OWS "q=" qvalue: "ru ; q=0.8" is Russian (the tag used to
    keep its trailing space, match no language, and answer English)."""
    assert language_of("ru ; q=0.8, en;q=0.5") == "ru"


# --- problems.from_exception ------------------------------------------------------------

def body_of(response):
    assert response.mimetype == "application/problem+json"
    return json.loads(response.get_data(as_text=True))


def test_invalid_input_is_400_naming_the_fields():
    response = problems.from_exception(InvalidInput("invalid body", fields={"phone": ["required"]}))
    body = body_of(response)
    assert response.status_code == 400
    assert body["status"] == 400 and body["code"] == "invalid_input"
    assert body["fields"] == {"phone": ["required"]}
    assert body["type"].endswith("/invalid_input") and body["title"] == "Invalid input"
    assert body["detail"] == "invalid body"


def test_slot_taken_is_409():
    response = problems.from_exception(SlotTaken("that slot is taken", starts_at="2030-01-01T10:00:00+00:00"))
    body = body_of(response)
    assert response.status_code == 409 and body["code"] == "slot_taken"
    assert body["starts_at"] == "2030-01-01T10:00:00+00:00"


def test_rule_broken_is_422_naming_the_rule():
    response = problems.from_exception(RuleBroken("too late", rule="min_notice"), "ru")
    body = body_of(response)
    assert response.status_code == 422 and body["rule"] == "min_notice"
    assert body["title"] == "Нарушено правило"


def test_not_allowed_is_403():
    response = problems.from_exception(NotAllowed("no", caller="member"))
    assert response.status_code == 403 and body_of(response)["code"] == "not_allowed"


def test_not_found_is_404():
    response = problems.from_exception(NotFound("booking x not found", entity="booking", id="x"), "kk")
    body = body_of(response)
    assert response.status_code == 404 and body["title"] == "Табылмады"


def test_forbidden_is_403():
    response = problems.from_exception(Forbidden("member may not use this"))
    assert response.status_code == 403 and body_of(response)["code"] == "forbidden"


def test_unauthenticated_is_401_with_www_authenticate():
    response = problems.from_exception(Unauthenticated("invalid token: DecodeError"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert body_of(response)["code"] == "unauthenticated"


def test_too_many_requests_is_429_with_retry_after():
    response = problems.from_exception(problems.TooManyRequests(retry_after=7))
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert body_of(response)["code"] == "too_many_requests"


def test_payload_too_large_is_413():
    response = problems.from_exception(problems.PayloadTooLarge(1024))
    assert response.status_code == 413 and "1024" in body_of(response)["detail"]


def test_a_service_unavailable_is_503_with_retry_after():
    response = problems.from_exception(problems.ServiceUnavailable("booking", "no answer within 10s"))
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert body_of(response)["service"] == "booking"


def test_an_unexpected_error_is_500_without_a_traceback():
    try:
        raise RuntimeError("database password is hunter2 at /srv/app/secret.py line 12")
    except RuntimeError as exc:
        response = problems.from_exception(exc)
    text = response.get_data(as_text=True)
    assert response.status_code == 500
    assert body_of(response) == {"type": "https://jastar.kz/problems/internal_error",
                                 "title": "Internal error", "status": 500, "code": "internal_error"}
    for leak in ("Traceback", "RuntimeError", "hunter2", "secret.py", 'File "'):
        assert leak not in text


# --- detail and field messages in the client's language ---------------------------

def answer(exc, language):
    return json.loads(problems.from_exception(exc, language).get_data())


@pytest.mark.parametrize("language, detail, message", [
    ("ru", "Неверное тело запроса", "Обязательное поле не заполнено."),
    ("kk", "Сұрау денесі қате", "Міндетті өріс толтырылмаған."),
    ("en", "invalid body", "Missing data for required field."),
])
def test_the_detail_and_each_field_message_are_in_the_clients_language(language, detail, message):
    body = answer(InvalidInput("invalid body", fields={"phone": ["Missing data for required field."]}), language)
    assert body["detail"] == detail and body["fields"] == {"phone": [message]}


def test_messages_with_values_keep_their_values():
    body = answer(InvalidInput("invalid query", fields={
        "limit": ["Must be greater than or equal to 1 and less than or equal to 100."],
        "kind": ["Must be one of: course, event, training."],
        "nested": {"0": {"name": ["Length must be between 1 and 200."]}}}), "ru")
    assert body["fields"]["limit"] == ["Должно быть от 1 до 100."]
    assert body["fields"]["kind"] == ["Должно быть одним из: course, event, training."]
    assert body["fields"]["nested"]["0"]["name"] == ["Длина должна быть от 1 до 200."]


def test_the_services_messages_and_the_gateways_own_are_translated():
    assert answer(SlotTaken("that slot is taken"), "kk")["detail"] == "Бұл уақыт бос емес"
    assert answer(Unauthenticated("wrong or expired code"), "ru")["detail"] == "Неверный или просроченный код"
    assert answer(problems.PayloadTooLarge(65536), "ru")["detail"] == "Тело запроса не больше 65536 байт"


def test_a_message_not_known_stays_as_it_is():
    assert answer(RuleBroken("a rule only this test knows", rule="x"), "kk")["detail"] == "a rule only this test knows"
