"""GET /api/v1/library/export/: every reader-book pair as CSV, equal to the database row for row."""

from __future__ import annotations

import csv
import io

from library.api.export import HEADER, neutralise
from tests.db import query

EXPORT_URL = "/api/v1/library/export/"


def parse(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8"))))


def expected_rows(cluster) -> list[list[str]]:
    rows = query(cluster.master, """
        SELECT r.id, r.first_name, r.last_name, r.email, r.phone, r.address,
               DATE_FORMAT(r.registered_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'),
               b.id, b.title, b.author, b.isbn, b.publication_year
        FROM library.reader r LEFT JOIN library.book b ON b.reader_id = r.id ORDER BY r.id, b.id""")
    return [["" if cell is None else str(neutralise(cell)) for cell in row] for row in rows]


def test_export_is_a_csv_attachment(client):
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="library-export-') and disposition.endswith('.csv"')


def test_export_matches_the_database_row_for_row(client, migrated):
    migrated.wait_replica_caught_up()
    rows = parse(client.get(EXPORT_URL))
    assert rows[0] == list(HEADER)
    assert rows[1:] == expected_rows(migrated)


def test_reader_without_books_appears_once_with_empty_book_columns(client, migrated):
    reader_id = query(migrated.master, "SELECT r.id FROM library.reader r LEFT JOIN library.book b "
                      "ON b.reader_id = r.id WHERE b.id IS NULL LIMIT 1")[0][0]
    matching = [row for row in parse(client.get(EXPORT_URL))[1:] if row[0] == str(reader_id)]
    assert len(matching) == 1
    assert matching[0][7:] == ["", "", "", "", ""]


def test_hostile_values_round_trip_and_formulas_are_neutralised(client, migrated):
    hostile = {"first_name": '=HYPERLINK("http://evil")', "last_name": 'Comma, "Quote"',
               "email": "hostile.export@example.org", "phone": "+1 555 0100",
               "address": "line one\nline two; Łódź — 東京"}
    created = client.post("/api/v1/library/reader/", json=hostile)
    assert created.status_code == 201
    reader_id = str(created.get_json()["id"])
    migrated.wait_replica_caught_up()
    row = next(r for r in parse(client.get(EXPORT_URL))[1:] if r[0] == reader_id)
    assert row[1] == "'" + hostile["first_name"]
    assert row[2] == hostile["last_name"]
    assert row[4] == "'" + hostile["phone"]
    assert row[5] == hostile["address"]


def test_neutralise_covers_every_formula_prefix():
    for prefix in "=+-@\t\r":
        assert neutralise(prefix + "x") == "'" + prefix + "x"
    assert neutralise("plain") == "plain"
    assert neutralise(-5) == -5
