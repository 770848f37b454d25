"""The clients of an operation: list, add (one, a client query, from the client file),
remove, scoping and rights; the advisor's home box."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, insert, select

from tests.fixtures.supervision import another_writer_first
from webapp import clock
from webapp.auth.models import Access, Role
from webapp.clients.models import Client
from webapp.clients.rules import search_key
from webapp.extensions import db
from webapp.formatting import money
from webapp.operations.models import AdvisorObjective, RecordStatus, StepRecord, Target

TODAY = clock.today()


@pytest.fixture
def setup(org, make_client, make_operation, make_target):
    """Claire (manager, Lyon) runs the operation; Marc (Lyon) and Léa (Nantes) follow
    clients in it."""
    marc, lea = org["advisor"], org["other_advisor"]
    operation = make_operation(org["manager"])
    clients = {
        "anne": make_client("Anne", "Roux", advisor=marc, phone="0612345678"),
        "paul": make_client("Paul", "Durand", advisor=marc),
        "zoe": make_client("Zoé", "Blanc", advisor=lea),
        "free": make_client("Jean", "Libre", advisor=marc),
    }
    targets = {
        "anne": make_target(operation, clients["anne"], potential="30000"),
        "paul": make_target(operation, clients["paul"], potential="50000"),
        "zoe": make_target(operation, clients["zoe"], potential="20000"),
    }
    return {"op": operation, "clients": clients, "targets": targets, **org}


def _count(model, *where):
    return db.session.scalar(select(func.count(model.id)).where(*where))


def _valid(client, **data):
    return {"client_id": client.id, "potential": "50 000,50", "entry_date": TODAY.isoformat(),
            "advisor_id": "0", **data}


# --- The list -----------------------------------------------------------------------------

def test_list_shows_targets_with_totals(setup, login):
    setup["op"].responsible.operations_access = Access.ALL
    db.session.commit()
    http = login(setup["manager"])
    page = http.get(f"/operations/{setup['op'].id}/targets")
    assert page.status_code == 200 and "<html" in page.text
    assert "Liste des clients concernés par l'opération" in page.text
    for name in ("Roux Anne", "Durand Paul", "Blanc Zoé"):
        assert name in page.text
    assert f"3 clients · potentiel total {money(Decimal('100000'))}" in page.text
    assert f"/operations/targets/{setup['targets']['anne'].id}" in page.text
    assert "À contacter" in page.text and "Ajouter un client" in page.text
    marc = setup["advisor"].id
    mine = http.get(f"/operations/{setup['op'].id}/targets?advisor_id={marc}",
                    headers={"HX-Request": "true"})
    assert "<html" not in mine.text and "Blanc Zoé" not in mine.text
    assert f"2 clients · potentiel total {money(Decimal('80000'))}" in mine.text


def test_concluded_target_is_coloured(setup, login):
    anne = setup["targets"]["anne"]
    anne.concluded, anne.success, anne.amount = True, True, Decimal("1000")
    paul = setup["targets"]["paul"]
    db.session.add(StepRecord(target=paul, step=setup["op"].steps[0], status=RecordStatus.DONE))
    db.session.commit()
    page = login(setup["manager"]).get(f"/operations/{setup['op'].id}/targets").text
    assert 'class="line-success"' in page and "Succès" in page and "En cours" in page


def test_advisor_sees_only_his_targets_and_may_add_but_not_remove(setup, login):
    """Seed 004: the advisor « a la possibilité … d'extraire une liste de clients … afin
    de les ajouter aux opérations auxquelles il participe » (#13.2); removing stays with
    whoever runs the operation."""
    http = login(setup["advisor"])
    page = http.get(f"/operations/{setup['op'].id}/targets")
    assert page.status_code == 200
    assert "Roux Anne" in page.text and "Blanc Zoé" not in page.text
    assert "Ajouter un client" in page.text and "Retirer" not in page.text
    assert f"2 clients · potentiel total {money(Decimal('80000'))}" in page.text


def test_someone_elses_operation_or_target_is_404(setup, make_operation, login):
    other = make_operation(setup["other_advisor"], name="Opération de Léa")
    http = login(setup["advisor"])
    assert http.get(f"/operations/{other.id}/targets").status_code == 404
    zoe = setup["targets"]["zoe"]
    assert http.get(f"/operations/targets/{zoe.id}/remove").status_code == 404
    assert http.post(f"/operations/targets/{zoe.id}/remove").status_code == 404
    assert login(setup["other_advisor"]).get(
        f"/operations/{setup['op'].id}/targets?advisor_id={setup['advisor'].id}"
    ).text.count("Roux Anne") == 0


@pytest.mark.parametrize("method, path", [
    ("post", "/operations/{op}/targets"),
    ("get", "/operations/{op}/targets/bulk?q=roux"),
    ("post", "/operations/{op}/targets/bulk"),
    ("get", "/operations/targets/{target}/remove"),
    ("post", "/operations/targets/{target}/remove"),
])
def test_changes_need_the_right(setup, login, make_user, method, path):
    """A manager who sees the operation (his team's clients are in it) but neither runs
    it, nor takes part, nor holds the manage right, changes nothing."""
    url = path.format(op=setup["op"].id, target=setup["targets"]["anne"].id)
    onlooker = make_user(Role.MANAGER, team=setup["region"], name="Regard Seul",
                         email="regard@example.fr", operations_access=Access.TEAM)
    http = login(onlooker)
    response = getattr(http, method)(url, data=_valid(setup["clients"]["free"]))
    assert response.status_code == 403
    assert _count(Target) == 3


def test_manage_operations_right_allows_changes(setup, login):
    marc = setup["advisor"]
    marc.manage_operations = True
    db.session.commit()
    response = login(marc).post(f"/operations/{setup['op'].id}/targets",
                                data=_valid(setup["clients"]["free"]))
    assert response.status_code == 302


# --- Add one client -----------------------------------------------------------------------

def test_add_one_client_with_defaults(setup, login):
    http = login(setup["manager"])
    form = http.get(f"/operations/{setup['op'].id}/targets").text
    assert f'value="{TODAY.isoformat()}"' in form and "Le conseiller du client" in form
    free = setup["clients"]["free"]
    response = http.post(f"/operations/{setup['op'].id}/targets", data=_valid(free))
    assert response.status_code == 302
    assert response.location == f"/operations/{setup['op'].id}/targets"
    target = db.session.scalar(select(Target).where(Target.client_id == free.id))
    assert target.advisor_id == setup["advisor"].id
    assert target.potential == Decimal("50000.50") and target.entry_date == TODAY
    assert "Jean Libre a été ajouté(e)" in http.get(response.location).text


def test_add_with_another_advisor_and_no_potential(setup, login):
    free = setup["clients"]["free"]
    response = login(setup["manager"]).post(f"/operations/{setup['op'].id}/targets", data=_valid(
        free, potential="", advisor_id=setup["manager"].id, entry_date="2030-01-15"))
    assert response.status_code == 302
    target = db.session.scalar(select(Target).where(Target.client_id == free.id))
    assert (target.advisor_id, target.potential, target.entry_date) == (
        setup["manager"].id, None, date(2030, 1, 15))


def test_client_without_advisor_needs_one(setup, make_client, login):
    orphan = make_client("Sans", "Conseiller")
    response = login(setup["manager"]).post(f"/operations/{setup['op'].id}/targets",
                                            data=_valid(orphan))
    assert response.status_code == 422
    assert "Ce client n&#39;a pas de conseiller" in response.text


def test_same_client_twice_is_refused(setup, login):
    response = login(setup["manager"]).post(f"/operations/{setup['op'].id}/targets",
                                            data=_valid(setup["clients"]["anne"]))
    assert response.status_code == 422
    assert "Ce client fait déjà partie de cette opération." in response.text
    assert _count(Target) == 3


def test_a_client_may_be_in_several_operations(setup, make_operation, login):
    second = make_operation(setup["manager"], name="Assurance vie")
    response = login(setup["manager"]).post(f"/operations/{second.id}/targets",
                                            data=_valid(setup["clients"]["anne"]))
    assert response.status_code == 302
    assert _count(Target, Target.client_id == setup["clients"]["anne"].id) == 2


def test_archived_operation_takes_no_client(setup, login):
    setup["op"].archived = True
    db.session.commit()
    http = login(setup["manager"])
    page = http.get(f"/operations/{setup['op'].id}/targets").text
    assert "archivée : elle ne peut plus être attribuée" in page
    assert "Ajouter un client" not in page
    response = http.post(f"/operations/{setup['op'].id}/targets",
                         data=_valid(setup["clients"]["free"]))
    assert response.status_code == 422
    assert "ne peut plus être attribuée à un client" in response.text
    bulk = http.post(f"/operations/{setup['op'].id}/targets/bulk",
                     data={"q": "libre", "bulk-entry_date": TODAY.isoformat()})
    assert bulk.status_code == 422
    assert _count(Target) == 3


@pytest.mark.parametrize("data, message", [
    ({"potential": "-1"}, "Le potentiel doit être compris entre 0"),
    ({"potential": "1" * 20}, "Le potentiel doit être compris entre 0"),
    ({"potential": "beaucoup"}, "Saisissez un montant en euros"),
    ({"potential": "NaN"}, "Saisissez un montant en euros"),
    ({"entry_date": "2024-13-45"}, "N&#39;est pas une date valide"),
    ({"entry_date": ""}, "Ce champ est obligatoire."),
    ({"client_id": ""}, "Choisissez un client."),
    ({"client_id": "abc"}, "Client introuvable."),
    ({"client_id": "999999"}, "Client introuvable."),
    ({"advisor_id": "abc"}, "Choix non valide"),
])
def test_add_bad_input(setup, login, data, message):
    response = login(setup["manager"]).post(f"/operations/{setup['op'].id}/targets",
                                            data=_valid(setup["clients"]["free"], **data))
    assert response.status_code == 422
    assert message in response.text
    assert _count(Target) == 3
    if "potential" in data:
        assert f'value="{data["potential"]}"' in response.text  # what was typed is kept


def test_someone_elses_client_and_advisor_are_refused(setup, make_client, login):
    """Claire (Lyon) sees neither Léa's clients nor Léa (Nantes)."""
    lea = setup["other_advisor"]
    theirs = make_client("Hors", "Périmètre", advisor=lea)
    http = login(setup["manager"])
    url = f"/operations/{setup['op'].id}/targets"
    response = http.post(url, data=_valid(theirs))
    assert response.status_code == 422 and "Client introuvable." in response.text
    response = http.post(url, data=_valid(setup["clients"]["free"], advisor_id=lea.id))
    assert response.status_code == 422 and "N&#39;est pas un choix valide" in response.text
    assert _count(Target) == 3


# --- Add a client query's result ------------------------------------------------------------

def test_bulk_preview_and_add(setup, make_client, login):
    marc = setup["advisor"]
    for first in ("Luc", "Léo", "Lou"):
        make_client(first, "Martin", advisor=setup["manager"])
    make_client("Ana", "Martineau", advisor=marc)
    http = login(setup["manager"])
    url = f"/operations/{setup['op'].id}/targets/bulk"
    preview = http.get(f"{url}?q=martin", headers={"HX-Request": "true"})
    assert preview.status_code == 200 and "<html" not in preview.text
    assert "4 clients correspondent" in preview.text and "Ajouter les 4 clients" in preview.text
    # Anne and Paul are already there: they are skipped.
    both = http.get(f"{url}?advisor_id={marc.id}").text
    assert "<html" in both and "dont 2 déjà dans l'opération" in both
    response = http.post(url, data={"advisor_id": marc.id, "bulk-potential": "10000",
                                    "bulk-entry_date": "2030-02-01"})
    assert response.status_code == 302
    assert "2 client(s) ajouté(s) à l&#39;opération ; 2 déjà présent(s), ignoré(s)." in http.get(
        response.location).text
    added = db.session.scalars(select(Target).join(Client).where(
        Client.last_name.in_(["Libre", "Martineau"]))).all()
    assert {(t.advisor_id, t.potential, t.entry_date) for t in added} == {
        (marc.id, Decimal("10000"), date(2030, 2, 1))}
    assert _count(Target) == 5


@pytest.mark.parametrize("data, message", [
    ({"bulk-potential": "-5"}, "Le potentiel doit être compris entre 0"),
    ({"bulk-entry_date": "hier"}, "N&#39;est pas une date valide"),
])
def test_bulk_bad_input(setup, login, data, message):
    response = login(setup["manager"]).post(
        f"/operations/{setup['op'].id}/targets/bulk",
        data={"q": "libre", "bulk-entry_date": TODAY.isoformat(), **data})
    assert response.status_code == 422 and message in response.text
    assert _count(Target) == 3


def test_bulk_only_takes_clients_in_scope(setup, make_client, login):
    make_client("Zed", "Libre", advisor=setup["other_advisor"])  # Nantes: not Claire's
    response = login(setup["manager"]).post(
        f"/operations/{setup['op'].id}/targets/bulk",
        data={"q": "libre", "bulk-entry_date": TODAY.isoformat()})
    assert response.status_code == 302
    assert _count(Target) == 4


def test_bulk_add_of_5000_clients(setup, login):
    """Thousands of clients in one transaction, through the ORM (audit kept), in chunks."""
    marc = setup["advisor"]
    db.session.execute(insert(Client), [
        {"first_name": f"Client{i}", "last_name": "Masse", "advisor_id": marc.id,
         "language": "fr", "name_key": search_key(f"Masse Client{i}"),
         "name_key_rev": search_key(f"Client{i} Masse")} for i in range(5000)])
    db.session.commit()
    http = login(setup["manager"])
    url = f"/operations/{setup['op'].id}/targets/bulk"
    assert "Ajouter les 5 000 clients" in http.get(f"{url}?q=masse").text.replace(
        "\u202f", " ").replace("\u00a0", " ")
    started = time.perf_counter()
    response = http.post(url, data={"q": "masse", "bulk-entry_date": TODAY.isoformat()})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    assert _count(Target) == 5003
    print(f"bulk add of 5000 clients: {elapsed:.2f} s")
    assert elapsed < 30


# --- Remove -------------------------------------------------------------------------------

def test_remove_asks_then_deletes_with_records(setup, login):
    paul = setup["targets"]["paul"]
    db.session.add(StepRecord(target=paul, step=setup["op"].steps[0], status=RecordStatus.DONE))
    db.session.commit()
    http = login(setup["manager"])
    confirm = http.get(f"/operations/targets/{paul.id}/remove")
    assert confirm.status_code == 200
    assert "Retirer Paul Durand" in confirm.text
    assert "1 étape ou événement enregistré" in confirm.text
    response = http.post(f"/operations/targets/{paul.id}/remove")
    assert response.status_code == 302
    assert _count(Target) == 2 and _count(StepRecord) == 0
    assert "Paul Durand a été retiré(e)" in http.get(response.location).text


# --- From the client file -------------------------------------------------------------------

def test_client_file_lists_and_adds(setup, make_operation, login):
    second = make_operation(setup["manager"], name="Assurance vie")
    archived = make_operation(setup["manager"], name="Ancienne", archived=True)
    anne = setup["clients"]["anne"]
    http = login(setup["manager"])
    detail = http.get(f"/clients/{anne.id}").text
    assert f'hx-get="/operations/clients/{anne.id}"' in detail
    section = http.get(f"/operations/clients/{anne.id}", headers={"HX-Request": "true"})
    assert "<html" not in section.text
    assert "Épargne retraite T1" in section.text
    assert f"/operations/targets/{setup['targets']['anne'].id}" in section.text
    assert "Ajouter à une opération" in section.text and "Ancienne" not in section.text
    data = {"operation_id": second.id, "potential": "", "entry_date": TODAY.isoformat(),
            "advisor_id": "0"}
    response = http.post(f"/operations/clients/{anne.id}", data=data)
    assert response.status_code == 302
    target = db.session.scalar(select(Target).where(Target.operation_id == second.id))
    assert response.location == f"/operations/targets/{target.id}"
    assert target.advisor_id == setup["advisor"].id
    again = http.post(f"/operations/clients/{anne.id}", data=data,
                      headers={"HX-Request": "true"})
    assert again.status_code == 422 and "<html" not in again.text
    assert "Ce client fait déjà partie de cette opération." in again.text
    old = http.post(f"/operations/clients/{anne.id}", data={**data, "operation_id": archived.id})
    assert old.status_code == 422 and "N&#39;est pas un choix valide" in old.text


def test_client_file_add_by_htmx_opens_the_follow_up(setup, make_operation, login):
    second = make_operation(setup["manager"], name="Assurance vie")
    free = setup["clients"]["free"]
    response = login(setup["manager"]).post(
        f"/operations/clients/{free.id}", headers={"HX-Request": "true"},
        data={"operation_id": second.id, "entry_date": TODAY.isoformat(), "advisor_id": "0",
              "potential": "abc"})
    assert response.status_code == 422 and "Saisissez un montant" in response.text
    response = login(setup["manager"]).post(
        f"/operations/clients/{free.id}", headers={"HX-Request": "true"},
        data={"operation_id": second.id, "entry_date": TODAY.isoformat(), "advisor_id": "0"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/operations/targets/")


def test_client_file_offers_the_operations_i_take_part_in(setup, login):
    """#13.2, seed 004 (« Suivi > Ajouter > Opération commerciale »): Marc follows clients
    in Claire's operation, so he adds his own client to it from the client file."""
    free, anne = setup["clients"]["free"], setup["clients"]["anne"]
    http = login(setup["advisor"])
    section = http.get(f"/operations/clients/{free.id}").text
    assert "Ajouter à une opération" in section
    assert f'<option value="{setup["op"].id}"' in section
    response = http.post(f"/operations/clients/{free.id}", data={
        "operation_id": setup["op"].id, "entry_date": TODAY.isoformat(), "advisor_id": "0"})
    assert response.status_code == 302 and "/operations/targets/" in response.location
    added = db.session.scalar(select(Target).where(Target.client_id == free.id))
    assert added.operation_id == setup["op"].id and added.advisor_id == setup["advisor"].id
    response = http.post(f"/operations/clients/{anne.id}", data={
        "operation_id": setup["op"].id, "entry_date": TODAY.isoformat(), "advisor_id": "0"})
    assert response.status_code == 422 and "fait déjà partie" in response.text
    assert login(setup["other_advisor"]).get(f"/operations/clients/{anne.id}").status_code == 404


def test_an_advisor_adds_only_his_own_clients(setup, login, make_client):
    """#13.2: never others' clients, even one the advisor's scope shows (a manager taking
    part without the manage right), and never for a colleague."""
    op, marc = setup["op"], setup["advisor"]
    http = login(marc)
    zoe_free = make_client("Inès", "Autre", advisor=setup["other_advisor"])
    response = http.post(f"/operations/{op.id}/targets", data=_valid(zoe_free))
    assert response.status_code == 422 and _count(Target) == 3  # not in his scope
    manager = setup["manager"]
    manager_client = make_client("Hugo", "Chef", advisor=manager)
    op.responsible_id = setup["admin"].id
    op.created_by_id = setup["admin"].id
    db.session.commit()
    chief = login(manager)
    response = chief.post(f"/operations/{op.id}/targets", data=_valid(manager_client))
    assert response.status_code == 403  # Claire no longer runs it and takes no part
    db.session.add(AdvisorObjective(operation_id=op.id, advisor_id=manager.id,
                                    amount=Decimal(1000)))
    db.session.commit()
    response = chief.post(f"/operations/{op.id}/targets", data=_valid(setup["clients"]["free"]))
    assert response.status_code == 403 and "vos propres clients" in response.text
    response = chief.post(f"/operations/{op.id}/targets",
                          data=_valid(manager_client, advisor_id=str(marc.id)))
    assert response.status_code == 403 and _count(Target) == 3
    response = chief.post(f"/operations/{op.id}/targets", data=_valid(manager_client))
    assert response.status_code == 302 and _count(Target) == 4


def test_an_advisors_bulk_add_takes_only_his_clients(setup, login, make_client):
    """#13.2: « extraire une liste de clients … afin de les ajouter »: the advisor's
    query is his own clients, whatever the advisor filter says."""
    op = setup["op"]
    make_client("Jean", "Libreaussi", advisor=setup["other_advisor"])
    http = login(setup["advisor"])
    response = http.post(f"/operations/{op.id}/targets/bulk", data={
        "q": "libre", "advisor_id": str(setup["other_advisor"].id),
        "bulk-entry_date": TODAY.isoformat()})
    assert response.status_code == 302
    added = db.session.scalars(select(Target.client_id).where(
        Target.operation_id == op.id)).all()
    assert setup["clients"]["free"].id in added and len(added) == 4


# --- The advisor's home box ----------------------------------------------------------------

def test_home_box_lists_my_operations_in_order(setup, make_operation, make_target, login):
    marc = setup["advisor"]
    anne, paul = setup["targets"]["anne"], setup["targets"]["paul"]
    anne.concluded, anne.success = True, False
    first = make_operation(setup["manager"], name="Prévoyance", position=-1)
    make_target(first, setup["clients"]["free"])
    make_target(make_operation(setup["manager"], name="Pas commencée",
                               start=TODAY + timedelta(days=3)), setup["clients"]["free"])
    make_target(make_operation(setup["manager"], name="Finie", start=TODAY - timedelta(days=30),
                               end=TODAY - timedelta(days=1)), setup["clients"]["free"])
    make_target(make_operation(setup["manager"], name="Rangée", archived=True),
                setup["clients"]["free"])
    db.session.add(StepRecord(target=paul, step=setup["op"].steps[0], status=RecordStatus.PLANNED))
    db.session.commit()
    page = login(marc).get("/").text
    box = page[page.index('id="box-operations"'):page.index('id="box-alerts"')]
    assert box.index("Prévoyance") < box.index("Épargne retraite T1")
    assert "Pas commencée" not in box and "Finie" not in box and "Rangée" not in box
    # Anne is concluded; Paul has only a planned step: still to contact.
    assert box.count("client à contacter") == 2
    assert f"/operations/{setup['op'].id}/targets?advisor_id={marc.id}" in box
    db.session.add(StepRecord(target=paul, step=setup["op"].steps[0], status=RecordStatus.DONE))
    db.session.commit()
    box = login(marc).get("/").text
    assert "Tous vos clients ont été contactés" in box


def test_home_box_is_empty_without_operation(org, login, make_user):
    assert "Aucune opération commerciale en cours." in login(org["advisor"]).get("/").text
    manager = make_user(Role.MANAGER, team=org["lyon"])
    assert "Aucune opération commerciale en cours." in login(manager).get("/").text


def test_the_same_client_added_at_once_twice_is_refused_not_a_500(setup, login):
    """#19: requests adding one client at the same moment: the one whose INSERT comes
    second meets the unique constraint (another connection committed the same target
    just before it): a French refusal (409), no 500, one target."""
    op, free = setup["op"], setup["clients"]["free"]

    def quicker(conn):
        conn.execute(insert(Target).values(operation_id=op.id, client_id=free.id,
                                           advisor_id=free.advisor_id, concluded=False,
                                           version=1))

    http = login(setup["manager"])
    with another_writer_first("INSERT INTO target", quicker) as fired:
        response = http.post(f"/operations/{op.id}/targets", data=_valid(free))
    assert fired and response.status_code == 409
    assert "Ce client fait déjà partie de cette opération." in response.text
    db.session.expire_all()
    assert _count(Target, Target.client_id == free.id) == 1


def test_manager_home_shows_the_operations_he_runs_and_his_team(setup, login):
    """#13.3: a manager running an operation reads it in « Opérations en cours » (not
    « Aucune opération commerciale en cours »), and « Mon équipe » gives his scope's
    figures by advisor, each opening that advisor's clients."""
    claire, marc = setup["manager"], setup["advisor"]
    http = login(claire)
    page = http.get("/").text
    box = page[page.index('id="box-operations"'):]
    assert "Épargne retraite T1" in box and "Aucune opération commerciale" not in box
    assert f'href="/operations/{setup["op"].id}/targets"' in box
    # He runs it: all three of its clients are his to follow, none contacted yet.
    assert 'text-bg-primary">3</span> clients à contacter' in box
    assert 'hx-get="/supervision/equipe"' in page
    team = http.get("/supervision/equipe", headers={"HX-Request": "true"}).text
    assert "<html" not in team and "Marc Petit" in team
    assert "Léa Bernard" in team  # he runs the operation: all its advisors are his to see
    assert f"advisor={marc.id}" in team and "/supervision/gestion" in team


def test_advisor_home_has_his_pilotage(setup, login):
    """#13.3: « le conseiller » of seed 004's worked example gets the pilotage box, on his
    own figures."""
    page = login(setup["advisor"]).get("/").text
    assert 'id="box-pilotage"' in page and 'hx-get="/supervision/pilotage"' in page
    assert page.index('id="box-operations"') < page.index('id="box-alerts"')
