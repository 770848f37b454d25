"""The branches' SPEX rotation (« tour de gun RDV ») and DV groups."""

from datetime import datetime

from sqlalchemy import select, update

from webapp.auth.models import User
from webapp.extensions import db
from webapp.opportunities.models import BranchStaff, Duty
from webapp.opportunities.rules import next_in_rotation


def proposed_spex(branch_id: int | None) -> int | None:
    """The SPEX whose turn it is in the branch (active SPEX only)."""
    if not branch_id:
        return None
    rows = db.session.execute(
        select(BranchStaff.user_id, BranchStaff.last_assigned_at)
        .join(User, User.id == BranchStaff.user_id)
        .where(BranchStaff.branch_id == branch_id, BranchStaff.duty == Duty.SPEX, User.active)
        .order_by(BranchStaff.position, BranchStaff.id)).all()
    return next_in_rotation([(r.user_id, r.last_assigned_at) for r in rows])


def served(branch_id: int | None, spex_id: int | None, at: datetime) -> None:
    """A meeting went to ``spex_id`` (proposed or chosen by hand): their turn is over."""
    if branch_id and spex_id:
        db.session.execute(update(BranchStaff).where(
            BranchStaff.branch_id == branch_id, BranchStaff.user_id == spex_id,
            BranchStaff.duty == Duty.SPEX).values(last_assigned_at=at))


def dv_group(branch_id: int | None) -> list[User]:
    """The branch's DV group: the participants of a virtual meeting (« Groupes : DV »)."""
    if not branch_id:
        return []
    return db.session.scalars(
        select(User).join(BranchStaff, BranchStaff.user_id == User.id)
        .where(BranchStaff.branch_id == branch_id, BranchStaff.duty == Duty.DV, User.active)
        .order_by(BranchStaff.position, User.name)).all()
