"""What every scenario module builds on: ``Scenario``, the ``Context`` it reads, ``HTMX``
and ``cycle``. scenarios.py and scenarios_opportunities.py both import it (neither
imports the other's internals: the list of scenarios is put together in scenarios.py)."""

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from browser import Browser
from sqlalchemy import text

HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Scenario:
    name: str
    url: str | Callable[["Context", int], str] = "/"
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    form: Mapping[str, str] | Callable[["Context", int], Mapping[str, str]] | None = None
    target_ms: float | None = None      # the scenario passes when p95 < target_ms
    role: str = "manager"               # whose session drives it (admin, manager, advisor)
    expect: tuple[int, ...] = (200,)    # accepted status codes (last response of a run)
    max_requests: int | None = None     # caps --requests (slow round trips)
    once: bool = False                  # changes the data: one measured run, no warm-up
    run: Callable[["Context", Browser, int], list] | None = None

    def resolve(self, value, ctx: "Context", i: int):
        return value(ctx, i) if callable(value) else value

    def perform(self, ctx: "Context", browser: Browser, i: int) -> list:
        if self.run is not None:
            return self.run(ctx, browser, i)
        return [browser.request(self.method, self.resolve(self.url, ctx, i),
                                dict(self.headers), self.resolve(self.form, ctx, i))]


class Context:
    """What scenarios may read: the accounts, the port, the seeded database."""

    def __init__(self, port: int, engine, accounts: dict[str, tuple[str, str]],
                 timeout: float):
        self.port = port
        self.engine = engine
        self.accounts = accounts  # role -> (email, password)
        self.timeout = timeout
        self._cache: dict = {}
        self._lock = threading.RLock()  # a cached sample may use another

    def sql(self, query: str, **params) -> list:
        with self.engine.connect() as conn:
            return conn.execute(text(query), params).all()

    def cached(self, compute: Callable[["Context"], list]) -> list:
        with self._lock:
            if compute not in self._cache:
                self._cache[compute] = compute(self)
            return self._cache[compute]

    def browser(self) -> Browser:
        return Browser(self.port, self.timeout)


def cycle(values: list, i: int):
    return values[i % len(values)]
