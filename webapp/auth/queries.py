"""Reads of the auth domain."""

from sqlalchemy import select

from webapp.auth.models import User, UserSession
from webapp.auth.scope import scoped
from webapp.extensions import db


def open_sessions(user: User) -> list[UserSession]:
    """« Mes sessions »: the account's sessions not ended, the latest active first."""
    stmt = (select(UserSession).where(UserSession.ended_at.is_(None))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()))
    return list(db.session.scalars(scoped(stmt, UserSession, user)))
