"""Each criterion of the query builder, on SQLite and PostgreSQL, and the scope: an
advisor's query never returns another advisor's clients, whatever the criteria say."""

import pytest
from sqlalchemy import func, select, text

from tests.plans import plan_of
from webapp.clients.models import Account, Client
from webapp.clients.selection import queries
from webapp.clients.selection.rules import parse_criteria
from webapp.extensions import db

EVERYONE = {"Roux", "Dupré", "Blanc", "Corse", "Bastia", "Partie"}


def _names(args, user, ticked=()):
    stmt = queries.selected(select(Client.last_name), parse_criteria(args), ticked, user)
    return set(db.session.scalars(stmt))


def _ids(book, *names):
    return [str(book["clients"][n].id) for n in names]


CASES = [
    ({}, EVERYONE),
    ({"q": ["dupre"]}, {"Dupré"}),
    ({"q": ["ÉLODIE"]}, {"Dupré"}),
    ({"q": ["!!"]}, set()),
    ({"language": ["en", "it"]}, {"Dupré", "Corse"}),
    ({"postal_code": ["69003, 44000"]}, {"Roux", "Blanc"}),
    ({"department": ["69"]}, {"Roux", "Partie"}),
    ({"department": ["2A"]}, {"Corse"}),
    ({"department": ["2b", "42"]}, {"Bastia", "Dupré"}),
    # Accents and case: « saint etienne » is Saint-Étienne; « LYON » both Lyons.
    ({"city": ["saint etienne"]}, {"Dupré"}),
    ({"city": ["LYON, bastia"]}, {"Roux", "Partie", "Bastia"}),
    ({"situation": ["present"]}, {"Roux", "Dupré", "Blanc"}),
    ({"situation": ["new"]}, {"Bastia"}),
    ({"situation": ["former"]}, {"Partie"}),
    ({"situation": ["none"]}, {"Corse"}),
    ({"situation": ["none", "former"]}, {"Corse", "Partie"}),
    # Created on 15 June 2025 at 23:30 in Paris (21:30 UTC): that day, in Paris.
    ({"created_from": ["2025-06-15"], "created_to": ["2025-06-15"]}, {"Roux"}),
    ({"created_to": ["2025-06-14"]}, set()),
    ({"created_from": ["2025-06-16"]}, EVERYONE - {"Roux"}),
    ({"opportunity": ["yes"]}, {"Roux", "Blanc"}),
    ({"opportunity": ["no"]}, EVERYONE - {"Roux", "Blanc"}),
    ({"stage_id": ["1"]}, EVERYONE),  # a refinement alone selects nothing
    ({"product": ["PEA", "Assurance vie"]}, {"Roux", "Dupré"}),
    ({"product": ["pea"]}, set()),
    ({"bo_open": ["yes"]}, {"Roux"}),  # Blanc's request is closed
    ({"bo_open": ["no"]}, EVERYONE - {"Roux"}),
    ({"target": ["yes"]}, {"Roux", "Dupré", "Blanc"}),
    ({"target": ["no"]}, {"Corse", "Bastia", "Partie"}),
    ({"target": ["yes"], "target_state": ["in_progress"]}, {"Roux"}),
    ({"target": ["yes"], "target_state": ["positive"]}, {"Dupré"}),
    ({"target": ["yes"], "target_state": ["negative"]}, {"Blanc"}),
    ({"target": ["no"], "target_state": ["positive", "negative"]},
     EVERYONE - {"Dupré", "Blanc"}),
    # AND between criteria, « au moins un de » inside one.
    ({"language": ["fr"], "department": ["69", "20"]}, {"Roux", "Partie", "Bastia"}),
    ({"language": ["fr"], "city": ["lyon"], "situation": ["present"]}, {"Roux"}),
]


def test_each_criterion(book):
    """Every case on one client book (built once: the table stays fast on both engines)."""
    wrong = {str(args): (found, expected) for args, expected in CASES
             if (found := _names(args, book["admin"])) != expected}
    assert not wrong, wrong


