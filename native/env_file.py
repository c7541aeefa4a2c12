"""The .env file: created from .env.example with random passwords, read by the native launcher."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from native import REPO_ROOT

ENV_FILE = REPO_ROOT / ".env"
EXAMPLE_FILE = REPO_ROOT / ".env.example"
PLACEHOLDER = "change-me"


def create_env_file(path: Path = ENV_FILE) -> bool:
    """Write .env from the example, each placeholder a fresh random secret; False if it exists."""
    if path.exists():
        return False
    lines = []
    for line in EXAMPLE_FILE.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#") and value == PLACEHOLDER:
            line = f"{key}={secrets.token_hex(16)}"
        lines.append(line)
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return True


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
    print(".env created with random passwords" if create_env_file() else ".env already exists; left as is")
