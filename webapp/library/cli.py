"""Click commands added to `flask`: seed (migrations come from Flask-Migrate as `flask db`)."""

from __future__ import annotations

from flask import Flask

from library.seed import seed_command


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_command)
