"""The native launcher fails early and clearly on a busy port, before starting anything."""

from __future__ import annotations

import socket

import pytest

from native.__main__ import check_ports_first
from native.app_server import AppServer
from native.errors import ClusterError


def test_a_busy_app_port_is_reported_before_any_server_starts(tmp_path):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        app = AppServer(tmp_path / "app", {"APP_PORT": str(port)})
        with pytest.raises(ClusterError, match=f"port {port} .* set APP_PORT"):
            check_ports_first(app, None)


def test_free_ports_pass(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check_ports_first(AppServer(tmp_path / "app", {"APP_PORT": str(port)}), None)
