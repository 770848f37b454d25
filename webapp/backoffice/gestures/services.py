"""Writes on commercial gestures: asked with evidence, decided, processed with the answer
to the agency (the rep in copy); each checks slide 10's rules (``Refused``) and tells the
next people."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from flask import url_for

from webapp import clock, uploads
from webapp.auth.models import Role, User
from webapp.backoffice.gestures.rules import (
    GestureStatus,
    decision_error,
    gesture_error,
    processing_error,
)
from webapp.backoffice.matrix.queries import validator_ids, validators
from webapp.backoffice.models import Gesture, GestureEvidence
from webapp.backoffice.notify import tell
from webapp.backoffice.requests import queries as queries_requests
from webapp.clients.models import Client
from webapp.concurrency import save_versioned
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.outbox import queue_mail

STALE = "Ce geste vient d'être modifié par quelqu'un d'autre : vérifiez avant d'agir."
DECISIONS = (GestureStatus.VALIDATED, GestureStatus.REFUSED)


@dataclass(frozen=True)
class GestureInput:
    """A gesture asked for an agency, with the agency's proofs (uploaded files)."""

    client: Client
    amount: Decimal | None
    reason: str
    evidence: tuple = ()


def _url(gesture: Gesture) -> str:
    return url_for("backoffice.gesture", gesture_id=gesture.id)


def request_gesture(values: GestureInput, requester: User) -> Gesture:
    """Store the evidence (types sniffed; raises UploadError) and ask the validators."""
    if values.client is None:
        raise Refused("Choisissez l'agence.")
    if error := gesture_error(values.amount, len(values.evidence)):
        raise Refused(error)
    if not (values.reason or "").strip():
        raise Refused("Indiquez le motif du geste.")
    stored = [uploads.store(f, "document") for f in values.evidence]
    gesture = Gesture(client_id=values.client.id, requester_id=requester.id,
                      amount=values.amount, reason=values.reason.strip(),
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


def check_decider(gesture: Gesture, user: User) -> None:
    """« après validation de David »: ``Refused`` unless ``user`` may decide it now (403
    not theirs to decide, 409 already decided)."""
    designated = validator_ids()
    if error := decision_error(user.id, designated, gesture.requester_id, gesture.status):
        allowed = user.id in designated and user.id != gesture.requester_id
        raise Refused(error, 409 if allowed else 403)


def decide(gesture: Gesture, posted_version, decision: str, note: str | None,
           validator: User) -> None:
    """The designated manager validates or refuses, on the version they saw."""
    check_decider(gesture, validator)
    if decision not in DECISIONS:
        raise Refused("Choisissez de valider ou de refuser.")
    save_versioned(gesture, posted_version,
                   lambda: _record_decision(gesture, decision, note, validator), STALE)
    to = queries_requests.bo_assistants() if decision == GestureStatus.VALIDATED else []
    tell([*to, gesture.requester], [], validator, "bo-gesture-decision",
         "backoffice_gesture_decision",
         f"Geste commercial {gesture.status_label.lower()} : {gesture.client.full_name}",
         _url(gesture), gesture=gesture)
    db.session.flush()


def _record_decision(gesture: Gesture, decision: str, note: str | None,
                     validator: User) -> None:
    gesture.status = decision
    gesture.decided_by_id = validator.id
    gesture.decided_at = datetime.now(UTC)
    gesture.decision_note = (note or "").strip() or None


def check_processor(gesture: Gesture, user: User) -> None:
    """``Refused`` unless the BO may process it now (403 not the BO, 409 not validated or
    no e-mail to answer to)."""
    is_bo = user.role == Role.BO_ASSISTANT
    if error := processing_error(is_bo, gesture.status, gesture.client.email):
        raise Refused(error, 409 if is_bo else 403)


def process(gesture: Gesture, posted_version, answer: str, user: User) -> None:
    """« La réponse est adressée à l'agence avec en copie le commercial »."""
    check_processor(gesture, user)
    if not (answer or "").strip():
        raise Refused("Écrivez la réponse à l'agence.")
    save_versioned(gesture, posted_version,
                   lambda: _record_answer(gesture, answer, user), STALE)
    requester = gesture.requester
    queue_mail("bo-gesture-answer", gesture.client.email, "backoffice_gesture_answer",
               cc=[requester.email] if requester.active else [], gesture=gesture)
    db.session.flush()


def _record_answer(gesture: Gesture, answer: str, user: User) -> None:
    gesture.status = GestureStatus.PROCESSED
    gesture.processed_by_id = user.id
    gesture.processed_at = datetime.now(UTC)
    gesture.answer = answer.strip()
