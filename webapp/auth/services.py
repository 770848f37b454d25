"""Writes on teams and users."""

from sqlalchemy import select

from webapp.auth.models import Team, User
from webapp.database import starts_with
from webapp.extensions import db


def place_team(team: Team, parent: Team | None) -> None:
    """Attach ``team`` under ``parent`` and rewrite the paths of its whole subtree."""
    old_path = team.path if team.id else None
    team.parent = parent
    if team.id is None:
        db.session.add(team)
        db.session.flush()
    new_path = f"{parent.path if parent else '/'}{team.id}/"
    if old_path and old_path != new_path and old_path != "/":
        for sub in db.session.scalars(
            select(Team).where(starts_with(Team.path, old_path),
                               Team.id != team.id)
        ):
            sub.path = new_path + sub.path.removeprefix(old_path)
    team.path = new_path
    db.session.flush()


def save_user(user: User, form) -> None:
    """Copy the admin form onto ``user``; a password field left empty keeps the password."""
    user.email = form.email.data.strip().lower()
    user.name = form.name.data.strip()
    user.team_id = form.team_id.data or None
    user.role = form.role.data
    user.manage_operations = form.manage_operations.data
    user.operations_access = form.operations_access.data
    if user.id and user.active and not form.active.data:
        user.rotate_session()  # a deactivated account loses its open sessions
    user.active = form.active.data
    if form.password.data:
        user.set_password(form.password.data)
        if user.id:
            user.rotate_session()
    db.session.add(user)
    db.session.flush()


