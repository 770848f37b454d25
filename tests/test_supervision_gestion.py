"""The Gestion tab: list, filters, sort, drill-down (each figure lists exactly its clients),
the bulk conclusion (one transaction, confirmation first) and the Excel export."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import event, func, select, text, update

from tests.fixtures.operations import play_transformation_example, record
from tests.fixtures.supervision import another_writer_first, listed
from webapp.extensions import db
from webapp.history import AuditRow
from webapp.operations.models import ConclusionKind, Target
from webapp.supervision.metrics import Scope, compute

AS_OF = date(2026, 2, 20)


def kind_id(name: str) -> int:
    return db.session.scalar(select(ConclusionKind.id).where(ConclusionKind.name == name))


@pytest.fixture
def played(org, campaign):  # noqa: F811
    """The METRICS.md worked examples in one operation of 10 targets."""
    operation, targets = campaign(10)
    play_transformation_example(targets)
    planned = targets[4]
    record(planned, 1)
    record(planned, 2, status="planned")
    return operation, targets


def test_list_shows_every_client_with_state_and_step(org, login, played):
    operation, targets = played
    html = login(org["manager"]).get(
        f"/supervision/gestion?operation={operation.id}").get_data(as_text=True)
    assert "10 clients" in html
    assert html.count('name="target"') == 10
    row = html[html.index(targets[1].client.last_name):]
    assert "Accepté · Signature" in row[:2000] and "5\u202f000\u00a0€" in row[:2000]


def test_each_figure_lists_exactly_its_clients(org, login, played):
    """Every count of metrics.json opens that many clients, and the right ones."""
    operation, _ = played
    client = login(org["manager"])
    figures = compute(Scope(viewer=org["manager"], as_of=AS_OF, operation=operation))
    for figure, expected in (("total", figures.total), ("accepted", figures.accepted),
                             ("refused", figures.refused),
                             ("in_progress", figures.in_progress),
                             ("collected", figures.accepted),
                             ("remaining_potential", figures.in_progress),
                             ("transformable", 3)):
        assert len(listed(client, operation, figure=figure)) == expected, figure
    for step in figures.steps:
        step_id = next(s.id for s in operation.steps if s.position == step.position)
        for figure in ("concerned", "completed", "no_longer_concerned"):
            names = listed(client, operation, figure=figure, step=step_id)
            assert len(names) == getattr(step, figure), (step.name, figure)


def test_drill_down_is_named_and_can_be_removed(org, login, played):
    operation, _ = played
    html = login(org["manager"]).get(
        f"/supervision/gestion?operation={operation.id}&figure=refused").get_data(as_text=True)
    assert "Ont refusé" in html and "Retirer ce filtre" in html
    assert "2 clients" in html


def test_sort_and_name_filter(org, login, played):
    operation, targets = played
    client = login(org["manager"])
    html = client.get(f"/supervision/gestion?operation={operation.id}&sort=amount&desc=1"
                      ).get_data(as_text=True)
    assert html.index(targets[1].client.last_name) < html.index(targets[0].client.last_name)
    assert 'aria-sort="descending"' in html
    last = targets[3].client.last_name
    html = client.get(f"/supervision/gestion?operation={operation.id}&q={last}"
                      ).get_data(as_text=True)
    assert "1 client" in html and last in html


@pytest.mark.parametrize("args", [{"sort": "nope"}, {"figure": "x" * 500}, {"step": "abc"},
                                  {"q": "é" * 300}, {"page": "-3"}, {"desc": "maybe"}])
def test_bad_list_arguments_fall_back(org, login, played, args):
    operation, _ = played
    response = login(org["manager"]).get("/supervision/gestion", query_string={
        "operation": operation.id, **args})
    assert response.status_code == 200


def test_another_teams_operation_is_404(org, login, played):
    operation, _ = played
    assert login(org["other_advisor"]).get(
        f"/supervision/gestion?operation={operation.id}").status_code == 404


def test_an_advisor_sees_only_their_clients(org, login, played, make_client, make_target):
    operation, _ = played
    make_target(operation, make_client("Autre", "Conseillère", advisor=org["other_advisor"]),
                advisor=org["other_advisor"])
    html = login(org["advisor"]).get("/supervision/gestion").get_data(as_text=True)
    assert "10 clients" in html and "Conseillère" not in html


def bulk(client, operation, **form):
    return client.post(f"/supervision/gestion/conclure?operation={operation.id}", data=form)


def test_bulk_conclusion_asks_confirmation_then_concludes_in_one_go(org, login, played):
    operation, targets = played
    client = login(org["manager"])
    chosen = [t.id for t in targets[5:8]]
    form = {"target": chosen, "conclusion_kind_id": kind_id("Refus"),
            "conclusion_date": "2026-02-20", "amount": ""}
    response = bulk(client, operation, **form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Confirmer : conclure 3 clients" in html
    assert db.session.scalar(select(func.count()).where(Target.concluded)) == 4  # unchanged
    response = bulk(client, operation, **form, confirmed="1")
    assert response.status_code == 303
    with db.engine.connect() as other:  # committed by the request, seen from elsewhere
        assert other.scalar(select(func.count()).where(Target.id.in_(chosen),
                                                       Target.concluded)) == 3
    db.session.expire_all()
    done = db.session.scalars(select(Target).where(Target.id.in_(chosen))).all()
    assert all(t.concluded and t.success is False and t.conclusion_date == AS_OF for t in done)
    audit = db.session.scalars(select(AuditRow).where(
        AuditRow.object_type == "target", AuditRow.object_id == chosen[0],
        AuditRow.field == "concluded")).all()
    assert audit[-1].new == "True" and audit[-1].user_id == org["manager"].id
    after = compute(Scope(viewer=org["manager"], as_of=AS_OF, operation=operation))
    assert (after.refused, after.in_progress) == (5, 3)


def test_bulk_keeps_existing_conclusions_and_says_so(org, login, played):
    operation, targets = played
    client = login(org["manager"])
    form = {"target": [targets[1].id, targets[6].id], "conclusion_kind_id": kind_id("Refus"),
            "conclusion_date": "2026-02-20"}
    html = bulk(client, operation, **form).get_data(as_text=True)
    assert "1 client en cours sera conclu ; 1 déjà conclu ne changera pas" in html
    bulk(client, operation, **form, confirmed="1")
    db.session.expire_all()
    assert db.session.get(Target, targets[1].id).success is True  # the signature stays


def test_bulk_select_all_matching_the_filter(org, login, played):
    operation, _ = played
    client = login(org["manager"])
    form = {"all": "1", "conclusion_kind_id": kind_id("Sans décision"),
            "conclusion_date": "2026-02-21", "confirmed": "1"}
    response = client.post(f"/supervision/gestion/conclure?operation={operation.id}"
                           "&figure=in_progress", data=form)
    assert response.status_code == 303
    after = compute(Scope(viewer=org["manager"], as_of=AS_OF, operation=operation))
    assert after.in_progress == 0 and after.refused == 8


def test_bulk_positive_needs_its_amount_and_totals_it(org, login, played):
    operation, targets = played
    client = login(org["manager"])
    form = {"target": [targets[5].id, targets[6].id], "conclusion_kind_id": kind_id("Vente"),
            "conclusion_date": "2026-02-20"}
    response = bulk(client, operation, **form)
    assert response.status_code == 422
    assert "Indiquez le montant collecté" in response.get_data(as_text=True)
    html = bulk(client, operation, **form, amount="1 500,50").get_data(as_text=True)
    assert "3\u202f001\u00a0€" in html  # 2 × 1 500,50 €
    bulk(client, operation, **form, amount="1 500,50", confirmed="1")
    db.session.expire_all()
    assert db.session.get(Target, targets[5].id).amount == Decimal("1500.50")


@pytest.mark.parametrize("form, message", [
    ({"conclusion_kind_id": "", "conclusion_date": "2026-02-20"}, "obligatoire"),
    ({"conclusion_kind_id": "abc", "conclusion_date": "2026-02-20"}, "Conclusion"),
    ({"conclusion_kind_id": "REFUS", "conclusion_date": "pas une date"}, "date"),
    ({"conclusion_kind_id": "REFUS", "conclusion_date": "2026-02-20", "amount": "9" * 40},
     "trop élevé"),
    ({"conclusion_kind_id": "REFUS", "conclusion_date": "2026-02-20", "amount": "-5"},
     "négatif"),
])
def test_bulk_bad_input_is_refused_with_nothing_changed(org, login, played, form, message):
    operation, targets = played
    form = {k: (kind_id("Refus") if v == "REFUS" else v) for k, v in form.items()}
    response = bulk(login(org["manager"]), operation, target=[targets[6].id], confirmed="1",
                    **form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Target, targets[6].id).concluded is False


def test_bulk_ignores_someone_elses_targets(org, login, played, make_operation, make_client,
                                            make_target):
    operation, targets = played
    theirs = make_operation(org["other_advisor"], name="Nantes")
    foreign = make_target(theirs, make_client("Loin", "Nantes", advisor=org["other_advisor"]),
                          advisor=org["other_advisor"])
    response = bulk(login(org["advisor"]), operation, target=[foreign.id, targets[6].id],
                    conclusion_kind_id=kind_id("Refus"), conclusion_date="2026-02-20",
                    confirmed="1")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Target, foreign.id).concluded is False
    assert db.session.get(Target, targets[6].id).concluded is True


def test_bulk_with_nothing_selected_says_so(org, login, played):
    operation, _ = played
    response = login(org["manager"]).get(f"/supervision/gestion/conclure?operation={operation.id}")
    assert "Aucun client sélectionné" in response.get_data(as_text=True)


def test_excel_export_has_every_row_and_the_figures(org, login, played):
    operation, targets = played
    response = login(org["manager"]).get(
        f"/supervision/gestion/export.xlsx?operation={operation.id}&as_of=2026-02-20")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    rows = list(book["Clients"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Client", "Opération", "Conseiller", "Étape", "État")
    assert len(rows) == 11
    signed = next(r for r in rows if r[0] == targets[1].client.full_name)
    assert signed[3:6] == (3, "Accepté", "Signature") and signed[8] == 5000
    assert book["Clients"].cell(row=2, column=9).number_format.endswith('"€"')
    synthesis = {r[0]: r[1] for r in book["Synthèse"].iter_rows(values_only=True) if r[0]}
    assert synthesis["Collecté"] == 6000 and synthesis["Ont accepté"] == 2
    assert round(synthesis["Taux de transformation"], 2) == 66.67


def test_the_export_s_cursor_is_planned_for_every_row(org, login, played):
    """PostgreSQL plans a cursor for its first tenth by default, which made the export in
    name order walk every client's name (980 ms at 1 000 000 clients for 20 000 rows);
    the export's statement runs in a transaction that plans for every row."""
    operation, _ = played
    ran: list[str] = []

    def listener(_conn, _cursor, statement, *_rest):
        ran.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = login(org["manager"]).get(
            f"/supervision/gestion/export.xlsx?operation={operation.id}")
        assert response.status_code == 200 and response.get_data()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    rows = next(i for i, sql in enumerate(ran) if sql.startswith("SELECT target.reach"))
    if db.engine.dialect.name == "postgresql":
        assert ran[rows - 1] == "SET LOCAL cursor_tuple_fraction = 1"
        assert db.session.scalar(text("SHOW cursor_tuple_fraction")) == "0.1"  # that one only
    else:
        assert "cursor_tuple_fraction" not in " ".join(ran)


