"""The native launcher: fails early and clearly on a busy port, before starting anything; later
commands reach the stack that was started, whatever the environment says now."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from native.__main__ import check_ports_first, main
from native.app_server import AppServer
from native.cluster import Cluster, ClusterSettings
from native.errors import ClusterError
from native.started_settings import recorded_settings, settings_for
from tests.conftest import free_port


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def stack(tmp_path: Path, **ports: int) -> tuple[Cluster, AppServer]:
    env = {name: str(port) for name, port in ports.items()}
    cluster = Cluster(ClusterSettings.from_env({"STATE_DIR": str(tmp_path), **env}))
    return cluster, AppServer(tmp_path / "app", env)


def test_a_busy_app_port_is_reported_before_any_server_starts(tmp_path, busy_port):
    cluster, app = stack(tmp_path, MASTER_PORT=free_port(), SLAVE_PORT=free_port(), APP_PORT=busy_port)
    with pytest.raises(ClusterError, match=f"port {busy_port} .* set APP_PORT"):
        check_ports_first(cluster, app, None)


def test_a_busy_database_port_is_reported_before_anything_is_created(tmp_path, busy_port, monkeypatch, capsys):
    monkeypatch.setenv("STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("MASTER_PORT", str(busy_port))
    monkeypatch.setenv("APP_PORT", str(free_port()))
    assert main(["up"]) == 1
    assert "set MASTER_PORT" in capsys.readouterr().err
    assert not (tmp_path / "state" / "master" / "data").exists()


def test_free_ports_pass(tmp_path):
    cluster, app = stack(tmp_path, MASTER_PORT=free_port(), SLAVE_PORT=free_port(), APP_PORT=free_port())
    check_ports_first(cluster, app, None)


def test_later_commands_use_the_ports_the_stack_was_started_with(tmp_path):
    started = {"STATE_DIR": str(tmp_path), "MASTER_PORT": "3327", "APP_PORT": "18001"}
    settings_for("up", started)
    now = {"STATE_DIR": str(tmp_path), "MASTER_PORT": "3307", "APP_PORT": "8000", "SEED_READERS": "5"}
    later = settings_for("status", now)
    assert (later["MASTER_PORT"], later["APP_PORT"], later["SEED_READERS"]) == ("3327", "18001", "5")
    assert recorded_settings(tmp_path)["SLAVE_PORT"] == "3308"  # defaults are recorded too


def test_up_of_a_stopped_stack_takes_the_ports_of_now(tmp_path):
    settings_for("up", {"STATE_DIR": str(tmp_path), "MASTER_PORT": "3327"})
    assert settings_for("up", {"STATE_DIR": str(tmp_path), "MASTER_PORT": "3337"})["MASTER_PORT"] == "3337"
