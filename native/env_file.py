"""The .env file: created from .env.example with random passwords, read by the native launcher."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from native import REPO_ROOT

ENV_FILE = REPO_ROOT / ".env"
EXAMPLE_FILE = REPO_ROOT / ".env.example"
PLACEHOLDER = "change-me"


def _with_secret(line: str) -> str:
    key, sep, value = line.partition("=")
    if sep and not line.startswith("#") and value == PLACEHOLDER:
        return f"{key}={secrets.token_hex(16)}"
    return line


def create_env_file(path: Path = ENV_FILE, example: Path = EXAMPLE_FILE) -> bool:
    """Write .env from the example, each placeholder a fresh random secret; False if it exists."""
    if path.exists():
        return False
    lines = [_with_secret(line) for line in example.read_text().splitlines()]
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return True


def add_missing_settings(path: Path = ENV_FILE, example: Path = EXAMPLE_FILE) -> list[str]:
    """Append the settings the example gained since .env was written (secrets random); their names.

    Without this an older .env lacks e.g. a new password, and Compose refuses to start.
    """
    present = read_env_file(path)
    added = [_with_secret(line) for line in example.read_text().splitlines()
             if (key := line.partition("=")[0].strip()) and "=" in line and not line.startswith("#")
             and key not in present]
    if added:
        with path.open("a") as env_file:
            env_file.write("\n# Added from .env.example\n" + "\n".join(added) + "\n")
    return [line.partition("=")[0] for line in added]


def read_env_file(path: Path = ENV_FILE) -> dict[str, str]:
    """KEY=value lines (no interpolation, no quotes), as Compose reads them for simple values."""
    values = {}
    if path.exists():
        for line in path.read_text().splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and key and not key.startswith("#"):
                values[key.strip()] = value.strip()
    return values


def environment() -> dict[str, str]:
    """The process environment on top of .env: an exported variable wins over the file."""
    return {**read_env_file(), **os.environ}


if __name__ == "__main__":
    if create_env_file():
        print(".env created with random passwords")
    elif added := add_missing_settings():
        print(f".env: added {', '.join(added)} from .env.example")
    else:
        print(".env already exists; left as is")
