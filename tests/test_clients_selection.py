"""The query builder's pages: the client list with criteria in its URL, « Mes requêtes »,
the actions' previews and confirmations, the exports; bad input, someone else's ids, CSRF."""

import io
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from webapp.clients.models import Client
from webapp.clients.selection.models import SavedQuery
from webapp.extensions import db
from webapp.operations.models import Target


def _text(response) -> str:
    return response.text.replace("\u202f", " ").replace("\u00a0", " ").replace("&#39;", "'")


def _words(html: str) -> str:
    """The page's text without its tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- The builder on the client list ------------------------------------------------------

def test_the_list_reads_its_criteria_from_the_url(book, login):
    http = login(book["admin"])
    page = http.get("/clients/?department=69&department=2A&language=fr&language=it")
    assert page.status_code == 200
    text = _text(page)
    assert "3 clients" in text and "Roux Anne" in text and "Corse Zoé" in text
    assert "Blanc" not in text
    assert 'value="it" selected' in text and 'value="69, 2A"' in text  # kept in the builder
    assert "Critères de la requête (2)" in text
    fragment = http.get("/clients/?city=saint+etienne", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "Dupré Élodie" in fragment.text
    # Every action takes the criteria along (hidden inputs of the result's form).
    assert '<input type="hidden" name="department" value="2A">' in text


def test_malformed_criteria_are_no_filter(book, login):
    http = login(book["admin"])
    for query in ("advisor_id=99999999999", "created_from=9999-12-31", "team_id=abc",
                  "situation=%00", "department=%3Cb%3E", "page=-3"):
        response = http.get(f"/clients/?{query}")
        assert response.status_code == 200 and "6 clients" in _text(response), query


def test_an_advisor_sees_his_clients_whatever_the_url(book, login):
    http = login(book["advisor"])
    text = _text(http.get(f"/clients/?advisor_id={book['other_advisor'].id}&city=nantes"))
    assert "0 client" in text and "Blanc" not in text


# --- Saved queries ------------------------------------------------------------------------

def test_save_run_and_delete_a_query(book, login):
    marc = book["advisor"]
    http = login(marc)
    response = http.post("/clients/queries", data={"name": "Mes Lyonnais", "city": "Lyon",
                                                   "shared": "y"})
    assert response.status_code == 302 and "city=lyon" in response.location
    query = db.session.scalar(select(SavedQuery))
    assert query.team_id == book["lyon"].id and "saved=" in response.location
    page = _text(http.get(response.location))
    assert "Requête « Mes Lyonnais » (partagée avec l'équipe)" in page and "Roux Anne" in page
    assert "Mes Lyonnais" in http.get("/clients/queries").text
    assert "Mes Lyonnais" in login(book["paul"]).get("/clients/queries").text  # Part-Dieu
    run = http.get(f"/clients/queries/{query.id}")
    assert run.status_code == 302 and "city=lyon" in run.location
    assert "Supprimer la requête « Mes Lyonnais »" in http.get(
        f"/clients/queries/{query.id}/delete").text
    assert http.post(f"/clients/queries/{query.id}/delete").status_code == 302
    assert _count(SavedQuery) == 0


@pytest.mark.parametrize("data, message", [
    ({"name": "", "city": "Lyon"}, "Ce champ est obligatoire."),
    ({"name": "x" * 121, "city": "Lyon"}, "120 caractères"),
    ({"name": "Sans critère"}, "Choisissez au moins un critère"),
    ({"name": "Doublon", "city": "Lyon"}, "Vous avez déjà une requête de ce nom."),
])
def test_saving_bad_input(book, login, make_saved_query, data, message):
    make_saved_query(book["advisor"], "Doublon")
    response = login(book["advisor"]).post("/clients/queries", data=data)
    assert response.status_code == 422 and message in response.text.replace("&#39;", "'")
    if data.get("city"):  # the criteria are kept for the next try
        assert '<input type="hidden" name="city" value="lyon">' in response.text
    assert _count(SavedQuery) == 1


def test_someone_elses_private_query_is_404(book, login, make_saved_query):
    query = make_saved_query(book["advisor"], "Privée")
    for user in (book["manager"], book["other_advisor"]):
        http = login(user)
        assert http.get(f"/clients/queries/{query.id}").status_code == 404
        assert http.post(f"/clients/queries/{query.id}/delete").status_code == 404
    assert login(book["advisor"]).get("/clients/queries/2147483648").status_code == 404


# --- Add to an operation ------------------------------------------------------------------

def _add(http, data):
    return http.post("/clients/selection/operation", data={
        "department": ["69", "2A", "2B"], **data})


def test_add_to_an_operation_preview_then_confirm(book, login):
    http, operation = login(book["manager"]), book["operation"]
    form = _text(http.get(f"/clients/selection/operation?department=69&department=2A"
                          f"&department=2B&operation={operation.id}"))
    assert "Tout le résultat de la requête : 4 clients" in _words(form)
    assert f'<option selected value="{operation.id}">' in form
    fields = {"act-operation_id": operation.id, "act-entry_date": "2030-02-01",
              "act-potential": "12 500,50", "act-advisor_id": book["paul"].id}
    preview = _text(_add(http, fields))
    assert "4 clients retenus, dont 1 déjà dans l'opération (ignoré)" in preview
    assert "3 clients seront ajoutés" in preview and "Confirmer l'ajout de 3 clients" in preview
    assert 'name="act-expected" value="3"' in preview
    assert _count(Target, Target.operation_id == operation.id) == 1  # a preview writes nothing
    done = _add(http, {**fields, "act-expected": "3"})
    assert done.status_code == 302 and done.location.endswith(f"/operations/{operation.id}/targets")
    assert "3 client(s) ajouté(s) à l&#39;opération" in http.get(done.location).text
    assert _count(Target, Target.operation_id == operation.id) == 4


def test_a_stale_confirmation_writes_nothing(book, login):
    http, operation = login(book["manager"]), book["operation"]
    response = _add(http, {"act-operation_id": operation.id, "act-entry_date": "2030-02-01",
                           "act-advisor_id": book["paul"].id, "act-expected": "7"})
    assert response.status_code == 409 and "a changé depuis l&#39;aperçu" in response.text
    assert _count(Target, Target.operation_id == operation.id) == 1


def test_ticked_rows_only(book, login):
    http, operation, clients = login(book["manager"]), book["operation"], book["clients"]
    ticked = [clients["Bastia"].id, clients["Blanc"].id]  # Blanc: not Claire's
    preview = _text(http.post("/clients/selection/operation", data={
        "ticked": ticked, "act-operation_id": operation.id, "act-entry_date": "2030-02-01"}))
    assert "Les clients cochés : 1 client." in _words(preview) and "1 client sera ajouté" in preview


@pytest.mark.parametrize("data, message", [
    ({"act-operation_id": ""}, "Choisissez une opération."),
    ({"act-operation_id": "OTHER"}, "N&#39;est pas un choix valide"),
    ({"act-entry_date": "31/12/2026"}, "N&#39;est pas une date valide"),
    ({"act-entry_date": "9999-12-31"}, "Indiquez une date entre 1900 et 2100."),
    ({"act-potential": "-5"}, "Le potentiel doit être compris entre 0"),
    ({"act-potential": "beaucoup"}, "Saisissez un montant en euros"),
    ({"act-advisor_id": "LEA"}, "N&#39;est pas un choix valide"),
])
def test_add_bad_input(book, login, make_operation, data, message):
    foreign = make_operation(book["other_advisor"], name="Chez Léa")  # not Marc's to add to
    data = {k: (str(foreign.id) if v == "OTHER" else str(book["other_advisor"].id)
                if v == "LEA" else v) for k, v in data.items()}
    response = _add(login(book["advisor"]), {
        "act-operation_id": book["operation"].id, "act-entry_date": "2030-02-01", **data})
    assert response.status_code == 422 and message in response.text
    assert 'name="department" value="2B"' in response.text  # the query is kept
    assert _count(Target) == 3


# --- Assign an advisor --------------------------------------------------------------------

def test_assign_preview_then_confirm(book, login):
    http, marc = login(book["manager"]), book["advisor"]
    data = {"department": ["69", "2A"], "act-advisor_id": marc.id}
    preview = _text(http.post("/clients/selection/assign", data=data))
    assert "3 clients retenus, dont 1 déjà suivi par ce conseiller" in preview
    assert "2 clients changeront de conseiller pour Marc Petit" in preview
    done = http.post("/clients/selection/assign", data={**data, "act-expected": "2"})
    assert done.status_code == 302
    assert _count(Client, Client.advisor_id == marc.id) == 3


def test_assign_refusals(book, login):
    assert login(book["advisor"]).post("/clients/selection/assign", data={
        "act-advisor_id": book["advisor"].id}).status_code == 403
    response = login(book["manager"]).post("/clients/selection/assign", data={
        "act-advisor_id": book["other_advisor"].id})
    assert response.status_code == 422 and "N&#39;est pas un choix valide" in response.text


# --- Exports ------------------------------------------------------------------------------

def test_csv_export_french_way(book, login):
    response = login(book["admin"]).get("/clients/selection/export.csv?product=PEA"
                                        "&product=Assurance+vie")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Nom;Prénom;E-mail;Téléphone;Code postal;Ville;Langue")
    assert lines[1:] == ["Dupré;Élodie;;;42000;Saint-Étienne;Anglais;;Paul Durand;" +
                         re.search(r"\d\d/\d\d/\d{4}", lines[1]).group(0) + ";",
                         "Roux;Anne;;;69003;Lyon;Français;Laval;Marc Petit;15/06/2025;1500,50"]


def test_excel_export_of_ticked_rows(book, login):
    roux = book["clients"]["Roux"]
    response = login(book["manager"]).get(f"/clients/selection/export.xlsx?ticked={roux.id}"
                                          f"&ticked={book['clients']['Blanc'].id}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][:2] == ("Roux", "Anne") and rows[1][10] == 1500.5
    assert rows[1][9].date().isoformat() == "2025-06-15"  # the day in Paris


def test_the_operations_page_offers_the_saved_queries(book, login, make_saved_query):
    """« Ajouter des clients » of an operation: the same builder, and one's saved queries
    lead to the preview with that operation chosen."""
    make_saved_query(book["manager"], "Corses", {"department": ["2A", "2B"]})
    operation = book["operation"]
    page = _text(login(book["manager"]).get(f"/operations/{operation.id}/targets"))
    link = (f'href="/clients/selection/operation?department=2A&amp;department=2B&amp;'
            f'operation={operation.id}">Corses</a>')
    assert link in page and "Ou le résultat d'une requête enregistrée" in page
    preview = _text(login(book["manager"]).get(
        f"/operations/{operation.id}/targets/bulk?department=2A&department=2B",
        headers={"HX-Request": "true"}))
    assert "2 clients correspondent" in preview
