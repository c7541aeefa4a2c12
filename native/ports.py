"""Refuse to start a server on a port another program already listens on."""

from __future__ import annotations

import socket

from native.errors import ClusterError


def ensure_port_free(port: int, setting: str, host: str = "127.0.0.1") -> None:
    """Fail with the setting to change, rather than start a server that cannot bind, or (ProxySQL,
    which uses SO_REUSEPORT) one that silently shares the port with a stranger."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        if sock.connect_ex((host, port)) == 0:
            raise ClusterError(f"port {port} on {host} is already in use by another program: "
                               f"set {setting} to a free port")
