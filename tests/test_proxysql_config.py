"""The committed ProxySQL template, rendered by its start script: every value the README promises.

No ProxySQL needed: the script renders only (PROXYSQL_RENDER_ONLY=1) and the result is parsed as
the libconfig file ProxySQL reads.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import libconf
import pytest

from native import REPO_ROOT
from native.proxysql_server import START_SCRIPT, ProxySQLServer

TEMPLATE = REPO_ROOT / "proxysql" / "proxysql.cnf.tmpl"
SAMPLE_ENV = {
    "PROXYSQL_ADMIN_USER": "console", "PROXYSQL_ADMIN_PASSWORD": "admin-secret-1",
    "DB_WRITER_PASSWORD": "writer-secret-2", "DB_READER_PASSWORD": "reader-secret-3",
    "DB_MIGRATOR_PASSWORD": "migrator-secret-4", "MONITOR_PASSWORD": "monitor-secret-5",
}


def render(tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PROXYSQL_RENDER_ONLY": "1", "PROXYSQL_DATADIR": str(tmp_path),
           **SAMPLE_ENV, **overrides}
    return subprocess.run(["bash", str(START_SCRIPT)], env=env, capture_output=True, text=True)


def config(tmp_path: Path, **overrides: str) -> libconf.AttrDict:
    result = render(tmp_path, **overrides)
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "proxysql.cnf") as rendered:
        return libconf.load(rendered)


def effective_shun_seconds(variables) -> int:
    """ProxySQL's un-shun wait (lib/MyHGC.cpp): capped at connect_timeout_server_max/1000 - 1."""
    shun, cap_ms = variables["shun_recovery_time_sec"], variables["connect_timeout_server_max"]
    return cap_ms // 1000 - 1 if shun * 1000 >= cap_ms else shun


def servers(cfg, hostgroup: int) -> list[tuple[str, int, int, int]]:
    return sorted((s["address"], s["port"], s["weight"], s["max_replication_lag"])
                  for s in cfg["mysql_servers"] if s["hostgroup_id"] == hostgroup)


def test_rendered_file_is_private_and_complete(tmp_path):
    cfg = config(tmp_path)
    assert (tmp_path / "proxysql.cnf").stat().st_mode & 0o077 == 0
    assert "${" not in (tmp_path / "proxysql.cnf").read_text()
    assert cfg["datadir"] == str(tmp_path)


def test_shun_window_is_thirty_seconds_for_real(tmp_path):
    variables = config(tmp_path)["mysql_variables"]
    assert variables["shun_recovery_time_sec"] == 30
    assert variables["connect_timeout_server_max"] > 30_000
    assert effective_shun_seconds(variables) == 30


@pytest.mark.parametrize("seconds", [3, 30, 90])
def test_any_shun_window_is_not_capped(tmp_path, seconds):
    variables = config(tmp_path, PROXYSQL_SHUN_SECONDS=str(seconds))["mysql_variables"]
    assert effective_shun_seconds(variables) == seconds


def test_failures_are_detected_within_a_few_seconds(tmp_path):
    variables = config(tmp_path)["mysql_variables"]
    assert (variables["monitor_ping_interval"], variables["monitor_ping_max_failures"]) == (1000, 3)
    assert variables["monitor_ping_timeout"] < variables["monitor_ping_interval"]
    assert variables["monitor_connect_interval"] == 2000
    assert variables["monitor_read_only_interval"] == 1000
    assert variables["monitor_replication_lag_interval"] == 2000
    assert (variables["connect_timeout_server"], variables["shun_on_failures"]) == (1000, 5)


def test_replica_lag_limit_and_unknown_lag(tmp_path):
    cfg = config(tmp_path)
    # Only the replica is lag-checked; unknown lag (master down) does not take it out of service.
    assert [lag for (_, _, _, lag) in servers(cfg, 20)] == sorted([0, 10])
    assert cfg["mysql_variables"]["monitor_slave_lag_when_null"] == 0
    lagging = config(tmp_path, PROXYSQL_MAX_REPLICATION_LAG="4")
    assert max(lag for (_, _, _, lag) in servers(lagging, 20)) == 4


def test_hostgroups_writer_master_only_readers_both_equally(tmp_path):
    cfg = config(tmp_path, PROXYSQL_MASTER_HOST="db-a", PROXYSQL_MASTER_PORT="3311",
                 PROXYSQL_SLAVE_HOST="db-b", PROXYSQL_SLAVE_PORT="3312")
    (replication,) = cfg["mysql_replication_hostgroups"]
    assert (replication["writer_hostgroup"], replication["reader_hostgroup"], replication["check_type"]) == \
        (10, 20, "read_only")
    assert servers(cfg, 10) == [("db-a", 3311, 1, 0)]
    assert servers(cfg, 20) == [("db-a", 3311, 1, 0), ("db-b", 3312, 1, 10)]
    assert {s["hostgroup_id"] for s in cfg["mysql_servers"]} == {10, 20}


