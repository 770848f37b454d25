"""The product catalogue (admin): list, create, edit, a reference taken, bad input."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from webapp.activities.catalogue.models import Product
from webapp.activities.catalogue.rules import product_error
from webapp.extensions import db

GOOD = {"key": "pave-dep", "label": "Pavé départemental", "range": "Imprimé",
        "unit_price_ht": "1 250,50", "vat_rate": "20", "active": "y"}


@pytest.mark.parametrize("args, expected", [
    (("k", "Pavé", Decimal("1"), Decimal("20")), None),
    (("", "Pavé", Decimal("1"), Decimal("20")), "référence"),
    (("k", "", Decimal("1"), Decimal("20")), "libellé"),
    (("k", "Pavé", None, Decimal("20")), "prix"),
    (("k", "Pavé", Decimal("-1"), Decimal("20")), "prix"),
    (("k", "Pavé", Decimal("1"), Decimal("120")), "TVA"),
])
def test_product_rule(args, expected):
    error = product_error(*args)
    assert (error is None) if expected is None else (expected in error)


def test_admin_keeps_the_catalogue(app, org, login, make_product):
    http = login(org["admin"])
    assert http.post("/activities/catalogue/new", data=GOOD).status_code == 302
    product = db.session.scalar(select(Product).where(Product.key == "pave-dep"))
    assert product.unit_price_ht == Decimal("1250.50") and product.range == "Imprimé"
    listing = http.get("/activities/catalogue")
    assert listing.status_code == 200 and "Pavé départemental" in listing.text
    other = make_product(key="site", label="Site")
    taken = http.post(f"/activities/catalogue/{other.id}", data=GOOD)
    assert taken.status_code == 422 and "déjà celle d&#39;un autre produit" in taken.text
    edited = http.post(f"/activities/catalogue/{product.id}",
                       data=GOOD | {"label": "Pavé régional", "active": ""})
    assert edited.status_code == 302
    db.session.refresh(product)
    assert product.label == "Pavé régional" and not product.active
    assert http.get(f"/activities/catalogue/{product.id}").status_code == 200
    assert http.get("/activities/catalogue/99999").status_code == 404
    assert login(org["advisor"]).get("/activities/catalogue").status_code == 403


@pytest.mark.parametrize("changes, message", [
    ({"key": "", "label": ""}, "La référence est obligatoire."),
    ({"key": "x" * 81}, "80 caractères"),
    ({"unit_price_ht": "beaucoup"}, "Saisissez un montant"),
    ({"unit_price_ht": ""}, "Le prix unitaire HT est obligatoire"),
    ({"unit_price_ht": "-5"}, "0 ou plus"),
    ({"vat_rate": "deux"}, "Saisissez un nombre"),
    ({"vat_rate": "150"}, "pourcentage de 0 à 100"),
])
def test_product_bad_input(app, org, login, changes, message):
    response = login(org["admin"]).post("/activities/catalogue/new", data=GOOD | changes)
    assert response.status_code == 422 and message in response.text
    assert db.session.scalar(select(func.count(Product.id))) == 0
