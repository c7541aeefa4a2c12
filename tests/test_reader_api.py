"""GET /api/v1/library/reader/<pk>/: the reader with their books, and 404 for anything else."""

from __future__ import annotations

import json

import pytest

from library.api.reader_queries import reader_document
from tests.db import query


def test_reader_is_returned_with_books_in_id_order(client, migrated):
    response = client.get("/api/v1/library/reader/2/")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"id", "first_name", "last_name", "email", "phone", "address", "registered_at", "books"}
    row = query(migrated.master, "SELECT first_name, last_name, email, phone, address, "
                "DATE_FORMAT(registered_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ') FROM library.reader WHERE id = 2")[0]
    assert (body["first_name"], body["last_name"], body["email"], body["phone"], body["address"],
            body["registered_at"]) == row
    books = query(migrated.master, "SELECT id, title, author, isbn, publication_year FROM library.book "
                  "WHERE reader_id = 2 ORDER BY id")
    assert [(b["id"], b["title"], b["author"], b["isbn"], b["publication_year"]) for b in body["books"]] == books


def test_reader_without_books_has_an_empty_list(client, migrated):
    reader_id = query(migrated.master, "SELECT r.id FROM library.reader r LEFT JOIN library.book b "
                      "ON b.reader_id = r.id WHERE b.id IS NULL LIMIT 1")[0][0]
    assert client.get(f"/api/v1/library/reader/{reader_id}/").get_json()["books"] == []


def test_missing_trailing_slash_gets_the_same_answer(client):
    with_slash = client.get("/api/v1/library/reader/1/")
    without = client.get("/api/v1/library/reader/1")
    assert without.status_code == 200
    assert without.get_json() == with_slash.get_json()


@pytest.mark.parametrize("pk", [
    "999999", "0", "-1", "abc", "1.5", "1e3", " 1", "%201", "9223372036854775808",
    "99999999999999999999999999", "١٢", "²", "1%00", "..%2F..%2Fetc%2Fpasswd", "1;DROP TABLE reader",
])
def test_ids_that_name_no_reader_get_json_404(client, pk):
    response = client.get(f"/api/v1/library/reader/{pk}/")
    assert response.status_code == 404
    assert "error" in response.get_json()


def test_largest_bigint_id_is_a_clean_404(client):
    response = client.get("/api/v1/library/reader/9223372036854775807/")
    assert response.status_code == 404
    assert response.get_json() == {"error": "reader 9223372036854775807 not found"}


def test_unknown_urls_and_methods_answer_json(client):
    assert client.get("/nope").get_json()["error"]
    response = client.put("/api/v1/library/reader/1/")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.get_json()["error"]


@pytest.mark.parametrize("path", ["/api/v1/library/reader//1/", "/api/v1//library/reader/1/", "//api/v1/health",
                                  "/api/v1/health/", "/api/v1/library//export/", "/api/v1/openapi.json/"])
def test_odd_urls_answer_json_never_a_redirect_page(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert response.mimetype == "application/json"


@pytest.mark.parametrize("path", ["/api/v1/health", "/api/v1/health/"])
def test_health_lists_every_endpoint_online(client, path):
    response = client.get(path)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["reads"] and body["writes"]
    assert sorted(e["role"] for e in body["endpoints"]) == ["reader", "reader", "writer"]
    assert all(e["online"] for e in body["endpoints"])


def test_reader_document_orders_books_by_id_whatever_order_rows_arrive_in():
    rows = [(7, '{"id": 7}'), (0, '{"id": 1, "first_name": "A"}'), (3, '{"id": 3}')]
    assert json.loads(reader_document(rows)) == {"id": 1, "first_name": "A", "books": [{"id": 3}, {"id": 7}]}
    assert json.loads(reader_document([(0, '{"id": 2}')])) == {"id": 2, "books": []}
    assert reader_document([]) is None
