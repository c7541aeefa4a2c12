"""A second app of the bench stack that reaches the databases through a native ProxySQL."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bench.stacks import BenchStack
from native.app_server import AppServer
from native.proxysql_server import ProxySQLServer, find_proxysql


@dataclass
class ProxiedApp:
    app: AppServer
    proxysql: ProxySQLServer

    @property
    def url(self) -> str:
        return self.app.url


def available(env: dict[str, str]) -> bool:
    """Whether the native launcher finds a ProxySQL binary (then `make up` puts it in front)."""
    return find_proxysql(env) is not None


def start_app_behind_proxysql(main: BenchStack, env: dict[str, str], mysql_port: int, admin_port: int,
                              app_port: int) -> ProxiedApp | None:
    """ProxySQL in front of the bench servers and an app using it; None without a ProxySQL binary."""
    binary = find_proxysql(env)
    if binary is None:
        return None
    env = {"PROXYSQL_ADMIN_PASSWORD": secrets.token_hex(16), **env}
    proxysql = ProxySQLServer(home=main.state_dir / "proxysql", binary=binary, mysql_port=mysql_port,
                              admin_port=admin_port, master_port=main.master_port, slave_port=main.slave_port,
                              env=env)
    proxysql.start()
    address = f"127.0.0.1:{mysql_port}"
    app = main.app_server(address, address, name="app-proxysql", port=app_port)
    app.env["MAX_REPLICA_LAG_SECONDS"] = "0"  # ProxySQL keeps lagging replicas out itself
    try:
        app.stop()
        app.start()
    except BaseException:
        proxysql.stop()
        raise
    return ProxiedApp(app, proxysql)


def stop(proxied: ProxiedApp) -> None:
    proxied.app.stop()
    proxied.proxysql.stop()
