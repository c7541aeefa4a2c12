"""The healthcheck/ scripts Compose runs, run here against the real test servers and app.

Compose cannot be started on our machines, so this is where the scripts that decide the stack's
start order prove they tell a ready service from one that is not.
"""

from __future__ import annotations

import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from werkzeug.serving import make_server

from tests.compose_spec import REPO
from tests.conftest import free_port


def run_check(script: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(REPO / "healthcheck" / script)], capture_output=True, text=True, timeout=30,
                          env={**os.environ, **env})


def serve_in_background(server) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


def test_mariadb_ready_passes_for_a_server_accepting_tcp(cluster):
    assert run_check("mariadb-ready.sh", DB_HOST="127.0.0.1", DB_PORT=str(cluster.master.port)).returncode == 0


def test_mariadb_ready_fails_where_no_server_listens():
    result = run_check("mariadb-ready.sh", DB_HOST="127.0.0.1", DB_PORT=str(free_port()))
    assert result.returncode == 1
    assert "not accepting connections" in result.stderr


def test_replica_running_passes_while_both_replication_threads_run(cluster, cluster_env):
    result = run_check("replica-running.sh", DB_HOST="127.0.0.1", DB_PORT=str(cluster.slave.port),
                       MONITOR_PASSWORD=cluster_env["MONITOR_PASSWORD"])
    assert result.returncode == 0, result.stderr


def test_replica_running_fails_once_replication_stops(cluster, cluster_env):
    cluster.slave.root_query("STOP SLAVE SQL_THREAD")
    try:
        result = run_check("replica-running.sh", DB_HOST="127.0.0.1", DB_PORT=str(cluster.slave.port),
                           MONITOR_PASSWORD=cluster_env["MONITOR_PASSWORD"])
    finally:
        cluster.slave.root_query("START SLAVE")
    assert result.returncode == 1
    assert "SQL=No" in result.stderr


def test_replica_running_fails_on_the_master_which_replicates_from_nobody(cluster, cluster_env):
    result = run_check("replica-running.sh", DB_HOST="127.0.0.1", DB_PORT=str(cluster.master.port),
                       MONITOR_PASSWORD=cluster_env["MONITOR_PASSWORD"])
    assert result.returncode == 1


def test_webapp_health_passes_for_the_running_app(app):
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    serve_in_background(server)
    try:
        result = run_check("webapp-health.sh", APP_URL=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr


class Unavailable(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the http.server naming)
        self.send_response(503)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webapp_health_fails_when_the_app_answers_503():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    serve_in_background(server)
    try:
        result = run_check("webapp-health.sh", APP_URL=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
    assert result.returncode == 1


def test_webapp_health_fails_when_nothing_listens():
    assert run_check("webapp-health.sh", APP_URL=f"http://127.0.0.1:{free_port()}").returncode == 1
