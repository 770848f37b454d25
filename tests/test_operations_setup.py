"""Operations' set-up (seed 004, « Mise en place »): list, form, objective split, steps."""

import html
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from webapp import clock
from webapp.auth.models import Access, Role
from webapp.extensions import db
from webapp.history import AuditRow
from webapp.operations.models import (
    AdvisorObjective,
    Operation,
    RecordStatus,
    Step,
    StepAction,
    StepDocument,
    StepRecord,
    Target,
)
from webapp.operations.rules import operation_status
from webapp.operations.setup.queries import STATUS_FILTERS, status_condition

TODAY = clock.today()
DAY = timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HX = {"HX-Request": "true"}


def _text(response) -> str:
    """The body with French number spacing (narrow/no-break spaces) as plain spaces."""
    text = html.unescape(response.get_data(as_text=True))
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture
def boss(org):
    """The Lyon manager, with the right « Gestion des opérations commerciales »."""
    org["manager"].manage_operations = True
    db.session.commit()
    return org["manager"]


@pytest.fixture
def http(login, boss):
    return login(boss)


def _form(**overrides):
    data = {"name": "Épargne retraite T2", "responsible_id": "", "objective": "400 000",
            "start": (TODAY + 5 * DAY).isoformat(), "end": (TODAY + 60 * DAY).isoformat(),
            "step_name": "Appel de prise de contact", "step_kind": "task",
            "step_mandatory": "y"}
    return {k: v for k, v in (data | overrides).items() if v is not None}


def _edit_form(operation, **overrides):
    data = {"version": str(operation.version), "name": operation.name,
            "responsible_id": str(operation.responsible_id),
            "objective": str(operation.objective or ""), "start": operation.start.isoformat(),
            "end": operation.end.isoformat()}
    return {k: v for k, v in (data | overrides).items() if v is not None}


# --- The list ------------------------------------------------------------------------

def test_status_filter_matches_the_rule(app, boss, make_operation):
    """The SQL filter says what rules.operation_status says, for each status."""
    cases = [(TODAY + DAY, TODAY + 9 * DAY, False), (TODAY, TODAY, False),
             (TODAY - 9 * DAY, TODAY, False), (TODAY - 9 * DAY, TODAY - DAY, False),
             (TODAY - 9 * DAY, TODAY - DAY, True), (TODAY + DAY, TODAY + 2 * DAY, True)]
    ops = [make_operation(boss, name=f"Op {i}", start=s, end=e, archived=a)
           for i, (s, e, a) in enumerate(cases)]
    for wanted, _label in STATUS_FILTERS:
        found = set(db.session.scalars(select(Operation.id).where(
            status_condition(wanted, TODAY))))
        expected = {o.id for o in ops if wanted == "all"
                    or operation_status(o.start, o.end, o.archived, TODAY) == wanted
                    or (wanted == "" and not o.archived)}
        assert found == expected, wanted


def test_list_filters_orders_and_counts(http, boss, make_operation, make_client, make_target,
                                        org):
    future = make_operation(boss, name="Future", start=TODAY + 3 * DAY, end=TODAY + 9 * DAY)
    running = make_operation(boss, name="Running")
    old = make_operation(boss, name="Old", start=TODAY - 30 * DAY, end=TODAY - DAY,
                         archived=True)
    running.position, future.position = 1, 2
    db.session.commit()
    for name in ("A", "B"):
        make_target(running, make_client("X", name, advisor=org["advisor"]))

    page = _text(http.get("/operations/"))
    assert "<html" in page and "Old" not in page
    assert page.index("Running") < page.index("Future")
    assert "Non démarrée" in page and "En cours" in page and "400 000" in page
    row = page[page.index("Running"):page.index("Future")]
    assert ">2</td>" in row  # two targets
    assert "Nouvelle opération" in page and "data-sortable" in page

    archived = http.get("/operations/?statut=archived", headers=HX).get_data(as_text=True)
    assert "<html" not in archived and "Old" in archived and "Running" not in archived
    assert old.name in http.get("/operations/?statut=all").get_data(as_text=True)
    assert "Future" in http.get("/operations/?statut=not_started").get_data(as_text=True)
    assert "Future" not in http.get("/operations/?statut=finished").get_data(as_text=True)
    # An unknown filter is the default one.
    assert http.get("/operations/?statut=<x>").status_code == 200


