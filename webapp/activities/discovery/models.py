"""A client's discovery: one text per theme, saved together (« 3 minimum obligatoires »).
The client may read them (CNIL): objective facts only."""

from datetime import UTC, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import User
from webapp.choices import LabelledEnum
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited


def _now():
    return datetime.now(UTC)


class Theme(LabelledEnum):
    ACTIVITY = "activity", "Activité et savoir-faire"
    CUSTOMERS = "customers", "Clientèle et zone de chalandise"
    COMMUNICATION = "media", "Communication actuelle"
    COMPETITION = "rivals", "Concurrence"
    PROJECTS = "projects", "Projets et besoins"
    BUDGET = "budget", "Budget"
    NEXT = "next", "Suite à donner"


class Discovery(Audited, db.Model):
    __tablename__ = "discovery"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"),
                                           unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    updated_by: Mapped[User | None] = relationship()
    items: Mapped[list["DiscoveryItem"]] = relationship(
        back_populates="discovery", cascade="all, delete-orphan", order_by="DiscoveryItem.id")

    def texts(self) -> dict[str, str]:
        return {item.theme: item.text for item in self.items}


class DiscoveryItem(Audited, db.Model):
    __tablename__ = "discovery_item"
    __table_args__ = (UniqueConstraint("discovery_id", "theme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discovery_id: Mapped[int] = mapped_column(ForeignKey("discovery.id", ondelete="CASCADE"))
    theme: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)

    discovery: Mapped[Discovery] = relationship(back_populates="items")

    @property
    def theme_label(self) -> str:
        return Theme.labels().get(self.theme, self.theme)
