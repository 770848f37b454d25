"""The ``proposals`` section of pilote/v1: loaded through the services, re-importing the
export changes nothing, an anomalous proposal cannot be imported validated, unknown
products are refused; the demo has proposals in every state, some anomalous."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.documents import edited
from webapp.extensions import db
from webapp.proposals import rules
from webapp.proposals.models import Proposal, Status

UNCHANGED = "Propositions commerciales : 0 création, 0 mise à jour, 3 sans changement"
VALID = json.loads((Path(__file__).parent / "data" / "valid.json").read_text("utf-8"))
PROPOSALS = [
    {"key": "p-1", "client": "c-1", "name": "Printemps visibilité", "plan_count": 3,
     "plan_start": "2027-01-15", "status": "validated", "suborders": [
         {"number": "001", "mo": "MO-1", "range": "Annuaire", "lines": [
             {"product": "pave", "state": "renewed", "amount_ht": "480.00"}]},
         {"number": "201", "mo": "MO-3", "lines": [
             {"product": "site", "state": "new", "amount_ht": "890.00"}]}]},
    {"key": "p-2", "client": "c-1", "name": "Relance", "suborders": [
        {"number": "001", "lines": [{"product": "pave", "state": "renewed", "amount_ht": "480"}]},
        {"number": "101", "mo": "MO-2", "lines": [
            {"product": "site", "state": "cancelled", "amount_ht": "-900.00"}]}]},
    {"key": "p-3", "client": "c-1", "name": "Signée", "status": "rejected",
     "signed_at": "2027-01-04T10:30:00+01:00", "number": "BCU-2027-000003",
     "rejected_reason": "RIB illisible", "suborders": [
         {"number": "001", "lines": [{"product": "site", "state": "new", "amount_ht": "890"}]}]},
]


@pytest.fixture
def run_import(runner, tmp_path, catalogue_product):
    catalogue_product("pave", label="Pavé annuaire", price="480.00")
    catalogue_product("site", label="Site visibilité", price="890.00")
    db.session.commit()

    def run(doc):
        path = tmp_path / "import.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        result = runner.invoke(args=["data", "import", str(path)])
        db.session.expire_all()
        return result

    return run


def with_proposals(*changes: dict) -> dict:
    doc = {**VALID, "proposals": PROPOSALS}
    return edited(doc, {k: v for change in changes for k, v in change.items()})


def proposal(key: str) -> Proposal:
    return db.session.scalar(select(Proposal).where(Proposal.key == key))


def test_load_then_export_and_reimport_change_nothing(run_import, runner, tmp_path):
    result = run_import(with_proposals())
    assert result.exit_code == 0, result.output
    assert "Propositions commerciales : 3 créations" in result.output
    first, second, third = proposal("p-1"), proposal("p-2"), proposal("p-3")
    assert first.status == Status.VALIDATED and len(first.instalments) == 3
    assert [s.label for s in second.suborders] == ["001", "101 MO-2"]
    assert rules.anomalies(second.facts())  # a draft may be anomalous: it shows at « Présenter »
    assert (third.status, third.number, third.rejected_reason) == (
        Status.REJECTED, "BCU-2027-000003", "RIB illisible")
    assert third.signed_at.isoformat() == "2027-01-04T09:30:00+00:00" and third.content_hash
    again = run_import(with_proposals())
    assert UNCHANGED in again.output
    out = tmp_path / "export.json"
    assert runner.invoke(args=["data", "export", str(out)]).exit_code == 0
    exported = json.loads(out.read_text("utf-8"))
    assert [p["key"] for p in exported["proposals"]] == ["p-1", "p-2", "p-3"]
    result = run_import(exported)
    assert UNCHANGED in result.output
    assert db.session.scalar(select(func.count(Proposal.id))) == 3


@pytest.mark.parametrize(("change", "message"), [
    ({"proposals.1.status": "validated"}, "« Validée » refusé : Le montant TTC"),
    ({"proposals.0.suborders.0.lines.0.product": "inconnu"}, "produit inconnu « inconnu »"),
    ({"proposals.0.suborders.0.number": "1"}, "trois chiffres"),
    ({"proposals.0.suborders.0.lines.0.state": "perdu"}, "state : une de"),
    ({"proposals.0.suborders.0.lines.0.amount_ht": "1.234"}, "deux décimales"),
    ({"proposals.2.signed_at": None}, "signed_at: champ obligatoire"),
    ({"proposals.0.client": "c-404"}, "client"),
])
def test_refused_documents_write_nothing(run_import, change, message):
    result = run_import(with_proposals(change))
    assert result.exit_code != 0 and message in result.output, result.output
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_an_update_of_the_lines_and_the_name(run_import):
    run_import(with_proposals())
    result = run_import(with_proposals({"proposals.1.name": "Relance 2027",
                                        "proposals.1.suborders.1.lines.0.amount_ht": "-100.00"}))
    assert "Propositions commerciales : 0 création, 1 mise à jour, 2 sans" in result.output
    second = proposal("p-2")
    assert second.name == "Relance 2027" and second.suborders[1].total_ht == -100


def test_the_demo_has_proposals_in_every_state(runner):
    result = runner.invoke(args=["data", "demo", "--scale", "80"])
    assert result.exit_code == 0, result.output
    proposals = db.session.scalars(select(Proposal)).all()
    assert {p.status for p in proposals} == set(Status.labels())
    assert any(rules.anomalies(p.facts()) for p in proposals)
    assert all(not rules.anomalies(p.facts()) for p in proposals if p.status != Status.DRAFT)