def test_stage_and_operation_refinements(book):
    from webapp.opportunities.models import Stage

    contacted = db.session.scalar(select(Stage.id).where(Stage.name == "Contacté"))
    assert _names({"opportunity": ["yes"], "stage_id": [str(contacted)]},
                  book["admin"]) == {"Blanc"}
    assert _names({"opportunity": ["no"], "stage_id": [str(contacted)]},
                  book["admin"]) == EVERYONE - {"Blanc"}
    other = str(book["other"].id)
    assert _names({"target": ["yes"], "operation_id": [other]}, book["admin"]) == {
        "Dupré", "Blanc"}
    assert _names({"target": ["no"], "operation_id": [other]}, book["admin"]) == (
        EVERYONE - {"Dupré", "Blanc"})


def test_advisor_branch_and_team_with_its_sub_teams(book):
    admin = book["admin"]
    assert _names({"advisor_id": [str(book["paul"].id)]}, admin) == {"Dupré", "Bastia"}
    assert _names({"branch_id": [str(book["laval"].id)]}, admin) == {"Roux"}
    # Lyon holds Marc and the departed advisor, Part-Dieu (below Lyon) holds Paul.
    assert _names({"team_id": [str(book["lyon"].id)]}, admin) == {
        "Roux", "Dupré", "Bastia", "Partie"}
    assert _names({"team_id": [str(book["part_dieu"].id)]}, admin) == {"Dupré", "Bastia"}
    assert _names({"team_id": [str(book["region"].id)]}, admin) == EVERYONE - {"Corse"}
    assert _names({"team_id": [str(book["nantes"].id), str(book["part_dieu"].id)]},
                  admin) == {"Blanc", "Dupré", "Bastia"}


def test_an_advisors_query_never_leaves_his_clients(book):
    """Marc follows Roux only (Bastia went to Paul): whatever the criteria say."""
    ticked = tuple(book["clients"][n].id for n in ("Blanc", "Dupré"))
    for args in ({}, {"advisor_id": [str(book["other_advisor"].id)]},
                 {"team_id": [str(book["nantes"].id)]}, {"city": ["Nantes"]},
                 {"target": ["yes"]}):
        assert _names(args, book["advisor"]) <= {"Roux"}, args
        assert _names(args, book["advisor"], ticked) == set(), args


def test_a_managers_query_is_his_team_and_the_clients_without_advisor(book):
    assert _names({}, book["manager"]) == EVERYONE - {"Blanc"}
    assert _names({"advisor_id": [str(book["other_advisor"].id)]}, book["manager"]) == set()


def test_ticked_rows_within_the_result(book):
    ticked = tuple(book["clients"][n].id for n in ("Roux", "Corse", "Blanc"))
    assert _names({"language": ["fr"]}, book["admin"], ticked) == {"Roux", "Blanc"}


def test_first_page_count_and_export_rows(app, book):
    with app.test_request_context():
        from flask_login import login_user

        login_user(book["admin"])
        page = queries.result_page(parse_criteria({"department": ["69", "2A"]}))
        assert [c.last_name for c in page.items] == ["Corse", "Partie", "Roux"]
        assert page.total == 3
        rows = list(queries.export_rows(parse_criteria({"product": ["PEA"]})))
    assert [(r.last_name, r.accounts, r.branch) for r in rows] == [
        ("Roux", pytest.approx(1500.50), "Laval")]


def test_a_small_result_is_sorted_as_the_name_index_walks_it(app, book, monkeypatch):
    """Up to SMALL_RESULT clients are read whole and sorted in Python; more, by walking
    the name index: the same order, page by page (ties broken by id)."""
    from flask_login import login_user

    with app.test_request_context():
        login_user(book["admin"])

        def pages():
            return [[c.id for c in queries.result_page(parse_criteria({}), n).items]
                    for n in (1, 2)]

        monkeypatch.setattr(queries, "page_size", lambda: 4)
        small = pages()
        monkeypatch.setattr(queries, "SMALL_RESULT", 2)
        walked = pages()
    assert small == walked and len(small[0]) == 4 and len(small[1]) == 2