def test_list_scope_and_no_management_without_the_right(login, org, boss, make_operation,
                                                        make_client, make_target):
    marc, lea = org["advisor"], org["other_advisor"]
    mine = make_operation(boss, name="Campagne Marc")
    shared = make_operation(boss, name="Campagne Léa")
    hidden = make_operation(boss, name="Campagne secrète")
    make_target(mine, make_client("Anne", "Roux", advisor=marc))
    db.session.add(AdvisorObjective(operation=shared, advisor_id=lea.id, percent=50))
    db.session.commit()

    page = login(marc).get("/operations/").get_data(as_text=True)
    assert "Campagne Marc" in page and "Campagne Léa" not in page
    assert hidden.name not in page
    assert "Nouvelle opération" not in page and "data-sortable" not in page
    page = login(lea).get("/operations/").get_data(as_text=True)
    assert "Campagne Léa" in page and "Campagne Marc" not in page
    # The manager (team access) sees Marc's through his target, and those he runs.
    assert "Campagne secrète" in login(boss).get("/operations/").get_data(as_text=True)

    for url in ("/operations/new", f"/operations/{mine.id}/edit",
                f"/operations/{mine.id}/shares", f"/operations/{mine.id}/steps/new"):
        assert login(marc).get(url).status_code == 403
    for url in (f"/operations/{mine.id}/duplicate", f"/operations/{mine.id}/delete",
                f"/operations/{mine.id}/archive", "/operations/reorder"):
        assert login(marc).post(url, data={"ids": [mine.id]}).status_code == 403


def test_reorder_is_persisted_without_touching_versions(http, boss, make_operation):
    a, b, c = (make_operation(boss, name=n) for n in "ABC")
    versions = [o.version for o in (a, b, c)]
    response = http.post("/operations/reorder", data={"ids": [c.id, a.id, b.id]})
    assert response.status_code == 204
    with db.engine.connect() as other:  # committed by the request, seen from elsewhere
        assert other.scalars(select(Operation.id).order_by(Operation.position)).all() == [
            c.id, a.id, b.id]
    db.session.expire_all()
    assert sorted((a, b, c), key=lambda o: o.position) == [c, a, b]
    assert [o.version for o in (a, b, c)] == versions
    # Reordering a subset (another filter, another page) keeps the others' places.
    assert http.post("/operations/reorder", data={"ids": [b.id, c.id]}).status_code == 204
    db.session.expire_all()
    assert sorted((a, b, c), key=lambda o: o.position) == [b, a, c]


@pytest.mark.parametrize("ids", [[], ["x"], ["1", "1"]])
def test_reorder_bad_input(http, boss, make_operation, ids):
    make_operation(boss)
    assert http.post("/operations/reorder", data={"ids": ids}).status_code == 400


def test_reorder_someone_elses_operation_is_404(login, org, make_user, make_operation):
    lea = make_user(Role.MANAGER, team=org["nantes"], manage_operations=True)
    theirs = make_operation(org["admin"], name="Autre")
    mine = make_operation(lea)
    http = login(lea)
    assert http.post("/operations/reorder", data={"ids": [mine.id, theirs.id]}).status_code \
        == 404


# --- Create --------------------------------------------------------------------------

def test_create_with_first_step_as_sale_step(http, boss):
    page = http.get("/operations/new").get_data(as_text=True)
    assert "Première étape" in page and f'<option selected value="{boss.id}">' in page
    response = http.post("/operations/new", data=_form(
        responsible_id=str(boss.id), notify_start="y", notify_on=""))
    assert response.status_code == 302
    operation = db.session.scalar(select(Operation))
    assert response.location.endswith(f"/operations/{operation.id}/edit")
    assert operation.objective == Decimal("400000.00")
    assert operation.created_by_id == boss.id and operation.responsible_id == boss.id
    assert operation.notify_on == operation.start  # default: the start date
    assert [s.name for s in operation.steps] == ["Appel de prise de contact"]
    assert operation.sale_step_id == operation.steps[0].id
    assert operation.steps[0].mandatory and operation.steps[0].kind == "task"


