"""Native launcher: `python -m native up|down|status` (what `make up/down/status` run natively)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time

from native.app_server import AppServer
from native.cluster import Cluster, ClusterSettings
from native.env_file import create_env_file, environment
from native.mariadb_server import ClusterError
from native.ports import ensure_port_free, setting
from native.proxysql_server import ADMIN_CONSOLE, ProxySQLServer, find_proxysql
from native.proxysql_status import print_proxysql_status
from native.started_settings import settings_for
from native.table import print_table


def up(cluster: Cluster, app: AppServer, env: dict[str, str], proxysql: ProxySQLServer | None) -> None:
    started = time.monotonic()
    check_ports_first(cluster, app, proxysql)
    cluster.up()
    print(f"master   127.0.0.1:{cluster.master.port}  (data in {cluster.master.home})")
    print(f"replica  127.0.0.1:{cluster.slave.port}  (replicating with GTID)")
    if proxysql is not None:
        proxysql.start()
        print(f"proxysql 127.0.0.1:{proxysql.mysql_port}  (the app's reads and writes; admin console "
              f"127.0.0.1:{proxysql.admin_port}: `make proxysql-admin`)")
    else:
        print("proxysql not used: no binary (set PROXYSQL_BIN or put proxysql on PATH); "
              "the app balances reads itself across master and replica")
    app.flask("db", "upgrade")
    app.flask("seed", "--readers", env.get("SEED_READERS", "50000"))
    app.start()
    print(f"\napp      {app.url}  (log: {app.log_file}), up in {time.monotonic() - started:.1f}s")
    print(f"try:     curl {app.url}/api/v1/library/reader/1/")
    print(f"         curl -O -J {app.url}/api/v1/library/export/")


def check_ports_first(cluster: Cluster, app: AppServer, proxysql: ProxySQLServer | None) -> None:
    """Fail before creating or starting anything when a port of a service still to be started is taken."""
    for server in (cluster.master, cluster.slave):
        if not server.is_running():
            ensure_port_free(server.port, f"{server.role.upper()}_PORT", server.bind_address)
    if app.pid() is None:
        ensure_port_free(app.port, "APP_PORT", "127.0.0.1" if app.host in ("0.0.0.0", "") else app.host)
    if proxysql is not None and not proxysql.is_running():
        ensure_port_free(proxysql.mysql_port, "PROXYSQL_PORT")
        ensure_port_free(proxysql.admin_port, "PROXYSQL_ADMIN_PORT")


def status(cluster: Cluster, app: AppServer, proxysql: ProxySQLServer) -> None:
    print_table(cluster.status_rows(), ["role", "address", "state", "read_only", "io", "sql", "lag_s", "gtid"])
    if proxysql.is_running():
        print()
        print_proxysql_status(proxysql)
    print(f"\napp {app.url}: {app.health_status() or ('running, not answering' if app.pid() else 'down')}")


SERVER_COMMANDS = ("kill", "stop", "start", "pause", "resume")


def server_command(cluster: Cluster, command: str, role: str) -> None:
    """Fault injection by hand (the drills do the same): kill|stop|start|pause|resume one server."""
    server = cluster.master if role == "master" else cluster.slave
    getattr(server, command)()
    if command == "start" and server is cluster.slave:
        server.root_query("START SLAVE")  # skip_slave_start keeps a restarted replica idle otherwise
    print(f"{role} (127.0.0.1:{server.port}): {command} done")


def native_proxysql(settings: ClusterSettings, env: dict[str, str]) -> ProxySQLServer:
    """ProxySQL under STATE_DIR/proxysql; its `binary` is empty when none is installed."""
    return ProxySQLServer(settings.state_dir / "proxysql", find_proxysql(env) or "",
                          int(setting(env, "PROXYSQL_PORT")), int(setting(env, "PROXYSQL_ADMIN_PORT")),
                          settings.master_port, settings.slave_port, env)


def uses_proxysql(proxysql: ProxySQLServer) -> bool:
    """A binary to start it with, or one started earlier still running (PROXYSQL_BIN unset this time)."""
    return bool(proxysql.binary) or proxysql.is_running()


def app_endpoints(settings: ClusterSettings, proxysql: ProxySQLServer) -> dict[str, str]:
    """The app's two connections: both on ProxySQL when it is used, else the servers themselves."""
    if uses_proxysql(proxysql):
        address = f"127.0.0.1:{proxysql.mysql_port}"
        # ProxySQL takes a lagging replica out itself (max_replication_lag): the app's check is off.
        return {"DB_WRITER": address, "DB_READERS": address, "MAX_REPLICA_LAG_SECONDS": "0"}
    return {"DB_WRITER": f"127.0.0.1:{settings.master_port}",
            "DB_READERS": f"127.0.0.1:{settings.master_port},127.0.0.1:{settings.slave_port}"}


def proxysql_admin(proxysql: ProxySQLServer) -> None:
    """Replace this process with proxysql/admin-console.sh: a client on the admin interface."""
    if not proxysql.is_running():
        raise ClusterError("ProxySQL is not running (`make up` starts it when a binary is found)")
    bash = shutil.which("bash") or "/bin/bash"
    os.execve(bash, [bash, str(ADMIN_CONSOLE)], proxysql.script_env())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m native", description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status", "proxysql-admin", *SERVER_COMMANDS])
    parser.add_argument("server", nargs="?", choices=["master", "slave"], help=f"for {'|'.join(SERVER_COMMANDS)}")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # in order with the output of the commands it runs
    if (args.command in SERVER_COMMANDS) != (args.server is not None):
        parser.error(f"{'|'.join(SERVER_COMMANDS)} need a server (master or slave); the others take none")
    create_env_file()
    env = settings_for(args.command, environment())
    settings = ClusterSettings.from_env(env)
    cluster = Cluster(settings)
    try:
        proxysql = native_proxysql(settings, env)
        endpoints = app_endpoints(settings, proxysql)
        # The launcher's ProxySQL endpoints win over .env; the direct ones may be overridden there.
        app_env = {**env, **endpoints} if uses_proxysql(proxysql) else {**endpoints, **env}
        app = AppServer(settings.state_dir / "app", app_env)
        if args.command == "up":
            up(cluster, app, env, proxysql if uses_proxysql(proxysql) else None)
        elif args.command == "proxysql-admin":
            proxysql_admin(proxysql)
        elif args.command in SERVER_COMMANDS:
            server_command(cluster, args.command, args.server)
        elif args.command == "down":
            app.stop()
            proxysql.stop()
            cluster.down()
            print("native stack stopped")
        else:
            status(cluster, app, proxysql)
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # `make status | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
