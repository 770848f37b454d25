"""Writes on commercial gestures: asked with evidence, decided, processed with the answer
to the agency (the rep in copy); each step tells the next people."""

from datetime import UTC, datetime

from flask import url_for
from sqlalchemy import select

from webapp import clock, uploads
from webapp.auth.models import User
from webapp.backoffice.gestures.rules import GestureStatus
from webapp.backoffice.models import Designation, Duty, Gesture, GestureEvidence
from webapp.backoffice.notify import tell
from webapp.backoffice.requests import queries as queries_requests
from webapp.extensions import db
from webapp.notifications.outbox import queue_mail


def validators() -> list[User]:
    return db.session.scalars(select(User).join(Designation, Designation.user_id == User.id)
                              .where(Designation.duty == Duty.GESTURE_VALIDATOR, User.active)
                              .order_by(User.name)).all()


def _url(gesture: Gesture) -> str:
    return url_for("backoffice.gesture", gesture_id=gesture.id)


def request_gesture(form, requester: User) -> Gesture:
    """Store the evidence (types sniffed; raises UploadError) and ask the validators."""
    stored = [uploads.store(f, "document") for f in form.files()]
    gesture = Gesture(client_id=form.client.id, requester_id=requester.id,
                      amount=form.amount.data, reason=form.reason.data.strip(),
                      status=GestureStatus.REQUESTED, requested_on=clock.today())
    gesture.evidence = [GestureEvidence(stored_name=s.name, original=s.original,
                                        mimetype=s.mimetype, size=s.size) for s in stored]
    db.session.add(gesture)
    db.session.flush()
    tell(validators(), [], requester, "bo-gesture", "backoffice_gesture",
         f"Geste commercial à valider : {gesture.client.full_name}", _url(gesture),
         gesture=gesture)
    db.session.flush()
    return gesture


def decide(gesture: Gesture, decision: str, note: str | None, validator: User) -> None:
    """The designated manager's decision (checked by the caller with the rule)."""
    gesture.status = decision
    gesture.decided_by_id = validator.id
    gesture.decided_at = datetime.now(UTC)
    gesture.decision_note = (note or "").strip() or None
    db.session.flush()
    to = queries_requests.bo_assistants() if decision == GestureStatus.VALIDATED else []
    tell([*to, gesture.requester], [], validator, "bo-gesture-decision",
         "backoffice_gesture_decision",
         f"Geste commercial {gesture.status_label.lower()} : {gesture.client.full_name}",
         _url(gesture), gesture=gesture)
    db.session.flush()


def process(gesture: Gesture, answer: str, user: User) -> None:
    """« La réponse est adressée à l'agence avec en copie le commercial »."""
    gesture.status = GestureStatus.PROCESSED
    gesture.processed_by_id = user.id
    gesture.processed_at = datetime.now(UTC)
    gesture.answer = answer.strip()
    db.session.flush()
    requester = gesture.requester
    queue_mail("bo-gesture-answer", gesture.client.email, "backoffice_gesture_answer",
               cc=[requester.email] if requester.active else [], gesture=gesture)
    db.session.flush()
