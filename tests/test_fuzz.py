"""Property-based fuzzing from the published OpenAPI description (schemathesis, in-process WSGI).

Every generated request, valid or not, must get an answer the description allows: no 5xx, a listed
status code, and a body matching its schema. DELETE is left out: its only input is the path id,
covered by explicit tests, and fuzzing it would delete the seeded readers other tests read.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from library.api.openapi import SPEC

MAX_EXAMPLES = 40  # per operation: bounded time in CI, still hundreds of requests in all
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
