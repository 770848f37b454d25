"""A quote (devis) and its lines, each from the product catalogue."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.activities.catalogue.models import Product
from webapp.auth.models import User
from webapp.auth.scope import scope_for, seen_through
from webapp.choices import LabelledEnum
from webapp.clients.models import Client
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited


def _now():
    return datetime.now(UTC)


class QuoteStatus(LabelledEnum):
    DRAFT = "draft", "Brouillon"
    SENT = "sent", "Envoyé"
    ACCEPTED = "accepted", "Accepté"
    REFUSED = "refused", "Refusé"


class Quote(Audited, db.Model):
    __tablename__ = "quote"
    __table_args__ = (Index("ix_quote_client", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(160))
    valid_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=QuoteStatus.DRAFT.value)
    total_ht: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0.00"))
    total_ttc: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0.00"))
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunity.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    author: Mapped[User | None] = relationship()
    lines: Mapped[list["QuoteLine"]] = relationship(
        back_populates="quote", order_by="QuoteLine.position", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return QuoteStatus(self.status).label

    @property
    def number(self) -> str:
        return f"D-{self.created_at:%Y}-{self.id:06d}"

    @property
    def total_vat(self) -> Decimal:
        return self.total_ttc - self.total_ht

    def __str__(self):
        return f"Devis {self.number} — {self.title}"


class QuoteLine(Audited, db.Model):
    __tablename__ = "quote_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(ForeignKey("quote.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price_ht: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    total_ht: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    total_ttc: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    quote: Mapped[Quote] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


@scope_for(Quote)
def _quotes(user: User):
    return seen_through(Quote.client_id, Client, user)
