import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accord.env import env_bool, env_int, mailer_from_url, secret_key_from


def _run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    unwanted = ("DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if not k.startswith(unwanted)}
    return subprocess.run(
        [sys.executable, "-m", "accord", *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_bad_boolean_fails_with_the_variable_name(monkeypatch):
    """A value that is not a boolean names the variable and the accepted words."""
    monkeypatch.setenv("DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="DEBUG='perhaps' is not a boolean"):
        env_bool("DEBUG")


def test_bad_integer_and_minimum(monkeypatch):
    """Whole numbers are parsed strictly and minimums enforced."""
    monkeypatch.setenv("ACCORD_X", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("ACCORD_X", 1)
    monkeypatch.setenv("ACCORD_X", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum"):
        env_int("ACCORD_X", 1, minimum=1)


def test_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch):
    """Without SECRET_KEY a key is generated into the data directory and reused."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key_from(tmp_path)
    assert len(first) >= 50
    assert secret_key_from(tmp_path) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_short_secret_key_is_refused(monkeypatch, tmp_path):
    """A short SECRET_KEY is a configuration error."""
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32"):
        secret_key_from(tmp_path)


def test_email_url_schemes():
    """EMAIL_URL maps to a MAILERS entry; unknown schemes are refused."""
    smtp = mailer_from_url("smtp://bot:s%40cret@mail.example.com:587?tls=1")
    assert smtp["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert smtp["OPTIONS"] == {
        "host": "mail.example.com",
        "port": 587,
        "username": "bot",
        "password": "s@cret",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 10,
    }
    with pytest.raises(ImproperlyConfigured, match="unknown scheme"):
        mailer_from_url("pigeon://coop")


def test_database_connection_is_tuned(settings, db):
    """SQLite runs with IMMEDIATE transactions and FULL sync; PostgreSQL uses the pool."""
    from django.db import connection

    options = settings.DATABASES["default"]["OPTIONS"]
    if connection.vendor == "sqlite":
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    else:
        assert connection.vendor == "postgresql"
        assert options["pool"]["max_size"] >= 1


def test_bad_setting_fails_at_start(tmp_path):
    """The accord command refuses to start with a malformed variable and says which."""
    result = _run_check({"ACCORD_DATA_DIR": str(tmp_path), "DEBUG": "maybe"}, "check")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_deploy_check_is_clean_with_production_variables(tmp_path):
    """`accord check --deploy` passes with the documented production variables."""
    env = {
        "ACCORD_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-0123456789",
        "ACCORD_HTTPS": "true",
        "ALLOWED_HOSTS": "accord.example.com",
        "SITE_URL": "https://accord.example.com",
        "ACCORD_HSTS_PRELOAD": "true",
        "EMAIL_URL": "smtp://accord:secret@smtp.example.com:587?tls=1",
    }
    result = _run_check(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
