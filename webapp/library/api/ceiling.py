"""The benchmark's ceiling: a constant JSON body of a given size, served without the database.

Registered only with BENCH_ROUTES=1, so `make bench` can measure what this app and gunicorn cost
per request with no database work, and compare the reader route against it.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response

from library.api.errors import ApiError

bp = Blueprint("bench", __name__, url_prefix="/api/v1/bench")
MAX_BYTES = 1 << 20
_SHELL = '{"padding":""}'


@bp.get("/ceiling/<int:size>/", strict_slashes=False)
def ceiling(size: int) -> Response:
    if not len(_SHELL) <= size <= MAX_BYTES:
        raise ApiError(404, f"ceiling size must be from {len(_SHELL)} to {MAX_BYTES} bytes")
    return Response(constant_body(size), mimetype="application/json")


@lru_cache(maxsize=8)
def constant_body(size: int) -> str:
    """A JSON document of exactly `size` bytes."""
    return '{"padding":"' + "x" * (size - len(_SHELL)) + '"}'
