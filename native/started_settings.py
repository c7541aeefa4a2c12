"""The ports a native stack was started with, kept in its state directory.

Later commands (status, down, kill, start, proxysql-admin) then reach the stack that runs, even
when the environment or .env now names other ports; `up` takes the ports of now unless part of
the stack is still running.
"""

from __future__ import annotations

from pathlib import Path

from native.env_file import read_env_file
from native.pid_files import live_pid
from native.ports import PORT_DEFAULTS

RECORD_NAME = "started-with.env"


def state_dir_of(env: dict[str, str]) -> Path:
    return Path(env.get("STATE_DIR", ".state")).resolve()


def recorded_settings(state_dir: Path) -> dict[str, str]:
    return read_env_file(state_dir / RECORD_NAME)


def settings_for(command: str, env: dict[str, str]) -> dict[str, str]:
    """`env` with the ports `command` must use; `up` of a stopped stack records them."""
    state_dir = state_dir_of(env)
    recorded = recorded_settings(state_dir)
    if recorded and (command != "up" or _anything_running(state_dir)):
        return {**PORT_DEFAULTS, **env, **recorded}
    env = {**PORT_DEFAULTS, **env}
    if command == "up":
        state_dir.mkdir(parents=True, exist_ok=True)
        (state_dir / RECORD_NAME).write_text("".join(f"{name}={env[name]}\n" for name in PORT_DEFAULTS))
    return env


def _anything_running(state_dir: Path) -> bool:
    return any(live_pid(pid_file) is not None for pid_file in state_dir.glob("*/*.pid"))