def test_a_team_row_opens_its_advisors_clients(org, login, played):
    operation, _ = played
    client = login(org["manager"])
    assert len(listed(client, operation, team=org["lyon"].id)) == 10
    for other in ("region", "nantes"):  # above the manager, another branch: not theirs
        assert client.get(f"/supervision/gestion?operation={operation.id}&team="
                          f"{org[other].id}").status_code == 404


def test_two_bulk_conclusions_at_once_never_overwrite_each_other(org, login, played):
    """#19: while this batch (Refus) had read its open clients, another batch (Vente) on
    another connection concluded two of them and committed: they keep their Vente, and the
    answer says « n conclus, m déjà conclus entre-temps »."""
    operation, targets = played
    open_ids = [t.id for t in targets if not t.concluded]
    quicker = open_ids[:2]
    vente = kind_id("Vente")

    def other_batch(conn):
        conn.execute(update(Target).where(Target.id.in_(quicker), Target.concluded.is_(False))
                     .values(concluded=True, success=True, conclusion_kind_id=vente,
                             conclusion_date=AS_OF, amount=Decimal(700),
                             version=Target.version + 1))

    client = login(org["manager"])
    with another_writer_first("UPDATE target", other_batch) as fired:
        response = bulk(client, operation, target=open_ids, conclusion_kind_id=kind_id("Refus"),
                        conclusion_date="2026-02-20", confirmed="1")
    assert fired and response.status_code == 303
    html = client.get(response.location).get_data(as_text=True)
    rest = len(open_ids) - 2
    assert f"{rest} clients conclus (Refus), 2 déjà conclus entre-temps." in html
    db.session.expire_all()
    for target in db.session.scalars(select(Target).where(Target.id.in_(open_ids))):
        assert target.concluded
        assert target.success is (target.id in quicker), target.id
        assert target.amount == (Decimal(700) if target.id in quicker else None)
    overwritten = db.session.scalar(select(func.count()).select_from(AuditRow).where(
        AuditRow.object_type == "target", AuditRow.object_id.in_(quicker),
        AuditRow.field == "conclusion_kind_id"))
    assert overwritten == 0


