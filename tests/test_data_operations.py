"""`flask data import|export|demo`: the operations section, with the screens' rules."""

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.documents import DROP, edited
from webapp.extensions import db
from webapp.history import AuditRow
from webapp.operations.models import (
    AdvisorObjective,
    ConclusionKind,
    Operation,
    Step,
    StepAction,
    StepRecord,
    Target,
)
from webapp.operations.rules import PlanStep, missing_mandatory_before

BASE = json.loads((Path(__file__).parent / "data" / "valid.json").read_text("utf-8"))
OPERATION = {
    "key": "op-2026-epargne", "name": "Épargne retraite T1", "responsible": "u-claire",
    "objective": "400000", "start": "2026-01-01", "end": "2026-03-02", "archived": False,
    "advisor_objectives": [{"advisor": "u-marc", "amount": "250000"},
                           {"advisor": "u-claire", "percent": "37.5"}],
    "steps": [{"key": "s1", "name": "Appel de prise de contact", "kind": "task",
               "mandatory": True, "propose_next": True,
               "actions": [{"label": "Vérifier la fiche client", "mandatory": True},
                           {"label": "Préparer le rendez-vous", "mandatory": False}]},
              {"key": "s2", "name": "Rendez-vous de présentation", "kind": "meeting",
               "mandatory": True},
              {"key": "s3", "name": "Relance", "kind": "reminder", "mandatory": False},
              {"key": "s4", "name": "Signature", "kind": "task", "mandatory": True}],
    "sale_step": "s4",
    "targets": [
        {"client": "c-1", "advisor": "u-marc", "potential": "50000",
         "entry_date": "2026-01-05",
         "records": [{"step": "s1", "status": "done", "date": "2026-01-07"},
                     {"step": "s2", "status": "planned", "date": "2026-01-20",
                      "time": "14:30", "place": "Agence de Laval"}],
         "conclusion": None},
        {"client": "c-2", "advisor": "u-marc", "potential": 30000.5,
         "entry_date": "2026-01-05",
         "records": [{"step": "s1", "status": "done", "date": "2026-01-06",
                      "checked_actions": ["Vérifier la fiche client"]},
                     {"step": "s2", "status": "done", "date": "2026-01-12"},
                     {"step": "s4", "status": "done", "date": "2026-02-01"}],
         "conclusion": {"status": "done", "kind": "Signature", "success": True,
                        "date": "2026-02-10", "amount": "20000"}},
        {"client": "c-3", "potential": "10000",
         "records": [{"step": "s1", "status": "cancelled", "date": "2026-01-08"},
                     {"title": "Appel entrant du client", "kind": "task",
                      "status": "done", "date": "2026-01-09", "notes": "Pas intéressé."}],
         "conclusion": {"status": "done", "kind": "Refus", "success": False,
                        "date": "2026-01-10"}},
    ],
}
VALID = {**BASE, "operations": [OPERATION]}
MODELS = (Operation, AdvisorObjective, Step, StepAction, Target, StepRecord, AuditRow)


@pytest.fixture
def run_import(runner, tmp_path):
    def run(doc, name="import.json"):
        path = tmp_path / name
        path.write_text(json.dumps(doc), encoding="utf-8")
        result = runner.invoke(args=["data", "import", str(path)])
        db.session.expire_all()
        return result

    return run


def doc_with(**changes):
    """A copy of VALID; ``changes`` maps ``"0__targets__1__potential"`` (under
    ``operations``) to a new value; DROP deletes the field."""
    return edited(VALID, changes, separator="__", root="operations")




def counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}


def operation(key="op-2026-epargne") -> Operation:
    return db.session.scalar(select(Operation).where(Operation.key == key))


def target_of(op: Operation, client_key: str) -> Target:
    return next(t for t in db.session.scalars(select(Target).where(Target.operation == op))
                if t.client.key == client_key)


