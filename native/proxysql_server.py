"""ProxySQL as a native process: the container's start script and template, on 127.0.0.1 ports.

The binary is found through PROXYSQL_BIN or `proxysql` on PATH; without one the native stack runs
with the app's own balancing instead (see native/__main__.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pymysql

from native import REPO_ROOT
from native.mariadb_server import ClusterError
from native.pid_files import live_pid
from native.ports import ensure_port_free

START_SCRIPT = REPO_ROOT / "proxysql" / "start-proxysql.sh"
READY_CHECK = REPO_ROOT / "healthcheck" / "proxysql-ready.sh"
ADMIN_CONSOLE = REPO_ROOT / "proxysql" / "admin-console.sh"
WRITER_HOSTGROUP = 10
READER_HOSTGROUP = 20


def find_proxysql(env: dict[str, str]) -> str | None:
    """The ProxySQL binary named by PROXYSQL_BIN, else `proxysql` on PATH, else None."""
    configured = env.get("PROXYSQL_BIN", "").strip()
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise ClusterError(f"PROXYSQL_BIN={configured} is not an executable file")
        return found
    return shutil.which("proxysql")


@dataclass
class ProxySQLServer:
    """One ProxySQL whose rendered config, database and log live under `home`."""

    home: Path
    binary: str
    mysql_port: int
    admin_port: int
    master_port: int
    slave_port: int
    env: dict[str, str] = field(repr=False)  # accounts, passwords and PROXYSQL_* overrides

    @property
    def pid_file(self) -> Path:
        return self.home / "launcher.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "proxysql.log"

    @property
    def admin_user(self) -> str:
        return self.env.get("PROXYSQL_ADMIN_USER", "radmin")

    def script_env(self) -> dict[str, str]:
        """What start-proxysql.sh and proxysql-ready.sh read: loopback only, REST API off by default."""
        return {
            "PROXYSQL_RESTAPI_ENABLED": "false",  # ProxySQL 2.7 can only bind it on 0.0.0.0
            **self.env,
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PROXYSQL_BIN": self.binary,
            "PROXYSQL_DATADIR": str(self.home),
            "PROXYSQL_MASTER_HOST": "127.0.0.1", "PROXYSQL_MASTER_PORT": str(self.master_port),
            "PROXYSQL_SLAVE_HOST": "127.0.0.1", "PROXYSQL_SLAVE_PORT": str(self.slave_port),
            "PROXYSQL_MYSQL_LISTEN": f"127.0.0.1:{self.mysql_port}",
            "PROXYSQL_ADMIN_LISTEN": f"127.0.0.1:{self.admin_port}",
        }

    def pid(self) -> int | None:
        pid = live_pid(self.pid_file)
        return pid if pid is not None and _is_proxysql(pid) else None

    def is_running(self) -> bool:
        return self.pid() is not None

    def start(self, timeout: float = 60) -> None:
        """Start ProxySQL (unless running), then wait until its writer hostgroup has an ONLINE server."""
        self.home.mkdir(parents=True, exist_ok=True)
        if self.pid() is not None:
            # Already running (`make up` again, e.g. to bring back a crashed master): a backend it
            # shunned comes back only when a query asks for it, which the app's traffic will do.
            return
        ensure_port_free(self.mysql_port, "PROXYSQL_PORT")
        ensure_port_free(self.admin_port, "PROXYSQL_ADMIN_PORT")
        with open(self.log_file, "ab") as log:
            process = subprocess.Popen(["bash", str(START_SCRIPT)], env=self.script_env(), stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        self.pid_file.write_text(f"{process.pid}\n")
        deadline = time.monotonic() + timeout
        while not self.ready():
            if self.pid() is None or time.monotonic() > deadline:
                tail = self.log_file.read_text(errors="replace")[-2000:]
                raise ClusterError(f"ProxySQL did not become ready (log {self.log_file}):\n{tail}")
            time.sleep(0.3)

    def ready(self) -> bool:
        """The health check the container uses: a writer backend is ONLINE."""
        return subprocess.run(["bash", str(READY_CHECK)], env=self.script_env(), capture_output=True).returncode == 0

    def stop(self, timeout: float = 30) -> None:
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.pid() is not None:
            if time.monotonic() > deadline:
                raise ClusterError(f"ProxySQL (pid {pid}) did not stop within {timeout}s")
            time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)

    def admin_query(self, sql: str) -> list[dict]:
        """One statement on the admin interface, as the second (non-default) admin user."""
        conn = pymysql.connect(host="127.0.0.1", port=self.admin_port, user=self.admin_user,
                               password=self.env.get("PROXYSQL_ADMIN_PASSWORD", ""), connect_timeout=2,
                               read_timeout=10, cursorclass=pymysql.cursors.DictCursor)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
                return list(cur.fetchall())
        finally:
            conn.close()


def _is_proxysql(pid: int) -> bool:
    """The pid is ProxySQL (or the start script about to exec it), not a recycled pid; zombies are dead."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z" and (b"proxysql" in cmdline)
