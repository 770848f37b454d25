"""A complaint (réclamation) the client made (slide 44: « Le millésime et le n° de
commande doivent être impérativement enrichis. Origine de la requête : par défaut
« Visite » »)."""

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.auth.scope import scope_for, seen_through
from webapp.choices import LabelledEnum
from webapp.clients.models import Client
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited


def _now():
    return datetime.now(UTC)


class ComplaintStatus(LabelledEnum):
    FILED = "filed", "Déposée"
    IN_PROGRESS = "in_progress", "En cours"
    PROCESSED = "processed", "Traitée"
    CLOSED = "closed", "Close"


class ComplaintOrigin(LabelledEnum):
    """The data list of origins (« Origine de la requête »), « Visite » first: the default."""

    VISIT = "visit", "Visite"
    PHONE = "phone", "Téléphone"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Courrier"
    CUSTOMER_SERVICE = "service", "Service client"


class Complaint(Audited, db.Model):
    __tablename__ = "complaint"
    __table_args__ = (
        Index("ix_complaint_client", "client_id", "created_at"),
        Index("ix_complaint_status", "status", "created_at"),
    )
    __audit_exclude__ = frozenset({"open_key"})

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    vintage: Mapped[int] = mapped_column(Integer)  # le millésime (the edition's year)
    order_number: Mapped[str] = mapped_column(String(30))
    origin: Mapped[str] = mapped_column(String(20), default=ComplaintOrigin.VISIT.value)
    comment: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=ComplaintStatus.FILED.value)
    # « client id:order number » while the complaint is open, NULL once closed: the unique
    # constraint makes « one open complaint per client and order » hold under a race.
    open_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def status_label(self) -> str:
        return ComplaintStatus(self.status).label

    @property
    def origin_label(self) -> str:
        return ComplaintOrigin.labels().get(self.origin, self.origin)

    @property
    def reference(self) -> str:
        return f"R-{self.id:06d}"

    def __str__(self):
        return f"Réclamation {self.reference} (commande {self.order_number})"


@scope_for(Complaint)
def _complaints(user: User):
    return seen_through(Complaint.client_id, Client, user)
