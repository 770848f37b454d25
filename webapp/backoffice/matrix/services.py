"""Writes on the routing matrix and on the desk's designations."""

from sqlalchemy import select

from webapp.backoffice.models import Designation, Duty, RequestType, RoutingEntry
from webapp.extensions import db


def save_type(request_type: RequestType, form) -> RequestType:
    """Copy the validated form onto a new or existing request type, people included."""
    if request_type.id is None:
        last = db.session.scalar(select(db.func.max(RequestType.position))) or 0
        request_type.position = last + 1
        db.session.add(request_type)
    request_type.name = form.name.data.strip()
    for name in ("workflow", "to_bo", "checklist", "active"):
        setattr(request_type, name, getattr(form, name).data)
    wanted = {(uid, False) for uid in form.addressees.data or []} | {
        (uid, True) for uid in form.copies.data or []}
    request_type.routes = [e for e in request_type.routes if (e.user_id, e.copy) in wanted]
    db.session.flush()  # removed entries go before re-added ones (unique type × user)
    kept = {(e.user_id, e.copy) for e in request_type.routes}
    request_type.routes += [RoutingEntry(user_id=uid, copy=copy)
                            for uid, copy in sorted(wanted - kept)]
    db.session.flush()
    return request_type


def validator_ids() -> list[int]:
    return list(db.session.scalars(select(Designation.user_id).where(
        Designation.duty == Duty.GESTURE_VALIDATOR)))


def save_validators(user_ids: list[int]) -> None:
    """The designated gesture validators, exactly ``user_ids``."""
    current = set(validator_ids())
    wanted = set(user_ids)
    for designation in db.session.scalars(select(Designation).where(
            Designation.duty == Duty.GESTURE_VALIDATOR,
            Designation.user_id.in_(current - wanted))):
        db.session.delete(designation)
    db.session.add_all(Designation(duty=Duty.GESTURE_VALIDATOR, user_id=uid)
                       for uid in sorted(wanted - current))
    db.session.flush()
