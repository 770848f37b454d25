"""Browser fixtures: the app served for real (CSRF on, as in production) from a thread,
tablet-sized touch contexts of Debian's Chromium, screenshots, and an axe-core check.

The app, its fresh database (SQLite file in tmp_path, or a PostgreSQL schema when
DATABASE_URL is set) and the factories come from tests/conftest.py.
"""

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pilote_pages import PASSWORD
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from webapp.extensions import db

TESTS = Path(__file__).resolve().parent.parent
AXE_JS = TESTS / "vendor" / "axe-4.14.1.min.js"
SCREENSHOTS = TESTS / "screenshots"
AXE_PATH = "/__axe.js"  # same-origin URL the browser context answers with AXE_JS
BLOCKING_IMPACTS = {"serious", "critical"}

TABLETS = {
    "landscape-1024x768": {"width": 1024, "height": 768},
    "portrait-768x1024": {"width": 768, "height": 1024},
}


@pytest.fixture
def app_config(app_config):
    """As in production: CSRF checked, templates strict (cookies not Secure: plain http)."""
    assert app_config["SESSION_COOKIE_SECURE"] is False
    return {**app_config, "WTF_CSRF_ENABLED": True, "STRICT_TEMPLATES": True}


@dataclass
class Site:
    """The served app and what the tests need of its data, as plain values."""

    url: str
    users: dict = field(default_factory=dict)    # key -> {"id", "email", "name"}
    clients: dict = field(default_factory=dict)  # "Prénom Nom" -> id


