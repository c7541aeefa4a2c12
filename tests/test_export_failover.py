"""An export outlives the server streaming it: it resumes on another server after the last whole chunk."""

from __future__ import annotations

import csv
import io

import pytest

from library import create_app
from library.api import export
from library.api.export import HEADER
from library.config import Settings
from tests.conftest import app_env
from tests.test_export import EXPORT_URL, expected_rows


@pytest.mark.parametrize("fault", ["kill", "pause"])
def test_an_export_resumes_elsewhere_when_its_server_fails_mid_stream(cluster_env, servers_restored, monkeypatch,
                                                                      fault):
    monkeypatch.setattr(export, "CHUNK_READERS", 10)  # 30 chunks for the small seed
    servers_restored.wait_replica_caught_up()
    expected = expected_rows(servers_restored)
    # The replica is the only reader endpoint, so the export starts there; the master takes over.
    only_replica = f"127.0.0.1:{servers_restored.slave.port}"
    app = create_app(Settings.from_env(app_env(servers_restored, cluster_env, DB_READERS=only_replica)))
    try:
        response = app.test_client().get(EXPORT_URL, buffered=False)
        assert response.status_code == 200
        chunks = iter(response.response)
        body = next(chunks)
        getattr(servers_restored.slave, fault)()
        body += b"".join(chunks)
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows[0] == list(HEADER)
        assert rows[1:] == expected
        replica = app.extensions["library.router"].readers[0]
        assert not replica.is_online()
    finally:
        app.extensions["library.router"].close()