def test_new_operations_go_last(http, boss, make_operation):
    first = make_operation(boss)
    first.position = 7
    db.session.commit()
    http.post("/operations/new", data=_form(responsible_id=str(boss.id), name="Dernière"))
    new = db.session.scalar(select(Operation).where(Operation.name == "Dernière"))
    assert new.position == 8


@pytest.mark.parametrize("overrides, field, message", [
    ({"name": "  "}, "name", "Donnez un nom à l'opération."),
    ({"name": "x" * 201}, "name", "200"),
    ({"start": ""}, "start", "Les dates de début et de fin sont obligatoires."),
    ({"end": (TODAY - DAY).isoformat()}, "end", "postérieure ou égale"),
    ({"start": "demain"}, "start", "date"),
    ({"objective": "-5"}, "objective", "ne peut pas être négatif"),
    ({"objective": "beaucoup"}, "objective", "Saisissez un nombre"),
    ({"objective": "NaN"}, "objective", "Saisissez un nombre"),
    ({"objective": "1e20"}, "objective", "Saisissez un nombre"),
    ({"step_name": ""}, "step_name", "Définissez au moins une étape."),
    ({"step_kind": "party"}, "step_kind", ""),
    ({"responsible_id": "abc"}, "responsible_id", ""),
    ({"notify_on": "31/02"}, "notify_on", ""),
])
def test_create_bad_input(http, boss, overrides, field, message):
    data = _form(responsible_id=str(boss.id)) | overrides
    response = http.post("/operations/new", data=data)
    assert response.status_code == 422
    page = _text(response)
    assert f'id="{field}-error"' in page and message in page
    assert db.session.scalar(select(Operation)) is None
    if overrides.get("name"):
        assert overrides["name"][:50] in page  # what was typed is kept


def test_create_responsible_out_of_scope_is_refused(http, boss, org):
    response = http.post("/operations/new",
                         data=_form(responsible_id=str(org["other_advisor"].id)))
    assert response.status_code == 422
    assert 'id="responsible_id-error"' in response.get_data(as_text=True)


# --- Edit ----------------------------------------------------------------------------

def test_edit_saves_and_archives(http, boss, make_operation):
    operation = make_operation(boss)
    page = http.get(f"/operations/{operation.id}/edit").get_data(as_text=True)
    assert "Répartir sur les conseillers…" in page and "Étapes" in page
    assert 'id="steps-panel"' in page
    response = http.post(f"/operations/{operation.id}/edit", data=_edit_form(
        operation, name="Épargne retraite T1 bis", objective="1 000,50", archived="y"))
    assert response.status_code == 302
    db.session.expire_all()
    assert operation.name == "Épargne retraite T1 bis" and operation.archived
    assert operation.objective == Decimal("1000.50") and operation.notify_on is None


@pytest.mark.parametrize("overrides, field", [
    ({"name": ""}, "name"), ({"end": "2000-01-01"}, "end"), ({"objective": "-1"}, "objective"),
    ({"start": "x"}, "start"), ({"responsible_id": "999999"}, "responsible_id")])
