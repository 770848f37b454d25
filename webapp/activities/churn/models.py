"""A churn recorded against a client: total (the client renews nothing, slide 40: « Il
comprend une date et un motif de chute »), partial (a product range dropped) or product
(one product dropped), against one of the client's accounts or a proposal's sub-order."""

from datetime import UTC, date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.activities.catalogue.models import Product
from webapp.auth.models import User
from webapp.auth.scope import scope_for, seen_through
from webapp.choices import LabelledEnum
from webapp.clients.models import Account, Client
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited


def _now():
    return datetime.now(UTC)


class ChurnScope(LabelledEnum):
    TOTAL = "total", "Chute totale"
    PARTIAL = "partial", "Chute partielle"
    PRODUCT = "product", "Chute produit"


class ChurnReason(LabelledEnum):
    """The data list of churn reasons (« motif de chute »)."""

    BUDGET = "budget", "Budget publicitaire réduit"
    RESULTS = "results", "Résultats jugés insuffisants"
    PRICE = "price", "Prix jugé trop élevé"
    COMPETITOR = "competitor", "Passage à la concurrence"
    CLOSURE = "closure", "Cessation d'activité"
    SALE = "sale", "Vente ou reprise du fonds"
    DISSATISFIED = "dissatisfied", "Mécontentement (réclamation)"
    OTHER = "other", "Autre motif"


class Churn(Audited, db.Model):
    __tablename__ = "churn"
    __table_args__ = (Index("ix_churn_client_scope", "client_id", "scope", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(10))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id"), index=True)
    range_label: Mapped[str | None] = mapped_column(String(120))
    suborder_label: Mapped[str | None] = mapped_column(String(120))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)

    client: Mapped[Client] = relationship()
    account: Mapped[Account | None] = relationship()
    product: Mapped[Product | None] = relationship()
    actor: Mapped[User | None] = relationship()

    @property
    def scope_label(self) -> str:
        return ChurnScope(self.scope).label

    @property
    def reason_label(self) -> str:
        return ChurnReason.labels().get(self.reason, self.reason)

    @property
    def what(self) -> str:
        """What was dropped, in French (« Gamme Internet — compte n° 12 »)."""
        parts = []
        if self.range_label:
            parts.append(f"gamme {self.range_label}")
        if self.product is not None:
            parts.append(f"produit {self.product.label}")
        if self.account is not None:
            parts.append(f"compte {self.account}")
        if self.suborder_label:
            parts.append(f"sous-commande {self.suborder_label}")
        return " — ".join(parts) or "tous les produits"

    def __str__(self):
        return f"{self.scope_label} du {self.day:%d/%m/%Y}"


@scope_for(Churn)
def _churns(user: User):
    return seen_through(Churn.client_id, Client, user)
