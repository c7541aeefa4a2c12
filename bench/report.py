"""The results: every key of the benchmark with its goal, printed as a table and written as JSON."""

from __future__ import annotations

import json
from pathlib import Path

# key -> (goal as text, test of the value); keys without a test are reported only.
GOALS = {
    "reader_rps": ("", None),
    "ceiling_rps": ("", None),
    "reader_vs_ceiling": (">= 0.6", lambda v: v >= 0.6),
    "reader_p99_ms": ("report", None),
    "proxysql_vs_direct": (">= 0.9", lambda v: v >= 0.9),
    "export_rows": ("", None),
    "export_s": ("", None),
    "client_s": ("", None),
    "export_vs_client": (">= 0.8", lambda v: v >= 0.8),
    "export_rss_mb_small": ("", None),
    "export_rss_mb_large": ("within 32 MB of small", None),
    "seed_s": ("<= 10", lambda v: v <= 10),
    "up_s": ("report", None),
}


def verdict(key: str, results: dict[str, object]) -> str:
    value = results.get(key)
    if value is None:
        return "n/a" if GOALS[key][0] not in ("", "report") else ""
    if key == "export_rss_mb_large":
        small = results.get("export_rss_mb_small")
        return "" if small is None else ("yes" if abs(value - small) <= 32 else "NO")
    test = GOALS[key][1]
    return "" if test is None else ("yes" if test(value) else "NO")


def table(results: dict[str, object]) -> str:
    rows = [("key", "value", "goal", "met")]
    for key, (goal, _) in GOALS.items():
        value = results.get(key)
        shown = "null" if value is None else f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
        rows.append((key, shown, goal, verdict(key, results)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def write(results: dict[str, object], path: Path) -> None:
    path.write_text(json.dumps({key: results.get(key) for key in GOALS} | results, indent=2) + "\n")
