"""The OpenAPI document as a contract a client can generate code from: every
success has a schema and an example that fits it, every list has one shape,
and a body leaves through the schema the document shows."""
import json

import pytest
from jsonschema import Draft202012Validator

from jastar_gateway import responses, service  # noqa: F401  (service: every route registered)
from jastar_gateway.http import ROUTES, JsonRoute, RouteDoc
from jastar_gateway.openapi import build
from jastar_gateway.routes import page

DOCUMENT = build()
META = {"/openapi.json", "/docs", "/asyncapi.yaml"}  # documents, not data


def operations():
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", path, operation


def successes():
    for label, path, operation in operations():
        for status, response in operation["responses"].items():
            if status.startswith("2") and "application/json" in response.get("content", {}) \
                    and path not in META:
                yield pytest.param(response["content"]["application/json"], id=f"{label} {status}")


def validator(schema):
    # the schema's $refs point into the document: validate with its components at hand
    return Draft202012Validator({"components": DOCUMENT["components"], **schema})


@pytest.mark.parametrize("content", list(successes()))
def test_each_success_has_a_named_schema_and_an_example_that_fits_it(content):
    schema = content["schema"]
    assert "$ref" in schema or "anyOf" in schema, f"a bare {schema}"
    assert "example" in content, "every answer shows an example"
    errors = [e.message for e in validator(schema).iter_errors(content["example"])]
    assert errors == []


def test_the_meta_documents_show_an_example_too():
    for path in META:
        content = DOCUMENT["paths"][path]["get"]["responses"]["200"]["content"]
        (media, shown), = content.items()
        assert "example" in shown, path
        assert validator(shown["schema"]).is_valid(shown["example"]), path


def test_no_success_is_a_bare_object_or_a_description():
    bare = [label for label, path, operation in operations() for status, response in operation["responses"].items()
            if status.startswith("2") and path not in META
            and response.get("content", {}).get("application/json", {}).get("schema") == {"type": "object"}]
    assert bare == []
    described = [f"{doc.method} {doc.url}" for doc in ROUTES
                 if isinstance(doc.response, str) and doc.url not in META
                 and doc.content_type == "application/json"]  # an .ics is a document too
    assert described == []


def test_member_and_booking_list_every_field_they_carry():
    schemas = DOCUMENT["components"]["schemas"]
    assert {"registered_at", "consent_at"} <= set(schemas["Member"]["properties"])
    assert {"created_at", "updated_at"} <= set(schemas["Booking"]["properties"])
    assert schemas["Member"]["additionalProperties"] is False


def page_routes():
    return [doc for doc in ROUTES if isinstance(doc.response, type) and issubclass(doc.response, responses.Page)]


def test_every_list_has_the_one_page_shape_and_the_same_paging_parameters():
    lists = page_routes()
    assert len(lists) >= 16
    for doc in lists:
        path = DOCUMENT["paths"][doc.url.replace("<string:", "{").replace(">", "}")]
        operation = path[doc.method.lower()]
        assert {"$ref": "#/components/parameters/limit"} in operation["parameters"], doc.url
        assert {"$ref": "#/components/parameters/offset"} in operation["parameters"], doc.url
        name = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
        shape = DOCUMENT["components"]["schemas"][name]
        assert set(shape["required"]) == {"items", "total", "limit", "offset"}, name
        assert set(shape["properties"]) - {"programme_id", "whole_course"} == {"items", "total", "limit",
                                                                               "offset"}, name
    assert DOCUMENT["components"]["parameters"]["limit"]["schema"]["maximum"] == 100
    assert "Page" in DOCUMENT["components"]["schemas"]


def test_no_list_answers_another_shape():
    """Every GET whose answer holds `items` is a Page (no {items}, {items, waitlist} or day list)."""
    others = [f"{doc.method} {doc.url}" for doc in ROUTES if doc.method == "GET" and isinstance(doc.response, type)
              and "items" in doc.response._declared_fields and not issubclass(doc.response, responses.Page)]
    assert others == []


def test_a_page_of_a_list_held_whole():
    items = list(range(45))
    assert page(items, {"limit": 20, "offset": 40}) == {"items": [40, 41, 42, 43, 44], "total": 45,
                                                        "limit": 20, "offset": 40}
    assert page(items, {"limit": 20, "offset": 100})["items"] == []


def answer(doc, result):
    route = JsonRoute.__new__(JsonRoute)
    route.doc = doc
    response = route.response_from_result(result)
    return response.status_code, json.loads(response.get_data())


def test_a_body_leaves_through_its_schema_whatever_a_service_adds():
    doc = RouteDoc("GET", "/v1/x", "x", "t", response=responses.Member)
    status, body = answer(doc, {"id": "m1", "status": "active", "iin_hash": "secret", "registered_at": None})
    assert status == 200 and body == {"id": "m1", "status": "active", "registered_at": None}


def test_the_second_success_status_has_its_own_schema():
    doc = RouteDoc("POST", "/v1/bookings", "x", "t", response=responses.BookingMade, status=201,
                   also={202: responses.WaitlistJoined})
    entry = {"id": "w1", "resource_id": "s1", "centre_id": "c1", "position": 2, "state": "waiting", "extra": 1}
    status, body = answer(doc, (202, {"waitlist": entry}))
    assert status == 202 and "extra" not in body["waitlist"] and body["waitlist"]["position"] == 2


def test_times_the_gateway_holds_are_written_as_iso_8601():
    from datetime import datetime, timezone
    dumped = responses.ApiKey().dump({"id": "k", "name": "n", "created_at": datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc),
                                      "revoked_at": None})
    assert dumped["created_at"] == "2026-01-02T03:04:00+00:00"
