"""The query builder's writes: saved queries, and the actions on a result, each counted
exactly by its preview and all or nothing."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from webapp.clients.models import AdvisorPeriod, Client
from webapp.clients.selection import queries, services
from webapp.clients.selection.rules import Criteria, parse_criteria
from webapp.errors import Refused
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.operations.models import AdvisorObjective, Target

FRENCH = parse_criteria({"language": ["fr"]})
RHONE_CORSICA = parse_criteria({"department": ["69", "2A", "2B"]})
ENTRY = date(2030, 2, 1)


def _targets(operation):
    return dict(db.session.execute(select(Target.client_id, Target.advisor_id)
                                   .where(Target.operation_id == operation.id)).all())


# --- Saved queries ------------------------------------------------------------------------

def test_save_rename_share_and_delete(book, make_saved_query):
    marc = book["advisor"]
    query = make_saved_query(marc, "Lyonnais", {"city": ["Lyon"]})
    assert query.criteria == "city=lyon" and not query.shared
    with pytest.raises(FieldRefused, match="déjà une requête de ce nom"):
        services.save_query(marc, " lyonnais ", FRENCH, shared=False)
    with pytest.raises(Refused, match="au moins un critère"):
        services.save_query(marc, "Vide", Criteria(), shared=False)
    services.save_query(marc, "Lyonnais", FRENCH, shared=True, query=query)
    assert query.team_id == book["lyon"].id and services.criteria_of(query) == FRENCH
    with pytest.raises(Refused, match="Seul son auteur"):
        services.delete_query(book["manager"], query)
    services.delete_query(marc, query)
    assert queries.visible_queries(marc) == []


def test_a_shared_query_is_seen_by_the_team_and_the_teams_below(book, make_saved_query):
    shared = make_saved_query(book["manager"], "Équipe", shared=True)
    private = make_saved_query(book["manager"], "Perso")
    seen = {role: {q.name for q in queries.visible_queries(user)}
            for role, user in [("manager", book["manager"]), ("marc", book["advisor"]),
                               ("paul", book["paul"]), ("lea", book["other_advisor"])]}
    assert seen == {"manager": {"Équipe", "Perso"}, "marc": {"Équipe"},
                    "paul": {"Équipe"}, "lea": set()}
    assert shared.shared and not private.shared


def test_a_saved_query_is_read_live(book, make_saved_query, make_client):
    query = make_saved_query(book["admin"], "Corses", {"department": ["2A"]})
    criteria = services.criteria_of(query)
    assert queries.count(criteria, user=book["admin"]) == 1
    make_client("Ange", "Nouveau", postal_code="20000")
    assert queries.count(criteria, user=book["admin"]) == 2


# --- Add to an operation ------------------------------------------------------------------

def test_preview_counts_then_adds_all_or_nothing(book):
    manager, operation = book["manager"], book["operation"]
    # Claire sees her team and the clients without advisor; there: Roux (already in
    # the operation), Corse (no advisor), Bastia, Partie.
    preview = services.preview_add(operation, RHONE_CORSICA, (), manager)
    assert (preview.matched, preview.already, preview.new, preview.without_advisor) == (
        4, 1, 3, 1)
    with pytest.raises(Refused, match="1 de ces clients n'ont pas de conseiller"):
        services.add_to_operation(operation, RHONE_CORSICA, (), manager, ENTRY, None, None, None, 3)
    with pytest.raises(Refused, match="a changé depuis l'aperçu") as stale:
        services.add_to_operation(operation, RHONE_CORSICA, (), manager, ENTRY, None, None,
                                  book["paul"].id, 2)
    assert stale.value.status == 409
    assert len(_targets(operation)) == 1  # nothing written
    result = services.add_to_operation(operation, RHONE_CORSICA, (), manager, ENTRY,
                                       Decimal("5000"), None, book["paul"].id, 3)
    assert (result.added, result.skipped) == (3, 1)
    clients = book["clients"]
    assert _targets(operation) == {clients["Roux"].id: book["advisor"].id,
                                   **{clients[n].id: book["paul"].id
                                      for n in ("Corse", "Bastia", "Partie")}}
    potentials = set(db.session.scalars(select(Target.potential).where(
        Target.operation_id == operation.id, Target.client_id != clients["Roux"].id)))
    assert potentials == {Decimal("5000")}


def test_each_clients_advisor_and_potentials_per_client(book):
    manager, operation, clients = book["manager"], book["operation"], book["clients"]
    ticked = (clients["Bastia"].id, clients["Partie"].id)
    preview = services.preview_add(operation, Criteria(), ticked, manager)
    assert (preview.matched, preview.new, preview.without_advisor) == (2, 2, 0)
    services.add_to_operation(operation, Criteria(), ticked, manager, ENTRY, Decimal("10"),
                              {clients["Bastia"].id: Decimal("70000")}, None, 2)
    rows = dict(db.session.execute(select(Target.client_id, Target.potential).where(
        Target.client_id.in_(ticked))).all())
    assert rows == {clients["Bastia"].id: Decimal("70000"),
                    clients["Partie"].id: Decimal("10")}
    assert _targets(operation)[clients["Partie"].id] == book["gone"].id


def test_an_advisor_taking_part_adds_only_his_own_clients(book, make_client):
    marc, operation = book["advisor"], book["operation"]
    db.session.add(AdvisorObjective(operation_id=operation.id, advisor_id=marc.id, amount=1))
    mine = make_client("Paule", "Mienne", advisor=marc)
    db.session.commit()
    preview = services.preview_add(operation, Criteria(), (), marc)
    assert (preview.matched, preview.already, preview.new) == (2, 1, 1)
    with pytest.raises(Refused, match="vos propres clients") as refused:
        services.add_to_operation(operation, Criteria(), (), marc, ENTRY, None, None,
                                  book["paul"].id, 1)
    assert refused.value.status == 403
    services.add_to_operation(operation, Criteria(), (), marc, ENTRY, None, None, None, 1)
    assert _targets(operation)[mine.id] == marc.id


def test_no_right_on_the_operation(book):
    with pytest.raises(Refused) as refused:
        services.preview_add(book["operation"], Criteria(), (), book["other_advisor"])
    assert refused.value.status == 403


# --- Assign an advisor --------------------------------------------------------------------

def test_assign_counts_changes_and_keeps_the_advisor_history(book):
    manager, marc, clients = book["manager"], book["advisor"], book["clients"]
    criteria = parse_criteria({"department": ["69", "2A"]})  # Roux (Marc), Partie, Corse
    preview = services.preview_assign(criteria, (), manager, marc.id)
    assert (preview.matched, preview.unchanged, preview.changing) == (3, 1, 2)
    with pytest.raises(Refused, match="a changé"):
        services.assign_clients(criteria, (), manager, marc.id, expected=3)
    assert services.assign_clients(criteria, (), manager, marc.id, expected=2) == 2
    db.session.commit()
    assert db.session.scalar(select(func.count(Client.id)).where(
        Client.advisor_id == marc.id)) == 3
    periods = db.session.execute(select(AdvisorPeriod.advisor_id, AdvisorPeriod.ended_on)
                                 .where(AdvisorPeriod.client_id == clients["Partie"].id)
                                 .order_by(AdvisorPeriod.id)).all()
    assert [p.advisor_id for p in periods] == [book["gone"].id, marc.id]
    assert periods[0].ended_on is not None and periods[1].ended_on is None


def test_assign_is_for_managers_in_their_scope(book):
    with pytest.raises(Refused) as refused:
        services.preview_assign(FRENCH, (), book["advisor"], book["advisor"].id)
    assert refused.value.status == 403
    with pytest.raises(FieldRefused, match="pas dans votre périmètre"):
        services.assign_clients(FRENCH, (), book["manager"], book["other_advisor"].id, 1)
    with pytest.raises(FieldRefused):  # a departed advisor is no choice
        services.assign_clients(FRENCH, (), book["manager"], book["gone"].id, 1)
