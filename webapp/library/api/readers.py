"""Readers: look one up (with their books), register one, give one a book, delete one."""

from __future__ import annotations

from flask import Response, url_for
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from library.api import bp
from library.api import reader_queries as queries
from library.api import validation as v
from library.api.errors import ApiError
from library.database import get_router

DUPLICATE_KEY = 1062
MISSING_PARENT_ROW = 1452


@bp.get("/library/reader/<pk>/", strict_slashes=False)
def get_reader(pk: str) -> Response:
    reader_id = v.parse_id(pk, "reader")
    document = get_router().read_cursor(lambda cursor: queries.reader_json_on_cursor(cursor, reader_id))
    if document is None:
        raise ApiError(404, f"reader {reader_id} not found")
    return Response(document, mimetype="application/json")


@bp.post("/library/reader/", strict_slashes=False)
def create_reader() -> tuple[Response, int, dict[str, str]]:
    body = v.json_body()
    v.check_fields(body, {"first_name", "last_name", "email"}, {"phone", "address"})
    fields = {
        "first_name": v.text(body, "first_name", 100),
        "last_name": v.text(body, "last_name", 100),
        "email": v.email(body),
        "phone": v.text(body, "phone", 40, required=False),
        "address": v.text(body, "address", 255, required=False),
    }

    def create(conn: Connection) -> tuple[int, str]:
        reader_id = queries.insert_reader(conn, fields)
        return reader_id, queries.reader_json(conn, reader_id)

    try:
        reader_id, document = get_router().write(create)
    except IntegrityError as exc:
        if exc.orig.args[0] == DUPLICATE_KEY:
            raise ApiError(409, f"a reader with email {fields['email']!r} already exists") from exc
        raise
    location = url_for("api.get_reader", pk=str(reader_id))
    return Response(document, mimetype="application/json"), 201, {"Location": location}


@bp.post("/library/reader/<pk>/books/", strict_slashes=False)
def give_book(pk: str) -> tuple[Response, int]:
    reader_id = v.parse_id(pk, "reader")
    body = v.json_body()
    v.check_fields(body, {"title", "author", "isbn", "publication_year"}, set())
    fields = {
        "title": v.text(body, "title", 255),
        "author": v.text(body, "author", 200),
        "isbn": v.isbn(body),
        "publication_year": v.integer(body, "publication_year", 1, 2100),
    }

    def give(conn: Connection) -> str:
        queries.insert_book(conn, reader_id, fields)
        return queries.reader_json(conn, reader_id)

    try:
        document = get_router().write(give)
    except IntegrityError as exc:
        if exc.orig.args[0] == MISSING_PARENT_ROW:
            raise ApiError(404, f"reader {reader_id} not found") from exc
        raise
    return Response(document, mimetype="application/json"), 201


@bp.delete("/library/reader/<pk>/", strict_slashes=False)
def delete_reader(pk: str) -> tuple[str, int]:
    reader_id = v.parse_id(pk, "reader")
    if not get_router().write(lambda conn: queries.delete_reader(conn, reader_id)):
        raise ApiError(404, f"reader {reader_id} not found")
    return "", 204
