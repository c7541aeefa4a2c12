"""Property-based fuzzing from the published OpenAPI description (schemathesis, in-process WSGI).

Every generated request, valid or not, must get an answer the description allows: no 5xx, a listed
status code, and a body matching its schema. DELETE is left out: its only input is the path id,
covered by explicit tests, and fuzzing it would delete the seeded readers other tests read.
"""

from __future__ import annotations

import itertools
import re

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from library.api.openapi import SPEC

MAX_EXAMPLES = 40  # per operation: bounded time in CI, still hundreds of requests in all
_unique = itertools.count()
OPERATIONS = [(method.upper(), path) for path, item in SPEC["paths"].items()
              for method in item if method in ("get", "post") ]


@pytest.mark.parametrize("method, path", OPERATIONS)
def test_api_answers_match_the_description(app, method, path):
    operation = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)[path][method]

    # Valid requests (must succeed or get a listed answer) and invalid ones (must get a 4xx).
    @given(case=st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in GenerationMode)))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def answers_as_described(case):
        case.call_and_validate()

    answers_as_described()


def test_description_is_served_and_lists_every_route(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {path for path in spec["paths"]}
    routes = {rule.rule.replace("<pk>", "{pk}") for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint.startswith("api.")}
    assert routes == documented


BORDERLINE_TEXT = ["\x85", "\xa0", "\ufeff", "\u2028", "\u3000", "\u180e", "\x1c", "x\n", "x\x85", "Zoë"]


def _schema_says(schema: dict, body: dict) -> bool:
    """Valid under both regex dialects in play: the fuzzer's validator (Rust, ECMA-like) and its
    generator (Python's re): a body either accepts must be one the app accepts, and the reverse."""
    rust = jsonschema_rs.validator_for(schema).is_valid(body)
    python = all(re.search(schema["properties"][name]["pattern"], value) for name, value in body.items())
    assert rust == python, f"the two regex dialects disagree on {body!r}"
    return rust


@pytest.mark.parametrize("value", BORDERLINE_TEXT)
@pytest.mark.parametrize("field", ["first_name", "phone", "email"])
def test_app_and_description_agree_on_whitespace_and_control_characters(client, field, value):
    schema = SPEC["components"]["schemas"]["NewReader"]
    body = {"first_name": "Ada", "last_name": "L", "email": f"agree.{next(_unique)}@example.org"}
    body[field] = f"{value}.{next(_unique)}@example.org" if field == "email" else value
    response = client.post("/api/v1/library/reader/", json=body)
    assert response.status_code in (201, 400), response.get_json()
    assert (response.status_code == 201) == _schema_says(schema, body), (body, response.get_json())


@pytest.mark.parametrize("isbn", ["0306406152", "0306406152\n", "978-0-306-40615-7", "030640615\x85"])
def test_app_and_description_agree_on_isbns(client, isbn):
    reader_id = client.post("/api/v1/library/reader/", json={
        "first_name": "Ada", "last_name": "L", "email": f"isbn.{next(_unique)}@example.org"}).get_json()["id"]
    body = {"title": "T", "author": "A", "isbn": isbn, "publication_year": 2000}
    response = client.post(f"/api/v1/library/reader/{reader_id}/books/", json=body)
    assert response.status_code in (201, 400), response.get_json()
    isbn_schema = SPEC["components"]["schemas"]["NewBook"]["properties"]["isbn"]
    isbn_only = {"type": "object", "properties": {"isbn": isbn_schema}}
    assert (response.status_code == 201) == _schema_says(isbn_only, {"isbn": isbn})
