"""`flask seed`: load deterministic fake readers and books through the writer, in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

import click
from flask.cli import with_appcontext
from sqlalchemy import Connection

from library.database import get_router
from library.seed_data import BookRow, ReaderRow, generate
from library.seed_sql import PoolLiterals, insert_books, insert_readers

LOCK = "library_seed"


@click.command("seed")
@with_appcontext
@click.option("--readers", default=50_000, show_default=True, type=click.IntRange(min=1, max=10_000_000),
              help="How many readers to create (ids 1..N).")
@click.option("--seed", "seed", default=42, show_default=True, type=int, help="Random seed: same seed, same data.")
@click.option("--batch", default=5_000, show_default=True, type=click.IntRange(min=1),
              help="Readers per bulk insert.")
@click.option("--force", is_flag=True, help="Replace existing data instead of leaving it alone.")
def seed_command(readers: int, seed: int, batch: int, force: bool) -> None:
    """Fill the database with fake readers and their books (idempotent)."""
    engine = get_router().writer.engine
    with engine.connect() as conn:
        if conn.exec_driver_sql(f"SELECT GET_LOCK('{LOCK}', 600)").scalar() != 1:
            raise click.ClickException("another seed is running")
        try:
            existing = conn.exec_driver_sql("SELECT COUNT(*) FROM reader").scalar()
            conn.rollback()
            if existing and not force:
                click.echo(f"Already seeded: {existing} readers present; nothing changed (--force to redo).")
                return
            with conn.begin():
                if existing:
                    conn.exec_driver_sql("DELETE FROM book")
                    conn.exec_driver_sql("DELETE FROM reader")
                books = _insert(conn, readers, seed, batch)
            # Fresh statistics on both servers (ANALYZE is replicated) instead of waiting for InnoDB's
            # background recalculation: a server still counting no books planned joins badly.
            conn.exec_driver_sql("ANALYZE TABLE reader, book").all()
            conn.commit()
            click.echo(f"Seeded {readers} readers and {books} books (seed {seed}).")
        finally:
            conn.exec_driver_sql(f"SELECT RELEASE_LOCK('{LOCK}')")


def _insert(conn: Connection, readers: int, seed: int, batch: int) -> int:
    """Insert batch after batch; a thread writes the next batch's SQL while the server runs this one."""
    cursor = conn.connection.dbapi_connection.cursor()
    batches = _statements(generate(readers, seed), batch)
    total_books = 0
    with ThreadPoolExecutor(max_workers=1) as builder, \
            click.progressbar(length=readers, label="Seeding readers") as bar:
        pending = builder.submit(next, batches, None)
        while (built := pending.result()) is not None:
            pending = builder.submit(next, batches, None)
            reader_count, book_count, statements = built
            for statement in statements:
                cursor.execute(statement)
            total_books += book_count
            bar.update(reader_count)
    return total_books


def _statements(rows: Iterator[tuple[ReaderRow, list[BookRow]]], batch: int) -> Iterator[tuple[int, int, list[str]]]:
    """(readers, books, INSERT statements) for each batch of readers."""
    pooled = PoolLiterals()
    while chunk := list(islice(rows, batch)):
        books = [book for _, reader_books in chunk for book in reader_books]
        statements = [insert_readers((reader for reader, _ in chunk), pooled)]
        if books:
            statements.append(insert_books(books, pooled))
        yield len(chunk), len(books), statements
