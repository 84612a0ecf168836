"""HTTP details as clients meet them on the running gateway (eventlet's
server, not a test client): chunked bodies, an over-large body sent at once,
validators on reference reads, Location, Allow and Content-Language."""
import http.client
import json
import subprocess
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
import requests

from .conftest import ADMIN_KEY


@pytest.fixture(scope="module")
def seeded(system):
    subprocess.run(["jastar-registry-seed"], env=system.env("registry"), check=True, capture_output=True)
    return system


def test_a_chunked_body_is_read(system):
    chunks = (part for part in [b'{"phone": ', b'"+7 701 000 0000"}'])  # a generator: requests sends it chunked
    response = requests.post(system.url + "/v1/auth/otp", data=chunks,
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 202, response.text


def test_an_over_large_body_sent_at_once_reads_the_413_with_requests(system):
    response = requests.post(system.url + "/v1/auth/otp", data=b"x" * 5_000_000,
                             headers={"Content-Type": "application/json", "Accept-Language": "ru"}, timeout=60)
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large" and response.headers["Content-Language"] == "ru"


def test_an_over_large_body_sent_at_once_reads_the_413_with_urllib(system):
    request = urllib.request.Request(system.url + "/v1/auth/otp", data=b"x" * 5_000_000, method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=60)
    assert raised.value.code == 413 and json.loads(raised.value.read())["code"] == "payload_too_large"


def test_the_connection_stays_usable_after_a_413(system):
    where = urlsplit(system.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    connection.request("POST", "/v1/auth/otp", body=b"x" * 1_000_000, headers={"Content-Type": "application/json"})
    refused = connection.getresponse()
    assert refused.status == 413 and refused.read()
    connection.request("GET", "/health")
    assert connection.getresponse().status == 200
    connection.close()


@pytest.mark.parametrize("path", ["/v1/districts", "/v1/centers", "/v1/centers/karasai-yrc", "/v1/services",
                                  "/v1/programmes", "/v1/programmes/sewing-course"])
def test_reference_reads_send_validators_and_answer_304(seeded, path):
    first = requests.get(seeded.url + path, timeout=30)
    assert first.status_code == 200 and first.headers["Cache-Control"] and first.headers["ETag"]
    again = requests.get(seeded.url + path, headers={"If-None-Match": first.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""


def test_a_201_carries_location(system):
    made = requests.post(system.url + "/v1/api-keys", json={"name": "location test"},
                         headers={"X-Api-Key": ADMIN_KEY}, timeout=30)
    assert made.status_code == 201 and made.headers["Location"] == f"/v1/api-keys/{made.json()['id']}"


def test_a_405_carries_allow_and_answers_say_their_language(system):
    response = requests.put(system.url + "/v1/districts", headers={"Accept-Language": "kk"}, timeout=30)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.headers["Content-Language"] == "kk" and "Accept-Language" in response.headers["Vary"]
    assert response.json()["detail"] != "The method is not allowed for the requested URL."