def test_valid_file_loads(run_import):
    result = run_import(VALID)
    assert result.exit_code == 0, result.output
    assert "Opérations : 1 création, 0 mise à jour, 0 sans changement" in result.output
    assert {k: v for k, v in counts().items() if k != "AuditRow"} == {
        "Operation": 1, "AdvisorObjective": 2, "Step": 4, "StepAction": 2, "Target": 3,
        "StepRecord": 7}
    op = operation()
    assert (op.name, op.responsible.key, op.objective, str(op.start), str(op.end)) == (
        "Épargne retraite T1", "u-claire", Decimal("400000"), "2026-01-01", "2026-03-02")
    assert [(s.key, s.position, s.kind, s.mandatory) for s in op.steps] == [
        ("s1", 1, "task", True), ("s2", 2, "meeting", True), ("s3", 3, "reminder", False),
        ("s4", 4, "task", True)]
    assert op.steps[0].propose_next and not op.steps[1].propose_next
    assert [(a.label, a.mandatory, a.position) for a in op.steps[0].actions] == [
        ("Vérifier la fiche client", True, 1), ("Préparer le rendez-vous", False, 2)]
    assert op.sale_step is op.steps[3]
    assert sorted((s.advisor.key, s.amount, s.percent) for s in op.shares) == [
        ("u-claire", None, Decimal("37.5")), ("u-marc", Decimal("250000"), None)]
    anne = target_of(op, "c-1")
    assert (anne.advisor.key, anne.potential, str(anne.entry_date), anne.concluded) == (
        "u-marc", Decimal("50000"), "2026-01-05", False)
    assert [(r.step.key, r.status, str(r.day), r.time, r.place) for r in anne.records] == [
        ("s1", "done", "2026-01-07", None, None),
        ("s2", "planned", "2026-01-20", "14:30", "Agence de Laval")]
    # A step done without its checked actions listed has its mandatory actions checked.
    assert anne.records[0].checked == {op.steps[0].actions[0].id}
    elodie = target_of(op, "c-2")
    assert elodie.potential == Decimal("30000.50")
    assert (elodie.concluded, elodie.conclusion_kind.name, elodie.success, elodie.amount,
            str(elodie.conclusion_date)) == (True, "Signature", True, Decimal("20000"),
                                             "2026-02-10")
    assert elodie.colour == "success"
    paul = target_of(op, "c-3")
    assert paul.advisor is None  # the client's advisor: Paul has none
    assert [(r.step, r.title, r.status) for r in paul.records] == [
        (op.steps[0], None, "cancelled"), (None, "Appel entrant du client", "done")]
    assert paul.colour == "failure" and paul.amount is None
    assert db.session.scalar(select(func.count()).select_from(AuditRow).where(
        AuditRow.object_type == "operation", AuditRow.action == "insert")) > 0


def test_target_advisor_defaults_to_the_clients(run_import):
    doc = doc_with(**{"0__targets__0__advisor": DROP})
    assert run_import(doc).exit_code == 0
    assert target_of(operation(), "c-1").advisor.key == "u-marc"  # Anne's advisor


def test_importing_twice_changes_nothing(run_import):
    assert run_import(VALID).exit_code == 0
    before = counts()
    versions = [(t.id, t.version) for t in db.session.scalars(select(Target))]
    result = run_import(VALID)
    assert result.exit_code == 0, result.output
    assert "Opérations : 0 création, 0 mise à jour, 1 sans changement" in result.output
    assert counts() == before
    assert [(t.id, t.version) for t in db.session.scalars(select(Target))] == versions


