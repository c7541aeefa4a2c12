"""The native stacks the benchmark runs against, each in its own state directory and ports."""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from native import REPO_ROOT
from native.app_server import AppServer
from native.cluster import Cluster, ClusterSettings
from native.mariadb_server import ClusterError


@dataclass
class BenchStack:
    """Master + replica + gunicorn (with the ceiling route) under `state_dir`, reused between runs."""

    state_dir: Path
    master_port: int
    slave_port: int
    app_port: int
    env: dict[str, str] = field(repr=False)  # accounts and passwords (.env plus the environment)

    def __post_init__(self) -> None:
        self.cluster = Cluster(ClusterSettings(self.state_dir, self.master_port, self.slave_port, self.env))
        self.app = self.app_server(f"127.0.0.1:{self.master_port}",
                                   f"127.0.0.1:{self.master_port},127.0.0.1:{self.slave_port}")

    def app_server(self, writer: str, readers: str, *, name: str = "app", port: int | None = None) -> AppServer:
        """A gunicorn of this stack with the product's settings, the ceiling route on."""
        env = {**self.env, "DB_WRITER": writer, "DB_READERS": readers, "BENCH_ROUTES": "1",
               "APP_HOST": "127.0.0.1", "APP_PORT": str(port or self.app_port)}
        return AppServer(self.state_dir / name, env)

    def up(self, readers: int) -> None:
        """Start the servers, migrate, seed `readers` readers unless already there, (re)start the app."""
        self.cluster.up()
        self.app.flask("db", "upgrade")
        if self.reader_count() != readers:
            self.app.flask("seed", "--readers", str(readers), "--force")
        self.wait_replica(timeout=600)
        self.app.stop()  # the running app may predate the code being measured
        self.app.start()

    def wait_replica(self, timeout: float) -> None:
        """Until the replica has applied everything (a big seed takes longer than one root query may)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.cluster.wait_replica_caught_up(timeout=5)
                return
            except ClusterError:
                if time.monotonic() > deadline:
                    raise

    def down(self) -> None:
        self.app.stop()
        self.cluster.down()

    def reader_count(self) -> int:
        return self.cluster.master.root_query("SELECT COUNT(*) AS n FROM library.reader")[0]["n"]

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the processes that serve requests."""
        master = self.app.pid()
        if master is None:
            return []
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        return [int(pid) for pid in children]


def make_env(env: dict[str, str], state_dir: Path, ports: tuple[int, ...]) -> dict[str, str]:
    """The environment of a native `make up`/`make down` in its own state dir on its own ports."""
    master, slave, app, proxysql, proxysql_admin = ports
    return {**env, "MODE": "native", "STATE_DIR": str(state_dir), "MASTER_PORT": str(master),
            "SLAVE_PORT": str(slave), "APP_PORT": str(app), "APP_HOST": "127.0.0.1",
            "PROXYSQL_PORT": str(proxysql), "PROXYSQL_ADMIN_PORT": str(proxysql_admin)}


def make_up_seconds(env: dict[str, str], state_dir: Path, ports: tuple[int, ...], timeout: float = 600) -> float:
    """`make up` (native) into an empty state dir until the reader route first answers 200."""
    shutil.rmtree(state_dir, ignore_errors=True)
    run_env = make_env(env, state_dir, ports)
    app = ports[2]
    started = time.monotonic()
    subprocess.run(["make", "--no-print-directory", "up"], cwd=REPO_ROOT, env=run_env, check=True,
                   stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{app}/api/v1/library/reader/1/"
    while not _answers_200(url):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"{url} did not answer 200 within {timeout}s of `make up`")
        time.sleep(0.05)
    return time.monotonic() - started


def make_down(env: dict[str, str], state_dir: Path, ports: tuple[int, ...]) -> None:
    subprocess.run(["make", "--no-print-directory", "down"], cwd=REPO_ROOT, env=make_env(env, state_dir, ports),
                   check=True, stdout=subprocess.DEVNULL)


def _answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False
