"""Runs migrations on the writer (the master), as the migrator account, one process at a time."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from library.migration_engine import migration_engine
from library.models import metadata

# Keep the app's loggers: migrations can run in the process that serves (tests), and fileConfig
# would otherwise silence every logger created before it.
fileConfig(context.config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

# Two app processes starting together must not both create the tables: a server-side named lock
# serialises them, and the second one then finds the schema already at head.
LOCK_NAME = "library_schema_migrations"
LOCK_TIMEOUT_S = 120


def run_migrations_online() -> None:
    engine = migration_engine(current_app)
    with engine.connect() as connection:
        got = connection.exec_driver_sql(f"SELECT GET_LOCK('{LOCK_NAME}', {LOCK_TIMEOUT_S})").scalar()
        if got != 1:
            raise RuntimeError(f"could not take the migration lock within {LOCK_TIMEOUT_S}s")
        # SQLAlchemy 2 began a transaction for GET_LOCK; end it so Alembic's own one is real
        # (otherwise the alembic_version update is silently rolled back on close).
        connection.commit()
        try:
            context.configure(connection=connection, target_metadata=metadata, compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            connection.exec_driver_sql(f"SELECT RELEASE_LOCK('{LOCK_NAME}')")
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them against the writer")
run_migrations_online()
