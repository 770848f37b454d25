"""Read queries on the routing matrix and the desk's designations."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.auth.models import Role, User
from webapp.backoffice.models import Designation, Duty, RequestType, RoutingEntry
from webapp.extensions import db


def all_types() -> list[RequestType]:
    """Every line of the matrix with its people, in the matrix's order."""
    return db.session.scalars(select(RequestType).options(
        selectinload(RequestType.routes).selectinload(RoutingEntry.user))
        .order_by(RequestType.position, RequestType.id)).all()


def people() -> list[User]:
    """Who may receive requests: every active user but the BDC agents."""
    return db.session.scalars(select(User).where(User.active, User.role != Role.BDC_AGENT)
                              .order_by(User.name)).all()


def validator_ids() -> list[int]:
    """The designated gesture validators (« après validation de David »)."""
    return list(db.session.scalars(select(Designation.user_id).where(
        Designation.duty == Duty.GESTURE_VALIDATOR)))


def validators() -> list[User]:
    """The active designated gesture validators, told of each gesture to decide."""
    return db.session.scalars(select(User).join(Designation, Designation.user_id == User.id)
                              .where(Designation.duty == Duty.GESTURE_VALIDATOR, User.active)
                              .order_by(User.name)).all()