def test_reimport_updates_what_changed(run_import):
    assert run_import(VALID).exit_code == 0
    first_record = target_of(operation(), "c-1").records[0].id
    doc = doc_with(**{
        "0__name": "Épargne retraite T1 2026",
        "0__steps__1__name": "Rendez-vous en agence",
        "0__targets__0__records__1__status": "done",
        "0__targets__0__conclusion": {"status": "done", "kind": "Vente", "success": True,
                                      "date": "2026-02-01", "amount": "12000"},
        "0__targets__3": {"client": "c-3", "potential": "1"},
    })
    del doc["operations"][0]["targets"][2]
    assert run_import(doc).exit_code == 0
    op = operation()
    assert op.name == "Épargne retraite T1 2026" and op.steps[1].name == "Rendez-vous en agence"
    anne = target_of(op, "c-1")
    assert [r.status for r in anne.records] == ["done", "done"]
    assert anne.records[0].id == first_record  # matched, not recreated
    assert anne.concluded and anne.amount == Decimal("12000")
    paul = target_of(op, "c-3")  # absent records: kept as they were
    assert len(paul.records) == 2 and paul.potential == Decimal("1")


def test_steps_absent_from_the_file_are_kept_after_its_steps(run_import):
    assert run_import(VALID).exit_code == 0
    doc = doc_with()
    steps = doc["operations"][0]["steps"]
    doc["operations"][0]["steps"] = [steps[1], steps[0], steps[3]]
    doc["operations"][0]["targets"] = []
    assert run_import(doc).exit_code == 0
    assert [(s.key, s.position) for s in operation().steps] == [
        ("s2", 1), ("s1", 2), ("s4", 3), ("s3", 4)]


def test_archived_operation_takes_no_new_client(run_import):
    doc = doc_with(**{"0__archived": True})
    assert run_import(doc).exit_code == 0  # created archived: its targets are a snapshot
    new = doc_with(**{"0__archived": True,
                      "0__targets__0__potential": "60000"})
    new["operations"][0]["targets"][2]["client"] = "c-4"
    new["clients"].append({"key": "c-4", "first_name": "Léa", "last_name": "Morel"})
    result = run_import(new)
    assert result.exit_code == 1
    assert ("operations[0].targets[2].client: l'opération est archivée : elle ne peut plus "
            "être attribuée à un nouveau client") in result.output
    assert target_of(operation(), "c-1").potential == Decimal("50000")
    unarchived = copy.deepcopy(new)
    unarchived["operations"][0]["archived"] = False
    assert run_import(unarchived).exit_code == 0


def test_changes_to_an_archived_operations_clients_land_and_it_stays_archived(run_import):
    assert run_import(doc_with(**{"0__archived": True})).exit_code == 0
    doc = doc_with(**{"0__archived": True, "0__targets__0__potential": "60000",
                      "0__targets__1__records__2__notes": "Signé en agence."})
    result = run_import(doc)
    assert result.exit_code == 0, result.output
    op = operation()
    assert op.archived and target_of(op, "c-1").potential == Decimal("60000")
    claire = target_of(op, "c-2")  # concluded: reopened for its records, concluded again
    assert claire.records[2].notes == "Signé en agence."
    assert claire.concluded and claire.amount == Decimal("20000")
    assert run_import(doc).exit_code == 0 and "1 sans changement" in run_import(doc).output


def test_records_listed_out_of_the_plans_order_are_written_in_it(run_import):
    doc = doc_with()
    records = doc["operations"][0]["targets"][1]["records"]
    doc["operations"][0]["targets"][1]["records"] = records[::-1]
    result = run_import(doc)
    assert result.exit_code == 0, result.output
    claire = target_of(operation(), "c-2")
    assert [r.step.key for r in claire.records] == ["s1", "s2", "s4"]
    assert claire.concluded


def test_a_record_the_file_drops_is_deleted_through_the_timeline(run_import):
    assert run_import(VALID).exit_code == 0
    doc = doc_with()
    del doc["operations"][0]["targets"][0]["records"][1]
    assert run_import(doc).exit_code == 0
    assert [r.step.key for r in target_of(operation(), "c-1").records] == ["s1"]