def test_edit_bad_input(http, boss, make_operation, overrides, field):
    operation = make_operation(boss)
    response = http.post(f"/operations/{operation.id}/edit",
                         data=_edit_form(operation, **overrides))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_edit_conflict_keeps_input(http, boss, make_operation):
    operation = make_operation(boss)
    stale = _edit_form(operation, name="Ma version")
    operation.name = "Leur version"  # someone else saved meanwhile
    db.session.commit()
    response = http.post(f"/operations/{operation.id}/edit", data=stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "modifiée par quelqu'un d'autre" in page and 'value="Ma version"' in page
    assert f'value="{operation.version}"' in page  # saving again now overwrites
    db.session.expire_all()
    assert operation.name == "Leur version"
    again = http.post(f"/operations/{operation.id}/edit",
                      data=stale | {"version": str(operation.version)})
    assert again.status_code == 302


def test_someone_elses_operation_is_404(login, org, make_user, make_operation):
    lea = make_user(Role.MANAGER, team=org["nantes"], manage_operations=True)
    theirs = make_operation(org["manager"])
    step = theirs.steps[0]
    http = login(lea)
    for url in (f"/operations/{theirs.id}/edit", f"/operations/{theirs.id}/shares",
                f"/operations/{theirs.id}/steps/{step.id}", "/operations/999999/edit"):
        assert http.get(url).status_code == 404, url
    for url in (f"/operations/{theirs.id}/duplicate", f"/operations/{theirs.id}/delete",
                f"/operations/{theirs.id}/archive", f"/operations/{theirs.id}/shares/clear",
                f"/operations/{theirs.id}/steps/{step.id}/delete"):
        assert http.post(url).status_code == 404, url


def test_archive_and_unarchive(http, boss, make_operation):
    operation = make_operation(boss)
    assert http.post(f"/operations/{operation.id}/archive",
                     data={"archived": "1"}).status_code == 302
    db.session.expire_all()
    assert operation.archived
    http.post(f"/operations/{operation.id}/archive", data={"archived": "0"})
    db.session.expire_all()
    assert not operation.archived


def test_duplicate_copies_steps_actions_shares_not_targets(http, boss, org, make_operation,
                                                           make_client, make_target):
    operation = make_operation(boss, sale=2)
    db.session.add(AdvisorObjective(operation=operation, advisor_id=org["advisor"].id,
                                    amount=Decimal(1000)))
    db.session.add(StepDocument(step_id=operation.steps[0].id, stored_name="a.pdf",
                                original="Guide.pdf", mimetype="application/pdf", size=10))
    make_target(operation, make_client(advisor=org["advisor"]))
    response = http.post(f"/operations/{operation.id}/duplicate")
    copy = db.session.scalar(select(Operation).where(Operation.id != operation.id))
    assert response.location.endswith(f"/operations/{copy.id}/edit")
    assert copy.name == "Épargne retraite T1 (copie)" and copy.created_by_id == boss.id
    assert [(s.name, s.kind, s.mandatory, s.position) for s in copy.steps] == [
        (s.name, s.kind, s.mandatory, s.position) for s in operation.steps]
    assert [a.label for a in copy.steps[0].actions] == [
        a.label for a in operation.steps[0].actions]
    assert copy.sale_step == copy.steps[1]
    assert [(s.advisor_id, s.amount) for s in copy.shares] == [(org["advisor"].id, 1000)]
    assert [d.original for d in copy.steps[0].documents] == ["Guide.pdf"]
    assert db.session.scalar(select(Target).where(Target.operation_id == copy.id)) is None


def test_delete_refused_once_a_client_started(http, boss, org, make_operation, make_client,
                                             make_target):
    operation = make_operation(boss)
    target = make_target(operation, make_client(advisor=org["advisor"]))
    db.session.add(StepRecord(target=target, step=operation.steps[0],
                              status=RecordStatus.PLANNED))
    db.session.commit()
    page = http.get(f"/operations/{operation.id}/edit").get_data(as_text=True)
    assert "ne peut plus être supprimée" in page and "delete-dialog" not in page
    response = http.post(f"/operations/{operation.id}/delete", follow_redirects=True)
    assert "a débuté auprès de clients" in response.get_data(as_text=True)
    assert db.session.get(Operation, operation.id) is not None


def test_delete_with_unstarted_targets(http, boss, org, make_operation, make_client,
                                       make_target):
    operation = make_operation(boss)
    make_target(operation, make_client(advisor=org["advisor"]))
    assert 'id="delete-dialog"' in http.get(f"/operations/{operation.id}/edit").get_data(
        as_text=True)
    response = http.post(f"/operations/{operation.id}/delete")
    assert response.location.endswith("/operations/")
    db.session.expire_all()
    assert db.session.scalar(select(Operation)) is None
    assert db.session.scalar(select(Target)) is None and db.session.scalar(select(Step)) is None
    assert db.session.scalar(select(AuditRow).where(AuditRow.object_type == "operation",
                                                    AuditRow.action == "delete"))


# --- « Répartir sur les conseillers… » ------------------------------------------------

def _shares(http, operation, path="", **data):
    return http.post(f"/operations/{operation.id}/shares{path}", data=data, headers=HX)


def test_shares_dialog_add_change_remove(http, boss, org, make_operation, make_user):
    operation = make_operation(boss, objective="100000")
    marc = org["advisor"]
    julie = make_user(Role.ADVISOR, team=org["lyon"], name="Julie Blanc")
    page = http.get(f"/operations/{operation.id}/shares", headers=HX).get_data(as_text=True)
    assert "<html" not in page and "Aucun conseiller" in page
    # Léa (Nantes) is out of the Lyon manager's scope; the bdc agent is not an advisor.
    assert "Marc Petit" in page and "Léa Bernard" not in page and "Bruno" not in page

    page = _text(_shares(http, operation, **{"new-share-advisor_id": marc.id,
                                       "new-share-amount": "30 000"}))
    assert 'id="shares-remaining">70 000' in page
    assert 'id="shares-summary" hx-swap-oob="true"' in page
    page = _text(_shares(http, operation, **{"new-share-advisor_id": julie.id,
                                       "new-share-percent": "50"}))
    assert 'id="shares-remaining">20 000' in page and "50 000" in page
    share = db.session.scalar(select(AdvisorObjective).where(
        AdvisorObjective.advisor_id == julie.id))
    page = _text(_shares(http, operation, f"/{share.id}", **{f"share-{share.id}-percent": "80"}
                   ))
    # The remainder is negative: the split goes beyond the objective (not « dépassé »,
    # which would read as the objective beaten).
    assert re.search(r"\(répartition supérieure à l'objectif de 100\s000\s€\)", page)
    assert "objectif dépassé" not in page and "10 000" in page
    page = _text(_shares(http, operation, f"/{share.id}/delete"))
    assert 'id="shares-remaining">70 000' in page
    page = _text(_shares(http, operation, "/clear"))
    assert 'id="shares-remaining">100 000' in page
    assert db.session.scalar(select(AdvisorObjective)) is None


@pytest.mark.parametrize("data, message", [
    ({"new-share-amount": "10", "new-share-percent": "5"}, "pas les deux"),
    ({}, "pas les deux"),
    ({"new-share-amount": "-10"}, "négatif"),
    ({"new-share-percent": "120"}, "entre 0 et 100"),
    ({"new-share-percent": "dix"}, "Saisissez un nombre"),
])
def test_share_bad_input(http, boss, org, make_operation, data, message):
    operation = make_operation(boss)
    response = _shares(http, operation, **{"new-share-advisor_id": org["advisor"].id} | data)
    assert response.status_code == 422
    page = _text(response)
    assert message in page
    assert 'id="new-share-amount-error"' in page or 'id="new-share-percent-error"' in page
    assert db.session.scalar(select(AdvisorObjective)) is None


def test_share_update_bad_input_keeps_typing(http, boss, org, make_operation):
    operation = make_operation(boss)
    share = AdvisorObjective(operation=operation, advisor_id=org["advisor"].id, amount=10)
    db.session.add(share)
    db.session.commit()
    response = _shares(http, operation, f"/{share.id}", **{
        f"share-{share.id}-amount": "12", f"share-{share.id}-percent": "7"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "pas les deux" in page and 'value="7"' in page
    db.session.expire_all()
    assert share.amount == 10


def test_share_of_someone_out_of_scope_or_twice_is_refused(http, boss, org, make_operation):
    operation = make_operation(boss)
    for advisor in (org["other_advisor"], org["bdc_agent"]):
        response = _shares(http, operation, **{"new-share-advisor_id": advisor.id,
                                               "new-share-amount": "1"})
        assert response.status_code == 422
    _shares(http, operation, **{"new-share-advisor_id": org["advisor"].id,
                                "new-share-amount": "1"})
    assert _shares(http, operation, **{"new-share-advisor_id": org["advisor"].id,
                                       "new-share-amount": "2"}).status_code == 422


def test_share_of_another_operation_is_404(http, boss, org, make_operation):
    one, other = make_operation(boss), make_operation(boss, name="Autre")
    share = AdvisorObjective(operation=other, advisor_id=org["advisor"].id, amount=10)
    db.session.add(share)
    db.session.commit()
    assert _shares(http, one, f"/{share.id}", **{f"share-{share.id}-amount": "1"}
                   ).status_code == 404
    assert _shares(http, one, f"/{share.id}/delete").status_code == 404


# --- Steps ---------------------------------------------------------------------------

def _step(**overrides):
    return {"step-name": "Rendez-vous bilan", "step-kind": "meeting", "step-mandatory": "y",
            "step-instructions": "Apporter le bilan."} | overrides


def test_add_edit_step(http, boss, make_operation):
    operation = make_operation(boss)
    page = http.get(f"/operations/{operation.id}/steps/new", headers=HX).get_data(as_text=True)
    assert "Nouvelle étape" in page and "<html" not in page
    response = http.post(f"/operations/{operation.id}/steps/new", data=_step(), headers=HX)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Étape enregistrée" in page and 'id="steps-panel"' in page
    assert 'hx-swap-oob="true"' in page and "5. Rendez-vous bilan" in page
    step = db.session.scalar(select(Step).where(Step.name == "Rendez-vous bilan"))
    assert step.position == 5 and step.instructions == "Apporter le bilan."
    assert step.kind == "meeting" and step.mandatory and not step.propose_next
    response = http.post(f"/operations/{operation.id}/steps/{step.id}",
                         data=_step(**{"step-kind": "task", "step-propose_next": "y",
                                       "step-mandatory": None}), headers=HX)
    page = response.get_data(as_text=True)
    assert "Actions à accomplir" in page and "Documents" in page  # a task now
    db.session.expire_all()
    assert step.kind == "task" and step.propose_next and not step.mandatory


@pytest.mark.parametrize("overrides", [{"step-name": ""}, {"step-name": "x" * 201},
                                       {"step-kind": "party"},
                                       {"step-instructions": "x" * 5001}])
def test_step_bad_input(http, boss, make_operation, overrides):
    operation = make_operation(boss)
    response = http.post(f"/operations/{operation.id}/steps/new", data=_step(**overrides))
    assert response.status_code == 422
    assert "is-invalid" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Step)).all()) == 4


