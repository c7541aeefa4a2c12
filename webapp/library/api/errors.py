"""Every error the app can answer with, as JSON `{"error": message}` with the right status."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

from library.database.router import DatabaseUnavailable, ReadOnlyMode, WriteOutcomeUnknown

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An expected client error: bad input (400), not found (404), conflict (409), ..."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> tuple[Response, int]:
    return jsonify(error=message), status


def register(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        response, status = error_response(exc.code or 500, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response, status

    @app.errorhandler(ReadOnlyMode)
    def read_only(exc: ReadOnlyMode):
        response, status = error_response(503, f"read-only mode: {exc}")
        response.headers["Retry-After"] = "5"
        return response, status

    @app.errorhandler(WriteOutcomeUnknown)
    def outcome_unknown(exc: WriteOutcomeUnknown):
        return error_response(503, str(exc))

    @app.errorhandler(DatabaseUnavailable)
    def unavailable(exc: DatabaseUnavailable):
        log.warning("%s", exc)
        response, status = error_response(503, "no database server is reachable; try again shortly")
        response.headers["Retry-After"] = "5"
        return response, status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        return error_response(500, InternalServerError.description)
