"""Reads of quotes and the catalogue's products offered on a line."""

from sqlalchemy import select

from webapp.activities.catalogue.models import Product
from webapp.activities.quotes.models import Quote
from webapp.database import french_order
from webapp.extensions import db


def products_offered() -> list[Product]:
    return db.session.scalars(select(Product).where(Product.active)
                              .order_by(Product.range, french_order(Product.label))).all()


def client_quotes(client_id: int, limit: int = 10) -> list[Quote]:
    return db.session.scalars(select(Quote).where(Quote.client_id == client_id)
                              .order_by(Quote.created_at.desc(), Quote.id.desc())
                              .limit(limit)).all()