def test_step_of_another_operation_is_404(http, boss, make_operation):
    one, other = make_operation(boss), make_operation(boss, name="Autre")
    step = other.steps[0]
    assert http.get(f"/operations/{one.id}/steps/{step.id}").status_code == 404
    assert http.post(f"/operations/{one.id}/steps/{step.id}/delete").status_code == 404
    assert http.post(f"/operations/{one.id}/steps/{step.id}/actions",
                     data={"action-label": "x"}).status_code == 404
    assert http.post(f"/operations/{one.id}/sale-step",
                     data={"sale_step_id": step.id}).status_code == 422


def test_reorder_steps(http, boss, make_operation):
    operation = make_operation(boss)
    ids = [s.id for s in operation.steps]
    response = http.post(f"/operations/{operation.id}/steps/reorder",
                         data={"ids": ids[::-1]}, headers=HX)
    assert response.status_code == 200
    assert 'id="version" name="version"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert [s.id for s in operation.steps] == ids[::-1]
    assert [s.position for s in operation.steps] == [1, 2, 3, 4]
    # Not all of them, or someone else's: 404.
    assert http.post(f"/operations/{operation.id}/steps/reorder",
                     data={"ids": ids[:2]}).status_code == 404


def test_sale_step_choice(http, boss, make_operation):
    operation = make_operation(boss, sale=4)
    second = operation.steps[1]
    response = http.post(f"/operations/{operation.id}/sale-step",
                         data={"sale_step_id": second.id}, headers=HX)
    assert response.status_code == 200
    db.session.expire_all()
    assert operation.sale_step_id == second.id
    # The open edit form gets the new version: saving it is not a conflict.
    assert f'id="version" name="version" value="{operation.version}"' in \
        response.get_data(as_text=True)
    assert http.post(f"/operations/{operation.id}/sale-step",
                     data={"sale_step_id": "abc"}).status_code == 422


