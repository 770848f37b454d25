"""An appointment with a client (« un nouvel évènement », seed 001 slide 26): when, how
long, where (or virtual), the subject, the rep. ``sequence`` is the invitation's .ics
SEQUENCE, bumped on every change the client must see."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.auth.scope import owned_by, scope_for
from webapp.choices import LabelledEnum
from webapp.clients.models import Client
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited


def _now():
    return datetime.now(UTC)


class AppointmentStatus(LabelledEnum):
    PLANNED = "planned", "Prévu"
    CANCELLED = "cancelled", "Annulé"


class Appointment(Audited, db.Model):
    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_rep_starts", "rep_id", "starts_at"),
        Index("ix_appointment_client_starts", "client_id", "starts_at"),
        Index("ix_appointment_status_starts", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    rep_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    subject: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    virtual: Mapped[bool] = mapped_column(Boolean, default=False)
    place: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=AppointmentStatus.PLANNED)
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    rep: Mapped[User] = relationship()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def cancelled(self) -> bool:
        return self.status == AppointmentStatus.CANCELLED

    @property
    def where(self) -> str:
        return "Rendez-vous virtuel" if self.virtual else (self.place or "")


@scope_for(Appointment)
def _appointments(user: User):
    """A rep sees their appointments; a manager their group's; the others all."""
    return owned_by(Appointment.rep_id, user, user.role.client_access)
