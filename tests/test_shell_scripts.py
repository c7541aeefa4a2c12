"""Every shell script in the repository parses (`bash -n`): most run only inside containers, where
a syntax error would surface as a failed healthcheck or init step nobody can reproduce here."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.compose_spec import REPO

# Run by the MariaDB image, Compose healthchecks or as container entry points: must be executable.
EXECUTABLE_GLOBS = ("healthcheck/*.sh", "mysql-*/initdb/*.sh", "proxysql/*.sh", "webapp/boot.sh", ".ci/run")


def shell_scripts() -> list[Path]:
    """Tracked and new (not ignored) files that are shell scripts: no virtualenv, no server state."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout.split("\0")
    paths = sorted({REPO / name for name in listed if name})
    return [path for path in paths if path.is_file() and (path.suffix == ".sh" or _has_shell_shebang(path))]


def _has_shell_shebang(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            first = handle.readline(100)
    except OSError:
        return False
    return first.startswith(b"#!") and (b"bash" in first or first.rstrip().endswith((b"/sh", b" sh")))


SCRIPTS = shell_scripts()


def test_the_repository_has_shell_scripts():
    assert len(SCRIPTS) >= 6  # healthchecks, init scripts, boot.sh, .ci/run at least


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(REPO)))
def test_shell_script_parses(script):
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("pattern", EXECUTABLE_GLOBS)
def test_scripts_run_directly_are_executable(pattern):
    matches = sorted(REPO.glob(pattern))
    assert matches, f"nothing matches {pattern}"
    for script in matches:
        assert os.access(script, os.X_OK), f"{script.relative_to(REPO)} is not executable"
