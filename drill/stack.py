"""The drill's own native stack: separate state directory and ports, so a drill never breaks yours.

Every setting can be overridden with DRILL_<NAME> (e.g. DRILL_APP_PORT=8110). The stack is started
with the normal launcher (`python -m native up`), with or without ProxySQL, and removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from native import REPO_ROOT
from native.cluster import Cluster, ClusterSettings
from native.env_file import create_env_file, environment

DEFAULTS = {
    "STATE_DIR": str(REPO_ROOT / ".state-drill"),
    "MASTER_PORT": "3317", "SLAVE_PORT": "3318", "APP_PORT": "8010", "APP_HOST": "127.0.0.1",
    "PROXYSQL_PORT": "6043", "PROXYSQL_ADMIN_PORT": "6042",
    "SEED_READERS": "5000",
    # Shorter windows than production so the whole drill takes minutes; the targets scale with them.
    "READER_OFFLINE_SECONDS": "10", "WRITER_OFFLINE_SECONDS": "3",
    "MAX_REPLICA_LAG_SECONDS": "5", "LAG_CHECK_SECONDS": "1",
    "DB_CONNECT_TIMEOUT": "2", "DB_READ_TIMEOUT": "5", "DB_WRITE_TIMEOUT": "5",
}


def drill_env(proxysql_bin: str | None) -> dict[str, str]:
    """.env and the environment, then the drill's defaults (or DRILL_* overrides) on top."""
    create_env_file()
    env = environment()
    env.update({name: os.environ.get(f"DRILL_{name}", default) for name, default in DEFAULTS.items()})
    env["PROXYSQL_BIN"] = proxysql_bin or ""
    if not proxysql_bin:
        # No binary named and none on PATH: the launcher runs the app's own balancing.
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                      if not (Path(p) / "proxysql").exists())
    return env


@dataclass
class DrillStack:
    env: dict[str, str]

    @property
    def cluster(self) -> Cluster:
        return Cluster(ClusterSettings.from_env(self.env))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.env['APP_PORT']}"

    @property
    def state_dir(self) -> Path:
        return Path(self.env["STATE_DIR"])

    def up(self) -> None:
        self.down()
        self._launcher("up")

    @property
    def app_log(self) -> Path:
        """Where the app's log of the last drill is kept once its state is deleted."""
        return self.state_dir.with_name(self.state_dir.name + "-app.log")

    def down(self) -> None:
        """Stop whatever a previous drill left and delete its state (keeping the app's log)."""
        if self.state_dir.exists():
            self._launcher("down", check=False)
            log = self.state_dir / "app" / "gunicorn.log"
            if log.exists():
                shutil.copyfile(log, self.app_log)
            shutil.rmtree(self.state_dir, ignore_errors=True)

    def _launcher(self, command: str, check: bool = True) -> None:
        result = subprocess.run([sys.executable, "-m", "native", command], cwd=REPO_ROOT, env=self.env,
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise RuntimeError(f"`python -m native {command}` failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
