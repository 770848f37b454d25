"""Writes on the routing matrix and on the desk's designations; each checks what the
matrix may hold and raises ``Refused`` with the French reason."""

from dataclasses import dataclass

from sqlalchemy import select

from webapp.auth.models import Role
from webapp.backoffice.matrix.queries import people, validator_ids
from webapp.backoffice.models import Designation, Duty, RequestType, RoutingEntry
from webapp.backoffice.requests.rules import WORKFLOWS
from webapp.errors import Refused
from webapp.extensions import db

NAME_MAX = 80
CLASH = "Ce type de demande existe déjà."


@dataclass(frozen=True)
class TypeInput:
    """A line of the matrix: the request kind, its workflow and its people."""

    name: str
    workflow: str = "simple"
    to_bo: bool = True
    checklist: bool = False
    active: bool = True
    addressees: tuple[int, ...] = ()
    copies: tuple[int, ...] = ()


def _type_error(request_type: RequestType, values: TypeInput) -> str | None:
    name = " ".join((values.name or "").split())
    if not name or len(name) > NAME_MAX:
        return f"Indiquez le nom de la demande ({NAME_MAX} caractères au plus)."
    clash = db.session.scalar(select(RequestType.id).where(RequestType.name == name))
    if clash is not None and clash != request_type.id:
        return CLASH
    if values.workflow not in WORKFLOWS:
        return "Choix invalide."
    if set(values.addressees + values.copies) - {u.id for u in people()}:
        return "Choisissez parmi les personnes proposées."
    if set(values.addressees) & set(values.copies):
        return "Une même personne ne peut pas être destinataire et en copie."
    return None


def save_type(request_type: RequestType, values: TypeInput) -> RequestType:
    """Save a new or existing request type of the matrix, its people included."""
    if error := _type_error(request_type, values):
        raise Refused(error)
    if request_type.id is None:
        last = db.session.scalar(select(db.func.max(RequestType.position))) or 0
        request_type.position = last + 1
        db.session.add(request_type)
    request_type.name = " ".join(values.name.split())
    request_type.workflow, request_type.to_bo = values.workflow, values.to_bo
    request_type.checklist, request_type.active = values.checklist, values.active
    wanted = {(uid, False) for uid in values.addressees} | {
        (uid, True) for uid in values.copies}
    request_type.routes = [e for e in request_type.routes if (e.user_id, e.copy) in wanted]
    db.session.flush()  # removed entries go before re-added ones (unique type × user)
    kept = {(e.user_id, e.copy) for e in request_type.routes}
    request_type.routes += [RoutingEntry(user_id=uid, copy=copy)
                            for uid, copy in sorted(wanted - kept)]
    db.session.flush()
    return request_type


def save_validators(user_ids: list[int]) -> None:
    """The designated gesture validators, exactly ``user_ids`` (managers or admins)."""
    allowed = {u.id for u in people() if u.role in (Role.MANAGER, Role.ADMIN)}
    wanted = set(user_ids)
    if wanted - allowed:
        raise Refused("Choisissez parmi les responsables proposés.")
    current = set(validator_ids())
    for designation in db.session.scalars(select(Designation).where(
            Designation.duty == Duty.GESTURE_VALIDATOR,
            Designation.user_id.in_(current - wanted))):
        db.session.delete(designation)
    db.session.add_all(Designation(duty=Duty.GESTURE_VALIDATOR, user_id=uid)
                       for uid in sorted(wanted - current))
    db.session.flush()