@pytest.fixture
def live_server(app, org, make_client, make_branch):
    """The app on a free port of 127.0.0.1, its database filled and committed first."""
    make_branch("Lyon Part-Dieu")
    advisor, other = org["advisor"], org["other_advisor"]
    seeded = [
        make_client("Anne", "Roux", advisor=advisor, phone="06 12 34 56 78",
                    email="anne.roux@example.fr", city="Lyon"),
        make_client("Paul", "Rousseau", advisor=advisor, phone="04 78 12 34 56",
                    city="Villeurbanne"),
        make_client("Julie", "Morel", advisor=advisor, email="julie.morel@example.fr"),
        make_client("Hugo", "Lefèvre", advisor=advisor, phone="06 11 22 33 44"),
        # Another agency's client: never shown to the Lyon manager.
        make_client("Émile", "Roussel", advisor=other, phone="06 55 44 33 22", city="Nantes"),
    ]
    site = Site(url="")
    for key, value in org.items():
        if hasattr(value, "email"):
            site.users[key] = {"id": value.id, "email": value.email, "name": value.name}
    site.clients = {f"{c.first_name} {c.last_name}": c.id for c in seeded}
    db.session.commit()  # end the read transaction above: the server threads write

    server = make_server("127.0.0.1", 0, _static_in_memory(app), threaded=True)
    # Request threads are joined at server_close(): a request still running when the
    # test ends (an htmx load) must give its database connection back before the
    # engine is disposed.
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    site.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield site
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def _static_in_memory(app):
    """The app, its static files answered from memory instead of an open file.

    When the browser leaves a page while a static file is still being sent, Werkzeug's
    development server meets the reset connection while draining the socket and never
    closes the response, so the file is left open (a ResourceWarning, an error here).
    Production serves through gunicorn, which closes it."""

    def middleware(environ, start_response):
        body = app(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return body
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return middleware


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item (item.rep_call), for fixtures' teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-base-url's fixture, a class-based session fixture that pytest 9
    deprecates (an error under filterwarnings=error); contexts get live_server.url."""
    return None


@pytest.fixture(params=list(TABLETS), ids=list(TABLETS))
def tablet(request):
    """The tablet size the journey runs at: (name, viewport)."""
    return request.param, TABLETS[request.param]


class PageProblems:
    """What the browser reports of a page: JavaScript errors, CSP violations and failed
    loads (console errors), and window.alert() calls. Checked when the test passed."""

    # Forms re-rendered with their errors answer 422 (409 when they conflict with what is
    # stored, e.g. a second open complaint): the browser logs that, it is expected.
    EXPECTED = re.compile(r"status of (422|409)")

    def __init__(self, page: Page):
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("dialog", self._alert)

    def _console(self, message):
        if message.type == "error" and not self.EXPECTED.search(message.text):
            self.errors.append(f"console: {message.text}")

    def _alert(self, dialog):
        # app.js shows window.alert() when an htmx request fails.
        self.errors.append(f"window.{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def check(self):
        assert not self.errors, "The browser reported problems:\n" + "\n".join(self.errors)


@pytest.fixture
def tablet_page(request, new_context, live_server, tablet):
    """A page in a touch tablet context at the parametrized size, CSP enforced.

    The context answers AXE_PATH with the vendored axe-core, so that axe loads as a
    same-origin <script src>, which the app's Content-Security-Policy allows (an inline
    script tag would be blocked; bypass_csp is not needed and CSP stays tested).
    """
    _, viewport = tablet
    context = new_context(viewport=viewport, has_touch=True, locale="fr-FR",
                          base_url=live_server.url,
                          # Bootstrap then drops its transitions: axe's colour-contrast
                          # and the screenshots never see a half-faded button.
                          reduced_motion="reduce")
    context.route(f"{live_server.url}{AXE_PATH}",
                  lambda route: route.fulfill(path=AXE_JS,
                                              content_type="application/javascript"))
    page = context.new_page()
    # Generous enough for a loaded 2-core machine (the two engines' suites, a bench);
    # a real hang still fails within seconds.
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    problems = PageProblems(page)
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.passed:
        problems.check()
    elif problems.errors:  # the test failed or xfailed already: say, don't pile up
        print("The browser reported problems:", *problems.errors, sep="\n")


@pytest.fixture
def shoot(request, tablet):
    """``shoot(page, "step")``: a full-page screenshot under tests/screenshots/<test>/."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    counter = iter(range(1, 100))

    def take(page: Page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        # caret="initial": hiding the caret leaves style="" on the inputs, which htmx's
        # settling then copies onto swapped-in elements: a CSP violation of our making.
        page.screenshot(path=path, full_page=True, caret="initial")
        return path

    return take


AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 200),
                              summary: n.failureSummary}))
  }));
}"""

AXE_LOG = SCREENSHOTS / "axe-findings.jsonl"


@pytest.fixture(scope="session", autouse=True)
def _fresh_axe_log():
    """axe-findings.jsonl holds this run's findings only."""
    AXE_LOG.unlink(missing_ok=True)


@pytest.fixture
def axe_check(request, live_server):
    """``axe_check(page, "step")``: run axe-core on the page as it is now; fail on any
    serious or critical violation (rule id and nodes in the message). Lesser ones are
    logged to tests/screenshots/axe-findings.jsonl."""

    def check(page: Page, step: str) -> list[dict]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=f"{live_server.url}{AXE_PATH}")
        violations = page.evaluate(AXE_RUN)
        SCREENSHOTS.mkdir(exist_ok=True)
        with AXE_LOG.open("a", encoding="utf-8") as log:
            for v in violations:
                log.write(json.dumps({"test": request.node.name, "step": step,
                                      "url": page.url, **v}, ensure_ascii=False) + "\n")
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            lines = [f"axe-core: serious/critical violations on {step} ({page.url}):"]
            for v in blocking:
                lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
                lines += [f"    {n['target']}: {n['html']}\n      {n['summary']}"
                          for n in v["nodes"]]
            pytest.fail("\n".join(lines), pytrace=False)
        return violations

    return check


@pytest.fixture
def log_in(live_server):
    """``log_in(page, "manager")``: log in through the form, as a person does."""

    def do(page: Page, who: str) -> dict:
        user = live_server.users[who]
        page.goto("/login")
        page.get_by_label("Adresse e-mail").fill(user["email"])
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.get_by_role("heading", name=f"Bonjour {user['name']}").wait_for()
        return user

    return do