def test_split_is_by_user_default_hostgroup(tmp_path):
    users = {u["username"]: u for u in config(tmp_path)["mysql_users"]}
    assert {name: u["default_hostgroup"] for name, u in users.items()} == \
        {"library_writer": 10, "library_reader": 20, "library_migrator": 10}
    assert users["library_reader"]["password"] == SAMPLE_ENV["DB_READER_PASSWORD"]
    assert "mysql_query_rules" not in config(tmp_path)


def test_admin_credentials_come_from_the_environment(tmp_path):
    first = config(tmp_path)["admin_variables"]["admin_credentials"].split(";")
    second = config(tmp_path)["admin_variables"]["admin_credentials"].split(";")
    assert "console:admin-secret-1" in first
    local = [c for c in first if c.startswith("admin:")]
    assert local and local != ["admin:admin"]
    assert local != [c for c in second if c.startswith("admin:")]  # random unless given
    given = config(tmp_path, PROXYSQL_LOCAL_ADMIN_PASSWORD="local-7")["admin_variables"]["admin_credentials"]
    assert "admin:local-7" in given.split(";")


def test_listeners_and_metrics_defaults_are_the_containers(tmp_path):
    cfg = config(tmp_path)
    assert cfg["mysql_variables"]["interfaces"] == "0.0.0.0:6033"
    assert cfg["admin_variables"]["mysql_ifaces"] == "0.0.0.0:6032"
    assert (cfg["admin_variables"]["restapi_enabled"], cfg["admin_variables"]["restapi_port"]) == (True, 6070)


def test_native_run_listens_on_loopback_only_without_rest_api(tmp_path):
    server = ProxySQLServer(tmp_path, "/bin/true", 16033, 16032, 13307, 13308, dict(SAMPLE_ENV))
    env = {k: v for k, v in server.script_env().items() if k.startswith(("PROXYSQL_", "DB_", "MONITOR_"))}
    cfg = config(tmp_path, **env)
    assert cfg["mysql_variables"]["interfaces"] == "127.0.0.1:16033"
    assert cfg["admin_variables"]["mysql_ifaces"] == "127.0.0.1:16032"
    assert cfg["admin_variables"]["restapi_enabled"] is False  # ProxySQL 2.7 binds it on all interfaces
    assert servers(cfg, 10) == [("127.0.0.1", 13307, 1, 0)]


def test_sqlalchemy_connect_queries_keep_multiplexing(tmp_path):
    kept = config(tmp_path)["mysql_variables"]["keep_multiplexing_variables"].split(",")
    assert {"sql_mode", "lower_case_table_names", "tx_isolation", "version"} <= set(kept)


@pytest.mark.parametrize("missing", sorted(SAMPLE_ENV.keys() - {"PROXYSQL_ADMIN_USER"}))
def test_a_missing_secret_stops_the_start(tmp_path, missing):
    result = render(tmp_path, **{missing: ""})
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr
    assert not (tmp_path / "proxysql.cnf").exists()


@pytest.mark.parametrize(("name", "value"), [("DB_READER_PASSWORD", 'a"b'), ("MONITOR_PASSWORD", "a\\b"),
                                             ("PROXYSQL_SHUN_SECONDS", "30s"), ("PROXYSQL_MYSQL_LISTEN", "6033")])
def test_values_that_would_change_the_config_are_refused(tmp_path, name, value):
    result = render(tmp_path, **{name: value})
    assert result.returncode != 0 and name in result.stderr


def test_committed_files_hold_no_secret():
    template = TEMPLATE.read_text()
    assert re.findall(r'password="([^"]*)"', template) and all(
        re.fullmatch(r"\$\{[A-Z_]+\}", value) for value in re.findall(r'password="([^"]*)"', template))
    (credentials,) = re.findall(r'admin_credentials="([^"]*)"', template)
    assert all(re.fullmatch(r"[a-z]+:\$\{[A-Z_]+\}|\$\{[A-Z_]+\}:\$\{[A-Z_]+\}", c) for c in credentials.split(";"))
    code = [line for line in (template + START_SCRIPT.read_text()).splitlines() if not line.lstrip().startswith("#")]
    assert not any("admin:admin" in line for line in code)
