"""Configuration: defaults, then instance/config.py, then environment variables."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


class Defaults:
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    # Strict-Transport-Security: None follows SESSION_COOKIE_SECURE (on outside development).
    HSTS = None
    # Proxies in front of gunicorn whose X-Forwarded-For / -Proto are believed (nginx: 1).
    # 0: the client address is the TCP peer's (the login limits, « Mes sessions »).
    TRUSTED_PROXIES = 0
    WTF_CSRF_TIME_LIMIT = None
    BABEL_DEFAULT_LOCALE = "fr_FR"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per 5 minutes"  # failed logins per address and account
    # Failed logins per client address, whatever the accounts: one password sprayed over
    # many accounts is slowed too (an office behind one address stays well below it).
    LOGIN_ADDRESS_RATE_LIMIT = "10 per 5 minutes"
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    PAGE_SIZE = 25
    # Offline visit mode: days the prepared pages stay on the tablet (webapp/visits/).
    OFFLINE_DAYS = 3
    SLOW_REQUEST_MS = 500
    # argon2 parameters (argon2.profiles); tests use CHEAPEST, production the RFC's.
    PASSWORD_HASH_PROFILE = "RFC_9106_LOW_MEMORY"
    # Mail: SMTP (default) or "console" (printed, for development).
    MAIL_BACKEND = "smtp"
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USE_SSL = False  # SMTPS
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "Pilote <pilote@localhost>"
    MAIL_REPLY_TO = None
    MAIL_DOMAIN = "pilote.local"  # right-hand side of Message-IDs
    MAIL_TIMEOUT = 10
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_RETRY_BASE_SECONDS = 60
    OUTBOX_RETRY_MAX_SECONDS = 6 * 3600
    OUTBOX_LEASE_SECONDS = 300
    OUTBOX_POLL_SECONDS = 5
    # The address users reach the app at (``https://pilote.example.fr``): links in e-mails
    # are built from it, never from the request's Host header (which a client can forge).
    # Required outside development and testing, where it defaults to LOCAL_BASE_URL.
    BASE_URL = None
    # SMS (the e-signature's one-time code): console, file (SMS_FILE) or http (a provider).
    SMS_BACKEND = "console"
    SMS_FILE = None
    SMS_HTTP_URL = None
    SMS_HTTP_TOKEN = None
    SMS_SENDER = "Pilote"
    SIGNATURE_CODE_MINUTES = 10
    # Proposals: where « Remise en production » sends the signed order form.
    PRODUCTION_EMAIL = "production@localhost"


LOCAL_BASE_URL = "http://localhost:5000"


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


# Environment variables that override the configuration, with their parsers.
ENV_VARS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "RATELIMIT_STORAGE_URI": str,
    "SESSION_COOKIE_SECURE": _flag,
    "HSTS": _flag,
    "TRUSTED_PROXIES": int,
    "UPLOAD_FOLDER": str,
    "SLOW_REQUEST_MS": int,
    "BASE_URL": str,
    "SMS_BACKEND": str,
    "SMS_FILE": str,
    "SMS_HTTP_URL": str,
    "SMS_HTTP_TOKEN": str,
    "PRODUCTION_EMAIL": str,
    "MAIL_BACKEND": str,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": _flag,
    "MAIL_USE_SSL": _flag,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_SENDER": str,
    "MAIL_REPLY_TO": str,
    "MAIL_DOMAIN": str,
    "OUTBOX_MAX_ATTEMPTS": int,
    "OUTBOX_RETRY_BASE_SECONDS": int,
    "OUTBOX_LEASE_SECONDS": int,
    "OUTBOX_POLL_SECONDS": float,
    # Crash drill (tests): the worker dies right after claiming, before sending.
    "OUTBOX_CRASH_AFTER_CLAIM": _flag,
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
    app.config["BASE_URL"] = base_url(app)


def base_url(app) -> str:
    """The configured ``BASE_URL`` without its trailing slash; refused when missing or not
    http(s) outside development and testing (e-mail links would follow a forged Host)."""
    url = (app.config.get("BASE_URL") or "").strip().rstrip("/")
    local = app.debug or app.config.get("DEVELOPMENT") or app.config.get("TESTING")
    if not url and local:
        return LOCAL_BASE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
        raise RuntimeError("BASE_URL must be the app's address, such as "
                           "https://pilote.example.fr (links in e-mails are built from it)")
    return url
