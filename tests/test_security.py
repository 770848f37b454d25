"""Security baseline: CSRF, headers, cookies, login rate limit, logout invalidation."""

import re

import pytest

from tests.conftest import PASSWORD, make_config
from webapp import create_app
from webapp.extensions import db


@pytest.fixture
def csrf_app(tmp_path, pg_schema):
    """An app as in production: CSRF on, secure cookies."""
    app = create_app(make_config(tmp_path, pg_schema, WTF_CSRF_ENABLED=True,
                                 SESSION_COOKIE_SECURE=True))
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def _token(http, url="/login"):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     http.get(url).text).group(1)


def _make_admin(app):
    from webapp.auth.models import Role, User

    user = User(email="admin@example.fr", name="Alice Admin", role=Role.ADMIN)
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    return user


def test_post_without_csrf_token_is_refused(csrf_app):
    _make_admin(csrf_app)
    http = csrf_app.test_client()
    response = http.post("/login", data={"email": "admin@example.fr", "password": PASSWORD})
    assert response.status_code == 400
    assert "formulaire a expiré" in response.text


def test_every_post_route_requires_the_token(csrf_app):
    user = _make_admin(csrf_app)
    http = csrf_app.test_client()
    http.post("/login", data={"email": user.email, "password": PASSWORD,
                              "csrf_token": _token(http)})
    posts = [r for r in csrf_app.url_map.iter_rules() if "POST" in r.methods]
    assert posts
    for rule in posts:
        url = re.sub(r"<(?:int:)?\w+>", str(user.id), rule.rule)
        assert http.post(url, data={"name": "x"}).status_code == 400, url


def test_htmx_request_carries_the_token_in_a_header(csrf_app):
    user = _make_admin(csrf_app)
    http = csrf_app.test_client()
    token = _token(http)
    http.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    page = http.get("/")
    assert re.search(r'hx-headers=\'\{"X-CSRFToken": "[^"]+"\}\'', page.text)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page.text).group(1)
    response = http.post("/logout", headers={"X-CSRFToken": header_token, "HX-Request": "true"})
    assert response.status_code == 302


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    # No inline script without the nonce anywhere on the page.
    nonce = re.search(r"'nonce-([\w-]+)'", csp).group(1)
    for tag in re.findall(r"<script[^>]*>", response.text):
        assert "src=" in tag or f'nonce="{nonce}"' in tag


def test_session_cookie_flags(csrf_app):
    user = _make_admin(csrf_app)
    http = csrf_app.test_client()
    token = _token(http)
    response = http.post("/login", data={"email": user.email, "password": PASSWORD,
                                         "csrf_token": token})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_login_and_wrong_password(client, org):
    response = client.post("/login", data={"email": "MARC@example.fr", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    other = client.application.test_client()
    response = other.post("/login", data={"email": "marc@example.fr", "password": "nope"})
    assert response.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect." in response.text
    assert 'value="marc@example.fr"' in response.text  # what was typed is kept


def test_inactive_user_cannot_log_in(client, make_user):
    make_user(email="gone@example.fr", active=False)
    response = client.post("/login", data={"email": "gone@example.fr", "password": PASSWORD})
    assert response.status_code == 422


def test_next_is_local_only(client, org):
    response = client.post("/login?next=//evil.example/x",
                           data={"email": "marc@example.fr", "password": PASSWORD})
    assert response.location == "/"
    client.post("/logout")
    response = client.post("/login?next=/clients/",
                           data={"email": "marc@example.fr", "password": PASSWORD})
    assert response.location == "/clients/"


def _hammer(app):
    http = app.test_client()
    statuses = [http.post("/login", data={"email": "marc@example.fr", "password": "wrong"})
                .status_code for _ in range(5)]
    assert statuses == [422] * 5
    # The sixth attempt is refused even with the right password: the next login waits.
    sixth = http.post("/login", data={"email": "marc@example.fr", "password": PASSWORD})
    assert sixth.status_code == 429
    assert "Trop de tentatives" in sixth.text
    assert int(sixth.headers["Retry-After"]) > 0


def test_five_wrong_passwords_slow_the_next_login_down(app, org):
    _hammer(app)


def test_rate_limit_counters_shared_through_redis(redis_apps):
    """With RATELIMIT_STORAGE_URI on Redis, two app instances (two workers) share counts."""
    first, second = redis_apps
    for app in (first, second, first, second, first):
        with app.app_context():
            assert app.test_client().post(
                "/login", data={"email": "marc@example.fr", "password": "x"}).status_code == 422
    with second.app_context():
        response = second.test_client().post(
            "/login", data={"email": "marc@example.fr", "password": PASSWORD})
        assert response.status_code == 429


def test_logout_invalidates_the_old_cookie(client, org):
    client.post("/login", data={"email": "marc@example.fr", "password": PASSWORD})
    stolen = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 302
    replay = client.application.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/")
    assert response.status_code == 302 and "/login" in response.location


def test_login_rehashes_a_password_hashed_with_older_parameters(app, client, make_user):
    user = make_user(email="old@example.fr")
    app.config["PASSWORD_HASH_PROFILE"] = "RFC_9106_LOW_MEMORY"
    old_hash = user.password_hash
    assert client.post("/login", data={"email": "old@example.fr", "password": PASSWORD}
                       ).status_code == 302
    db.session.refresh(user)
    assert user.password_hash != old_hash and "m=65536" in user.password_hash


@pytest.mark.parametrize(("data", "message"), [
    ({"email": "", "password": ""}, "Ce champ est obligatoire."),
    ({"email": "pas-une-adresse", "password": "x"}, "Adresse e-mail invalide."),
    ({"email": "a" * 250 + "@example.fr", "password": "x"}, "254"),
    ({"email": "marc@example.fr", "password": "x" * 201}, "200"),
])
def test_login_bad_input(client, org, data, message):
    response = client.post("/login", data=data)
    assert response.status_code == 422
    assert message in response.text


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/%0a/evil.example", "//evil.example/x", "/\\evil.example",
    "https://evil.example/", "javascript:alert(1)", "/pas-une-page", "/%5C%5Cevil.example",
])
def test_login_never_redirects_outside_our_pages(client, org, target):
    """Issue 19: ``/login?next=/%09/evil.example`` came back as ``//evil.example``."""
    response = client.post(f"/login?next={target}",
                           data={"email": "marc@example.fr", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"


def test_login_keeps_a_next_page_of_ours_with_its_query(client, org):
    response = client.post("/login?next=/clients/%3Fq%3Droux",
                           data={"email": "marc@example.fr", "password": PASSWORD})
    assert response.location == "/clients/?q=roux"


@pytest.mark.parametrize("path", [
    "/clients/99999999999999999999", "/clients/2147483648", "/clients/2147483648/edit",
    "/admin/users/99999999999999999999", "/admin/teams/9223372036854775808",
    "/alerts/99999999999999999999", "/clients/picker/18446744073709551616",
])
def test_huge_ids_are_404(org, login, path):
    """Issue 19: ids beyond the integer columns were a 500 (SQLite ≥ 2^63, PostgreSQL ≥ 2^31)."""
    assert login(org["admin"]).get(path).status_code == 404


def test_huge_or_negative_query_ids_fall_back_to_the_default(org, login):
    response = login(org["admin"]).get(
        "/clients/?branch_id=99999999999999999999&advisor_id=-1&page=99999999999999999999")
    assert response.status_code == 200
    assert login(org["admin"]).get("/admin/users?page=-5").status_code == 200
