"""The HTTP API under /api/v1: readers, the CSV export and health."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    from library.api import errors, export, health, openapi, readers  # noqa: F401  (routes register on bp)

    app.register_blueprint(bp)
    if app.extensions["library.settings"].bench_routes:
        from library.api import ceiling

        app.register_blueprint(ceiling.bp)
    errors.register(app)
