"""The .env file both run modes read: created with random secrets, completed when the example grows."""

from __future__ import annotations

import stat

from native.env_file import PLACEHOLDER, add_missing_settings, create_env_file, read_env_file


def write_example(tmp_path, *lines: str):
    example = tmp_path / ".env.example"
    example.write_text("\n".join(["# comment", *lines]) + "\n")
    return example


def test_created_env_file_has_a_distinct_random_secret_per_placeholder(tmp_path):
    example = write_example(tmp_path, f"A_PASSWORD={PLACEHOLDER}", f"B_PASSWORD={PLACEHOLDER}", "PORT=3307")
    env = tmp_path / ".env"
    assert create_env_file(env, example)
    values = read_env_file(env)
    assert values["PORT"] == "3307"
    assert PLACEHOLDER not in (values["A_PASSWORD"], values["B_PASSWORD"])
    assert values["A_PASSWORD"] != values["B_PASSWORD"]
    assert stat.S_IMODE(env.stat().st_mode) == 0o600


def test_an_existing_env_file_is_never_rewritten(tmp_path):
    example = write_example(tmp_path, f"A_PASSWORD={PLACEHOLDER}")
    env = tmp_path / ".env"
    env.write_text("A_PASSWORD=mine\n")
    assert not create_env_file(env, example)
    assert env.read_text() == "A_PASSWORD=mine\n"


def test_settings_new_in_the_example_are_appended_and_the_rest_kept(tmp_path):
    env = tmp_path / ".env"
    env.write_text("A_PASSWORD=mine\nPORT=4000\n")
    example = write_example(tmp_path, f"A_PASSWORD={PLACEHOLDER}", "PORT=3307", "# OFF=1",
                            f"NEW_PASSWORD={PLACEHOLDER}", "NEW_PORT=6032")
    assert add_missing_settings(env, example) == ["NEW_PASSWORD", "NEW_PORT"]
    values = read_env_file(env)
    assert values["A_PASSWORD"] == "mine" and values["PORT"] == "4000"
    assert values["NEW_PORT"] == "6032"
    assert values["NEW_PASSWORD"] not in ("", PLACEHOLDER)
    assert "OFF" not in values
    assert add_missing_settings(env, example) == []
