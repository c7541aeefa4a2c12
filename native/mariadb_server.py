"""One native `mariadbd` process: its data directory, generated config, start, stop and faults."""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pymysql

from native import REPO_ROOT
from native.errors import ClusterError
from native.pid_files import live_pid
from native.ports import ensure_port_free


def find_mariadbd() -> str:
    """Path of mariadbd, installing Debian's mariadb-server with apt when we can."""
    found = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-q", "mariadb-server", "mariadb-client"],
                       check=True, env=env)
        found = shutil.which("mariadbd", path="/usr/sbin:/usr/bin:/usr/local/sbin")
        if found:
            return found
    raise ClusterError("mariadbd not found: install it with `sudo apt-get install mariadb-server "
                       "mariadb-client` (the system service it starts is not used)")


@dataclass
class MariaDBServer:
    """A mariadbd bound to 127.0.0.1:port whose files all live under `home`."""

    role: str  # "master" or "slave": picks mysql-<role>/conf.d and mysql-<role>/initdb
    home: Path
    port: int
    bind_address: str = "127.0.0.1"

    @property
    def datadir(self) -> Path:
        return self.home / "data"

    @property
    def socket(self) -> Path:
        return self.home / "mariadbd.sock"

    @property
    def pid_file(self) -> Path:
        return self.home / "mariadbd.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "mariadbd.log"

    @property
    def config_file(self) -> Path:
        return self.home / "my.cnf"

    @property
    def bootstrapped_marker(self) -> Path:
        return self.home / "bootstrapped"

    def write_config(self) -> None:
        """A config that includes the role's committed settings and adds this run's paths."""
        self.home.mkdir(parents=True, exist_ok=True)
        # Its own tmpdir: a starting mariadbd deletes every #sql* file in its tmpdir, which in a
        # shared /tmp are the internal temporary tables of every other server on the machine.
        (self.home / "tmp").mkdir(exist_ok=True)
        (self.home / "tmp").mkdir(exist_ok=True)
        self.config_file.write_text(
            f"!include {REPO_ROOT / f'mysql-{self.role}' / 'conf.d' / f'{self.role}.cnf'}\n"
            "[mariadbd]\n"
            f"user = {getpass.getuser()}\n"
            f"datadir = {self.datadir}\n"
            f"socket = {self.socket}\n"
            f"pid_file = {self.pid_file}\n"
            f"tmpdir = {self.home / 'tmp'}\n"
            f"log_error = {self.log_file}\n"
            f"port = {self.port}\n"
            f"bind_address = {self.bind_address}\n"
            # Temporary tables and sort files of this server only: a shared /tmp is cleaned by others.
            f"tmpdir = {self.home / 'tmp'}\n"
            # Replication must not start before the bootstrap configured it, nor race it.
            "skip_slave_start = ON\n"
        )

    def initialize(self) -> None:
        """Create the data directory (once); root may log in over the socket only."""
        self.write_config()
        if (self.datadir / "mysql").is_dir():
            return
        shutil.rmtree(self.datadir, ignore_errors=True)
        basedir = Path(find_mariadbd()).resolve().parent.parent  # installs the server if missing
        install_db = shutil.which("mariadb-install-db") or "mysql_install_db"
        result = subprocess.run(
            [install_db, f"--defaults-file={self.config_file}", "--auth-root-authentication-method=normal",
             "--skip-test-db", f"--basedir={basedir}"],
            capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise ClusterError(f"mariadb-install-db failed for {self.role}:\n{result.stdout}{result.stderr}")

    def pid(self) -> int | None:
        return live_pid(self.pid_file)

    def is_running(self) -> bool:
        return self.pid() is not None

    def start(self, timeout: float = 60) -> None:
        """Start mariadbd (if not running) and wait until it answers SQL over TCP."""
        self.write_config()
        if not self.is_running():
            ensure_port_free(self.port, f"{self.role.upper()}_PORT", self.bind_address)
            self.pid_file.unlink(missing_ok=True)
            with open(self.home / "mariadbd.out", "ab") as out:
                subprocess.Popen([find_mariadbd(), f"--defaults-file={self.config_file}"],
                                 stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.root_query("SELECT 1")
                return
            except pymysql.MySQLError as exc:
                if time.monotonic() > deadline:
                    tail = self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
                    raise ClusterError(f"{self.role} on port {self.port} not ready: {exc}\n{tail}") from exc
                time.sleep(0.2)

    def root_query(self, sql: str, args: tuple = ()) -> list[dict]:
        """Run one statement as root over the socket (bootstrap, status, tests)."""
        return self.root_execute((sql, args))

    def root_execute(self, *statements: tuple[str, tuple]) -> list[dict]:
        """Run statements in one root session; returns the rows of the last one."""
        conn = pymysql.connect(unix_socket=str(self.socket), user="root", connect_timeout=2,
                               read_timeout=10, cursorclass=pymysql.cursors.DictCursor)
        try:
            with conn.cursor() as cur:
                for sql, args in statements:
                    cur.execute(sql, args)
                return list(cur.fetchall())
        finally:
            conn.close()

    def restrict_root_to_socket(self) -> None:
        """mariadb-install-db adds password-less root logins over TCP: keep only the socket one."""
        hosts = self.root_query("SELECT Host FROM mysql.user WHERE User='root' AND Host <> 'localhost'")
        self.root_execute(("SET SESSION sql_log_bin = 0", ()),
                          *((("DROP USER IF EXISTS 'root'@%s", (row["Host"],))) for row in hosts))

    def run_init_scripts(self, env: dict[str, str]) -> None:
        """Run mysql-<role>/initdb/*.sh against this server once, as the container image would."""
        if self.bootstrapped_marker.exists():
            return
        self.restrict_root_to_socket()
        # Native root has no password and logs in over this server's socket only.
        script_env = {**os.environ, **env, "MARIADB_SOCKET": str(self.socket), "MARIADB_ROOT_PASSWORD": "",
                      "HEALTHCHECK_DIR": str(REPO_ROOT / "healthcheck")}
        for script in sorted((REPO_ROOT / f"mysql-{self.role}" / "initdb").glob("*.sh")):
            result = subprocess.run(["bash", str(script)], env=script_env, capture_output=True, text=True)
            if result.returncode != 0:
                raise ClusterError(f"{script.name} failed on {self.role}:\n{result.stdout}{result.stderr}")
        self.bootstrapped_marker.write_text("ok\n")

    def stop(self, timeout: float = 60) -> None:
        """Graceful shutdown (SIGTERM), waiting for the process to exit."""
        self._signal_and_wait(signal.SIGTERM, timeout)

    def kill(self) -> None:
        """Crash the server (SIGKILL), as a power cut would."""
        self._signal_and_wait(signal.SIGKILL, 10)
        self.pid_file.unlink(missing_ok=True)

    def pause(self) -> None:
        """Freeze the process (SIGSTOP): a network stall, connections hang instead of failing."""
        if pid := self.pid():
            os.kill(pid, signal.SIGSTOP)

    def resume(self) -> None:
        if pid := self.pid():
            os.kill(pid, signal.SIGCONT)

    def _signal_and_wait(self, sig: signal.Signals, timeout: float) -> None:
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGCONT)  # a paused server cannot handle SIGTERM
        os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while _alive(pid):
            if time.monotonic() > deadline:
                raise ClusterError(f"{self.role} (pid {pid}) did not stop within {timeout}s")
            time.sleep(0.1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie child (started by this process, e.g. in tests) is dead for our purposes, but only once
    # its other threads are gone too: until then they hold its sockets and a restart cannot bind.
    try:
        if Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
            return True
        return len(list(Path(f"/proc/{pid}/task").iterdir())) > 1
    except (FileNotFoundError, IndexError):
        return False
