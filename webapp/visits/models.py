"""The clients a user prepared for offline use, until when."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.database import UTCDateTime
from webapp.extensions import db


class PreparedVisit(db.Model):
    """One client prepared by one user: its pages are cached on the user's tablet."""

    __tablename__ = "prepared_visit"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),
                      Index("ix_prepared_visit_user_expires", "user_id", "expires_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    prepared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