def test_delete_step_rules(http, boss, org, make_operation, make_client, make_target):
    operation = make_operation(boss, sale=4)
    sale, done, planned = operation.steps[3], operation.steps[0], operation.steps[1]
    target = make_target(operation, make_client(advisor=org["advisor"]))
    db.session.add_all([StepRecord(target=target, step=done, status=RecordStatus.DONE),
                        StepRecord(target=target, step=planned, status=RecordStatus.PLANNED)])
    db.session.commit()

    response = http.post(f"/operations/{operation.id}/steps/{sale.id}/delete", headers=HX)
    assert response.status_code == 409
    assert "C'est l'étape de vente" in _text(response)
    response = http.post(f"/operations/{operation.id}/steps/{done.id}/delete", headers=HX)
    assert response.status_code == 409
    assert "ont déjà validé cette étape" in _text(response)
    # A step only planned, never validated, can go; the others are renumbered.
    response = http.post(f"/operations/{operation.id}/steps/{planned.id}/delete", headers=HX)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "pilote:close-dialog"
    db.session.expire_all()
    assert [(s.name, s.position) for s in operation.steps] == [
        ("Appel de prise de contact", 1), ("Relance", 2), ("Signature", 3)]


def test_actions_add_and_remove(http, boss, make_operation):
    operation = make_operation(boss)
    step = operation.steps[0]
    url = f"/operations/{operation.id}/steps/{step.id}/actions"
    response = http.post(url, data={"action-label": "Envoyer la brochure",
                                    "action-mandatory": "y"}, headers=HX)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Envoyer la brochure" in page and "3 actions dont 2 obligatoires" in page
    action = db.session.scalar(select(StepAction).where(
        StepAction.label == "Envoyer la brochure"))
    assert action.mandatory and action.position == 3
    assert http.post(url, data={"action-label": " "}).status_code == 422
    assert http.post(url, data={"action-label": "x" * 201}).status_code == 422
    other = operation.steps[3].actions[0]
    assert http.post(f"{url}/{other.id}/delete").status_code == 404
    assert http.post(f"{url}/{action.id}/delete", headers=HX).status_code == 200
    assert db.session.get(StepAction, action.id) is None


