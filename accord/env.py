"""Typed, strict readers for environment variables.

Every setting Accord reads from the environment goes through these helpers, so a bad value
fails at start with a message naming the variable and the rule instead of misbehaving later.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true/false, yes/no, on/off, 1/0."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    path = Path(raw).expanduser() if raw and raw.strip() else default
    return path.resolve()


def secret_key_from(data_dir: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once and kept in data_dir."""
    given = env_str("SECRET_KEY")
    if given:
        if len(given) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")
        return given
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    from django.core.management.utils import get_random_secret_key

    data_dir.mkdir(parents=True, exist_ok=True)
    key = get_random_secret_key() + get_random_secret_key()
    # Written with owner-only permissions: the key signs sessions and tokens.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def mailer_from_url(url: str) -> dict[str, object]:
    """Translate EMAIL_URL into a MAILERS entry.

    Schemes: console://, smtp://user:pass@host:port?tls=1, smtps://…, file:///dir, memory://.
    """
    from urllib.parse import parse_qs, unquote, urlparse

    parsed = urlparse(url)
    scheme = parsed.scheme
    backends = "django.core.mail.backends."
    if scheme == "console":
        return {"BACKEND": backends + "console.EmailBackend"}
    if scheme == "memory":
        return {"BACKEND": backends + "locmem.EmailBackend"}
    if scheme == "file":
        return {
            "BACKEND": backends + "filebased.EmailBackend",
            "OPTIONS": {"file_path": parsed.path},
        }
    if scheme in {"smtp", "smtps"}:
        query = parse_qs(parsed.query)
        return {
            "BACKEND": backends + "smtp.EmailBackend",
            "OPTIONS": {
                "host": parsed.hostname or "localhost",
                "port": parsed.port or (465 if scheme == "smtps" else 25),
                "username": unquote(parsed.username or ""),
                "password": unquote(parsed.password or ""),
                "use_ssl": scheme == "smtps",
                "use_tls": query.get("tls", ["0"])[0].lower() in TRUE_WORDS,
                "timeout": 10,
            },
        }
    raise ImproperlyConfigured(
        f"EMAIL_URL={url!r} has an unknown scheme; use console://, smtp://, smtps://, file:// "
        "or memory://."
    )
