"""Plain-text tables for the launcher's status output."""

from __future__ import annotations


def print_table(rows: list[dict[str, str]], columns: list[str]) -> None:
    """Upper-case headers, one line per row, columns padded to their widest cell."""
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
    print("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip())
    for row in rows:
        print("  ".join(str(row[c]).ljust(widths[c]) for c in columns).rstrip())
