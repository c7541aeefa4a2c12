"""`flask seed`: deterministic, idempotent, unique emails at any size, valid UTF-8 with non-ASCII names."""

from __future__ import annotations

import random

import pytest

from library.seed_data import generate, isbn13
from library.seed_sql import text_literal
from tests.db import query


def test_same_seed_gives_the_same_data_and_another_seed_differs():
    first = list(generate(500, seed=3))
    assert first == list(generate(500, seed=3))
    assert first != list(generate(500, seed=4))


def test_ids_are_dense_and_emails_unique_at_size():
    readers = [reader for reader, _ in generate(50_000, seed=1)]
    assert [r[0] for r in readers] == list(range(1, 50_001))
    assert len({r[3] for r in readers}) == 50_000


def test_about_three_books_per_reader_with_dense_ids():
    rows = list(generate(5_000, seed=2))
    books = [book for _, reader_books in rows for book in reader_books]
    assert 2.7 < len(books) / len(rows) < 3.3
    assert [b[0] for b in books] == list(range(1, len(books) + 1))


def test_isbn13_check_digit_is_valid():
    rng = random.Random(0)
    for _ in range(200):
        digits = [int(c) for c in isbn13(rng) if c.isdigit()]
        assert len(digits) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def test_names_include_non_ascii():
    names = [reader[1] + reader[2] for reader, _ in generate(2_000, seed=5)]
    assert any(not name.isascii() for name in names)


def test_seeded_database_matches_generator(migrated):
    # The session fixture seeded 300 readers with --seed 7.
    expected = [reader[:6] for reader, _ in generate(300, seed=7)]
    stored = query(migrated.master, "SELECT id, first_name, last_name, email, phone, address "
                   "FROM library.reader WHERE id <= 300 ORDER BY id")
    assert stored == expected


def test_second_seed_changes_nothing(runner, migrated):
    before = query(migrated.master, "CHECKSUM TABLE library.reader, library.book")
    result = runner.invoke(args=["seed", "--readers", "300", "--seed", "7"])
    assert result.exit_code == 0
    assert "Already seeded" in result.output
    assert query(migrated.master, "CHECKSUM TABLE library.reader, library.book") == before


@pytest.mark.parametrize("sql_mode", ["", "NO_BACKSLASH_ESCAPES"])
def test_seed_literals_mean_the_same_text_in_any_sql_mode(migrated, sql_mode):
    texts = ["plain", "O'Brien", 'say "hi"', "back\\slash", "nul\x00byte", "line\nbreak\r\n", "Łódź 東京 🎉", ""]
    rows = migrated.master.root_execute(
        ("SET SESSION sql_mode = %s", (sql_mode,)),
        ("SELECT " + ", ".join(f"{text_literal(t)} AS c{i}" for i, t in enumerate(texts)), ()))
    assert list(rows[0].values()) == texts


def test_seed_leaves_fresh_statistics_on_both_servers(migrated):
    """ANALYZE after the seed, replicated: no server plans joins believing the tables empty."""
    migrated.wait_replica_caught_up()
    for server in (migrated.master, migrated.slave):
        rows = {row["table_name"]: row["n_rows"] for row in server.root_query(
            "SELECT table_name, n_rows FROM mysql.innodb_table_stats WHERE database_name = 'library'")}
        assert rows["reader"] > 0 and rows["book"] > 0, (server.port, rows)
