"""« Mes sessions » (issue #19): one row per signed-in browser; the login cookie names it;
logout ends it; a user lists and ends their other sessions; a deactivation or a new
password ends them all."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from webapp.auth.models import UserSession
from webapp.auth.rules import agent_label, seen_is_due, trimmed_agent
from webapp.auth.services import end_session, end_sessions, open_session, session_user
from webapp.extensions import db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPAD = ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.5 Mobile/15E148 Safari/604.1")
ANDROID = ("Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36")
EDGE = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")


@pytest.mark.parametrize(("agent", "label"), [
    (FIREFOX, "Firefox sur Windows"),
    (IPAD, "Safari sur iPadOS"),
    (ANDROID, "Chrome sur Android"),
    (EDGE, "Edge sur Windows"),
    ("curl/8.5", "Navigateur inconnu"),
    ("", "Navigateur inconnu"),
    (None, "Navigateur inconnu"),
    ("Mozilla/5.0 (X11; Linux x86_64)", "Navigateur sur Linux"),
])
def test_agent_label(agent, label):
    assert agent_label(agent) == label


@pytest.mark.parametrize(("agent", "stored"), [
    (None, ""),
    ("Firefox/133.0", "Firefox/133.0"),
    ("a\x00b\x1b[31m\u202ec", "ab[31mc"),  # control and bidi characters dropped
    ("  a \t  b ", "a b"),
    ("x" * 5000, "x" * 200),
])
def test_trimmed_agent(agent, stored):
    assert trimmed_agent(agent) == stored


NOON = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("last_seen", "due"), [
    (None, True),
    (NOON - timedelta(seconds=59), False),  # « dernière activité »: at most once a minute
    (NOON - timedelta(seconds=60), True),
    (NOON - timedelta(days=3), True),
])
def test_seen_is_due(last_seen, due):
    assert seen_is_due(last_seen, NOON) is due


def _login(app, email="marc@example.fr", agent=FIREFOX):
    http = app.test_client()
    response = http.post("/login", data={"email": email, "password": PASSWORD},
                         headers={"User-Agent": agent})
    assert response.status_code == 302
    return http


def _signed_in(http) -> bool:
    response = http.get("/")
    return response.status_code == 200 and "/login" not in (response.location or "")


def _rows(user) -> list[UserSession]:
    db.session.expire_all()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.id)).all()


def test_login_opens_a_session_the_cookie_names(app, org):
    http = _login(app, agent=FIREFOX + "\x01" + "y" * 400)
    (row,) = _rows(org["advisor"])
    assert row.ended_at is None and row.address == "127.0.0.1"
    assert row.user_agent.startswith("Mozilla/5.0 (Windows") and len(row.user_agent) == 200
    assert row.created_at.tzinfo is not None and row.created_at == row.last_seen_at
    assert len(row.token_hash) == 64  # only the secret's hash is stored
    assert row.token_hash not in http.get_cookie("session").value
    page = http.get("/account/sessions")
    assert page.status_code == 200
    assert "Firefox sur Windows" in page.text and "Cette session" in page.text
    assert "Mes sessions" in page.text and 'href="/account/sessions"' in page.text  # menu


def test_the_page_lists_only_ones_own_open_sessions(app, org):
    mine = _login(app, agent=FIREFOX)
    _login(app, agent=IPAD)
    _login(app, email="lea@example.fr", agent=ANDROID)
    ended = open_session(org["advisor"], EDGE, "10.0.0.3")
    end_session(ended)
    db.session.commit()
    page = mine.get("/account/sessions").text
    assert "Firefox sur Windows" in page and "Safari sur iPadOS" in page
    assert "Chrome sur Android" not in page  # Léa's
    assert "Edge sur Windows" not in page  # ended
    assert page.count("Cette session") == 1 and page.count(">Terminer</button>") == 1
    # One confirmation dialog per session to end, and one for « toutes les autres ».
    assert len(re.findall(r'<dialog id="end-dialog-\d+"', page)) == 1
    assert 'id="end-others-dialog"' in page


def test_ending_another_session_logs_that_browser_out(app, org):
    mine, ipad = _login(app, agent=FIREFOX), _login(app, agent=IPAD)
    other = next(r for r in _rows(org["advisor"]) if "iPad" in r.user_agent)
    response = mine.post(f"/account/sessions/{other.id}/logout")
    assert response.status_code == 302 and response.location == "/account/sessions"
    assert "La session est terminée." in mine.get("/account/sessions").text
    assert _rows(org["advisor"])[1].ended_at is not None
    response = ipad.get("/clients/")
    assert response.status_code == 302 and "/login" in response.location
    assert _signed_in(mine)


def test_ending_the_current_session_from_the_list_logs_out(app, org):
    mine = _login(app)
    (row,) = _rows(org["advisor"])
    response = mine.post(f"/account/sessions/{row.id}/logout")
    assert response.status_code == 302 and "/login" in response.location
    assert not _signed_in(mine)


def test_end_all_the_others(app, org):
    mine = _login(app, agent=FIREFOX)
    others = [_login(app, agent=IPAD), _login(app, agent=ANDROID)]
    lea = _login(app, email="lea@example.fr")
    response = mine.post("/account/sessions/logout-others", follow_redirects=True)
    assert "2 autres sessions terminées." in response.text
    assert [r.ended_at is None for r in _rows(org["advisor"])] == [True, False, False]
    assert not any(_signed_in(http) for http in others)
    assert _signed_in(mine) and _signed_in(lea)
    response = mine.post("/account/sessions/logout-others", follow_redirects=True)
    assert "Aucune autre session n'était ouverte." in html.unescape(response.text)


def test_logout_ends_this_session_only(app, org):
    mine, ipad = _login(app, agent=FIREFOX), _login(app, agent=IPAD)
    stolen = mine.get_cookie("session").value
    assert mine.post("/logout").status_code == 302
    assert [r.ended_at is None for r in _rows(org["advisor"])] == [False, True]
    assert _signed_in(ipad)
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert not _signed_in(replay)


def test_someone_elses_session_is_404_and_stays_open(app, org):
    _login(app, email="lea@example.fr")
    (lea_session,) = _rows(org["other_advisor"])
    mine = _login(app)
    admin = _login(app, email="admin@example.fr")
    for http in (mine, admin):  # admins too: « Mes sessions » is one's own
        assert http.post(f"/account/sessions/{lea_session.id}/logout").status_code == 404
    for bad in ("0", "-1", str(2**31), str(2**63), "abc"):
        assert mine.post(f"/account/sessions/{bad}/logout").status_code == 404
    assert _rows(org["other_advisor"])[0].ended_at is None


def test_anonymous_is_sent_to_login(client):
    response = client.get("/account/sessions")
    assert response.status_code == 302 and "/login" in response.location
    assert client.post("/account/sessions/logout-others").status_code == 302


def test_deactivation_by_an_admin_ends_the_users_sessions(app, org, login):
    marc = _login(app)
    admin = login(org["admin"])
    response = admin.post(f"/admin/users/{org['advisor'].id}", data={
        "email": "marc@example.fr", "name": "Marc Petit", "team_id": org["lyon"].id,
        "role": "advisor", "operations_access": "own"})  # « Compte actif » unticked
    assert response.status_code == 302
    assert [r.ended_at is not None for r in _rows(org["advisor"])] == [True]
    assert not _signed_in(marc)


def test_a_session_of_a_deactivated_account_does_not_authenticate(org):
    marc = org["advisor"]
    open_session(marc, FIREFOX, "10.0.0.1")
    key = marc.session_key
    assert session_user(key) is marc
    marc.active = False
    assert session_user(key) is None


@pytest.mark.parametrize("key", ["", ":", "1:", "x:abc", "99999999999:abc", "1:forged",
                                 "1:" + "a" * 5000])
def test_forged_cookies_do_not_authenticate(org, key):
    open_session(org["admin"], FIREFOX, "10.0.0.1")
    assert session_user(key) is None


def test_last_seen_moves_at_most_once_a_minute(org):
    marc = org["advisor"]
    row = open_session(marc, FIREFOX, "10.0.0.1", now=NOON)
    key = marc.session_key
    session_user(key, now=NOON + timedelta(seconds=30))
    assert row.last_seen_at == NOON
    session_user(key, now=NOON + timedelta(seconds=75))
    assert row.last_seen_at == NOON + timedelta(seconds=75)


def test_end_sessions_keeps_the_one_asked_and_counts(org):
    marc = org["advisor"]
    kept, *others = [open_session(marc, FIREFOX, "10.0.0.1") for _ in range(3)]
    lea = open_session(org["other_advisor"], FIREFOX, "10.0.0.1")
    assert end_sessions(marc, keep=kept) == 2
    assert kept.ended_at is None and lea.ended_at is None
    assert all(row.ended_at is not None for row in others)
    assert end_sessions(marc) == 1 and kept.ended_at is not None


def test_another_accounts_secret_does_not_open_mine(org):
    open_session(org["other_advisor"], FIREFOX, "10.0.0.1")
    lea_secret = org["other_advisor"].session_key.partition(":")[2]
    assert session_user(f"{org['advisor'].id}:{lea_secret}") is None


class TestCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_ending_needs_the_token(self, app, org, login):
        other = login(org["advisor"])  # another browser of Marc's
        http = app.test_client()
        page = http.get("/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)[1]
        assert http.post("/login", data={"email": "marc@example.fr", "password": PASSWORD,
                                         "csrf_token": token}).status_code == 302
        row = _rows(org["advisor"])[0]
        for url in (f"/account/sessions/{row.id}/logout", "/account/sessions/logout-others"):
            assert http.post(url).status_code == 400
        assert all(r.ended_at is None for r in _rows(org["advisor"]))
        assert _signed_in(other)
        page = http.get("/account/sessions")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        assert http.post(f"/account/sessions/{row.id}/logout",
                         data={"csrf_token": token}).status_code == 302
        assert not _signed_in(other)


def test_a_forged_forwarded_address_is_not_believed(app, org):
    http = app.test_client()
    http.post("/login", data={"email": "marc@example.fr", "password": PASSWORD},
              headers={"X-Forwarded-For": "203.0.113.9"})
    assert _rows(org["advisor"])[0].address == "127.0.0.1"


class TestBehindAProxy:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "TRUSTED_PROXIES": 1}

    def test_the_address_nginx_forwarded_is_the_sessions(self, app, org):
        http = app.test_client()
        http.post("/login", data={"email": "marc@example.fr", "password": PASSWORD},
                  headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})
        # One trusted proxy: the address it appended (the last), not what the client sent.
        assert _rows(org["advisor"])[0].address == "203.0.113.9"
        assert "203.0.113.9" in http.get("/account/sessions").text
