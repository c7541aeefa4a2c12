"""Health: which database endpoints this process sees online, and whether reads can be served."""

from __future__ import annotations

from flask import jsonify

from library.api import bp
from library.database import get_router
from library.database.router import DatabaseUnavailable


@bp.get("/health", strict_slashes=False)
def health():
    router = get_router()
    try:
        router.read(lambda conn: conn.exec_driver_sql("SELECT 1").scalar())
        reads = True
    except DatabaseUnavailable:
        reads = False
    writes = router.writer_reachable()
    status = "ok" if reads and writes else "read-only" if reads else "unavailable"
    body = {"status": status, "reads": reads, "writes": writes,
            "endpoints": [endpoint.describe() for endpoint in router.endpoints]}
    return jsonify(body), 200 if reads else 503
