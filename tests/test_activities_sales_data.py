"""The catalogue, complaints, churn and quotes sections of pilote/v1: loaded through the
services, idempotent, exported and re-imported the same; errors at their path."""

import json
from pathlib import Path

from sqlalchemy import func, select

from tests.documents import edited
from webapp.activities.churn.models import Churn
from webapp.activities.complaints.models import Complaint
from webapp.activities.quotes.models import Quote
from webapp.extensions import db
from webapp.notifications.models import OutboxMessage
from webapp.opportunities.models import Opportunity

VALID = json.loads((Path(__file__).parent / "data" / "valid.json").read_text("utf-8"))
SALES = {
    "catalogue": [
        {"key": "pave-dep", "label": "Pavé départemental", "range": "Imprimé",
         "unit_price_ht": "450.00", "vat_rate": "20", "active": True},
        {"key": "site", "label": "Site vitrine", "range": "Internet",
         "unit_price_ht": "19.99", "vat_rate": "20"}],
    "complaints": [
        {"key": "r-1", "client": "c-1", "vintage": 2026, "order_number": "C-1",
         "comment": "Logo erroné sur le pavé.", "status": "in_progress", "author": "u-marc",
         "created_at": "2026-11-02T10:00:00+01:00"},
        {"key": "r-2", "client": "c-1", "vintage": 2025, "order_number": "C-1",
         "origin": "phone", "comment": "Ancienne réclamation.", "status": "closed"}],
    "churn": [
        {"key": "ch-1", "client": "c-2", "scope": "total", "day": "2026-10-31",
         "reason": "closure", "actor": "u-marc"},
        {"key": "ch-2", "client": "c-1", "scope": "product", "day": "2026-11-15",
         "reason": "price", "product": "site", "suborder_label": "101"}],
    "quotes": [
        {"key": "q-1", "client": "c-1", "title": "Pavé S2", "valid_until": "2030-01-31",
         "status": "sent", "author": "u-marc",
         "lines": [{"product": "pave-dep", "quantity": 1}, {"product": "site", "quantity": 3}]},
        {"key": "q-2", "client": "c-1", "title": "Site", "valid_until": "2026-01-31",
         "status": "refused", "lines": [{"product": "site", "quantity": 1}]}],
}


def _run(runner, tmp_path, doc, name="import.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(args=["data", "import", str(path)])
    db.session.expire_all()
    return result


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_load_twice_then_round_trip(runner, tmp_path):
    result = _run(runner, tmp_path, VALID | SALES)
    assert result.exit_code == 0, result.output
    assert "Réclamations : 2 créations" in result.output
    assert "Devis : 2 créations" in result.output
    r1 = db.session.scalar(select(Complaint).where(Complaint.key == "r-1"))
    assert r1.status == "in_progress" and r1.open_key and r1.author.key == "u-marc"
    assert r1.created_at.isoformat() == "2026-11-02T09:00:00+00:00"
    q1 = db.session.scalar(select(Quote).where(Quote.key == "q-1"))
    assert (q1.status, str(q1.total_ht), str(q1.total_ttc)) == ("sent", "509.97", "611.96")
    assert _count(OutboxMessage) == 0  # no acknowledgement nor quote mailed by an import
    again = _run(runner, tmp_path, VALID | SALES)
    assert again.exit_code == 0, again.output
    for label, n in (("Catalogue", 2), ("Réclamations", 2), ("Chutes", 2), ("Devis", 2)):
        assert f"{label} : 0 création, 0 mise à jour, {n} sans changement" in again.output
    accepted = edited(VALID | SALES, {"quotes.0.status": "accepted"})
    assert _run(runner, tmp_path, accepted).exit_code == 0
    assert _count(Opportunity) == 1  # accepted by the file: an opportunity of its amount
    runner.invoke(args=["data", "export", str(tmp_path / "first.json")])
    first = json.loads((tmp_path / "first.json").read_text("utf-8"))
    assert [c["key"] for c in first["complaints"]] == ["r-1", "r-2"]
    assert first["quotes"][0]["opportunity"] and first["quotes"][0]["lines"][1] == {
        "product": "site", "quantity": 3}
    db.session.remove()
    db.drop_all()
    db.create_all()
    reloaded = _run(runner, tmp_path, first, "first.json")
    assert reloaded.exit_code == 0, reloaded.output
    assert _count(Opportunity) == 1 and _count(Churn) == 2  # linked, not created twice
    runner.invoke(args=["data", "export", str(tmp_path / "second.json")])
    second = json.loads((tmp_path / "second.json").read_text("utf-8"))
    for name in SALES:
        assert second[name] == first[name], name


def test_errors_at_their_path(runner, tmp_path):
    doc = edited(VALID | SALES, {
        "complaints.1.status": "filed",  # a second open complaint on C-1
        "churn.1.suborder_label": None,  # a product churn on nothing
        "quotes.0.lines": [{"product": "inconnu", "quantity": 1}],
        "catalogue.0.vat_rate": "150",
        "complaints.0.vintage": 12,
    })
    result = _run(runner, tmp_path, doc)
    assert result.exit_code != 0
    for expected in ("complaints[1].order_number: une réclamation est déjà ouverte",
                     "churn[1]: Indiquez le compte du client",
                     "quotes[0].lines: produit inconnu « inconnu »",
                     "catalogue[0].vat_rate: un pourcentage de 0 à 100",
                     "complaints[0].vintage: entre 1990 et 2100"):
        assert expected in result.output, expected
    assert _count(Complaint) == 0 and _count(Quote) == 0