def test_documents_upload_download_delete(app, http, boss, org, login, make_operation,
                                          make_client, make_target):
    operation = make_operation(boss)
    step = operation.steps[0]
    url = f"/operations/{operation.id}/steps/{step.id}/documents"
    response = http.post(url, data={"document-file": (io.BytesIO(PDF), "Guide.pdf")},
                         content_type="multipart/form-data", headers=HX)
    assert response.status_code == 200
    assert "Guide.pdf" in response.get_data(as_text=True)
    document = db.session.scalar(select(StepDocument))
    assert document.mimetype == "application/pdf"

    bad = http.post(url, data={"document-file": (io.BytesIO(b"MZ not a pdf"), "x.exe")},
                    content_type="multipart/form-data")
    assert bad.status_code == 422 and "Type de fichier non autorisé" in bad.get_data(
        as_text=True)
    assert http.post(url, data={}, content_type="multipart/form-data").status_code == 422

    download = http.get(f"{url}/{document.id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    # An advisor of the operation downloads it too; one outside of it gets 404.
    make_target(operation, make_client(advisor=org["advisor"]))
    allowed = login(org["advisor"]).get(f"{url}/{document.id}")
    assert allowed.status_code == 200
    allowed.close()
    assert login(org["other_advisor"]).get(f"{url}/{document.id}").status_code == 404

    # A duplicate shares the file: removing the original's document keeps it on disk.
    http.post(f"/operations/{operation.id}/duplicate")
    stored = Path(app.config["UPLOAD_FOLDER"]) / document.stored_name
    assert http.post(f"{url}/{document.id}/delete", headers=HX).status_code == 200
    assert db.session.get(StepDocument, document.id) is None and stored.exists()
    assert http.get(f"{url}/{document.id}").status_code == 404
    # Deleting the copy (and so its step and document) deletes the file at last.
    copy = db.session.scalar(select(Operation).where(Operation.id != operation.id))
    assert http.post(f"/operations/{copy.id}/delete").status_code == 302
    assert db.session.scalar(select(StepDocument)) is None and not stored.exists()


def test_a_team_access_manager_sees_but_an_own_one_does_not(login, org, make_user,
                                                            make_operation):
    """The Operation scope: a manager with « own » access does not see an operation he
    neither runs nor takes part in, even with the management right."""
    own = make_user(Role.MANAGER, team=org["lyon"], manage_operations=True,
                    operations_access=Access.OWN)
    operation = make_operation(org["admin"])
    assert login(own).get(f"/operations/{operation.id}/edit").status_code == 404
    everything = make_user(Role.MANAGER, team=org["nantes"], manage_operations=True,
                           operations_access=Access.ALL)
    assert login(everything).get(f"/operations/{operation.id}/edit").status_code == 200


def test_the_operation_and_its_steps_show_their_history(http, boss, org, make_operation):
    """#13.11: an operation's changes (and its steps') are shown with the clients' history
    macro, fields and values as the screens name them."""
    operation = make_operation(boss)
    assert http.post(f"/operations/{operation.id}/edit", data=_edit_form(
        operation, name="Épargne retraite T1 bis", responsible_id=str(org["advisor"].id))
    ).status_code == 302
    step = operation.steps[1]
    assert http.post(f"/operations/{operation.id}/steps/{step.id}", headers=HX, data={
        "step-name": "Rendez-vous en agence", "step-kind": "meeting", "step-mandatory": "y"}
    ).status_code == 200
    page = _text(http.get(f"/operations/{operation.id}/edit"))
    history = page[page.index('id="history-title"'):]
    assert "Épargne retraite T1 bis" in history and "Nom" in history
    assert "Responsable" in history and "Marc Petit" in history  # a name, not an id
    assert "Rendez-vous en agence" in history


SETUP_ROUTES = [
    ("get", "/operations/{op}/edit"), ("post", "/operations/{op}/edit"),
    ("post", "/operations/{op}/duplicate"), ("post", "/operations/{op}/archive"),
    ("post", "/operations/{op}/delete"), ("get", "/operations/{op}/shares"),
    ("post", "/operations/{op}/shares"), ("post", "/operations/{op}/shares/{share}"),
    ("post", "/operations/{op}/shares/{share}/delete"),
    ("post", "/operations/{op}/shares/clear"), ("get", "/operations/{op}/steps/new"),
    ("post", "/operations/{op}/steps/new"), ("get", "/operations/{op}/steps/{step}"),
    ("post", "/operations/{op}/steps/{step}"), ("post", "/operations/{op}/steps/{step}/delete"),
    ("post", "/operations/{op}/steps/reorder"), ("post", "/operations/{op}/sale-step"),
    ("post", "/operations/{op}/steps/{step}/actions"),
    ("post", "/operations/{op}/steps/{step}/actions/{action}/delete"),
    ("post", "/operations/{op}/steps/{step}/documents"),
]


@pytest.mark.parametrize(("method", "path"), SETUP_ROUTES)
def test_a_manager_sets_up_only_operations_run_in_his_hierarchy(
        method, path, boss, org, login, make_user, make_operation, make_client, make_target):
    """#19: the right « gestion des opérations » applies to the operations whose
    responsible is the manager or someone under him (admins: all). The Nantes manager
    sees Claire's operation (his advisor Léa follows a client in it) but changes
    nothing in it: 403, nothing written."""
    operation = make_operation(boss)
    make_target(operation, make_client(advisor=org["other_advisor"]),
                advisor=org["other_advisor"])
    share = AdvisorObjective(operation_id=operation.id, advisor_id=org["advisor"].id,
                             amount=Decimal(1))
    db.session.add(share)
    db.session.commit()
    nantes = make_user(Role.MANAGER, team=org["nantes"], name="Hugo Nantes",
                       email="hugo@example.fr", manage_operations=True,
                       operations_access=Access.TEAM)
    step = operation.steps[0]
    url = path.format(op=operation.id, share=share.id, step=step.id,
                      action=step.actions[0].id)
    before = (operation.version, len(operation.steps))
    outsider = login(nantes)
    assert outsider.get(f"/operations/{operation.id}/targets").status_code == 200  # he sees it
    assert getattr(outsider, method)(url, data={}).status_code == 403
    db.session.expire_all()
    assert (operation.version, len(operation.steps)) == before
    assert db.session.get(AdvisorObjective, share.id) is not None

