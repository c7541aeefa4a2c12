"""Static checks of docker-compose.yml: no Docker engine exists here, so the stack cannot be started.

They pin what the README promises about the Compose stack: start order by health, nothing but
the app (and ProxySQL's local admin port) reachable from the host, pinned images, secrets from
.env, and the same scripts and configs the native run uses.
"""

from __future__ import annotations

import ast
import os
import re
import runpy
import shutil
import subprocess

import pytest

from library.config import Settings
from tests.compose_spec import (
    REPO,
    VARIABLE,
    env_example,
    host_path,
    load_compose,
    mounts,
    published_ports,
    required_variables,
    service_environment,
)

SERVICES = ("mysql-master", "mysql-slave", "proxysql", "webapp")
EXACT_VERSION_TAG = re.compile(r"^\d+\.\d+\.\d+(-[a-z0-9.]+)?$")
COMPOSE = load_compose()


def service(name: str) -> dict:
    return COMPOSE["services"][name]


def healthcheck_script(name: str) -> str:
    return service(name)["healthcheck"]["test"][1]


def test_compose_file_defines_the_stack():
    assert set(SERVICES) <= set(COMPOSE["services"])


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_has_a_healthcheck_running_a_repository_script(name):
    check = service(name).get("healthcheck")
    assert check and not check.get("disable"), f"{name} has no healthcheck"
    assert check["test"][0] == "CMD", "exec form: no shell quoting surprises"
    script = host_path(service(name), check["test"][1])
    assert script is not None, f"{name}: {check['test'][1]} is not mounted from the repository"
    assert script.is_file() and os.access(script, os.X_OK), f"{script} missing or not executable"


def test_every_dependency_waits_for_health():
    for name, spec in COMPOSE["services"].items():
        depends_on = spec.get("depends_on") or {}
        assert isinstance(depends_on, dict), f"{name}: the short depends_on form waits for nothing"
        for dependency, options in depends_on.items():
            one_shot = COMPOSE["services"][dependency].get("restart", "no") == "no"
            allowed = {"service_completed_successfully"} if one_shot else {"service_healthy"}
            assert options.get("condition") in allowed, f"{name} -> {dependency}: {options}"


def test_start_order_is_master_then_replica_then_proxysql_then_app():
    def waits_for(name: str) -> set[str]:
        return set(service(name).get("depends_on") or {})

    assert waits_for("mysql-master") == set()
    assert waits_for("mysql-slave") == {"mysql-master"}
    assert waits_for("proxysql") == {"mysql-master", "mysql-slave"}
    assert waits_for("webapp") == {"proxysql"}


def test_healthchecks_are_the_ones_the_design_names():
    assert healthcheck_script("mysql-master") == "/healthcheck/mariadb-ready.sh"
    assert healthcheck_script("mysql-slave") == "/healthcheck/replica-running.sh"
    assert healthcheck_script("proxysql") == "/healthcheck/proxysql-ready.sh"
    assert healthcheck_script("webapp") == "/healthcheck/webapp-health.sh"


def test_only_the_app_and_the_local_admin_console_are_published():
    published = {(name, port.container_port): port for name, spec in COMPOSE["services"].items()
                 for port in published_ports(spec, env_example())}
    assert set(published) == {("webapp", 8000), ("proxysql", 6032)}
    assert published[("proxysql", 6032)].host_ip == "127.0.0.1"
    assert all(spec.get("network_mode") != "host" for spec in COMPOSE["services"].values())


def test_images_are_pinned_to_exact_versions():
    for name, spec in COMPOSE["services"].items():
        if "build" in spec:
            continue  # built here from a pinned base image (test_webapp_image_static)
        image, _, tag = spec["image"].partition(":")
        assert EXACT_VERSION_TAG.match(tag), f"{name}: {spec['image']} is not pinned to an exact version"
    assert service("mysql-master")["image"] == service("mysql-slave")["image"]
    assert service("mysql-master")["image"].startswith("mariadb:10.11.")
    assert service("proxysql")["image"].startswith("proxysql/proxysql:2.7.")


def test_mariadb_image_is_the_native_servers_release_series():
    mariadbd = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin")
    if not mariadbd:
        pytest.skip("mariadbd is not installed, so there is no native version to compare with")
    native = re.search(r"Ver (\d+\.\d+)\.", subprocess.run([mariadbd, "--version"], capture_output=True,
                                                           text=True, check=True).stdout).group(1)
    assert service("mysql-master")["image"].startswith(f"mariadb:{native}.")


def test_every_variable_compose_reads_is_in_env_example():
    text = (REPO / "docker-compose.yml").read_text()
    used = {match.group(1) for match in VARIABLE.finditer(text)}
    assert used, "the stack takes its secrets from .env"
    assert used - set(env_example()) == set()
    assert not re.search(r"(?<!\$)\$[A-Za-z_]", text), "unbraced $VAR: write ${VAR}"


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_resolves_from_env_example(name):
    service_environment(service(name), env_example())  # raises on a missing required variable


def test_webapp_gets_only_variables_the_app_reads():
    read = set()
    for source in ("webapp/library/config.py", "webapp/gunicorn.conf.py"):
        tree = ast.parse((REPO / source).read_text())
        read |= {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                 and isinstance(node.value, str) and re.fullmatch(r"[A-Z][A-Z0-9_]+", node.value)}
    read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (REPO / "webapp/boot.sh").read_text()))
    passed = set(service_environment(service("webapp"), env_example()))
    assert passed - read == set()


def test_webapp_talks_to_proxysql_only_and_listens_on_the_published_port(monkeypatch):
    env = service_environment(service("webapp"), env_example())
    settings = Settings.from_env(env)
    assert settings.writer_address == ("proxysql", 6033)
    assert settings.reader_addresses == (("proxysql", 6033),)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    bind = runpy.run_path(str(REPO / "webapp/gunicorn.conf.py"))["bind"]
    assert bind == f"0.0.0.0:{published_ports(service('webapp'), env)[0].container_port}"


def test_mounted_repository_paths_exist():
    for name, spec in COMPOSE["services"].items():
        for mount in mounts(spec):
            if mount.bind:
                assert (REPO / mount.source).exists(), f"{name}: {mount.source} does not exist"


@pytest.mark.parametrize("name,role", [("mysql-master", "mysql-master"), ("mysql-slave", "mysql-slave")])
def test_database_servers_use_the_native_configs_and_init_scripts(name, role):
    assert host_path(service(name), "/etc/mysql/conf.d") == (REPO / role / "conf.d").resolve()
    assert host_path(service(name), "/docker-entrypoint-initdb.d") == (REPO / role / "initdb").resolve()


@pytest.mark.parametrize("name", ["mysql-master", "mysql-slave"])
def test_database_data_survives_a_restart_in_a_named_volume(name):
    data = [m for m in mounts(service(name)) if str(m.target) == "/var/lib/mysql"]
    assert len(data) == 1 and not data[0].bind
    assert data[0].source in (COMPOSE.get("volumes") or {})


@pytest.mark.parametrize("name", SERVICES)
def test_container_scripts_get_every_variable_they_require(name):
    spec = service(name)
    scripts = [host_path(spec, spec["healthcheck"]["test"][1])]
    if entrypoint := spec.get("entrypoint"):
        scripts.append(host_path(spec, entrypoint[0]))
    if initdb := host_path(spec, "/docker-entrypoint-initdb.d"):
        scripts += sorted(initdb.glob("*.sh"))
    env = service_environment(spec, env_example())
    for script in scripts:
        assert script is not None and script.is_file()
        missing = required_variables(script) - set(env)
        assert not missing, f"{name}: {script.relative_to(REPO)} needs {sorted(missing)}"
