"""Where the app may send a browser back to: only its own pages, never another site."""

from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect


def is_our_page(path: str | None) -> bool:
    """``path`` (no scheme, no host, no control character nor backslash, which browsers
    drop or turn into ``/``: ``/%09/evil.example`` is ``//evil.example`` to them) is one
    of our GET routes."""
    if not path or any(ord(c) < 0x21 or c in "\\\x7f" for c in path):
        return False
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") \
            or parts.path.startswith("//"):
        return False
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except RequestRedirect:
        return True  # e.g. /clients → /clients/: still ours
    except HTTPException:
        return False
    return True
