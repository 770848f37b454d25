"""Saved client queries (« Mes requêtes »): criteria kept under a name, re-run live."""

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, Text, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import Team, User
from webapp.auth.scope import scope_for
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited


def _now():
    return datetime.now(UTC)


class SavedQuery(Audited, db.Model):
    """A query's criteria (as its URL arguments), never its result: running it reads the
    clients as they are now. Private to its owner, or shared with the owner's team (and
    the teams below it)."""

    __tablename__ = "saved_query"
    __table_args__ = (Index("ix_saved_query_owner", "owner_id", "name"),
                      Index("ix_saved_query_team", "team_id", "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # Set when shared: the owner's team when it was shared.
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id", ondelete="SET NULL"))
    criteria: Mapped[str] = mapped_column(Text, default="")  # a query string
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)

    owner: Mapped[User] = relationship()
    team: Mapped[Team | None] = relationship()

    @property
    def shared(self) -> bool:
        return self.team_id is not None

    def __str__(self):
        return self.name


def team_ancestors(user: User) -> list[int]:
    """Ids of the user's team and the teams above it (from its path ``/1/4/9/``)."""
    if user.team is None:
        return []
    return [int(part) for part in user.team.path.strip("/").split("/") if part.isdigit()]


@scope_for(SavedQuery)
def _saved_queries(user: User):
    """One's own queries, and those shared with one's team or a team above it."""
    return or_(SavedQuery.owner_id == user.id, SavedQuery.team_id.in_(team_ancestors(user)))
