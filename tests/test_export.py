"""GET /api/v1/library/export/: every reader-book pair as CSV, equal to the database row for row."""

from __future__ import annotations

import csv
import io
import random

import pymysql

from library.api import export
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


def csv_bytes(rows: list) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


TRICKY_TEXT = ['say "hi"', "a,b", "line\nbreak", "carriage\rreturn", "crlf\r\nend", "\ttab first", "\rcr first",
               "=1+1", "+1", "-", "@sum", "\uff1dfullwidth", "trailing space ", '"', "", "Łódź, 東京"]


def test_export_bytes_are_what_the_csv_module_writes(client, migrated):
    for n, text in enumerate(TRICKY_TEXT):
        created = client.post("/api/v1/library/reader/", json={
            "first_name": text or "x", "last_name": text[::-1] or "y", "phone": text, "address": text,
            "email": f"tricky.{n}.{random.random()}@example.org"})
        assert created.status_code == 201, created.get_json()
        book = {"title": text or "t", "author": text or "a", "isbn": "978-3-16-148410-0", "publication_year": 2001}
        assert client.post(f"/api/v1/library/reader/{created.get_json()['id']}/books/", json=book).status_code == 201
    migrated.wait_replica_caught_up()
    assert client.get(EXPORT_URL).get_data() == csv_bytes([HEADER, *expected_rows(migrated)])


def test_export_in_many_small_chunks_matches_row_for_row(client, migrated, monkeypatch):
    monkeypatch.setattr(export, "CHUNK_READERS", 7)
    migrated.wait_replica_caught_up()
    assert parse(client.get(EXPORT_URL))[1:] == expected_rows(migrated)


def test_chunks_cut_short_by_the_length_limit_are_fetched_again_in_halves(client, migrated, monkeypatch):
    monkeypatch.setattr(export, "CHUNK_READERS", 64)
    monkeypatch.setattr(export, "MAX_CHUNK_BYTES", 4096)  # far less than 64 readers' lines
    migrated.wait_replica_caught_up()
    assert client.get(EXPORT_URL).get_data() == csv_bytes([HEADER, *expected_rows(migrated)])


def test_an_abandoned_export_leaves_no_snapshot_on_pooled_connections(client, migrated):
    response = client.get(EXPORT_URL, buffered=False)
    next(iter(response.response))
    response.close()
    created = client.post("/api/v1/library/reader/", json={
        "first_name": "After", "last_name": "Export", "email": f"after.export.{random.random()}@example.org"})
    migrated.wait_replica_caught_up()
    # Reads reuse the pooled connections the export used: each must see the new reader.
    statuses = {client.get(created.headers["Location"]).status_code for _ in range(20)}
    assert statuses == {200}



def test_the_chunk_query_reads_books_through_the_reader_index(migrated):
    """Never a join by scanning book: a server whose statistics still counted no books after the
    seed did that for every chunk (18 s a chunk), and the exports it served timed out."""
    conn = pymysql.connect(unix_socket=str(migrated.master.socket), user="root", database="library")
    try:
        cur = conn.cursor(pymysql.cursors.DictCursor)
        cur.execute("EXPLAIN " + export.CHUNK_SQL, (0, export.CHUNK_READERS))
        book = next(row for row in cur.fetchall() if row["table"] == "b")
        assert (book["type"], book["key"]) == ("ref", "ix_book_reader_id"), book
    finally:
        conn.close()
