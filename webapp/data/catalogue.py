"""The ``catalogue`` section: the products quotes and proposals are made of, written by
the admin form's ``save_product``; matched by key (the product's reference)."""

from sqlalchemy import select

from webapp.activities.catalogue.models import Product
from webapp.activities.catalogue.services import save_product
from webapp.data.operations import amount
from webapp.data.schema import Field, boolean, key, text
from webapp.data.sections import Context, Item, Section, Tally, objects_by_key, snapshot
from webapp.errors import Refused
from webapp.extensions import db

FIELDS = {
    "key": key(),
    "label": text(Product.label, required=True),
    "range": text(Product.range),
    "unit_price_ht": Field(amount().check, required=True),
    "vat_rate": Field(amount().check, required=True),
    "active": boolean(),
}


def check(items: list[Item], ctx: Context) -> None:
    for item in items:
        rate = item.values.get("vat_rate")
        if rate is not None and rate > 100:
            ctx.fail(item, "vat_rate", "un pourcentage de 0 à 100")


def load(items: list[Item]) -> Tally:
    products = objects_by_key(Product, [item.key for item in items])
    tally = Tally()
    for item in items:
        product = products.get(item.key)
        before = snapshot(product) if product else None
        current = ({name: getattr(product, name) for name in FIELDS} if product
                   else {"active": True, "range": ""})
        try:
            saved = save_product(product, {**current, **item.values})
        except Refused as refused:  # checked above: only a rule change would get here
            raise ValueError(f"{item.path}: {refused.message}") from None
        tally.count(product is None, before is not None and snapshot(saved) != before)
    return tally


def export():
    for product in db.session.scalars(select(Product).order_by(Product.key)):
        yield {"key": product.key, "label": product.label, "range": product.range,
               "unit_price_ht": format(product.unit_price_ht, "f"),
               "vat_rate": format(product.vat_rate, "f"), "active": product.active}


SECTION = Section(name="catalogue", label="Catalogue", model=Product, key_prefix="product",
                  unknown="produit inconnu", fields=FIELDS, check=check, load=load,
                  export=export)
