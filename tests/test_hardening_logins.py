"""Login limits per account and per client address, in the limiter's storage (memory, or
Redis shared by every worker)."""


from sqlalchemy import select

from tests.conftest import PASSWORD
from webapp.extensions import db
from webapp.history import AuditRow

SPRAYED = "Printemps2026!"


def _spray(http, count, address="203.0.113.7"):
    """One password tried over ``count`` accounts (existing or not) from one address."""
    return [http.post("/login", data={"email": f"user{n}@example.fr", "password": SPRAYED},
                      environ_base={"REMOTE_ADDR": address}).status_code
            for n in range(count)]


def _marc_logs_in(http, address="203.0.113.7"):
    return http.post("/login", data={"email": "marc@example.fr", "password": PASSWORD},
                     environ_base={"REMOTE_ADDR": address})


def test_a_password_spray_from_one_address_is_slowed(app, org):
    http = app.test_client()
    assert _spray(http, 10) == [422] * 10  # each account tried once: no per-account limit
    refused = _marc_logs_in(http)
    assert refused.status_code == 429 and "Trop de tentatives" in refused.text
    assert int(refused.headers["Retry-After"]) > 0
    # Another address is not slowed by this one's failures.
    assert _marc_logs_in(app.test_client(), "198.51.100.2").status_code == 302


def test_successful_logins_do_not_count(app, org):
    for _ in range(12):
        http = app.test_client()
        assert _marc_logs_in(http).status_code == 302


def test_a_spray_over_two_workers_is_counted_once_through_redis(redis_apps):
    first, second = redis_apps
    with first.app_context():
        assert _spray(first.test_client(), 5) == [422] * 5
    with second.app_context():
        assert _spray(second.test_client(), 5) == [422] * 5
        assert _marc_logs_in(second.test_client()).status_code == 429


def _login_rows(user):
    return [(row.action, row.new) for row in db.session.scalars(
        select(AuditRow).where(AuditRow.object_type == "user", AuditRow.object_id == user.id,
                               AuditRow.action.in_(("login", "login_fail")))
        .order_by(AuditRow.id))]


def test_logins_and_failures_are_in_the_accounts_history(app, org, login):
    http = app.test_client()
    wrong = http.post("/login", data={"email": "marc@example.fr", "password": "nope"},
                      environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert wrong.status_code == 422  # rolled back, the failure's row stays
    http.post("/login", data={"email": "nobody@example.fr", "password": "nope"})
    assert _marc_logs_in(http, "198.51.100.4").status_code == 302
    db.session.expire_all()
    assert _login_rows(org["advisor"]) == [("login_fail", "203.0.113.9"),
                                           ("login", "198.51.100.4")]
    page = login(org["admin"]).get(f"/admin/users/{org['advisor'].id}")
    assert page.status_code == 200
    assert "Échec de connexion" in page.text and "203.0.113.9" in page.text
    assert "Connexion" in page.text and "198.51.100.4" in page.text
