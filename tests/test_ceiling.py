"""The benchmark's ceiling route: off unless BENCH_ROUTES=1, then a constant JSON body of any size."""

from __future__ import annotations

import json

import pytest

from library import create_app
from library.config import Settings
from tests.conftest import app_env


@pytest.fixture
def bench_client(migrated, cluster_env):
    app = create_app(Settings.from_env(app_env(migrated, cluster_env, BENCH_ROUTES="1")))
    yield app.test_client()
    app.extensions["library.router"].close()


def test_ceiling_is_a_json_body_of_exactly_the_asked_size(bench_client):
    for size in (14, 671, 5000):
        response = bench_client.get(f"/api/v1/bench/ceiling/{size}/")
        assert response.status_code == 200 and response.mimetype == "application/json"
        assert len(response.get_data()) == size
        assert set(json.loads(response.get_data())) == {"padding"}


@pytest.mark.parametrize("size", ["0", "13", str((1 << 20) + 1), "abc"])
def test_impossible_sizes_are_json_404s(bench_client, size):
    response = bench_client.get(f"/api/v1/bench/ceiling/{size}/")
    assert response.status_code == 404 and "error" in response.get_json()


def test_the_route_does_not_exist_without_bench_routes(client):
    response = client.get("/api/v1/bench/ceiling/671/")
    assert response.status_code == 404 and "error" in response.get_json()
