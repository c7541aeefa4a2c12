"""Multi-row INSERT statements for the seed, written as SQL text in Python.

The driver's executemany escaped 1.2 million values one call at a time (a third of the seed in
the profile); here a text drawn from a pool becomes a literal once, and rows are plain string
formatting. Literals never depend on the sql_mode: quotes for ordinary text, hex for the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from library.seed_data import BookRow, ReaderRow

READER_COLUMNS = "id, first_name, last_name, email, phone, address, registered_at"
BOOK_COLUMNS = "id, title, author, isbn, publication_year, reader_id"
# Text that means the same with or without NO_BACKSLASH_ESCAPES: no quote, backslash or control.
_PLAIN = re.compile(r"[^'\\\x00-\x1f\x7f]*")


def text_literal(value: str) -> str:
    if _PLAIN.fullmatch(value):
        return f"'{value}'"
    return f"_utf8mb4 X'{value.encode().hex()}'"


class PoolLiterals(dict[str, str]):
    """The literal of each pool text, worked out on first use (pools hold a few thousand texts)."""

    def __missing__(self, value: str) -> str:
        literal = self[value] = text_literal(value)
        return literal


def insert_readers(rows: Iterable[ReaderRow], pooled: PoolLiterals) -> str:
    values = ",".join(
        f"({id_},{pooled[first]},{pooled[last]},{text_literal(email)},{pooled[phone]},{pooled[address]},"
        f"'{registered.isoformat(' ')}')"
        for id_, first, last, email, phone, address, registered in rows)
    return f"INSERT INTO reader ({READER_COLUMNS}) VALUES {values}"


def insert_books(rows: Iterable[BookRow], pooled: PoolLiterals) -> str:
    values = ",".join(
        f"({id_},{pooled[title]},{pooled[author]},{text_literal(isbn)},{year},{reader_id})"
        for id_, title, author, isbn, year, reader_id in rows)
    return f"INSERT INTO book ({BOOK_COLUMNS}) VALUES {values}"