RULE_ERRORS = [
    ({"0__targets__2__advisor": "u9"},
     "operations[0].targets[2].advisor: utilisateur inconnu « u9 »"),
    ({"0__targets__2__advisor": "u-bruno"},
     "operations[0].targets[2].advisor: « u-bruno » n'est ni conseiller ni responsable"),
    ({"0__responsible": "u9"}, "operations[0].responsible: utilisateur inconnu « u9 »"),
    ({"0__targets__1__client": "c-9"},
     "operations[0].targets[1].client: client inconnu « c-9 »"),
    ({"0__targets__1__client": "c-1"},
     "operations[0].targets[1].client: client déjà ciblé par operations[0].targets[0]"),
    ({"0__end": "2025-12-31"}, "operations[0].end: La date de fin doit être postérieure ou "
                               "égale à la date de début."),
    ({"0__start": "01/01/2026"},
     "operations[0].start: date attendue au format AAAA-MM-JJ"),
    ({"0__end": DROP}, "operations[0].end: champ obligatoire"),
    ({"0__steps": [], "0__sale_step": DROP, "0__targets": []},
     "operations[0].steps: Définissez au moins une étape."),
    ({"0__sale_step": DROP}, "operations[0].sale_step: Choisissez l'étape de vente."),
    ({"0__sale_step": "s9"}, "operations[0].sale_step: étape inconnue « s9 » (l'étape de "
                             "vente est l'une des étapes de l'opération)"),
    ({"0__steps__1__key": "s1"},
     "operations[0].steps[1].key: clé en double (déjà utilisée par operations[0].steps[0])"),
    ({"0__steps__1__kind": "visio"}, "operations[0].steps[1].kind: valeur inconnue « visio »"),
    ({"0__steps__0__actions__0__label": DROP},
     "operations[0].steps[0].actions[0].label: champ obligatoire"),
    ({"0__advisor_objectives__0__percent": "10"},
     "operations[0].advisor_objectives[0]: Indiquez l'objectif du conseiller en € ou en %, "
     "pas les deux."),
    ({"0__advisor_objectives__0__amount": "-5"},
     "operations[0].advisor_objectives[0].amount: Le montant ne peut pas être négatif."),
    ({"0__advisor_objectives__1__percent": "120"},
     "operations[0].advisor_objectives[1].percent: Le pourcentage doit être compris entre 0 "
     "et 100."),
    ({"0__advisor_objectives__1__advisor": "u-marc"},
     "operations[0].advisor_objectives[1].advisor: conseiller déjà présent en "
     "operations[0].advisor_objectives[0]"),
    ({"0__advisor_objectives__0__advisor": "u9"},
     "operations[0].advisor_objectives[0].advisor: utilisateur inconnu « u9 »"),
    ({"0__objective": "-1"}, "operations[0].objective: le montant ne peut pas être négatif"),
    ({"0__objective": "12.345"}, "operations[0].objective: 2 décimales au plus"),
    ({"0__objective": True}, "operations[0].objective: nombre attendu"),
    # s4 after s2, which is mandatory and only planned
    ({"0__targets__0__records__2": {"step": "s4", "status": "planned",
                                    "date": "2026-01-25"}},
     "operations[0].targets[0].records[2].step: l'étape obligatoire « Rendez-vous de "
     "présentation » n'est pas terminée : cette étape ne peut pas être saisie"),
    ({"0__targets__2__records__2": {"step": "s2", "status": "planned"}},
     "operations[0].targets[2].records[2].step: l'étape obligatoire « Appel de prise de "
     "contact » n'est pas terminée"),
    ({"0__targets__0__records__1__step": "s9"},
     "operations[0].targets[0].records[1].step: étape inconnue « s9 »"),
    ({"0__targets__0__records__1__step": "s1"},
     "operations[0].targets[0].records[1].step: étape déjà saisie en "
     "operations[0].targets[0].records[0]"),
    ({"0__targets__0__records__1__status": "fini"},
     "operations[0].targets[0].records[1].status: valeur inconnue « fini »"),
    ({"0__targets__0__records__1__step": DROP},
     "operations[0].targets[0].records[1].step: champ obligatoire (ou « title »"),
    ({"0__targets__0__records__1__time": "25:00"},
     "operations[0].targets[0].records[1].time: heure attendue au format HH:MM"),
    ({"0__targets__1__records__0__checked_actions": ["Préparer le rendez-vous"]},
     "operations[0].targets[1].records[0].checked_actions: action obligatoire non cochée : "
     "« Vérifier la fiche client »"),
    ({"0__targets__1__records__0__checked_actions": ["Rien"]},
     "operations[0].targets[1].records[0].checked_actions: action inconnue « Rien »"),
    ({"0__targets__1__conclusion__amount": "-1"},
     "operations[0].targets[1].conclusion.amount: Le montant collecté ne peut pas être "
     "négatif."),
    ({"0__targets__1__conclusion__success": False},
     "operations[0].targets[1].conclusion.success: Cette conclusion est un succès."),
    ({"0__targets__2__conclusion__success": True},
     "operations[0].targets[2].conclusion.success: Cette conclusion n'est pas un succès."),
    ({"0__targets__1__conclusion__kind": "Abandon"},
     "operations[0].targets[1].conclusion.kind: type de conclusion inconnu « Abandon »"),
    ({"0__targets__1__conclusion__status": "planned"},
     "operations[0].targets[1].conclusion.status: valeur inconnue « planned »"),
    ({"0__targets__1__conclusion__date": DROP},
     "operations[0].targets[1].conclusion.date: champ obligatoire"),
    ({"0__targets__1__colour": "vert"}, "operations[0].targets[1].colour: champ inconnu"),
    ({"0__targets": {"client": "c-1"}}, "operations[0].targets: liste attendue"),
]


