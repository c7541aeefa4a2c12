"""How the native launcher finds ProxySQL and wires the app to it (no ProxySQL needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from native.__main__ import app_endpoints, native_proxysql
from native.cluster import ClusterSettings
from native.mariadb_server import ClusterError
from native.proxysql_server import find_proxysql

SETTINGS = ClusterSettings(state_dir=Path("/tmp/state"), master_port=3307, slave_port=3308, env={})


def test_binary_from_proxysql_bin(tmp_path):
    binary = tmp_path / "proxysql"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    assert find_proxysql({"PROXYSQL_BIN": str(binary)}) == str(binary)


def test_a_wrong_proxysql_bin_is_an_error_not_a_silent_fallback(tmp_path):
    with pytest.raises(ClusterError, match="PROXYSQL_BIN"):
        find_proxysql({"PROXYSQL_BIN": str(tmp_path / "missing")})


def test_with_a_binary_both_app_connections_go_through_proxysql(tmp_path):
    binary = tmp_path / "proxysql"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    proxysql = native_proxysql(SETTINGS, {"PROXYSQL_BIN": str(binary), "PROXYSQL_PORT": "16033"})
    assert proxysql.home == Path("/tmp/state/proxysql")
    assert app_endpoints(SETTINGS, proxysql) == {
        "DB_WRITER": "127.0.0.1:16033", "DB_READERS": "127.0.0.1:16033", "MAX_REPLICA_LAG_SECONDS": "0"}


def test_without_a_binary_the_app_balances_across_both_servers(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    proxysql = native_proxysql(SETTINGS, {})
    assert proxysql.binary == ""
    assert app_endpoints(SETTINGS, proxysql) == {
        "DB_WRITER": "127.0.0.1:3307", "DB_READERS": "127.0.0.1:3307,127.0.0.1:3308"}
