"""A commercial proposal (proposition commerciale, seed 001 slides 6–7 and 25): named for
the client, grouping sub-orders (sous-commandes 001, 101, 201 …) of product lines, with a
payment plan for its positive part; then its order form, signature and production."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.activities.catalogue.models import Product
from webapp.auth.models import User
from webapp.auth.scope import scope_for, seen_through
from webapp.choices import LabelledEnum
from webapp.clients.models import Client
from webapp.database import UTCDateTime
from webapp.extensions import db
from webapp.history import Audited
from webapp.proposals import rules


def _now():
    return datetime.now(UTC)


class Status(LabelledEnum):
    DRAFT = "draft", "En préparation"
    VALIDATED = "validated", "Validée"
    ORDERED = "ordered", "Commandée (à signer)"
    SIGNED = "signed", "Signée"
    PRODUCTION = "production", "Remise en production"
    REJECTED = "rejected", "En rejet"


class LineState(LabelledEnum):
    NEW = "new", "Nouveau"
    MODIFIED = "modified", "Modifié"
    CANCELLED = "cancelled", "Annulé"
    RENEWED = "renewed", "Reconduit"


class Billing(LabelledEnum):
    EMAIL = "email", "Facture électronique"
    PAPER = "paper", "Facture papier"


class Proposal(Audited, db.Model):
    __tablename__ = "proposal"
    __table_args__ = (Index("ix_proposal_client_created", "client_id", "created_at"),)
    __audit_exclude__ = frozenset({"code_hash", "code_expires_at", "code_tries"})

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(80), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunity.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # An evocative name for the client (slide 7): « Printemps visibilité », « Plan 2027 ».
    name: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12), default=Status.DRAFT)
    # Instalments of the payment plan (échéances), monthly from ``plan_start``.
    plan_count: Mapped[int] = mapped_column(default=1)
    plan_start: Mapped[date | None] = mapped_column(Date)
    # What the split sent to the service client (MO without an active product).
    notes: Mapped[str] = mapped_column(Text, default="")
    # Signature (slide 37) and billing (slide 39).
    billing: Mapped[str] = mapped_column(String(8), default=Billing.EMAIL)
    iban: Mapped[str | None] = mapped_column(String(34))
    mobile: Mapped[str | None] = mapped_column(String(30))
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    code_tries: Mapped[int] = mapped_column(default=0)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    # Production (slide 38): the order number, the PDF sent, a rejection's reason.
    number: Mapped[str | None] = mapped_column(String(20), unique=True)
    order_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    client: Mapped[Client] = relationship()
    author: Mapped[User | None] = relationship()
    suborders: Mapped[list["SubOrder"]] = relationship(
        back_populates="proposal", order_by="SubOrder.number", cascade="all, delete-orphan")
    instalments: Mapped[list["Instalment"]] = relationship(
        back_populates="proposal", order_by="Instalment.due_on", cascade="all, delete-orphan")

    @property
    def status_label(self) -> str:
        return Status.labels().get(self.status, self.status)

    @property
    def editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.VALIDATED)

    @property
    def total_ht(self) -> Decimal:
        return sum((s.total_ht for s in self.suborders), Decimal(0))

    @property
    def total_ttc(self) -> Decimal:
        return sum((s.total_ttc for s in self.suborders), Decimal(0))

    def facts(self) -> rules.ProposalFacts:
        """The proposal as the anomaly rules read it."""
        return rules.ProposalFacts(
            suborders=tuple(s.facts() for s in self.suborders),
            instalments=tuple(i.amount_ttc for i in self.instalments))

    def __str__(self):
        return self.name


class SubOrder(Audited, db.Model):
    """A sous-commande (Sésame): its number (001, 101, 201 …), its MO number, its range."""

    __tablename__ = "proposal_suborder"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(10))
    mo: Mapped[str] = mapped_column(String(20), default="")
    range_label: Mapped[str] = mapped_column(String(120), default="")
    # Churned in full (chutée en totalité): the client renews none of it (slide 42).
    churned: Mapped[bool] = mapped_column(Boolean, default=False)

    proposal: Mapped[Proposal] = relationship(back_populates="suborders")
    lines: Mapped[list["ProductLine"]] = relationship(
        back_populates="suborder", order_by="ProductLine.id", cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        return rules.suborder_label(self.number, self.mo)

    @property
    def total_ht(self) -> Decimal:
        return sum((line.amount_ht for line in self.lines), Decimal(0))

    @property
    def total_ttc(self) -> Decimal:
        return sum((line.amount_ttc for line in self.lines), Decimal(0))

    def facts(self) -> rules.SubOrderFacts:
        return rules.SubOrderFacts(
            number=self.number, mo=self.mo, churned=self.churned,
            lines=tuple(rules.LineFacts(line.state, line.amount_ht, line.vat_rate)
                        for line in self.lines))


class ProductLine(Audited, db.Model):
    """A product of the catalogue in a sub-order: new, modified, cancelled or renewed; its
    amount HT (negative for a credit, « MO- ») and VAT rate."""

    __tablename__ = "proposal_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    suborder_id: Mapped[int] = mapped_column(
        ForeignKey("proposal_suborder.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), default=LineState.NEW)
    amount_ht: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("20.00"))

    suborder: Mapped[SubOrder] = relationship(back_populates="lines")
    product: Mapped[Product | None] = relationship()

    @property
    def product_key(self) -> str | None:
        return self.product.key if self.product else None

    @property
    def state_label(self) -> str:
        return LineState.labels().get(self.state, self.state)

    @property
    def amount_ttc(self) -> Decimal:
        return rules.ttc(self.amount_ht, self.vat_rate)


class Instalment(db.Model):
    """One échéance of the payment plan: a day and an amount TTC."""

    __tablename__ = "proposal_instalment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    amount_ttc: Mapped[Decimal] = mapped_column(Numeric(12, 2))

    proposal: Mapped[Proposal] = relationship(back_populates="instalments")


@scope_for(Proposal)
def _proposals(user: User):
    """Whoever sees the client sees its proposals (the one client scope)."""
    return seen_through(Proposal.client_id, Client, user)
