"""SQL for readers and books. A reader with its books is one round trip, serialised by MariaDB."""

from __future__ import annotations

from sqlalchemy import Connection

# JSON built by the server: one query, no ORM objects, no re-encoding in Python.
READER_JSON_SQL = """
SELECT JSON_OBJECT(
  'id', r.id, 'first_name', r.first_name, 'last_name', r.last_name, 'email', r.email,
  'phone', r.phone, 'address', r.address,
  'registered_at', DATE_FORMAT(r.registered_at, '%%Y-%%m-%%dT%%H:%%i:%%sZ'),
  'books', JSON_EXTRACT(IFNULL(
    (SELECT JSON_ARRAYAGG(JSON_OBJECT('id', b.id, 'title', b.title, 'author', b.author,
                                      'isbn', b.isbn, 'publication_year', b.publication_year)
                          ORDER BY b.id)
     FROM book b WHERE b.reader_id = r.id),
    '[]'), '$')
) FROM reader r WHERE r.id = %s
"""


def reader_json(conn: Connection, reader_id: int) -> str | None:
    """The reader and their books as a JSON document, or None if there is no such reader."""
    return conn.exec_driver_sql(READER_JSON_SQL, (reader_id,)).scalar()


def insert_reader(conn: Connection, fields: dict[str, str]) -> int:
    result = conn.exec_driver_sql(
        "INSERT INTO reader (first_name, last_name, email, phone, address) VALUES (%s, %s, %s, %s, %s)",
        (fields["first_name"], fields["last_name"], fields["email"], fields["phone"], fields["address"]))
    return result.lastrowid


def insert_book(conn: Connection, reader_id: int, fields: dict[str, object]) -> int:
    result = conn.exec_driver_sql(
        "INSERT INTO book (title, author, isbn, publication_year, reader_id) VALUES (%s, %s, %s, %s, %s)",
        (fields["title"], fields["author"], fields["isbn"], fields["publication_year"], reader_id))
    return result.lastrowid


def delete_reader(conn: Connection, reader_id: int) -> bool:
    """Delete the reader (their books go back to the shelves); False if there was none."""
    return conn.exec_driver_sql("DELETE FROM reader WHERE id = %s", (reader_id,)).rowcount == 1
