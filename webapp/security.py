"""Security headers: a nonce-based Content-Security-Policy and the usual hardening.

Pages and every file the app sends (JSON, CSV, Excel, PDF, attachments) are ``no-store``:
they hold personal data a shared browser or proxy must not keep. HSTS is sent when the
cookies are ``Secure`` (``HSTS`` setting; off in development, where the app runs on http).
"""

import secrets

from flask import current_app, g
from werkzeug.middleware.proxy_fix import ProxyFix


def csp_nonce() -> str:
    """The per-request nonce that an inline <script> must carry."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _headers(response):
    nonce = csp_nonce()
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; "
        "img-src 'self' data:; "
        "font-src 'self'; "
        "connect-src 'self'; "
        "object-src 'none'; "
        "base-uri 'self'; "
        "form-action 'self'; "
        "frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
    if hsts_enabled(current_app.config):
        response.headers["Strict-Transport-Security"] = f"max-age={HSTS_MAX_AGE}"
    return response


# What is never kept in a cache: pages, data and documents (static assets may be).
PRIVATE_TYPES = {"text/html", "application/json", "text/csv", "application/pdf",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
HSTS_MAX_AGE = 365 * 24 * 3600


def _private(response) -> bool:
    disposition = response.headers.get("Content-Disposition", "")
    return response.mimetype in PRIVATE_TYPES or disposition.startswith("attachment")


def hsts_enabled(config) -> bool:
    """``HSTS`` if set, else on exactly when the session cookie is ``Secure``."""
    flag = config.get("HSTS")
    return bool(config.get("SESSION_COOKIE_SECURE") if flag is None else flag)


def init_app(app) -> None:
    if proxies := app.config.get("TRUSTED_PROXIES", 0):
        # Behind nginx (README « Deploying »): the client's address and scheme are those
        # the trusted proxies forwarded, never a header a client could forge.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=0, x_prefix=0)
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
