"""The ``opportunities`` section of pilote/v1: the screens' rules on import (name, phone,
stage requirements), idempotence, errors with their JSON path, export round trip."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.fixtures.opportunities import with_opportunities
from webapp.extensions import db
from webapp.opportunities.models import Opportunity

VALID = json.loads((Path(__file__).parent / "data" / "valid.json").read_text("utf-8"))
@pytest.fixture
def run_import(runner, tmp_path):
    def run(doc):
        path = tmp_path / "import.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        result = runner.invoke(args=["data", "import", str(path)])
        db.session.expire_all()
        return result

    return run


def opportunity(key: str) -> Opportunity:
    return db.session.scalar(select(Opportunity).where(Opportunity.key == key))


def test_opportunities_load_and_reimport_changes_nothing(run_import):
    result = run_import(with_opportunities())
    assert result.exit_code == 0, result.output
    assert "Opportunités : 3 créations" in result.output
    first, second, lost = opportunity("o-1"), opportunity("o-2"), opportunity("o-3")
    assert (first.stage.name, first.type.name, first.owner.name, first.amount) == (
        "Contacté", "Lead Internet", "Bruno Dubois", 32000)
    assert first.created_at.replace(tzinfo=None).isoformat() == "2026-01-03T15:00:00"
    assert first.remarks.startswith("1. RDV en concession ou virtuel")  # the checklist
    assert (second.phone, second.phone_is_mobile, second.stock_key) == (
        "+1 514-555-1234", True, "A1234")
    assert (second.spex.name, second.sales_director.name, second.trade_odometer) == (
        "Marc Petit", "Claire Martin", 120000)
    assert lost.lost_reason.name == "Doublon"
    again = run_import(with_opportunities())
    assert "Opportunités : 0 création, 0 mise à jour, 3 sans changement" in again.output
    changed = run_import(with_opportunities({"opportunities.0.stage": "Réponse envoyée"}))
    assert "Opportunités : 0 création, 1 mise à jour, 2 sans changement" in changed.output
    assert opportunity("o-1").stage.name == "Réponse envoyée"


@pytest.mark.parametrize(("change", "error"), [
    ({"opportunities.0.stage": "Gagné"}, "opportunities[0].stage: étape inconnue « Gagné »"),
    ({"opportunities.0.type": "Fax"}, "opportunities[0].type: valeur inconnue « Fax »"),
    ({"opportunities.0.name": "Unknown"},
     "opportunities[0].name: enlevez « Unknown » / « Undefined »"),
    ({"opportunities.0.name": "Anne Martin"},
     "opportunities[0].name: le nom doit être celui de la fiche client : « Anne Roux »."),
    ({"opportunities.0.client": "c-9"}, "opportunities[0].client: client inconnu « c-9 »"),
    ({"opportunities.0.owner": "u-9"}, "opportunities[0].owner: utilisateur inconnu « u-9 »"),
    ({"opportunities.0.probability": 150}, "opportunities[0].probability: entre 0 et 100"),
    ({"opportunities.0.amount": "-1"},
     "opportunities[0].amount: le montant ne peut pas être négatif"),
    ({"opportunities.0.created_at": "2026-01-03T10:00:00"},
     "opportunities[0].created_at: fuseau horaire manquant"),
    ({"opportunities.0.colour": "vert"}, "opportunities[0].colour: champ inconnu"),
    ({"opportunities.1.spex": "u-claire"},
     "opportunities[1].spex: un SPEX est un conseiller"),
    ({"opportunities.1.phone": "04 78 12 34 56"},
     "opportunities[1].phone_is_mobile: ce numéro est une ligne fixe"),
    ({"opportunities.1.sales_director": None},
     "opportunities[1].sales_director: « Rendez-vous cédulé » demande : dv"),
    ({"opportunities.1.phone_is_mobile": None},
     "opportunities[1].phone: « Rendez-vous cédulé » demande : téléphone cellulaire"),
    ({"opportunities.2.lost_reason": None},
     "opportunities[2].lost_reason: « Perdu BDC » demande : raison de la perte"),
])
def test_import_applies_the_screens_rules(run_import, change, error):
    result = run_import(with_opportunities(change))
    assert result.exit_code == 1
    assert any(line.strip().startswith(error) for line in result.output.splitlines()), (
        result.output)
    assert db.session.scalar(select(func.count(Opportunity.id))) == 0  # all or nothing


def test_export_round_trip(runner, run_import, tmp_path):
    assert run_import(with_opportunities()).exit_code == 0
    first = tmp_path / "first.json"
    assert runner.invoke(args=["data", "export", str(first)]).exit_code == 0
    exported = json.loads(first.read_text(encoding="utf-8"))["opportunities"]
    second = next(o for o in exported if o["key"] == "o-2")
    assert second["phone"] == "+15145551234" and second["phone_is_mobile"] is True
    assert second["created_at"] == "2026-03-01T08:30:00+00:00"
    db.session.remove()
    db.drop_all()
    db.create_all()  # not even the default stages: the import creates them
    assert runner.invoke(args=["data", "import", str(first)]).exit_code == 0
    again = tmp_path / "second.json"
    assert runner.invoke(args=["data", "export", str(again)]).exit_code == 0
    assert again.read_bytes() == first.read_bytes()


def test_import_reads_expiry_on_the_apps_calendar(run_import):
    """Expiry counts days in the app's time zone, as the screens do, whatever offset the
    file writes: created at 00:30 in Paris 56 days ago (18:30 the day before in Montréal)
    is exactly 8 weeks old, not yet expired."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from webapp import clock
    from webapp.opportunities.models import Stage

    contacted = db.session.scalar(select(Stage).where(Stage.name == "Contacté"))
    contacted.required = "not_expired"  # an admin's setting: expired ones stay out
    db.session.commit()
    paris = datetime.combine(clock.today() - timedelta(days=56), time(0, 30), clock.zone())
    montreal = paris.astimezone(ZoneInfo("America/Montreal")).isoformat()
    result = run_import(with_opportunities({"opportunities.0.created_at": montreal}))
    assert result.exit_code == 0, result.output
    too_old = (paris - timedelta(days=1)).astimezone(ZoneInfo("America/Montreal"))
    result = run_import(with_opportunities({"opportunities.0.created_at": too_old.isoformat()}))
    assert result.exit_code == 1 and "opportunities[0]" in result.output


def test_import_goes_through_the_services(run_import):
    """One write path: the import writes what the screens' service writes (the trade-in
    rule: no trade-in, no trade vehicle; the checklist as remarks) and a re-import of the
    same file writes nothing, not even an audit row."""
    from webapp.history import AuditRow

    doc = with_opportunities({"opportunities.1.has_trade_in": False})
    assert run_import(doc).exit_code == 0
    second = opportunity("o-2")
    assert (second.trade_make, second.trade_odometer) == (None, None)
    assert second.created_by_id is None and second.stage.name == "Rendez-vous cédulé"
    rows = db.session.scalar(select(func.count()).select_from(AuditRow))
    again = run_import(doc)
    assert "Opportunités : 0 création, 0 mise à jour, 3 sans changement" in again.output
    assert db.session.scalar(select(func.count()).select_from(AuditRow)) == rows
