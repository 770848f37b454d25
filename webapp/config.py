"""Configuration: defaults, then instance/config.py, then environment variables."""

import os
import secrets
from pathlib import Path


class Defaults:
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "fr_FR"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per 5 minutes"
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    PAGE_SIZE = 25
    SLOW_REQUEST_MS = 500
    # argon2 parameters (argon2.profiles); tests use CHEAPEST, production the RFC's.
    PASSWORD_HASH_PROFILE = "RFC_9106_LOW_MEMORY"


# Environment variables that override the configuration, with their parsers.
ENV_VARS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "RATELIMIT_STORAGE_URI": str,
    "SESSION_COOKIE_SECURE": lambda v: v.lower() in ("1", "true", "yes"),
    "UPLOAD_FOLDER": str,
    "SLOW_REQUEST_MS": int,
}


def ensure_secret_key(instance_path: str) -> str:
    """Read instance/secret_key, creating it with a random key on first run."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def database_uri(config, instance_path: str) -> str:
    url = config.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'pilote.sqlite'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def load(app, overrides: dict | None) -> None:
    """Fill app.config in order: defaults, instance/config.py, environment, overrides."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name, parse in ENV_VARS.items():
        if name in os.environ:
            app.config[name] = parse(os.environ[name])
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = ensure_secret_key(app.instance_path)
    app.config.setdefault("UPLOAD_FOLDER", str(Path(app.instance_path) / "uploads"))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app.config, app.instance_path)
    if app.debug or app.config.get("DEVELOPMENT"):
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = False
