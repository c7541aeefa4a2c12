"""The library service: a Flask app reading from replicas and writing to the master."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from library import api, cli, database
from library.config import Settings
from library.extensions import migrate

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app from `settings` (default: the environment)."""
    app = Flask(__name__)
    settings = settings or Settings.from_env()
    app.config.update(MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.json.sort_keys = False
    # Werkzeug answers "//" in a path with a redirect and an HTML body; an API answers JSON: 404.
    app.url_map.merge_slashes = False
    app.extensions["library.settings"] = settings
    database.init_app(app, settings)
    migrate.init_app(app, db=None, directory=str(MIGRATIONS_DIR))
    api.init_app(app)
    cli.init_app(app)
    return app
