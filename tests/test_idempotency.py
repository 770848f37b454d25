"""Idempotent replays of the offline queue (issue #20): a key seen twice changes nothing,
the queue's order matters and the server applies the same rules and version checks as
online (the timeline's services), a refusal is recorded nowhere."""

import threading
import uuid

import pytest
from sqlalchemy import func, select

from webapp import clock
from webapp.extensions import db
from webapp.idempotency import IdempotentRequest
from webapp.operations.models import ConclusionKind, StepRecord, Target

TODAY = clock.today().isoformat()


def key() -> str:
    return str(uuid.uuid4())


def replay(http, path, data, idem, hx=True):
    headers = {"Idempotency-Key": idem}
    if hx:
        headers["HX-Request"] = "true"
    return http.post(path, data=data, headers=headers)


def records(target) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(StepRecord.id))
                             .where(StepRecord.target_id == target.id))


def done_first_step(target):
    step = target.operation.steps[0]
    return (f"/operations/targets/{target.id}/steps/{step.id}/records",
            {"status": "done", "day": TODAY, "notes": "Client joint.",
             "actions": [a.id for a in step.actions]})


def success_kind():
    return db.session.scalar(select(ConclusionKind).where(ConclusionKind.positive.is_(True)))


def test_a_key_seen_twice_changes_nothing(org, login, visit_client):
    _, target = visit_client()
    http = login(org["advisor"])
    path, data = done_first_step(target)
    idem = key()
    first = replay(http, path, data, idem)
    assert first.status_code == 200 and "Client joint." in first.text
    second = replay(http, path, data, idem)
    assert second.status_code == 200
    assert second.headers["Idempotent-Replayed"] == "true"
    assert records(target) == 1
    row = db.session.scalar(select(IdempotentRequest).where(IdempotentRequest.key == idem))
    assert (row.user_id, row.status, row.endpoint) == (
        org["advisor"].id, 200, "operations.create_record")
    assert row.created_at.tzinfo is not None
    # Without htmx the route redirects: the replay answers the same redirect.
    other_key = key()
    _, second_target = visit_client("Paul", "Rousseau")
    path, data = done_first_step(second_target)
    assert replay(http, path, data, other_key, hx=False).status_code == 302
    again = replay(http, path, data, other_key, hx=False)
    assert again.status_code == 302 and again.headers["Location"].endswith(
        f"/operations/targets/{second_target.id}")
    assert records(second_target) == 1


def test_the_queue_is_replayed_in_order(org, login, visit_client):
    """Step 2 (mandatory meeting) needs step 1 done: in the order typed both land; in the
    other order the server refuses step 2 with the same message as online."""
    _, in_order = visit_client("Anne", "Roux")
    _, reversed_ = visit_client("Paul", "Rousseau")
    http = login(org["advisor"])

    def queue(target):
        first_path, first_data = done_first_step(target)
        meeting = target.operation.steps[1]
        return [(first_path, first_data, key()),
                (f"/operations/targets/{target.id}/steps/{meeting.id}/records",
                 {"status": "done", "day": TODAY, "time": "14:30", "place": "Agence"}, key())]

    statuses = [replay(http, *item).status_code for item in queue(in_order)]
    assert statuses == [200, 200] and records(in_order) == 2

    items = queue(reversed_)
    refused = replay(http, *items[1])
    assert refused.status_code == 422
    assert "Appel de prise de contact" in refused.text
    assert replay(http, *items[0]).status_code == 200
    assert records(reversed_) == 1
    # The refused key was rolled back with the rest: typed again later, it is judged again.
    assert db.session.scalar(select(IdempotentRequest)
                             .where(IdempotentRequest.key == items[1][2])) is None
    assert replay(http, *items[1]).status_code == 200
    assert records(reversed_) == 2


def test_a_mandatory_action_is_checked_on_replay(org, login, visit_client):
    _, target = visit_client()
    path, data = done_first_step(target)
    refused = replay(login(org["advisor"]), path, {**data, "actions": []}, key())
    assert refused.status_code == 422
    assert "Vérifier la fiche client" in refused.text
    assert records(target) == 0


