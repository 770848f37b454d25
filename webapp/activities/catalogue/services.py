"""Writes on the catalogue: a product created or changed (the admin's form, the import)."""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from webapp.activities.catalogue.models import Product
from webapp.activities.catalogue.rules import product_error
from webapp.errors import Refused
from webapp.extensions import db
from webapp.forms import FieldRefused

FIELDS = ("key", "label", "range", "unit_price_ht", "vat_rate", "active")


def save_product(product: Product | None, values: Mapping[str, Any]) -> Product:
    """Create (``product`` None) or change a product; its reference is unique. Only what
    differs is written (a re-import writes no audit row)."""
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()
              if k in FIELDS}
    values["range"] = values.get("range") or ""
    if error := product_error(values.get("key", ""), values.get("label", ""),
                              values.get("unit_price_ht"), values.get("vat_rate")):
        raise Refused(error)
    taken = db.session.scalar(select(Product.id).where(Product.key == values["key"]))
    if taken and (product is None or taken != product.id):
        raise FieldRefused("key", "Cette référence est déjà celle d'un autre produit.")
    if product is None:
        product = Product(**values)
        db.session.add(product)
    else:
        for name, value in values.items():
            if getattr(product, name) != value:
                setattr(product, name, value)
    db.session.flush()
    return product
