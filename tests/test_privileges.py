"""Least privilege and secrets: one account per role with only its grants, the app never as root,
no secret in the repository, and nothing listening beyond loopback in native mode."""

from __future__ import annotations

import re
import runpy
import subprocess
from pathlib import Path

import pymysql
import pytest

from library.config import ConfigError, Settings
from native import REPO_ROOT
from native.env_file import PLACEHOLDER
from tests.conftest import app_env
from tests.db import connect

EXPECTED_GRANTS = {
    "library_migrator": ("`library`.*", {"SELECT", "INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "INDEX",
                                         "REFERENCES"}),
    "library_writer": ("`library`.*", {"SELECT", "INSERT", "UPDATE", "DELETE"}),
    "library_reader": ("`library`.*", {"SELECT"}),
    "replicator": ("*.*", {"REPLICATION SLAVE"}),
    "monitor": ("*.*", {"SLAVE MONITOR", "BINLOG MONITOR"}),
}
_GRANT = re.compile(r"GRANT (.+) ON (\S+) TO ")


def grants(server, user: str) -> dict[str, set[str]]:
    """Privileges by object, USAGE (the right to log in) left out."""
    rows = server.root_query(f"SHOW GRANTS FOR '{user}'@'127.0.0.1'")
    found: dict[str, set[str]] = {}
    for row in rows:
        privileges, target = _GRANT.match(next(iter(row.values()))).groups()
        found.setdefault(target, set()).update(p.strip() for p in privileges.split(",") if p.strip() != "USAGE")
    return {target: privs for target, privs in found.items() if privs}


@pytest.mark.parametrize("role", ["master", "slave"])
@pytest.mark.parametrize("user", list(EXPECTED_GRANTS))
def test_each_account_has_exactly_its_grants(migrated, role, user):
    target, privileges = EXPECTED_GRANTS[user]
    assert grants(getattr(migrated, role), user) == {target: privileges}


def test_no_other_account_can_log_in_over_tcp(migrated):
    users = {(row["User"], row["Host"]) for row in migrated.master.root_query("SELECT User, Host FROM mysql.user")}
    tcp = {user for user, host in users if host != "localhost"}
    assert tcp == set(EXPECTED_GRANTS)
    assert ("root", "localhost") in users  # root: over the server's unix socket only


@pytest.mark.parametrize("statement", [
    "INSERT INTO reader (first_name, last_name, email, phone, address) VALUES ('a', 'b', 'x@example.org', '', '')",
    "UPDATE reader SET first_name = 'x' WHERE id = 1",
    "DELETE FROM book WHERE id = 1",
    "CREATE TABLE sneaky (id INT)",
    "DROP TABLE book",
])
def test_reader_account_cannot_write(migrated, cluster_env, statement):
    conn = connect(migrated.master, "library_reader", cluster_env["DB_READER_PASSWORD"])
    try:
        with pytest.raises(pymysql.err.OperationalError) as denied:
            conn.cursor().execute(statement)
        assert denied.value.args[0] in (1142, 1044)  # command denied / access denied
    finally:
        conn.close()


def test_writer_account_cannot_write_on_the_replica(migrated, cluster_env):
    conn = connect(migrated.slave, "library_writer", cluster_env["DB_WRITER_PASSWORD"])
    try:
        with pytest.raises(pymysql.err.OperationalError) as refused:
            conn.cursor().execute("UPDATE reader SET first_name = first_name WHERE id = 1")
        assert refused.value.args[0] == 1290  # --read-only
    finally:
        conn.close()


def test_root_cannot_log_in_over_tcp(migrated):
    with pytest.raises(pymysql.err.OperationalError) as refused:
        pymysql.connect(host="127.0.0.1", port=migrated.master.port, user="root", password="", connect_timeout=2)
    assert refused.value.args[0] in (1045, 1698)


def test_the_app_connects_only_as_its_reader_and_writer(app, client):
    assert client.get("/api/v1/library/reader/1/").status_code == 200
    router = app.extensions["library.router"]
    assert {e.engine.url.username for e in router.readers} == {"library_reader"}
    assert router.writer.engine.url.username == "library_writer"


@pytest.mark.parametrize("variable", ["DB_WRITER_USER", "DB_READER_USER", "DB_MIGRATOR_USER"])
def test_the_app_refuses_to_run_as_root(migrated, cluster_env, variable):
    with pytest.raises(ConfigError, match="root"):
        Settings.from_env(app_env(migrated, cluster_env, **{variable: "root"}))


def test_no_env_file_or_secret_is_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout
    assert ".env" not in tracked.split()
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=REPO_ROOT)
    assert ignored.returncode == 0
    example = (REPO_ROOT / ".env.example").read_text()
    secrets = [line for line in example.splitlines() if re.match(r"^[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*=", line)]
    assert secrets and all(line.endswith(f"={PLACEHOLDER}") for line in secrets)


def _listening(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on `port` (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_native_servers_listen_on_loopback_only(migrated):
    for server in (migrated.master, migrated.slave):
        assert _listening(server.port) == {"0100007F"}  # 127.0.0.1, and nothing on 0.0.0.0 or ::


def test_native_defaults_bind_loopback(monkeypatch):
    example = dict(line.split("=", 1) for line in (REPO_ROOT / ".env.example").read_text().splitlines()
                   if "=" in line and not line.startswith("#"))
    assert example["APP_HOST"] == "127.0.0.1"
    monkeypatch.delenv("APP_HOST", raising=False)
    gunicorn = runpy.run_path(str(REPO_ROOT / "webapp" / "gunicorn.conf.py"))
    assert gunicorn["bind"].startswith("127.0.0.1:")
