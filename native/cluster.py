"""The native replicated cluster: a master and a replica bootstrapped by the scripts Compose uses."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pymysql

from native.mariadb_server import ClusterError, MariaDBServer
from native.ports import setting


@dataclass
class ClusterSettings:
    """Where the cluster lives and the accounts its bootstrap scripts create."""

    state_dir: Path
    master_port: int
    slave_port: int
    env: dict[str, str]  # account names and passwords, as the init scripts read them

    @classmethod
    def from_env(cls, env: dict[str, str]) -> ClusterSettings:
        return cls(
            state_dir=Path(env.get("STATE_DIR", ".state")).resolve(),
            master_port=int(setting(env, "MASTER_PORT")),
            slave_port=int(setting(env, "SLAVE_PORT")),
            env=env,
        )


class Cluster:
    """Master + replica with asynchronous GTID replication, as local processes."""

    def __init__(self, settings: ClusterSettings):
        self.settings = settings
        self.master = MariaDBServer("master", settings.state_dir / "master", settings.master_port)
        self.slave = MariaDBServer("slave", settings.state_dir / "slave", settings.slave_port)

    def up(self) -> None:
        """Initialise (first time), start and bootstrap both servers; harmless when already up."""
        script_env = {"DB_USER_HOST": "127.0.0.1", **self.settings.env}
        for server in (self.master, self.slave):
            server.initialize()
        self.master.start()
        self.master.run_init_scripts(script_env)
        self.slave.start()
        self.slave.run_init_scripts(
            {**script_env, "MASTER_HOST": "127.0.0.1", "MASTER_PORT": str(self.master.port)})
        # skip_slave_start keeps a restarted replica idle until the master is known to be up.
        self.slave.root_query("START SLAVE")

    def down(self) -> None:
        for server in (self.slave, self.master):
            server.stop()

    def replica_status(self) -> dict | None:
        rows = self.slave.root_query("SHOW SLAVE STATUS")
        return rows[0] if rows else None

    def wait_replica_caught_up(self, timeout: float = 60) -> None:
        """Wait until the replica has applied everything the master has committed."""
        target = self.master.root_query("SELECT @@gtid_binlog_pos AS pos")[0]["pos"]
        rows = self.slave.root_query("SELECT MASTER_GTID_WAIT(%s, %s) AS r", (target, timeout))
        if rows[0]["r"] != 0:
            raise ClusterError(f"replica did not reach master position {target} within {timeout}s")

    def status_rows(self) -> list[dict[str, str]]:
        """One row per server: role, port, state, replication threads and lag."""
        rows = []
        for server in (self.master, self.slave):
            row = {"role": server.role, "address": f"127.0.0.1:{server.port}", "state": "down",
                   "read_only": "-", "gtid": "-", "io": "-", "sql": "-", "lag_s": "-"}
            if server.is_running():
                try:
                    info = server.root_query("SELECT @@read_only AS ro, @@gtid_current_pos AS gtid")[0]
                    row.update(state="up", read_only="ON" if info["ro"] else "OFF", gtid=info["gtid"] or "-")
                    if server is self.slave and (status := self.replica_status()):
                        lag = status["Seconds_Behind_Master"]
                        row.update(io=status["Slave_IO_Running"], sql=status["Slave_SQL_Running"],
                                   lag_s="unknown" if lag is None else str(lag))
                except pymysql.MySQLError as exc:
                    row["state"] = f"unreachable ({exc.args[0]})"
            rows.append(row)
        return rows


def wait_until(predicate, timeout: float, interval: float = 0.1, message: str = "condition") -> None:
    """Poll `predicate` until it is true, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