@pytest.mark.parametrize(("changes", "expected"), RULE_ERRORS,
                         ids=[e.split(":")[0] for _, e in RULE_ERRORS])
def test_rule_errors_reject_the_whole_file(run_import, changes, expected):
    result = run_import(doc_with(**changes))
    assert result.exit_code == 1
    assert "rien n'a été importé" in result.output
    assert f"  {expected}" in result.output, result.output
    assert counts() == dict.fromkeys(counts(), 0)


def test_an_error_in_an_operation_keeps_the_other_sections_out(run_import):
    result = run_import(doc_with(**{"0__targets__0__advisor": "u9"}))
    assert result.exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(Operation)) == 0
    assert "Import refusé : 1 erreur" in result.output


def _export(runner, path):
    result = runner.invoke(args=["data", "export", str(path)])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text(encoding="utf-8"))


def test_export_round_trip_through_an_empty_database(run_import, runner, tmp_path):
    assert run_import(VALID).exit_code == 0
    first = _export(runner, tmp_path / "first.json")
    [op] = first["operations"]
    assert op["advisor_objectives"] == OPERATION["advisor_objectives"][::-1]  # by key
    assert op["targets"][0] == {
        **OPERATION["targets"][0],
        "records": [{"step": "s1", "status": "done", "date": "2026-01-07",
                     "checked_actions": ["Vérifier la fiche client"]},
                    OPERATION["targets"][0]["records"][1]]}
    assert op["targets"][1]["potential"] == "30000.5"
    assert op["sale_step"] == "s4" and op["steps"][1] == {**OPERATION["steps"][1],
                                                          "propose_next": False,
                                                          "actions": []}
    db.session.remove()
    db.drop_all()
    db.create_all()  # without the default conclusion kinds: the import creates them
    result = runner.invoke(args=["data", "import", str(tmp_path / "first.json")])
    assert result.exit_code == 0, result.output
    _export(runner, tmp_path / "second.json")
    assert (tmp_path / "first.json").read_bytes() == (tmp_path / "second.json").read_bytes()
    # and the export re-imported into the database it came from changes nothing
    before = counts()
    result = runner.invoke(args=["data", "import", str(tmp_path / "second.json")])
    assert "Opérations : 0 création, 0 mise à jour, 1 sans changement" in result.output
    assert counts() == before


