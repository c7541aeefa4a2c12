"""gunicorn settings, each overridable from the environment (see README: Configuration)."""

import json
import os

from gunicorn import util

bind = f"{os.environ.get('APP_HOST', '127.0.0.1')}:{os.environ.get('APP_PORT', '8000')}"
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Threads, so a request waiting on the database (a frozen server, a proxy holding queries) holds up
# only itself: with one thread per worker the requests behind it queued, 4 at a time per timeout.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
worker_class = "gthread" if threads > 1 else "sync"
# Must exceed the slowest database failover a request can see (connect + read timeouts).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Build the app once, before forking: the workers then share its offline flags (offline_flags.py).
preload_app = True
# The longest request line gunicorn takes (default 4094): a long id then gets the API's own 404.
limit_request_line = 8190
# gunicorn 23+ opens a control socket (shared ~/.gunicorn/gunicorn.ctl): nothing here needs it.
control_socket_disable = True


def _json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """What gunicorn refuses before the app sees it (request line or headers too large, malformed
    HTTP) in the API's error shape, instead of gunicorn's HTML page."""
    body = json.dumps({"error": f"{reason}: {mesg}"}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin1") + body)


util.write_error = _json_error  # gunicorn's workers call it through the module, so this reaches them
