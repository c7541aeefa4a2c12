"""CSV export of every reader and their books, streamed from a server-side cursor."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Iterator, Sequence

from flask import Response, stream_with_context
from sqlalchemy import Connection

from library.api import bp
from library.database import get_router

HEADER = ("reader_id", "first_name", "last_name", "email", "phone", "address", "registered_at",
          "book_id", "title", "author", "isbn", "publication_year")

# Ordered by reader then book; the book index on (reader_id, id) lets the join walk in order.
EXPORT_SQL = """
SELECT r.id, r.first_name, r.last_name, r.email, r.phone, r.address,
       DATE_FORMAT(r.registered_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'),
       b.id, b.title, b.author, b.isbn, b.publication_year
FROM reader r LEFT JOIN book b ON b.reader_id = r.id
ORDER BY r.id, b.id
"""
BATCH_ROWS = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@bp.get("/library/export/", strict_slashes=False)
def export_csv() -> Response:
    batches = get_router().open_stream(_row_batches)
    filename = time.strftime("library-export-%Y%m%dT%H%M%SZ.csv", time.gmtime())
    return Response(
        stream_with_context(_csv_chunks(batches)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )


def _row_batches(conn: Connection) -> Iterator[Sequence[Sequence[object]]]:
    # stream_results gives an unbuffered (server-side) cursor: memory stays flat at any size.
    result = conn.execution_options(stream_results=True).exec_driver_sql(EXPORT_SQL)
    yield from result.partitions(BATCH_ROWS)


def _csv_chunks(batches: Iterable[Sequence[Sequence[object]]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for batch in batches:
        writer.writerows([neutralise(cell) for cell in row] for row in batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def neutralise(cell: object) -> object:
    """Prefix cells a spreadsheet would run as a formula with a quote (OWASP CSV injection)."""
    if isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES):
        return "'" + cell
    return cell
