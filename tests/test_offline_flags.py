"""Offline flags are shared by worker processes forked after the app was built (gunicorn preload)."""

from __future__ import annotations

import logging
import multiprocessing
import os

from library.database.offline_flags import OfflineFlags


def _flag_writer_offline(app) -> None:
    router = app.extensions["library.router"]
    router.writer.mark_offline(ConnectionError("seen down by another worker"))
    os._exit(0)


def test_a_flag_set_in_one_worker_is_seen_by_the_others(app):
    router = app.extensions["library.router"]
    assert router.writer.is_online()
    worker = multiprocessing.get_context("fork").Process(target=_flag_writer_offline, args=(app,))
    worker.start()
    worker.join(timeout=30)
    assert worker.exitcode == 0
    assert not router.writer.is_online()
    assert all(reader.is_online() for reader in router.readers)  # each endpoint has its own slot
    assert router.writer.last_error == "ConnectionError: seen down by another worker"  # why, too
    router.writer.mark_online()


def test_an_endpoint_back_online_keeps_no_old_error(app):
    writer = app.extensions["library.router"].writer
    writer.mark_offline(ConnectionError("refused"))
    assert "last_error" in writer.describe()
    writer.mark_online()
    assert writer.last_error is None and "last_error" not in writer.describe()


def test_slots_are_independent():
    flags = OfflineFlags(3)
    flags.set(1, 12.5)
    assert [flags.get(slot) for slot in range(3)] == [0.0, 12.5, 0.0]


def test_texts_are_cut_to_their_slot_and_kept_apart():
    flags = OfflineFlags(2)
    flags.set_text(0, "é" * 500)
    assert flags.get_text(0).startswith("ééé") and len(flags.get_text(0).encode()) < 256
    assert flags.get_text(1) is None
    flags.set_text(0, None)
    assert flags.get_text(0) is None


def test_gunicorn_preloads_the_app_so_workers_share_flags():
    from native import REPO_ROOT

    namespace: dict = {}
    exec((REPO_ROOT / "webapp" / "gunicorn.conf.py").read_text(), namespace)
    assert namespace["preload_app"] is True


def test_an_endpoint_going_offline_and_back_is_logged_once_each(app, caplog):
    """The app's log tells a failover happened (a new-user trial found nothing there)."""
    replica = app.extensions["library.router"].readers[-1]
    with caplog.at_level(logging.WARNING, logger="library.database.endpoints"):
        replica.mark_offline(ConnectionRefusedError("refused"))
        replica.mark_offline(ConnectionRefusedError("refused"))  # still offline: nothing new to say
        replica.mark_online()
        replica.mark_online()
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 2, messages
    assert "flagged offline" in messages[0] and "refused" in messages[0] and replica.name in messages[0]
    assert "back online" in messages[1]
