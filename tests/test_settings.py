import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J#q8vL!m2Zp7Wx@R5tY9nB$c4Hd6Fg&s1Ae0Uo^iQwErTyUi",
    "ALLOWED_HOSTS": "notes.example.com",
    "DATABASE_URL": "postgres://app:secret@db.example.com:5432/pdfnotes",
    "REDIS_URL": "redis://redis.example.com:6379/0",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("true", True), ("off", False), ("0", False)]
)
def test_booleans_are_read_from_the_environment(monkeypatch, raw, value):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not value) is value


def test_a_missing_variable_takes_its_default(monkeypatch):
    monkeypatch.delenv("ABSENT", raising=False)
    assert env_int("ABSENT", 7) == 7
    assert env_float("ABSENT", 0.5) == 0.5
    assert env_list("ABSENT", ["a"]) == ["a"]


def test_lists_are_comma_separated_and_trimmed(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example.com, b.example.com ,")
    assert env_list("HOSTS", []) == ["a.example.com", "b.example.com"]


@pytest.mark.parametrize(
    ("reader", "raw"), [(env_bool, "maybe"), (env_int, "ten"), (env_float, "x")]
)
def test_a_malformed_value_is_refused_with_its_name(monkeypatch, reader, raw):
    monkeypatch.setenv("SETTING", raw)
    with pytest.raises(ImproperlyConfigured, match="SETTING"):
        reader("SETTING", 0)


def test_the_development_secret_key_is_refused_when_debug_is_off():
    result = run_manage("check", env={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_deploy_checks_are_clean_in_a_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
