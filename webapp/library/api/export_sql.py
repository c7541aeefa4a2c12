"""The export's CSV lines, formatted by MariaDB so that Python only streams bytes.

Formatting 150,000 rows cell by cell in Python cost more than the query itself (see the README's
Performance section); the server builds each line instead, and a chunk of lines per round trip.
The result is byte for byte what `csv.writer(lineterminator="\\r\\n")` writes for the same rows after
`neutralise` (tests/test_export.py checks it): QUOTE_MINIMAL quotes a field that holds the
delimiter, the quote character or a line break, and doubles the quote characters inside it.
All text is compared as bytes (never through a collation), and every constant is a hex literal so
that no sql_mode (NO_BACKSLASH_ESCAPES) can change what it means.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEEDS_QUOTES = '[,"\r\n]'  # a regular expression over the bytes of a field
CRLF = "\r\n"
APOSTROPHE = "'"


def literal(text: str) -> str:
    """`text` as a binary SQL literal."""
    return f"X'{text.encode().hex().upper()}'" if text else "''"


def neutralised(column: str) -> str:
    """The column with a quote in front when a spreadsheet would run it as a formula."""
    # ORD is the first character's byte value(s): a multi-byte character never equals an ASCII code.
    codes = ", ".join(str(ord(prefix)) for prefix in FORMULA_PREFIXES)
    return f"IF(ORD({column}) IN ({codes}), CONCAT({literal(APOSTROPHE)}, {column}), {column})"


def csv_text(column: str) -> str:
    """A text column as one CSV field (NULL stays NULL)."""
    value, quote, doubled = neutralised(column), literal('"'), literal('""')
    quoted = f"CONCAT({quote}, REPLACE({value}, {quote}, {doubled}), {quote})"
    return f"IF(CAST({column} AS BINARY) REGEXP {literal(NEEDS_QUOTES)}, {quoted}, {value})"


def csv_line(fields: list[str]) -> str:
    """One CSV line from field expressions (NULL becomes an empty field), ending in CRLF."""
    cells = [f"IFNULL({field}, '')" for field in fields]
    separator = f", {literal(',')}, "
    return f"CONCAT({separator.join(cells)}, {literal(CRLF)})"
