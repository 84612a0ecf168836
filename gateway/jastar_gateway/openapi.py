"""OpenAPI 3.1 for the gateway, built from the routes' own declarations and
their marshmallow schemas, so the document cannot drift from the code."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from . import responses
from .examples import EXAMPLES
from .http import ROUTES

ERRORS = {
    "400": "Invalid input: problem+json naming each field at fault",
    "401": "Missing, expired or tampered credentials",
    "403": "Not allowed for this caller",
    "404": "Not found (also someone else's object)",
    "409": "Conflict, e.g. a slot just taken",
    "413": "Body too large",
    "422": "A booking rule forbids it (problem+json names the rule)",
    "429": "Too many requests (Retry-After)",
    "503": "A service is down or slow (Retry-After)",
}
PROBLEM = {"type": "object", "required": ["type", "title", "status", "code"], "properties": {
    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
    "code": {"type": "string"}, "detail": {"type": "string"},
    "fields": {"type": "object", "additionalProperties": True},
    "rule": {"type": "string"},
    "dependency": {"type": "string", "description": "503: what cannot be reached (broker, database)"}},
    "additionalProperties": True}


def _path(url):
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", url)


def _security(roles):
    if "anonymous" in roles:
        return [{}, {"bearer": []}, {"apiKey": []}]
    schemes = []
    if {"member", "staff", "admin"} & set(roles):
        schemes.append({"bearer": []})
    if {"integrator", "admin"} & set(roles):
        schemes.append({"apiKey": []})
    return schemes


PAGING = {
    "limit": {"name": "limit", "in": "query", "required": False,
              "description": "the most items in the page (1-100)",
              "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}},
    "offset": {"name": "offset", "in": "query", "required": False,
               "description": "how many items to skip",
               "schema": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0}},
}
PAGING_ABOUT = ("Every list answers one envelope, the Page: `{items, total, limit, offset}`, read with the "
                "same `limit` and `offset` query parameters; the next page starts at offset + limit while "
                "that is below total.")


def build(server_url="/"):
    plugin = MarshmallowPlugin(schema_name_resolver=lambda schema: _name(schema))
    spec = APISpec(
        title="Jastar Hub API", version="1.0.0", openapi_version="3.1.0",
        plugins=[plugin], servers=[{"url": server_url}],
        info={"description": "The one public API of the Youth Resource Centres of Almaty region: "
                             "browse centres, register, book consultations, space hours and seats, "
                             "run the centre desk, and subscribe to events. Events also flow on "
                             "RabbitMQ: see /asyncapi.yaml.\n\n" + PAGING_ABOUT})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.security_scheme("apiKey", {"type": "apiKey", "in": "header", "name": "X-Api-Key"})
    spec.components.schema("Problem", PROBLEM)
    spec.components.schema("Page", schema=responses.Page)
    for name, parameter in PAGING.items():
        spec.components.parameter(name, "query", {k: v for k, v in parameter.items() if k not in ("name", "in")})
    for doc in ROUTES:  # every schema a handler may answer with, by name, so anyOf can point at them
        for schema in _schemas(doc.response) + list(doc.also.values()):
            if _name(schema) not in spec.components.schemas:
                spec.components.schema(_name(schema), schema=schema)
    paths = {}
    for doc in (doc for doc in ROUTES if not doc.internal):
        operation = {
            "summary": doc.summary, "tags": [doc.tag], "operationId": _operation_id(doc),
            "security": _security(doc.roles),
            "parameters": [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                           for name in re.findall(r"<(?:\w+:)?(\w+)>", doc.url)],
            "responses": _responses(doc),
        }
        if doc.query:
            operation["parameters"].append({"in": "query", "schema": doc.query})
        headers = dict(doc.headers)
        if doc.cache:
            headers["If-None-Match"] = "the ETag of the answer held: a 304 when it is current"
        for header, about in headers.items():
            operation["parameters"].append({"name": header, "in": "header", "required": False,
                                            "description": about, "schema": {"type": "string"}})
        if doc.body:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": doc.body}}}
        paths.setdefault(_path(doc.url), {})[doc.method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    for operations in document["paths"].values():  # the paging parameters: one definition, referred to
        for operation in operations.values():
            operation["parameters"] = [{"$ref": f"#/components/parameters/{p['name']}"}
                                       if p.get("in") == "query" and p.get("name") in PAGING else p
                                       for p in operation.get("parameters", [])]
    return document


def _name(schema):
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__


def _schemas(response):
    if isinstance(response, type):
        return [response]
    return list(response) if isinstance(response, tuple) else []


def _operation_id(doc):
    words = re.sub(r"<[^>]+>", "by_id", doc.url).strip("/").replace("-", "_").replace(".", "_").split("/")
    return doc.method.lower() + "_" + "_".join(w for w in words if w and w != "v1")


def _json(schema):
    name = _name(schema)
    content = {"schema": {"$ref": f"#/components/schemas/{name}"}}
    if name in EXAMPLES:
        content["example"] = EXAMPLES[name]
    return {"application/json": content}


def _ok(doc, status, response):
    about = {200: "OK", 201: "Created", 202: "Accepted"}.get(status, "OK")
    if status == 204:
        return {"description": "Done"}
    if isinstance(response, type):
        ok = {"description": about, "content": _json(response)}
        if doc.content_type != "application/json":  # the same answer as another type too (reports: CSV)
            ok["content"][doc.content_type] = {"schema": {"type": "string"}}
    elif isinstance(response, tuple):  # one of these, by the path (a kind of reference data)
        ok = {"description": about, "content": {"application/json": {"schema": {"anyOf": [
            {"$ref": f"#/components/schemas/{_name(schema)}"} for schema in response]},
            "example": EXAMPLES.get(_name(response[0]))}}}
    else:
        schema, example = DOCUMENTS[doc.content_type]
        ok = {"description": doc.response, "content": {doc.content_type: {"schema": schema, "example": example}}}
    if status == 201 and doc.location:
        ok["headers"] = {"Location": {"description": "where the new object is",
                                      "schema": {"type": "string"}}}
    if status == 200 and doc.cache:
        ok["headers"] = VALIDATORS
    return ok


VALIDATORS = {"ETag": {"description": "send it back as If-None-Match: a 304 when unchanged",
                       "schema": {"type": "string"}},
              "Cache-Control": {"description": "how long the answer may be reused", "schema": {"type": "string"}}}


DOCUMENTS = {  # the meta routes' own documents: (schema, example)
    "application/json": ({"type": "object", "required": ["openapi", "info", "paths"]},
                         {"openapi": "3.1.0", "info": {"title": "Jastar Hub API", "version": "1.0.0"},
                          "paths": {"/v1/districts": {"get": {"summary": "Districts of Almaty region"}}}}),
    # a YAML document is a mapping once read
    "application/yaml": ({"type": "object"}, {"asyncapi": "3.0.0", "info": {"title": "Jastar Hub events"}}),
    "text/html": ({"type": "string"}, "<!doctype html><html lang=\"en\"><title>Jastar Hub API</title>...</html>"),
    "text/calendar": ({"type": "string", "description": "iCalendar (RFC 5545): VCALENDAR with "
                       "VTIMEZONE Asia/Almaty and one VEVENT per booking"},
                      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Jastar Hub//EN\r\n"
                      "BEGIN:VTIMEZONE\r\nTZID:Asia/Almaty\r\n...\r\nEND:VTIMEZONE\r\n"
                      "BEGIN:VEVENT\r\nSUMMARY:Career consultation\r\nDTSTART;TZID=Asia/Almaty:20261201T100000\r\n"
                      "LOCATION:Kaskelen\\, Almaty region\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
}


def _responses(doc):
    responses = {str(doc.status): _ok(doc, doc.status, doc.response)}
    for status, schema in doc.also.items():
        responses[str(status)] = _ok(doc, status, schema)
    if doc.cache:
        responses["304"] = {"description": "Not modified: the If-None-Match tag is current",
                            "headers": {"ETag": VALIDATORS["ETag"]}}
    for status, about in ERRORS.items():
        responses[status] = {"description": about, "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return responses
