"""A minimal HTTP client for the benchmark: standard library only, 127.0.0.1 only.

One ``Browser`` is one signed-in user: it keeps its cookies, knows its CSRF token and
reads the ``X-Queries`` header (SQL queries of the request, set by webapp/slowlog.py).
"""

import html
import http.client
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

HOST = "127.0.0.1"
_CSRF_INPUT = re.compile(r"<input\b[^>]*\bname=\"csrf_token\"[^>]*>", re.I)
_VALUE = re.compile(r"\bvalue=\"([^\"]*)\"", re.I)
_CSRF_HEADER = re.compile(r"&#34;X-CSRFToken&#34;:\s*&#34;([^&]+)&#34;"
                          r"|\"X-CSRFToken\":\s*\"([^\"]+)\"")


class LoginFailed(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    elapsed: float  # seconds, connection included
    path: str = ""

    @property
    def queries(self) -> int | None:
        value = self.headers.get("X-Queries")
        return int(value) if value and value.isdigit() else None

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("Location", "")).path

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """Cookies, CSRF token, one request at a time (gunicorn's sync workers close the
    connection after each response, so each request opens its own connection)."""

    def __init__(self, port: int, timeout: float = 30.0):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.csrf_token: str | None = None

    def request(self, method: str, path: str, headers=None, form=None) -> Response:
        if not path.startswith("/"):
            raise ValueError(f"only paths on {HOST} are allowed, not {path!r}")
        sent = {"User-Agent": "pilote-bench", "Accept": "text/html"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET" and self.csrf_token:
            sent["X-CSRFToken"] = self.csrf_token
        sent.update(headers or {})
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            data = raw.read()
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        self._store_cookies(raw.headers.get_all("Set-Cookie") or [])
        return Response(raw.status, raw.headers, data, elapsed, path)

    def get(self, path: str, headers=None) -> Response:
        return self.request("GET", path, headers)

    def post(self, path: str, form=None, headers=None) -> Response:
        return self.request("POST", path, headers, form)

    def _store_cookies(self, lines: list[str]) -> None:
        for line in lines:
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            attrs = attributes.lower().replace(" ", "")
            if "max-age=0" in attrs or "expires=thu,01jan1970" in attrs or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def login(self, email: str, password: str) -> list[Response]:
        """GET /login, then POST the form with its CSRF token; raise LoginFailed unless
        the answer is the redirect away from the login page."""
        page = self.get("/login")
        token = form_csrf_token(page.text)
        if page.status != 200 or token is None:
            raise LoginFailed(f"GET /login answered {page.status} without a csrf_token")
        answer = self.post("/login", {"csrf_token": token, "email": email,
                                      "password": password})
        if answer.status != 302 or answer.location.startswith("/login"):
            raise LoginFailed(f"POST /login as {email} answered {answer.status}")
        self.csrf_token = token
        return [page, answer]

    def refresh_csrf_token(self) -> str:
        """The token htmx sends (``hx-headers`` of <body>), read from the home page."""
        match = _CSRF_HEADER.search(self.get("/").text)
        if match:
            self.csrf_token = html.unescape(match.group(1) or match.group(2))
        return self.csrf_token


def form_csrf_token(page: str) -> str | None:
    tag = _CSRF_INPUT.search(page)
    value = _VALUE.search(tag.group(0)) if tag else None
    return html.unescape(value.group(1)) if value else None
