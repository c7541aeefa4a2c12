"""Migrations: the schema exists only through them, down and up again, and concurrent upgrades are safe."""

from __future__ import annotations

import subprocess
import sys

from flask_migrate import downgrade, upgrade

from native import REPO_ROOT
from tests.conftest import SMALL_SEED_READERS, app_env
from tests.db import query

TABLES_SQL = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'library' ORDER BY 1"
ALL_TABLES = [("alembic_version",), ("book",), ("reader",)]


def reseed(app, cluster) -> None:
    result = app.test_cli_runner().invoke(args=["seed", "--readers", str(SMALL_SEED_READERS), "--seed", "7"])
    assert result.exit_code == 0, result.output
    cluster.wait_replica_caught_up()


def test_downgrade_and_upgrade_round_trip(app, migrated):
    with app.app_context():
        downgrade(revision="base")
        assert query(migrated.master, TABLES_SQL) == [("alembic_version",)]
        upgrade()
    assert query(migrated.master, TABLES_SQL) == ALL_TABLES
    migrated.wait_replica_caught_up()
    assert query(migrated.slave, TABLES_SQL) == ALL_TABLES
    reseed(app, migrated)


def test_two_processes_upgrading_at_once_both_succeed(app, migrated, cluster_env):
    with app.app_context():
        downgrade(revision="base")
    env = {**app_env(migrated, cluster_env), "PYTHONPATH": str(REPO_ROOT / "webapp")}
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"]
    procs = [subprocess.Popen(command, cwd=REPO_ROOT / "webapp", env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert query(migrated.master, TABLES_SQL) == ALL_TABLES
    assert query(migrated.master, "SELECT version_num FROM library.alembic_version") == [("0001",)]
    reseed(app, migrated)
