"""Reading docker-compose.yml the way Compose does, for the static checks (no Docker engine here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

REPO = Path(__file__).resolve().parent.parent
COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"

# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")
# A shell script's required variables: `: "${NAME:?...}"` and `for var in A B C; do [ -n "${!var}" ]`.
REQUIRED_IN_SCRIPT = re.compile(r"\$\{([A-Z][A-Z0-9_]*):\?")
REQUIRED_LOOP = re.compile(r"^for var in ([A-Z0-9_ ]+); do", re.MULTILINE)


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def env_example() -> dict[str, str]:
    """KEY=value lines of .env.example (comments skipped), as Compose reads a .env file."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            values[key] = value
    return values


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's variable substitution; a missing `:?` variable raises KeyError with its message."""

    def replace(match: re.Match) -> str:
        name, operator, argument = match.groups()
        value = env.get(name)
        if operator == ":-" and not value or operator == "-" and value is None:
            return argument
        if operator in (":?", "?") and (value is None or operator == ":?" and value == ""):
            raise KeyError(f"{name}: {argument}")
        return value or ""

    return VARIABLE.sub(replace, text)


def service_environment(service: dict, env: dict[str, str]) -> dict[str, str]:
    """The environment a container gets, with `${...}` resolved from `env`."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.partition("=")[::2] for item in raw)
    return {key: interpolate(str(value), env) for key, value in raw.items()}


@dataclass(frozen=True)
class PublishedPort:
    host_ip: str  # "" means every interface
    host_port: str
    container_port: int


def published_ports(service: dict, env: dict[str, str]) -> list[PublishedPort]:
    """The service's published ports, `${...}` resolved from `env`."""
    ports = []
    for entry in service.get("ports") or []:
        if isinstance(entry, dict):
            ports.append(PublishedPort(interpolate(str(entry.get("host_ip", "")), env),
                                       interpolate(str(entry.get("published", "")), env), int(entry["target"])))
            continue
        parts = interpolate(str(entry), env).split("/")[0].split(":")
        host_ip = parts[0] if len(parts) == 3 else ""
        host_port = parts[-2] if len(parts) >= 2 else ""
        ports.append(PublishedPort(host_ip, host_port, int(parts[-1])))
    return ports


@dataclass(frozen=True)
class Mount:
    source: str  # a named volume, or a host path for a bind mount
    target: PurePosixPath
    bind: bool


def mounts(service: dict) -> list[Mount]:
    found = []
    for entry in service.get("volumes") or []:
        if isinstance(entry, dict):
            found.append(Mount(entry["source"], PurePosixPath(entry["target"]), entry.get("type") == "bind"))
            continue
        source, target = str(entry).split(":")[:2]
        found.append(Mount(source, PurePosixPath(target), source.startswith((".", "/"))))
    return found


def host_path(service: dict, container_path: str) -> Path | None:
    """The repository file a bind mount shows at `container_path` inside the container, if any."""
    path = PurePosixPath(container_path)
    for mount in mounts(service):
        if mount.bind and (path == mount.target or mount.target in path.parents):
            return (REPO / mount.source / path.relative_to(mount.target)).resolve()
    return None


def required_variables(script: Path) -> set[str]:
    """Variables a shell script refuses to run without."""
    text = script.read_text()
    names = set(REQUIRED_IN_SCRIPT.findall(text))
    for group in REQUIRED_LOOP.findall(text):
        names.update(group.split())
    return names
