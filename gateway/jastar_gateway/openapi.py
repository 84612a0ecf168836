"""OpenAPI 3.1 for the gateway, built from the routes' own declarations and
their marshmallow schemas, so the document cannot drift from the code."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

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
    "rule": {"type": "string"}}, "additionalProperties": True}


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


def build(server_url="/"):
    spec = APISpec(
        title="Jastar Hub API", version="1.0.0", openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()], servers=[{"url": server_url}],
        info={"description": "The one public API of the Youth Resource Centres of Almaty region: "
                             "browse centres, register, book consultations, space hours and seats, "
                             "run the centre desk, and subscribe to events. Events also flow on "
                             "RabbitMQ: see /asyncapi.yaml."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.security_scheme("apiKey", {"type": "apiKey", "in": "header", "name": "X-Api-Key"})
    spec.components.schema("Problem", PROBLEM)
    paths = {}
    for doc in ROUTES:
        operation = {
            "summary": doc.summary, "tags": [doc.tag], "operationId": _operation_id(doc),
            "security": _security(doc.roles),
            "parameters": [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                           for name in re.findall(r"<(?:\w+:)?(\w+)>", doc.url)],
            "responses": _responses(doc),
        }
        if doc.query:
            operation["parameters"].append({"in": "query", "schema": doc.query})
        for header, about in doc.headers.items():
            operation["parameters"].append({"name": header, "in": "header", "required": False,
                                            "description": about, "schema": {"type": "string"}})
        if doc.body:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": doc.body}}}
        paths.setdefault(_path(doc.url), {})[doc.method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation_id(doc):
    words = re.sub(r"<[^>]+>", "by_id", doc.url).strip("/").replace("-", "_").split("/")
    return doc.method.lower() + "_" + "_".join(w for w in words if w and w != "v1")


def _responses(doc):
    if doc.status == 204:
        ok = {"description": "Done"}
    elif isinstance(doc.response, type):
        ok = {"description": "OK", "content": {"application/json": {"schema": doc.response}}}
    elif doc.content_type != "application/json":
        # a YAML document is a mapping once read; an HTML page is text
        shape = {"type": "object"} if doc.content_type.endswith("yaml") else {"type": "string"}
        ok = {"description": doc.response or "OK", "content": {doc.content_type: {"schema": shape}}}
    else:
        ok = {"description": doc.response or "OK",
              "content": {"application/json": {"schema": {"type": "object"}}}}
    responses = {str(doc.status): ok}
    if doc.url == "/v1/bookings" and doc.method == "POST":
        responses["202"] = {"description": "Joined the waitlist",
                            "content": {"application/json": {"schema": {"type": "object"}}}}
    for status, about in ERRORS.items():
        responses[status] = {"description": about, "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    return responses
