"""Fixtures: one real MariaDB master + replica for the session, and the app wired to it.

The servers run from temporary directories on free ports through the same native launcher and
bootstrap scripts that `make up` uses; they are torn down at the end of the session.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from flask_migrate import upgrade

from library import create_app
from library.config import Settings
from native.cluster import Cluster, ClusterSettings

SMALL_SEED_READERS = 300
SHORT_OFFLINE_S = 1.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def cluster_env() -> dict[str, str]:
    """Accounts with fresh random passwords, as .env would hold them."""
    return {name: secrets.token_hex(12) for name in (
        "DB_MIGRATOR_PASSWORD", "DB_WRITER_PASSWORD", "DB_READER_PASSWORD",
        "REPLICATION_PASSWORD", "MONITOR_PASSWORD")}


@pytest.fixture(scope="session")
def cluster(cluster_env):
    state = Path(tempfile.mkdtemp(prefix="library-cluster-"))
    settings = ClusterSettings(state_dir=state, master_port=free_port(), slave_port=free_port(), env=cluster_env)
    cluster = Cluster(settings)
    try:
        cluster.up()
        yield cluster
    finally:
        for server in (cluster.slave, cluster.master):
            server.kill()
        shutil.rmtree(state, ignore_errors=True)


def app_env(cluster: Cluster, cluster_env: dict[str, str], **overrides: str) -> dict[str, str]:
    """The app's environment for this cluster: short timeouts and offline windows for tests."""
    master, slave = cluster.master.port, cluster.slave.port
    return {
        **cluster_env,
        "DB_WRITER": f"127.0.0.1:{master}",
        "DB_READERS": f"127.0.0.1:{master},127.0.0.1:{slave}",
        "DB_CONNECT_TIMEOUT": "1",
        "DB_READ_TIMEOUT": "2",
        "DB_WRITE_TIMEOUT": "2",
        "READER_OFFLINE_SECONDS": str(SHORT_OFFLINE_S),
        "WRITER_OFFLINE_SECONDS": str(SHORT_OFFLINE_S),
        **overrides,
    }


@pytest.fixture(scope="session")
def migrated(cluster, cluster_env):
    """The schema at head and a small deterministic seed, once per session."""
    app = create_app(Settings.from_env(app_env(cluster, cluster_env)))
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed", "--readers", str(SMALL_SEED_READERS), "--seed", "7"])
    assert result.exit_code == 0, result.output
    cluster.wait_replica_caught_up()
    return cluster


@pytest.fixture
def app(migrated, cluster_env):
    app = create_app(Settings.from_env(app_env(migrated, cluster_env)))
    app.config["TESTING"] = True
    yield app
    app.extensions["library.router"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def servers_restored(migrated):
    """For tests that stop servers: whatever they did, both are up and replicating afterwards."""
    yield migrated
    for server in (migrated.master, migrated.slave):
        server.resume()
        server.start()
    migrated.slave.root_query("START SLAVE")
    migrated.wait_replica_caught_up()
