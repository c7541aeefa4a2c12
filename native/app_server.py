"""The web app as a native process: migrations, seed, and gunicorn in the background."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from native import REPO_ROOT
from native.mariadb_server import ClusterError
from native.pid_files import live_pid
from native.ports import ensure_port_free, setting

WEBAPP_DIR = REPO_ROOT / "webapp"
BIN_DIR = Path(sys.executable).parent


class AppServer:
    """gunicorn serving webapp/wsgi.py, its pid and log files under `home`."""

    def __init__(self, home: Path, env: dict[str, str]):
        self.home = home
        self.env = {**env, "PYTHONPATH": str(WEBAPP_DIR)}
        self.port = int(setting(env, "APP_PORT"))
        self.host = setting(env, "APP_HOST")

    @property
    def pid_file(self) -> Path:
        return self.home / "gunicorn.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "gunicorn.log"

    @property
    def url(self) -> str:
        return f"http://{'127.0.0.1' if self.host in ('0.0.0.0', '') else self.host}:{self.port}"

    def flask(self, *args: str) -> None:
        """Run a `flask` command of the app (db upgrade, seed, ...), streaming its output."""
        result = subprocess.run([str(BIN_DIR / "flask"), "--app", "wsgi", *args], cwd=WEBAPP_DIR, env=self.env)
        if result.returncode != 0:
            raise ClusterError(f"`flask {' '.join(args)}` failed (exit {result.returncode})")

    def pid(self) -> int | None:
        return live_pid(self.pid_file)

    def start(self, timeout: float = 60) -> None:
        """Start gunicorn unless running, then wait for /api/v1/health to answer 200."""
        self.home.mkdir(parents=True, exist_ok=True)
        process = None
        if self.pid() is None:
            ensure_port_free(self.port, "APP_PORT", "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host)
            with open(self.log_file, "ab") as log:
                process = subprocess.Popen(
                    [str(BIN_DIR / "gunicorn"), "-c", "gunicorn.conf.py", "--pid", str(self.pid_file), "wsgi:app"],
                    cwd=WEBAPP_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while not self.healthy():
            if process is not None and process.poll() is not None:
                raise ClusterError(f"gunicorn exited with code {process.returncode}; see {self.log_file}")
            if time.monotonic() > deadline:
                raise ClusterError(f"the app did not become healthy on {self.url}; see {self.log_file}")
            time.sleep(0.3)

    def healthy(self) -> bool:
        """Serving reads: /api/v1/health answers 200 ("ok" or "read-only")."""
        return self.health_status() in ("ok", "read-only")

    def health_status(self) -> str | None:
        """The app's own word ("ok", "read-only", "unavailable"), or None if it does not answer."""
        try:
            with urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=5) as response:
                return json.load(response).get("status")
        except urllib.error.HTTPError as error:  # 503 "unavailable" comes with its JSON body too
            try:
                return json.load(error).get("status")
            except ValueError:
                return None
        except (OSError, ValueError):
            return None

    def stop(self, timeout: float = 30) -> None:
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.pid() is not None and time.monotonic() < deadline:
            time.sleep(0.2)
