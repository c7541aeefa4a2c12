"""Every setting of the app, read from the environment in one place (see README: Configuration)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


class ConfigError(RuntimeError):
    """A required setting is missing or malformed."""


def _required(env: dict[str, str], name: str) -> str:
    value = env.get(name)
    if not value:
        raise ConfigError(f"{name} must be set (see .env.example)")
    return value


def _user(env: dict[str, str], name: str, default: str) -> str:
    """An account name for the app; never root, whose grants no request needs."""
    user = env.get(name, default)
    if user.strip().lower() == "root":
        raise ConfigError(f"{name} must not be root: use the account made for that role (see .env.example)")
    return user


def _address(value: str) -> tuple[str, int]:
    host, sep, port = value.strip().rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ConfigError(f"database address {value!r} must be host:port")
    return host, int(port)


@dataclass(frozen=True)
class DatabaseAccount:
    user: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class Settings:
    database: str
    writer_address: tuple[str, int]
    reader_addresses: tuple[tuple[str, int], ...]
    writer: DatabaseAccount
    reader: DatabaseAccount
    migrator: DatabaseAccount
    connect_timeout: float
    read_timeout: float
    write_timeout: float
    reader_offline_seconds: float
    writer_offline_seconds: float
    pool_size: int
    max_replica_lag_seconds: float = 10.0  # 0 turns the app's own lag check off (e.g. ProxySQL does it)
    lag_check_seconds: float = 1.0
    bench_routes: bool = False  # BENCH_ROUTES=1 adds the no-database ceiling route `make bench` compares with

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        readers = env.get("DB_READERS", "127.0.0.1:3307,127.0.0.1:3308")
        return cls(
            database=env.get("DB_NAME", "library"),
            writer_address=_address(env.get("DB_WRITER", "127.0.0.1:3307")),
            reader_addresses=tuple(_address(a) for a in readers.split(",") if a.strip()),
            writer=DatabaseAccount(_user(env, "DB_WRITER_USER", "library_writer"),
                                   _required(env, "DB_WRITER_PASSWORD")),
            reader=DatabaseAccount(_user(env, "DB_READER_USER", "library_reader"),
                                   _required(env, "DB_READER_PASSWORD")),
            migrator=DatabaseAccount(_user(env, "DB_MIGRATOR_USER", "library_migrator"),
                                     env.get("DB_MIGRATOR_PASSWORD", "")),
            connect_timeout=float(env.get("DB_CONNECT_TIMEOUT", "2")),
            read_timeout=float(env.get("DB_READ_TIMEOUT", "5")),
            write_timeout=float(env.get("DB_WRITE_TIMEOUT", "5")),
            reader_offline_seconds=float(env.get("READER_OFFLINE_SECONDS", "30")),
            writer_offline_seconds=float(env.get("WRITER_OFFLINE_SECONDS", "5")),
            pool_size=int(env.get("DB_POOL_SIZE", "5")),
            max_replica_lag_seconds=float(env.get("MAX_REPLICA_LAG_SECONDS", "10")),
            lag_check_seconds=float(env.get("LAG_CHECK_SECONDS", "1")),
            bench_routes=env.get("BENCH_ROUTES", "") == "1",
        )