def test_bulk_total_amount_is_shared_exactly_to_the_cent(org, login, played):
    """#13.5, seed 004: « le montant de la collecte réalisée (montant total) »: a total is
    shared over the clients (largest remainder), the confirmation says which amount is
    used, and the shares add up to the total exactly."""
    operation, targets = played
    client = login(org["manager"])
    chosen = [t.id for t in targets[5:8]]
    form = {"target": chosen, "conclusion_kind_id": kind_id("Vente"),
            "conclusion_date": "2026-02-20", "amount": "100", "amount_mode": "total"}
    html = bulk(client, operation, **form).get_data(as_text=True)
    assert "montant total réparti : 100\u00a0€ partagés entre les 3 clients" in html
    assert "33,33\u00a0€ ou 33,34\u00a0€ par client" in html
    per_client = bulk(client, operation, **form | {"amount_mode": "per_client"})
    assert "montant par client : 100\u00a0€ (soit 300\u00a0€ au total)" in per_client.text
    assert bulk(client, operation, **form, confirmed="1").status_code == 303
    db.session.expire_all()
    amounts = db.session.scalars(select(Target.amount).where(Target.id.in_(chosen))).all()
    assert sum(amounts) == Decimal("100.00")
    assert sorted(amounts) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    logged = db.session.scalars(select(AuditRow.new).where(
        AuditRow.object_type == "target", AuditRow.object_id.in_(chosen),
        AuditRow.field == "amount")).all()
    assert sorted(logged) == ["33.33", "33.33", "33.34"]


def test_bulk_refusal_with_an_amount_is_refused(org, login, played):
    """#13.5: « Refus » collects nothing: an amount typed with it is refused (422, the
    French message), nothing concluded."""
    operation, targets = played
    client = login(org["manager"])
    form = {"target": [targets[5].id], "conclusion_kind_id": kind_id("Refus"),
            "conclusion_date": "2026-02-20", "amount": "500", "confirmed": "1"}
    response = bulk(client, operation, **form)
    assert response.status_code == 422 and "ne collecte rien" in response.text
    db.session.expire_all()
    assert db.session.get(Target, targets[5].id).concluded is False