@pytest.fixture
def places(book, make_client):
    """Marc's and Paul's clients in the Rhône, in both Corsicas and in two overseas
    départements, with names that interleave across the pairs."""
    marc, paul = book["advisor"], book["paul"]
    for n, (advisor, postal_code) in enumerate(
            [(marc, "69001"), (paul, "69002"), (marc, "20000"), (paul, "20600"),
             (marc, "97400"), (paul, "97100"), (marc, "69100"), (paul, "20100")] * 2):
        make_client("Client", f"{'ABCDEFGH'[n % 8]}{n:02d}", advisor=advisor,
                    postal_code=postal_code)
    return {"department": ["69", "2B", "974"], "advisor_id": [str(marc.id), str(paul.id)],
            "language": ["fr"]}


def test_a_large_result_s_pages_merge_each_advisor_s_walk_per_department(
        app, book, places, monkeypatch):
    """With advisors and départements chosen, a large result's page is merged from each
    (advisor, département) walk: the same clients in the same order as the small
    result's sort and as the name index's walk, page by page; Corsica's and overseas'
    own postal codes kept apart from their neighbours sharing the key."""
    from flask_login import login_user

    with app.test_request_context():
        login_user(book["manager"])
        criteria = parse_criteria(places)

        def pages():
            return [[c.id for c in queries.result_page(criteria, n).items] for n in (1, 2, 3)]

        monkeypatch.setattr(queries, "page_size", lambda: 3)
        small = pages()
        monkeypatch.setattr(queries, "SMALL_RESULT", 2)
        walked = pages()
        monkeypatch.setattr(queries, "PAIR_WALKS", 1)
        name_index = pages()
        expected = sorted(db.session.execute(queries.selected(
            select(Client.name_key, Client.id), criteria)).all())
        places_found = set(db.session.scalars(select(func.substr(Client.postal_code, 1, 3))
                                              .where(Client.id.in_([r.id for r in expected]))))
    assert small == walked == name_index
    assert [i for page in walked for i in page] == [row.id for row in expected][:9]
    assert len(expected) == 12 and places_found == {"690", "691", "202", "206", "974"}


@pytest.mark.plans
def test_an_advisor_s_walk_in_a_department_reads_its_index_in_order(app, book, places):
    """The plan of one pair's walk on both engines: ix_client_advisor_department's range
    in its order, no sort."""
    from flask_login import login_user

    marc = book["advisor"]
    db.session.add_all(Client(first_name="Client", last_name=f"Nantes {n:03d}",
                              advisor_id=marc.id, postal_code="44000") for n in range(300))
    db.session.commit()  # the rest of his book: the name walk would skip it, entry by entry
    with app.test_request_context():
        login_user(book["manager"])
        db.session.execute(text("ANALYZE"))
        plan = plan_of(queries._pair_walk(parse_criteria(places), book["advisor"].id, "69", 25))
    assert "ix_client_advisor_department" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def test_the_kinds_of_accounts_offered_are_each_kind_once_by_name(book):
    held = sorted(set(db.session.scalars(select(Account.product))))
    assert len(held) >= 2
    assert queries.product_choices() == held


def test_churn_and_open_complaint_criteria(book):
    """« En chute totale » and « A une réclamation ouverte » read the activities' records
    (a closed complaint no longer counts)."""
    from datetime import date

    from webapp.activities.churn.models import ChurnReason, ChurnScope
    from webapp.activities.churn.services import record_churn
    from webapp.activities.complaints.services import (
        ComplaintInput,
        file_complaint,
        move_complaint,
    )

    clients = book["clients"]
    record_churn(clients["Corse"].id, scope=ChurnScope.TOTAL, day=date(2026, 11, 30),
                 reason=ChurnReason.BUDGET.value)
    file_complaint(clients["Bastia"], ComplaintInput(2024, "CMD-1", "Colis abîmé."), None,
                   acknowledge=False)
    closed = file_complaint(clients["Blanc"], ComplaintInput(2024, "CMD-2", "Retard."), None,
                            acknowledge=False)
    for status in ("in_progress", "processed", "closed"):
        move_complaint(closed, status)
    db.session.commit()
    admin = book["admin"]
    assert _names({"churned": ["yes"]}, admin) == {"Corse"}
    assert _names({"churned": ["no"]}, admin) == EVERYONE - {"Corse"}
    assert _names({"complaint_open": ["yes"]}, admin) == {"Bastia"}
    assert _names({"complaint_open": ["no"]}, admin) == EVERYONE - {"Bastia"}
    assert _names({"complaint_open": ["yes"]}, book["other_advisor"]) == set()
