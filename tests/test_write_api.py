"""Writes: register a reader, give a book, delete a reader; bad input is a clear 4xx, nothing written."""

from __future__ import annotations

import itertools

import pytest

from tests.db import query

_unique = itertools.count()


def new_reader(**overrides):
    n = next(_unique)
    return {"first_name": "Łucja", "last_name": "Nowak", "email": f"lucja.{n}@example.org",
            "phone": "+48 600 000 000", "address": "ul. Długa 1, Gdańsk", **overrides}


def count_readers(cluster) -> int:
    return query(cluster.master, "SELECT COUNT(*) FROM library.reader")[0][0]


def test_create_reader_returns_201_with_location(client, migrated):
    payload = new_reader()
    response = client.post("/api/v1/library/reader/", json=payload)
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in payload} == payload
    assert body["books"] == []
    assert response.headers["Location"].endswith(f"/api/v1/library/reader/{body['id']}/")
    assert query(migrated.master, "SELECT email FROM library.reader WHERE id = %s", (body["id"],)) == [
        (payload["email"],)]


def test_duplicate_email_is_409_and_writes_nothing(client, migrated):
    payload = new_reader()
    assert client.post("/api/v1/library/reader/", json=payload).status_code == 201
    before = count_readers(migrated)
    response = client.post("/api/v1/library/reader/", json=new_reader(email=payload["email"]))
    assert response.status_code == 409
    assert "already exists" in response.get_json()["error"]
    assert count_readers(migrated) == before


@pytest.mark.parametrize("payload, message", [
    ({"first_name": "A", "last_name": "B"}, "missing field(s): email"),
    (new_reader(email="not-an-email"), "email is not a valid email address"),
    (new_reader(first_name=""), "first_name must not be empty"),
    (new_reader(first_name="x" * 101), "first_name must be at most 100 characters"),
    (new_reader(last_name=7), "last_name must be a string"),
    (new_reader(admin=True), "unknown field(s): admin"),
    (new_reader(address="a\x00b"), "address must not contain control characters"),
    ([1, 2], "request body must be a JSON object"),
])
def test_invalid_reader_is_400_and_writes_nothing(client, migrated, payload, message):
    before = count_readers(migrated)
    response = client.post("/api/v1/library/reader/", json=payload)
    assert response.status_code == 400
    assert response.get_json() == {"error": message}
    assert count_readers(migrated) == before


def test_malformed_json_is_400(client):
    response = client.post("/api/v1/library/reader/", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]


def test_wrong_content_type_is_415(client):
    response = client.post("/api/v1/library/reader/", data="first_name=A", content_type="text/plain")
    assert response.status_code == 415


def test_oversized_body_is_413(client):
    response = client.post("/api/v1/library/reader/", data="x" * 100_000, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]


def test_sql_looking_strings_are_stored_verbatim(client, migrated):
    payload = new_reader(first_name="Robert'); DROP TABLE reader;--", last_name='"; SELECT 1')
    response = client.post("/api/v1/library/reader/", json=payload)
    assert response.status_code == 201
    migrated.wait_replica_caught_up()  # the next read may be served by the replica
    fetched = client.get(response.headers["Location"]).get_json()
    assert (fetched["first_name"], fetched["last_name"]) == (payload["first_name"], payload["last_name"])


def test_give_book_to_reader(client):
    reader = client.post("/api/v1/library/reader/", json=new_reader()).get_json()
    book = {"title": "Solaris", "author": "Stanisław Lem", "isbn": "978-0-15-602760-1", "publication_year": 1961}
    response = client.post(f"/api/v1/library/reader/{reader['id']}/books/", json=book)
    assert response.status_code == 201
    books = response.get_json()["books"]
    assert [{k: b[k] for k in book} for b in books] == [book]


@pytest.mark.parametrize("book, message", [
    ({"title": "T", "author": "A", "isbn": "12", "publication_year": 2000},
     "isbn must be an ISBN-10 or ISBN-13 (digits, optional hyphens)"),
    ({"title": "T", "author": "A", "isbn": "0306406152", "publication_year": "2000"},
     "publication_year must be an integer from 1 to 2100"),
    ({"title": "T", "author": "A", "isbn": "0306406152", "publication_year": True},
     "publication_year must be an integer from 1 to 2100"),
    ({"title": "T", "author": "A", "isbn": "0306406152"}, "missing field(s): publication_year"),
])
def test_invalid_book_is_400(client, book, message):
    response = client.post("/api/v1/library/reader/1/books/", json=book)
    assert response.status_code == 400
    assert response.get_json() == {"error": message}


def test_book_for_missing_reader_is_404(client, migrated):
    book = {"title": "T", "author": "A", "isbn": "0306406152", "publication_year": 2000}
    before = query(migrated.master, "SELECT COUNT(*) FROM library.book")[0][0]
    assert client.post("/api/v1/library/reader/987654321/books/", json=book).status_code == 404
    assert query(migrated.master, "SELECT COUNT(*) FROM library.book")[0][0] == before


def test_delete_reader_returns_books_to_the_shelves(client, migrated):
    reader = client.post("/api/v1/library/reader/", json=new_reader()).get_json()
    book = {"title": "T", "author": "A", "isbn": "0306406152", "publication_year": 2000}
    book_id = client.post(f"/api/v1/library/reader/{reader['id']}/books/", json=book).get_json()["books"][0]["id"]
    assert client.delete(f"/api/v1/library/reader/{reader['id']}/").status_code == 204
    migrated.wait_replica_caught_up()
    assert client.get(f"/api/v1/library/reader/{reader['id']}/").status_code == 404
    assert client.delete(f"/api/v1/library/reader/{reader['id']}/").status_code == 404
    assert query(migrated.master, "SELECT reader_id FROM library.book WHERE id = %s", (book_id,)) == [(None,)]
