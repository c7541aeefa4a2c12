"""Database access: endpoints with their own pools, and the router that fails over between them."""

from __future__ import annotations

from flask import Flask, current_app

from library.config import Settings
from library.database.endpoints import Endpoint, make_engine
from library.database.lag import LagMonitor
from library.database.offline_flags import OfflineFlags, ProbeLease
from library.database.router import DatabaseRouter

EXTENSION_KEY = "library.router"


def build_router(settings: Settings) -> DatabaseRouter:
    """The writer endpoint plus one reader endpoint per configured reader address."""
    slots = 1 + len(settings.reader_addresses)  # the writer, each reader, then the probe lease
    flags = OfflineFlags(slots + 1)
    writer = Endpoint(
        name=f"writer {_address(settings.writer_address)}", role="writer",
        engine=make_engine(settings, settings.writer, settings.writer_address, autocommit=False),
        offline_seconds=settings.writer_offline_seconds, flags=flags, slot=0)
    readers = [
        Endpoint(name=f"reader {_address(address)}", role="reader",
                 engine=make_engine(settings, settings.reader, address, autocommit=True),
                 offline_seconds=settings.reader_offline_seconds, flags=flags, slot=slot)
        for slot, address in enumerate(settings.reader_addresses, start=1)
    ]
    # The health check asks "is the writer there?" with a short read timeout: behind ProxySQL a
    # query for an empty writer hostgroup waits far longer than a health check may take.
    writer_probe = make_engine(settings, settings.writer, settings.writer_address, autocommit=True,
                               read_timeout=settings.connect_timeout)
    monitor = LagMonitor(writer, readers, settings.max_replica_lag_seconds, settings.lag_check_seconds)
    budget = settings.connect_timeout + settings.read_timeout  # all the tries of one request (time_budget.py)
    # A check of the flagged endpoints ends within its request's budget (plus at most one connect):
    # a lease its holder never released (the worker died) lapses after twice that.
    return DatabaseRouter(writer, readers, lag_monitor=monitor, writer_probe=writer_probe,
                          probe=ProbeLease(flags, slots), probe_hold=2 * budget, read_timeout=settings.read_timeout,
                          budget=budget)


def init_app(app: Flask, settings: Settings) -> None:
    app.extensions[EXTENSION_KEY] = build_router(settings)


def get_router() -> DatabaseRouter:
    return current_app.extensions[EXTENSION_KEY]


def _address(address: tuple[str, int]) -> str:
    return f"{address[0]}:{address[1]}"
