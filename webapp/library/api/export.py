"""CSV export of every reader and their books, streamed in chunks of lines formatted by MariaDB.

Chunks end at whole readers, so a stream cut off by a failed server resumes on another one (the router)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator

from flask import Response, stream_with_context
from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from library.api import bp
from library.api.export_sql import FORMULA_PREFIXES, csv_line, csv_text
from library.database import get_router

HEADER = ("reader_id", "first_name", "last_name", "email", "phone", "address", "registered_at",
          "book_id", "title", "author", "isbn", "publication_year")
LINE = csv_line([
    "r.id", csv_text("r.first_name"), csv_text("r.last_name"), csv_text("r.email"), csv_text("r.phone"),
    csv_text("r.address"), "DATE_FORMAT(r.registered_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ')",
    "b.id", csv_text("b.title"), csv_text("b.author"), csv_text("b.isbn"), "b.publication_year",
])
# The next `limit` readers after a reader id, with their books: ordered by reader then book, one
# string of CSV lines. MAX(r.id) is where the next chunk starts (NULL: no readers left).
# FORCE INDEX: a server whose statistics still counted no books after the seed joined by scanning
# the whole book table for every chunk (18 s a chunk instead of 0.04 s), and exports it served timed out.
CHUNK_SQL = f"""
SELECT MAX(r.id), CAST(GROUP_CONCAT({LINE} ORDER BY r.id, b.id SEPARATOR '') AS BINARY)
FROM (SELECT * FROM reader WHERE id > %s ORDER BY id LIMIT %s) r
LEFT JOIN book b FORCE INDEX (ix_book_reader_id) ON b.reader_id = r.id
"""
CHUNK_READERS = 2000  # about 1.3 MB of CSV with the seeded data
# A chunk this long may have been cut short by group_concat_max_len: it is fetched again in halves.
MAX_CHUNK_BYTES = 8 << 20


@bp.get("/library/export/", strict_slashes=False)
def export_csv() -> Response:
    chunks = get_router().open_stream(_csv_chunks)
    filename = time.strftime("library-export-%Y%m%dT%H%M%SZ.csv", time.gmtime())
    return Response(
        stream_with_context(chunks),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )


def _csv_chunks(conn: Connection, after: int | None) -> Iterator[tuple[int, bytes]]:
    """(last reader id, lines) chunks after reader `after`, all read in one consistent snapshot.

    From the start (`after` None) the first chunk carries the header; the router resumes a stream
    cut off mid-way with the last id it delivered.
    """
    conn.exec_driver_sql(f"SET SESSION group_concat_max_len = {MAX_CHUNK_BYTES}")
    conn.exec_driver_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
    try:
        head = header_line() if after is None else b""
        after, limit = after or 0, CHUNK_READERS
        while True:
            last_id, lines = conn.exec_driver_sql(CHUNK_SQL, (after, limit)).one()
            if last_id is None:
                break
            if lines is None or len(lines) >= MAX_CHUNK_BYTES - 4:  # too long for one chunk
                if limit == 1:
                    raise ValueError(f"reader {after + 1}'s export lines exceed {MAX_CHUNK_BYTES} bytes")
                limit //= 2
                continue
            yield last_id, head + lines
            head, after, limit = b"", last_id, CHUNK_READERS
        if head:
            yield after, head
    finally:
        _end_snapshot(conn)


def _end_snapshot(conn: Connection) -> None:
    try:
        conn.exec_driver_sql("COMMIT")
    except SQLAlchemyError:  # incl. PendingRollbackError on a connection a timeout already invalidated,
        conn.invalidate()  # which must not mask the error the router fails over on; never pool it


def header_line() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(HEADER)
    return buffer.getvalue().encode()


def neutralise(cell: object) -> object:
    """Prefix cells a spreadsheet would run as a formula with a quote (OWASP CSV injection).

    The reference for what the SQL in export_sql does to every text cell.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell
