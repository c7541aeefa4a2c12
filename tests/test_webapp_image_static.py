"""Static checks of the web app image (webapp/Dockerfile, .dockerignore, boot.sh): nothing is built here.

The image must lay the code out as the repository does, because the app finds its migrations
relative to its own package (library.MIGRATIONS_DIR).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
from pathlib import Path, PurePosixPath

import library
from tests.compose_spec import REPO, load_compose

DOCKERFILE = REPO / "webapp" / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    pairs = []
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, arguments = line.strip().partition(" ")
            pairs.append((keyword.upper(), arguments.strip()))
    return pairs


def copies() -> list[tuple[str, PurePosixPath]]:
    return [(args.split()[0], PurePosixPath(args.split()[1])) for keyword, args in instructions()
            if keyword == "COPY"]


def image_path(repo_file: Path) -> PurePosixPath:
    """Where a repository file ends up in the image, following the COPY instructions."""
    relative = repo_file.resolve().relative_to(REPO)
    for source, target in reversed(copies()):  # a later COPY wins
        source_path = Path(source)
        if relative == source_path or source_path in relative.parents:
            return target / relative.relative_to(source_path).as_posix()
    raise AssertionError(f"{relative} is not copied into the image")


def ignored_by_dockerignore(relative: str) -> bool:
    """Docker's rule: the last .dockerignore pattern matching the path or a parent decides."""
    ignored = False
    candidates = [relative] + [str(parent) for parent in Path(relative).parents if str(parent) != "."]
    for pattern in (REPO / ".dockerignore").read_text().splitlines():
        pattern = pattern.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate, pattern = pattern.startswith("!"), pattern.lstrip("!").removeprefix("**/")
        if any(fnmatch.fnmatch(path, pattern) or fnmatch.fnmatch(Path(path).name, pattern)
               for path in candidates):
            ignored = not negate
    return ignored


def test_base_image_is_pinned_python_3_11_slim():
    bases = [args for keyword, args in instructions() if keyword == "FROM"]
    assert len(bases) == 1
    assert re.fullmatch(r"python:3\.11\.\d+-slim(-[a-z]+)?", bases[0]), bases[0]


def test_compose_builds_it_from_the_repository_root():
    build = load_compose()["services"]["webapp"]["build"]
    assert build["context"] == "."
    assert (REPO / build["context"] / build["dockerfile"]).resolve() == DOCKERFILE


def test_every_copied_source_exists_and_reaches_the_build_context():
    for source, _ in copies():
        assert (REPO / source).exists(), source
        assert not ignored_by_dockerignore(source), f"{source} is excluded by .dockerignore"


def test_local_secrets_and_state_stay_out_of_the_build_context():
    for path in (".env", ".venv", ".state", ".git", "webapp/library/__pycache__"):
        assert ignored_by_dockerignore(path), path


def test_migrations_sit_where_the_app_looks_for_them_in_the_image():
    # Keep in the image the relative position the two have in the repository.
    package_file = Path(library.__file__).resolve()
    common = Path(os.path.commonpath([package_file, library.MIGRATIONS_DIR]))
    levels_up = len(package_file.relative_to(common).parts) - 1
    expected = image_path(package_file).parents[levels_up] / library.MIGRATIONS_DIR.relative_to(common).as_posix()
    assert image_path(library.MIGRATIONS_DIR) == expected
    assert image_path(REPO / "webapp" / "requirements.txt").name == "requirements.txt"


def test_image_starts_boot_sh_as_an_unprivileged_user():
    commands = [json.loads(args) for keyword, args in instructions() if keyword == "CMD"]
    assert commands == [[str(image_path(REPO / "webapp" / "boot.sh"))]]
    users = [args for keyword, args in instructions() if keyword == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert os.access(REPO / "webapp" / "boot.sh", os.X_OK)


def run_boot(tmp_path: Path, upgrade_failures: int, **env: str) -> tuple[int, list[str]]:
    """Run boot.sh with stand-ins for flask, gunicorn and sleep that log their arguments."""
    bin_dir, log = tmp_path / "bin", tmp_path / "calls.log"
    bin_dir.mkdir()
    stubs = {
        "flask": f'echo "flask $*" >> {log}\n'
                 f'if [ "$3 $4" = "db upgrade" ] && [ "$(grep -c "db upgrade" {log})" -le {upgrade_failures} ]; '
                 "then exit 1; fi",
        "gunicorn": f'echo "gunicorn $*" >> {log}',
        "sleep": "true",
    }
    for name, body in stubs.items():
        (bin_dir / name).write_text(f"#!/usr/bin/env bash\n{body}\n")
        (bin_dir / name).chmod(0o755)
    result = subprocess.run(["bash", str(REPO / "webapp" / "boot.sh")], capture_output=True, text=True,
                            env={**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", **env})
    return result.returncode, log.read_text().splitlines() if log.exists() else []


def test_boot_retries_migrations_until_the_database_answers_then_seeds_and_serves(tmp_path):
    code, calls = run_boot(tmp_path, upgrade_failures=2, SEED_READERS="123")
    assert code == 0
    assert calls == ["flask --app wsgi db upgrade"] * 3 + [
        "flask --app wsgi seed --readers 123",
        "gunicorn -c gunicorn.conf.py wsgi:app",
    ]


def test_boot_gives_up_without_serving_when_migrations_keep_failing(tmp_path):
    code, calls = run_boot(tmp_path, upgrade_failures=1000, MIGRATE_TIMEOUT_SECONDS="0")
    assert code == 1
    assert calls == ["flask --app wsgi db upgrade"]
