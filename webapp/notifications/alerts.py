"""Home-page alerts: raised by the modules and the reminders, read once opened."""

from sqlalchemy import func, select

from webapp.auth.models import User
from webapp.auth.scope import scope_for
from webapp.extensions import db
from webapp.notifications.models import Alert


def notify(user_id: int, kind: str, title: str, url: str | None = None,
           dedup_key: str | None = None) -> Alert | None:
    """Add an alert in the caller's transaction; a repeated ``dedup_key`` adds nothing."""
    if dedup_key and db.session.scalar(select(Alert.id).where(Alert.dedup_key == dedup_key)):
        return None
    alert = Alert(user_id=user_id, kind=kind, title=title[:300], url=url, dedup_key=dedup_key)
    db.session.add(alert)
    return alert


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Alert.id)).where(
        Alert.user_id == user.id, Alert.read_at.is_(None)))


def alerts_of(user: User):
    """The user's alerts, unread first, newest first."""
    return (select(Alert).where(Alert.user_id == user.id)
            .order_by(Alert.read_at.is_not(None), Alert.id.desc()))


@scope_for(Alert)
def _alerts(user: User):
    return Alert.user_id == user.id
