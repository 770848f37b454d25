"""Headers on what the app sends: no-store on data and documents, HSTS outside development,
and error pages that go out (French, with the security headers) even when they fail."""

import pytest

from tests.conftest import make_config
from webapp import create_app


def test_json_and_csv_are_never_cached(org, login):
    http = login(org["manager"])
    data = http.get("/supervision/metrics.json")
    assert data.status_code == 200 and data.mimetype == "application/json"
    assert data.headers["Cache-Control"] == "no-store"
    sheet = login(org["bo_assistant"]).get("/bo/incentives/export.csv")
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_no_hsts_in_the_tests_http_setup(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.mark.parametrize(("extra", "expected"), [
    ({"SESSION_COOKIE_SECURE": True}, True),
    ({"SESSION_COOKIE_SECURE": True, "HSTS": False}, False),
    ({"SESSION_COOKIE_SECURE": True, "DEVELOPMENT": True}, False),
    ({"SESSION_COOKIE_SECURE": False, "HSTS": True}, True),
])
def test_hsts_follows_secure_cookies(tmp_path, pg_schema, extra, expected):
    app = create_app(make_config(tmp_path, pg_schema, **extra))
    response = app.test_client().get("/static/css/app.css")
    response.close()
    assert ("Strict-Transport-Security" in response.headers) is expected
    if expected:
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_a_failing_error_page_still_goes_out_in_french_with_headers(client, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("template store unreachable")
    monkeypatch.setattr("webapp.errors.render_template", broken)
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "Page introuvable" in response.text and "<h1>" in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response.headers
    assert response.headers["Cache-Control"] == "no-store"
