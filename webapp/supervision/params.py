"""The scope of a supervision page, read from its query string (operation, advisor, as_of),
and the query arguments that carry it from tab to tab and into the drill-down links."""

from datetime import date

from flask import abort, request
from flask_login import current_user
from sqlalchemy import or_, select

from webapp import clock
from webapp.auth.models import User
from webapp.auth.scope import scoped
from webapp.extensions import db
from webapp.ids import MAX_ID
from webapp.operations.models import Operation, Target
from webapp.supervision.metrics import Scope, operations_in, over_targets


def by_id_or_key(model, value: str | None):
    """An object named by its id or its external key, within the viewer's scope; 404."""
    if not value:
        return None
    condition = model.key == value
    if value.isdigit() and int(value) <= MAX_ID:
        condition = or_(condition, model.id == int(value))
    found = db.session.scalar(scoped(select(model).where(condition), model))
    return found if found is not None else abort(404)


AS_OF_ERROR = "as_of : date attendue au format AAAA-MM-JJ."


def parse_as_of(text: str | None) -> date | None:
    """``as_of`` (AAAA-MM-JJ), today when absent, None when it is not a date."""
    try:
        return date.fromisoformat(text) if text else clock.today()
    except ValueError:
        return None


def scope_from_args(as_of: date | None = None) -> Scope:
    """The scope the query string names; a bad ``as_of`` is a 400."""
    as_of = as_of or parse_as_of(request.args.get("as_of")) or abort(400, AS_OF_ERROR)
    return Scope(viewer=current_user, as_of=as_of,
                 operation=by_id_or_key(Operation, request.args.get("operation")),
                 advisor=advisor_in_scope(request.args.get("advisor"), as_of))


def advisor_in_scope(value: str | None, as_of: date) -> User | None:
    """The advisor the query string names: the viewer, or one following targets the
    viewer supervises (a colleague the user scope shows but whose figures the viewer
    does not supervise is a 404, like an id outside the scope)."""
    advisor = by_id_or_key(User, value)
    if advisor is None or advisor.id == current_user.id:
        return advisor
    wide = Scope(viewer=current_user, as_of=as_of)
    followed = over_targets(wide, Target.id).where(Target.advisor_id == advisor.id).limit(1)
    return advisor if db.session.scalar(followed) is not None else abort(404)


def scope_args(scope: Scope) -> dict:
    """The query arguments naming a scope (as_of only when it is not today)."""
    args = {}
    if scope.operation is not None:
        args["operation"] = scope.operation.id
    if scope.advisor is not None:
        args["advisor"] = scope.advisor.id
    if scope.as_of != clock.today():
        args["as_of"] = scope.as_of.isoformat()
    return args


def advisors_in(scope: Scope) -> list[User]:
    """The advisors holding targets in the scope (without its advisor), by name."""
    wide = Scope(viewer=scope.viewer, as_of=scope.as_of, operation=scope.operation)
    ids = over_targets(wide, Target.advisor_id).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))


def tab_context(scope: Scope) -> dict:
    """What the tabs' shared header needs: the scope, its choices and its query args."""
    return {"scope": scope, "args": scope_args(scope),
            "operations": operations_in(Scope(viewer=scope.viewer, as_of=scope.as_of)),
            "advisors": advisors_in(scope)}
