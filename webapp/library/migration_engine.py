"""The engine migrations run on: the writer address, as the migrator account (DDL privileges)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Engine

from library.config import ConfigError, Settings
from library.database.endpoints import make_engine

MIGRATION_READ_TIMEOUT_S = 600  # DDL on a big table takes far longer than a request may


def migration_engine(app: Flask) -> Engine:
    settings: Settings = app.extensions["library.settings"]
    if not settings.migrator.password:
        raise ConfigError("DB_MIGRATOR_PASSWORD must be set to run migrations")
    return make_engine(settings, settings.migrator, settings.writer_address, autocommit=False,
                       read_timeout=MIGRATION_READ_TIMEOUT_S)
