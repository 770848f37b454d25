"""The one scoping mechanism: what a user may see of a model, as a SQL condition.

Each domain registers how its model is scoped (``@scope_for(Client)``); views load
objects through ``get_or_404`` and lists through ``scoped``, so an object outside the
viewer's hierarchy answers 404 and never appears in a list.
"""

from collections.abc import Callable

from flask import abort
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, exists, false, select, true

from webapp.auth.models import Access, Team, User, UserSession
from webapp.database import starts_with
from webapp.extensions import db

_SCOPES: dict[type, Callable[[User], ColumnElement[bool]]] = {}


def scope_for(model: type):
    """Register the function giving ``model``'s visibility condition for a user."""

    def register(func):
        _SCOPES[model] = func
        return func

    return register


def teams_under(user: User) -> Select:
    """Ids of the user's team and every team below it."""
    if user.team is None:
        return select(Team.id).where(false())
    return select(Team.id).where(starts_with(Team.path, user.team.path))


def users_under(user: User) -> Select:
    """Ids of the users in the viewer's hierarchy (the viewer included)."""
    return select(User.id).where(
        (User.team_id.in_(teams_under(user))) | (User.id == user.id)
    )


def owned_by(column, user: User, access: Access) -> ColumnElement[bool]:
    """Condition on an owner column for an access level: none, own, team or all."""
    if access == Access.ALL:
        return true()
    if access == Access.TEAM:
        return column.in_(users_under(user))
    if access == Access.OWN:
        return column == user.id
    return false()


def scoped(stmt: Select, model: type, user: User | None = None) -> Select:
    """``stmt`` restricted to the rows of ``model`` that ``user`` (default: current) sees."""
    return stmt.where(_SCOPES[model](user or current_user))


def seen_through(column, model: type, user: User | None = None) -> ColumnElement[bool]:
    """The rows whose ``model`` row (``column`` holds its id) ``user`` sees: a correlated
    EXISTS, one index lookup per row. (``column IN (scoped ids)`` reads every visible
    id first: 100 000 clients for a BDC agent, 32 ms for one proposal.)"""
    return exists(select(model.id).where(model.id == column,
                                         _SCOPES[model](user or current_user)))


def get_or_404(model: type, object_id: int, user: User | None = None):
    """Load one object the user may see, or answer 404 (never 403: ids are not leaked)."""
    obj = db.session.scalar(scoped(select(model).where(model.id == object_id), model, user))
    if obj is None:
        abort(404)
    return obj


@scope_for(User)
def _users(user: User):
    if user.role.client_access == Access.ALL:
        return true()
    return User.id.in_(users_under(user))


@scope_for(Team)
def _teams(user: User):
    if user.role.client_access == Access.ALL:
        return true()
    return Team.id.in_(teams_under(user))


@scope_for(UserSession)
def _sessions(user: User):
    # Everyone, admins included, sees and ends only their own sessions.
    return UserSession.user_id == user.id
