"""WSGI entry point for gunicorn (`wsgi:app`) and for `flask --app wsgi`."""

from library import create_app

app = create_app()
