"""Churn (seed 001, slide 40): the rule per scope and ``record_churn``, the contract the
proposals code against."""

from datetime import date

import pytest
from sqlalchemy import select

from webapp.activities.churn.models import Churn, ChurnReason, ChurnScope
from webapp.activities.churn.rules import churn_error
from webapp.activities.churn.services import lift_total_churn, record_churn, total_churn_day
from webapp.clients.models import Account
from webapp.errors import Refused
from webapp.extensions import db

SCOPES, REASONS = set(ChurnScope.labels()), set(ChurnReason.labels())
D = date(2026, 11, 30)


def _error(scope, reason="budget", day=D, account_id=None, product_id=None,
           range_label=None, suborder_label=None):
    return churn_error(scope, reason, day, scopes=SCOPES, reasons=REASONS,
                       account_id=account_id, product_id=product_id,
                       range_label=range_label, suborder_label=suborder_label)


@pytest.mark.parametrize("case, kwargs, expected", [
    # « LA CHUTE TOTALE […] Il comprend une date et un motif de chute »
    ("total: a date and a reason", dict(scope="total"), None),
    ("total without a date", dict(scope="total", day=None), "La date de chute est obligatoire."),
    ("total without a reason", dict(scope="total", reason=""), "Choisissez le motif"),
    ("a reason outside the list", dict(scope="total", reason="fâché"), "Choisissez le motif"),
    ("total is the whole client", dict(scope="total", account_id=3), "client entier"),
    ("the year 9999", dict(scope="total", day=date(9999, 1, 1)), "Indiquez une date entre"),
    ("an unknown scope", dict(scope="moitié"), "Choisissez le type de chute"),
    # « LA CHUTE PARTIELLE : Chute d'une gamme de produits (sous-commande au sens Sésame) »
    ("partial: a range on an account", dict(scope="partial", account_id=3,
                                            range_label="Internet"), None),
    ("partial: a range on a sub-order", dict(scope="partial", suborder_label="101",
                                             range_label="Internet"), None),
    ("partial without a range", dict(scope="partial", account_id=3), "gamme de produits"),
    ("partial on nothing", dict(scope="partial", range_label="Internet"), "Indiquez le compte"),
    # « LA CHUTE PRODUITS : Chute d'un ou plusieurs produits »
    ("product on an account", dict(scope="product", account_id=3, product_id=1), None),
    ("product without a product", dict(scope="product", account_id=3), "choisissez-le"),
    ("a label too long", dict(scope="partial", account_id=3, range_label="x" * 121),
     "au plus 120"),
])
def test_churn_rule(case, kwargs, expected):
    error = _error(**kwargs)
    assert (error is None) if expected is None else (expected in error), case


def test_total_churn_recorded_once(app, org, make_client):
    client = make_client(advisor=org["advisor"])
    churn = record_churn(client.id, scope=ChurnScope.TOTAL, day=D, reason="closure",
                         actor_id=org["advisor"].id)
    db.session.commit()
    assert total_churn_day(client.id) == D and churn.reason_label == "Cessation d'activité"
    with pytest.raises(Refused) as refused:
        record_churn(client.id, scope=ChurnScope.TOTAL, day=D, reason="price")
    assert refused.value.status == 409 and "30/11/2026" in refused.value.message
    db.session.rollback()
    assert lift_total_churn(client.id) == 1 and total_churn_day(client.id) is None


def test_partial_and_product_churn_against_accounts_and_suborders(app, org, make_client,
                                                                  make_product):
    client, other = make_client(advisor=org["advisor"]), make_client(last_name="Autre")
    account = Account(client_id=client.id, number="A-12", product="Pavé")
    foreign = Account(client_id=other.id, number="B-1", product="Site")
    db.session.add_all([account, foreign])
    db.session.flush()
    site = make_product(key="site", label="Site vitrine", range="Internet")
    partial = record_churn(client.id, scope=ChurnScope.PARTIAL, day=D, reason="results",
                           account_id=account.id, product_id=site.id)
    assert partial.range_label == "Internet"  # the product's range when none is given
    product = record_churn(client.id, scope="product", day=D, reason="price",
                           product_id=site.id, suborder_label="101")
    assert product.what == "produit Site vitrine — sous-commande 101"
    with pytest.raises(Refused, match="n'appartient pas au client"):
        record_churn(client.id, scope=ChurnScope.PRODUCT, day=D, reason="price",
                     product_id=site.id, account_id=foreign.id)
    with pytest.raises(Refused, match="pas au catalogue"):
        record_churn(client.id, scope=ChurnScope.PRODUCT, day=D, reason="price",
                     product_id=99999, account_id=account.id)
    assert len(db.session.scalars(select(Churn)).all()) == 2


def test_client_file_shows_churn_and_the_list_filters_on_it(app, org, make_client, login):
    churned = make_client("Paul", "Chute", advisor=org["advisor"])
    kept = make_client("Anne", "Reste", advisor=org["advisor"])
    http = login(org["advisor"])
    section = http.get(f"/activities/clients/{churned.id}/followup")
    assert section.status_code == 200 and "Aucune chute enregistrée" in section.text
    # Bad input: no reason, the year 9999, a partial churn on nothing.
    for data, message in (({"scope": "total", "day": "2026-11-30", "reason": ""}, "motif"),
                          ({"scope": "total", "day": "9999-01-01", "reason": "budget"},
                           "Indiquez une date entre"),
                          ({"scope": "partial", "day": "2026-11-30", "reason": "budget"},
                           "Indiquez le compte"),
                          ({"scope": "moitié", "day": "2026-11-30", "reason": "budget"},
                           "est pas un choix valide"),
                          ({"scope": "total", "day": "2026-11-30", "reason": "budget",
                            "range_label": "x" * 121}, "120 caractères")):
        response = http.post(f"/activities/clients/{churned.id}/churn", data=data)
        assert response.status_code == 422 and message in response.text, data
    saved = http.post(f"/activities/clients/{churned.id}/churn",
                      data={"scope": "total", "day": "2026-11-30", "reason": "closure"})
    assert saved.status_code == 302
    section = http.get(f"/activities/clients/{churned.id}/followup")
    assert "Chute totale</strong> le 30/11/2026" in section.text
    assert "Cessation d&#39;activité" in section.text
    assert "Paul" in http.get("/clients/?churned=yes").text
    assert "Reste" not in http.get("/clients/?churned=yes").text
    assert "Reste" in http.get("/clients/?churned=no").text
    assert "Chute" not in http.get("/clients/?churned=no").text.split("<tbody>")[1]
    assert "Reste" in http.get("/clients/?churned=nimporte").text  # an unknown value: none
    lea = login(org["other_advisor"])
    assert lea.get(f"/activities/clients/{kept.id}/followup").status_code == 404
    assert lea.post(f"/activities/clients/{kept.id}/churn",
                    data={"scope": "total", "day": "2026-11-30",
                          "reason": "closure"}).status_code == 404