def test_a_conflicting_conclusion_answers_409_with_the_current_one(org, login, visit_client):
    """The advisor concluded offline (version 1); the manager concluded meanwhile: the
    replay is a conflict whose answer holds the conclusion there is (« À revoir » shows
    both)."""
    _, target = visit_client()
    kind = success_kind()
    failure = db.session.scalar(select(ConclusionKind)
                                .where(ConclusionKind.positive.is_(False)))
    typed = {"version": str(target.version), "conclusion_kind_id": kind.id,
             "conclusion_date": TODAY, "amount": "12 000"}
    path = f"/operations/targets/{target.id}/conclusion"
    manager = login(org["manager"]).post(path, data={
        "version": str(target.version), "conclusion_kind_id": failure.id,
        "conclusion_date": TODAY}, headers={"HX-Request": "true"})
    assert manager.status_code == 200
    answer = replay(login(org["advisor"]), path, typed, key())
    assert answer.status_code == 409
    assert "data-offline-current" in answer.text and failure.name in answer.text
    db.session.expire_all()
    assert db.session.get(Target, target.id).success is False


def test_stale_version_is_a_conflict_on_replay(org, login, visit_client):
    _, target = visit_client()
    path, data = done_first_step(target)
    http = login(org["advisor"])
    stale = {"version": str(target.version), "conclusion_kind_id": success_kind().id,
             "conclusion_date": TODAY, "amount": "5000"}
    assert replay(http, path, data, key()).status_code == 200
    db.session.expire_all()
    stale["version"] = str(db.session.get(Target, target.id).version)
    db.session.get(Target, target.id).potential = 1  # a manager's change: version moves
    db.session.commit()
    answer = replay(http, f"/operations/targets/{target.id}/conclusion", stale, key())
    assert answer.status_code == 409
    assert db.session.get(Target, target.id).concluded is False


def test_keys_bad_another_users_and_signed_out(org, login, visit_client, client):
    _, target = visit_client()
    path, data = done_first_step(target)
    assert replay(login(org["advisor"]), path, data, "no").status_code == 400
    assert replay(login(org["advisor"]), path, data, "x" * 65).status_code == 400
    assert records(target) == 0
    idem = key()
    assert replay(login(org["advisor"]), path, data, idem).status_code == 200
    # The same key from someone else is no replay of theirs: nothing done.
    assert replay(login(org["manager"]), path, data, idem).status_code == 409
    assert records(target) == 1
    # Signed out: the login page, no key recorded.
    lost = key()
    assert replay(client, path, data, lost).status_code == 302
    assert db.session.scalar(select(IdempotentRequest)
                             .where(IdempotentRequest.key == lost)) is None


def test_a_get_ignores_the_key(org, login, visit_client):
    _, target = visit_client()
    idem = key()
    http = login(org["advisor"])
    answer = http.get(f"/operations/targets/{target.id}", headers={"Idempotency-Key": idem})
    assert answer.status_code == 200
    assert db.session.scalar(select(func.count(IdempotentRequest.id))) == 0


@pytest.mark.parametrize("copies", [2])
def test_two_copies_racing_land_once(app, org, visit_client, login, copies):
    """The page and the background sync replaying at once: one applies, the other
    answers as a replay (or waits and then does)."""
    _, target = visit_client()
    path, data = done_first_step(target)
    idem = key()
    db.session.commit()
    statuses = []

    advisor = org["advisor"]
    login(advisor)  # the advisor's session (« Mes sessions »), which both copies carry

    def send():
        try:
            with app.app_context(), app.test_client(user=advisor) as http:
                statuses.append(replay(http, path, data, idem).status_code)
        except Exception as error:  # shown by the assertion below
            statuses.append(repr(error))

    threads = [threading.Thread(target=send) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(statuses) == copies and all(s in (200, 409) for s in statuses), statuses
    assert statuses.count(200) >= 1
    assert records(target) == 1


def test_old_keys_are_pruned_when_preparing(org, login, visit_client):
    from datetime import UTC, datetime, timedelta

    from webapp.visits import services

    anne, target = visit_client()
    _, other = visit_client("Paul", "Rousseau")
    old, recent = key(), key()
    http = login(org["advisor"])
    assert replay(http, *done_first_step(target), old).status_code == 200
    assert replay(http, *done_first_step(other), recent).status_code == 200
    now = datetime.now(UTC)
    row = db.session.scalar(select(IdempotentRequest).where(IdempotentRequest.key == old))
    row.created_at = now - timedelta(days=31)
    db.session.commit()
    services.prepare(org["advisor"].id, [anne], now, 3)
    kept = set(db.session.scalars(select(IdempotentRequest.key)))
    assert kept == {recent}
