"""Refuse to start a server on a port another program already listens on."""

from __future__ import annotations

import socket

from native.errors import ClusterError

# Where each native service listens unless the environment says otherwise (README: Configuration).
PORT_DEFAULTS = {"MASTER_PORT": "3307", "SLAVE_PORT": "3308", "APP_HOST": "127.0.0.1", "APP_PORT": "8000",
                 "PROXYSQL_PORT": "6033", "PROXYSQL_ADMIN_PORT": "6032"}


def setting(env: dict[str, str], name: str) -> str:
    """A port setting from `env`, else its default."""
    return env.get(name, PORT_DEFAULTS[name])


def ensure_port_free(port: int, setting: str, host: str = "127.0.0.1") -> None:
    """Fail with the setting to change, rather than start a server that cannot bind, or (ProxySQL,
    which uses SO_REUSEPORT) one that silently shares the port with a stranger."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        if sock.connect_ex((host, port)) == 0:
            raise ClusterError(f"port {port} on {host} is already in use by another program: "
                               f"set {setting} to a free port")
