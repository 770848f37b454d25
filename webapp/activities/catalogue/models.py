"""A product of the catalogue: quotes' and proposals' lines point at one (seed 001,
slides 6 and 25: products new, modified, cancelled or renewed within a range)."""

from decimal import Decimal

from sqlalchemy import Boolean, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.extensions import db
from webapp.history import Audited


class Product(Audited, db.Model):
    __tablename__ = "product"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    # The range (gamme) a product belongs to: a partial churn drops a whole range.
    range: Mapped[str] = mapped_column(String(120), default="")
    unit_price_ht: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    vat_rate: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal("20.00"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __str__(self):
        return self.label
