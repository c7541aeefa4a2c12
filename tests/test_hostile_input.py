"""Hostile input beyond test_reader_api / test_write_api: every case a clear 4xx with nothing
written, and hostile values that are accepted round-trip exactly through the CSV export."""

from __future__ import annotations

import csv
import io
import itertools

import pytest

from library.api.export_sql import FORMULA_PREFIXES
from tests.db import query

_unique = itertools.count()
BOOK = {"title": "T", "author": "A", "isbn": "0306406152", "publication_year": 2000}


def reader(**overrides):
    return {"first_name": "Ada", "last_name": "Lovelace", "email": f"hostile.{next(_unique)}@example.org", **overrides}


def counts(cluster) -> tuple[int, int]:
    return query(cluster.master, "SELECT (SELECT COUNT(*) FROM library.reader), (SELECT COUNT(*) FROM library.book)")[0]


@pytest.fixture
def unchanged(migrated):
    """Asserts the test wrote nothing."""
    before = counts(migrated)
    yield
    assert counts(migrated) == before


HOSTILE_IDS = ["-9223372036854775809", "１２", "𝟏", "٣", "0x1", "+1", "1 ", "..%2F..%2Fetc%2Fpasswd", "%2e%2e",
               "..;", "1%0A", "1'--", "1%20OR%201=1", "9" * 400]


@pytest.mark.parametrize("pk", HOSTILE_IDS)
def test_hostile_ids_on_writes_are_404_and_write_nothing(client, unchanged, pk):
    for response in (client.post(f"/api/v1/library/reader/{pk}/books/", json=BOOK),
                     client.delete(f"/api/v1/library/reader/{pk}/")):
        assert response.status_code == 404
        assert response.get_json()["error"]


@pytest.mark.parametrize("pk", HOSTILE_IDS)
def test_hostile_ids_on_reads_are_404(client, pk):
    response = client.get(f"/api/v1/library/reader/{pk}/")
    assert response.status_code == 404 and response.get_json()["error"]


@pytest.mark.parametrize("body, content_type, status", [
    (b"[" * 30_000 + b"]" * 30_000, "application/json", 400),  # nesting deep enough to blow recursion
    (b"\xff\xfe{}", "application/json", 400),  # not UTF-8
    (b'{"first_name": "A"', "application/json", 400),  # truncated
    (b"", "application/json", 400),
    (b"null", "application/json", 400),
    (b'"a string"', "application/json", 400),
    (b"first_name=A&last_name=B", "application/x-www-form-urlencoded", 415),
    (b"--x\r\nContent-Disposition: form-data; name=a\r\n\r\nb\r\n--x--", "multipart/form-data; boundary=x", 415),
    (b"<reader/>", "application/xml", 415),
    (b'{"first_name": "A"}', "", 415),
    (b'{"a": "' + b"x" * 70_000 + b'"}', "application/json", 413),  # well-formed but over 64 KiB
])
def test_malformed_bodies_get_a_clear_4xx(client, unchanged, body, content_type, status):
    response = client.post("/api/v1/library/reader/", data=body, content_type=content_type or None)
    assert response.status_code == status
    assert response.get_json()["error"]


@pytest.mark.parametrize("overrides, message", [
    ({"last_name": "x" * 101}, "last_name must be at most 100 characters"),
    ({"phone": "1" * 41}, "phone must be at most 40 characters"),
    ({"address": "a" * 256}, "address must be at most 255 characters"),
    ({"email": "a" * 250 + "@example.org"}, "email must be at most 254 characters"),
    ({"first_name": "\ud800"}, "first_name must be valid Unicode text"),  # lone surrogate: not storable
    ({"first_name": "   "}, "first_name must not be empty"),
    ({"first_name": None}, "first_name must be a string"),
    ({"first_name": ["A"]}, "first_name must be a string"),
] + [({"email": e}, "email is not a valid email address") for e in [
    "a@b", "@example.org", "a b@example.org", "a@-example.org", "a@example..org", "a@exa_mple.org",
    "a@@example.org", "a@example.org\n", "a@example.org'--", "<script>@example.org.", "a" * 65 + "@example.org",
]])
def test_invalid_fields_are_400_and_write_nothing(client, unchanged, overrides, message):
    response = client.post("/api/v1/library/reader/", json=reader(**overrides))
    assert response.status_code == 400
    assert response.get_json() == {"error": message}


@pytest.mark.parametrize("year", [10**30, -1, 0, 2000.0, 2101, "2000", None])
def test_out_of_range_years_are_400_and_write_nothing(client, unchanged, year):
    response = client.post("/api/v1/library/reader/1/books/", json={**BOOK, "publication_year": year})
    assert response.status_code == 400


def test_duplicate_email_differing_in_case_is_409_and_writes_nothing(client, migrated):
    first = reader()
    assert client.post("/api/v1/library/reader/", json=first).status_code == 201
    before = counts(migrated)
    response = client.post("/api/v1/library/reader/", json=reader(email=first["email"].upper()))
    assert response.status_code == 409
    assert counts(migrated) == before


HOSTILE_NAMES = [
    'Smith, "The Hammer"', "O'Brien", "line one\nline two", "cr\r\nlf", "tab\there", "Zoë Ñandú 李 😀",
    "=HYPERLINK(\"http://x\")", "+1+1", "-2", "@SUM(A1)", "\t=1", "\r=1", "'already quoted", ";", "a,b,c",
    "Robert'); DROP TABLE reader;--", "\\N", "NULL", "", " leading and trailing ",
]


def test_hostile_values_round_trip_through_the_export(client, migrated):
    created = {}
    for name in HOSTILE_NAMES:
        payload = reader(last_name=name or "x", address=name)
        response = client.post("/api/v1/library/reader/", json=payload)
        assert response.status_code == 201, (name, response.get_json())
        created[payload["email"]] = payload
    migrated.wait_replica_caught_up()  # the export may be served by the replica
    response = client.get("/api/v1/library/export/")
    assert response.status_code == 200
    rows = {row["email"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True), newline=""))}
    for email, payload in created.items():
        row = rows[email]
        for field in ("last_name", "address"):
            cell, stored = row[field], payload[field]
            expected = "'" + stored if stored.startswith(FORMULA_PREFIXES) else stored
            assert cell == expected, (field, stored, cell)