def test_export_gives_keys_to_steps_made_on_screen(make_operation, org, runner, tmp_path):
    op = make_operation(org["manager"])
    op.key = None
    for step in op.steps:
        step.key = None
    db.session.commit()
    doc = _export(runner, tmp_path / "out.json")
    [exported] = doc["operations"]
    assert exported["key"] == f"op-{op.id}"
    assert [s["key"] for s in exported["steps"]] == [f"step-{s.id}" for s in op.steps]
    assert exported["sale_step"] == f"step-{op.steps[-1].id}"


def test_demo_operations_follow_the_rules(runner):
    result = runner.invoke(args=["data", "demo", "--scale", "500"])
    assert result.exit_code == 0, result.output
    operations = db.session.scalars(select(Operation)).all()
    assert len(operations) >= 4
    kinds = {k.id: k.positive for k in db.session.scalars(select(ConclusionKind))}
    big = max(operations, key=lambda op: db.session.scalar(
        select(func.count()).select_from(Target).where(Target.operation_id == op.id)))
    assert len(big.steps) == 6
    assert db.session.scalar(select(func.count()).select_from(Target)
                             .where(Target.operation_id == big.id)) == 100
    outcomes = set()
    for op in operations:
        assert 4 <= len(op.steps) <= 6 and op.sale_step in op.steps
        plan = [PlanStep(s.id, s.position, s.mandatory) for s in op.steps]
        actions = {s.id: {a.id for a in s.actions if a.mandatory} for s in op.steps}
        for target in db.session.scalars(select(Target).where(Target.operation_id == op.id)):
            done = {r.step_id for r in target.records if r.status == "done"}
            for record in target.records:
                assert not missing_mandatory_before(plan, record.step_id, done)
                if record.status == "done":
                    assert actions[record.step_id] <= record.checked
            assert len({r.step_id for r in target.records}) == len(target.records)
            if target.concluded:
                assert target.amount is None or target.amount >= 0
                assert target.success == kinds[target.conclusion_kind_id]
                outcomes.add(target.success)
            else:
                outcomes.add(None)
        assert all(s.amount is None or s.amount >= 0 for s in op.shares)
    assert outcomes == {True, False, None}
    assert db.session.scalar(select(func.count()).select_from(StepRecord)) > 400
    assert db.session.scalar(select(func.count()).select_from(AuditRow)) == 0


def test_demo_operations_pass_the_import(runner, tmp_path):
    assert runner.invoke(args=["data", "demo", "--scale", "300"]).exit_code == 0
    path = tmp_path / "demo.json"
    first = _export(runner, path)
    db.session.remove()
    db.drop_all()
    db.create_all()
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Opérations : {len(first['operations'])} créations" in result.output
    assert _export(runner, tmp_path / "again.json") == first


def test_imported_operations_land_in_creation_order(run_import):
    """#13.13: an imported operation comes after those already listed (and the file's
    operations in the file's order), never at the top of the list."""
    assert run_import(VALID).exit_code == 0
    later = [copy.deepcopy(OPERATION) | {"key": f"op-later-{n}", "name": f"Plus tard {n}",
                                         "targets": []} for n in (1, 2)]
    result = run_import({**BASE, "operations": later})
    assert result.exit_code == 0, result.output
    order = db.session.scalars(select(Operation.key)
                               .order_by(Operation.position, Operation.id)).all()
    assert order == ["op-2026-epargne", "op-later-1", "op-later-2"]
    positions = db.session.scalars(select(Operation.position)).all()
    assert len(set(positions)) == 3
