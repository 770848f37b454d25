"""Client files: scoping, search, create, edit, advisor history, locking, dialog."""

import pytest
from sqlalchemy import func, select

from webapp.clients.models import AdvisorPeriod, Client
from webapp.extensions import db
from webapp.history import AuditRow

VALID = {"first_name": "Anne", "last_name": "Roux", "phone": "06 12 34 56 78",
         "email": "anne.roux@example.fr", "language": "fr", "branch_id": "0",
         "advisor_id": "0", "civility": "Mme"}


@pytest.fixture
def clients(org, make_client):
    return {
        "anne": make_client("Anne", "Roux", advisor=org["advisor"], phone="0612345678",
                            email="anne.roux@example.fr"),
        "paul": make_client("Paul", "Durand", advisor=org["other_advisor"],
                            phone="0798765432", email="paul@example.fr"),
        "orphan": make_client("Zoé", "Marchand", phone="0145678910"),
    }


def _names(response):
    """The client names listed in the results table."""
    table = response.text.split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return {name for name in ("Roux", "Durand", "Marchand") if name in table}


@pytest.mark.parametrize(("role", "visible"), [
    ("advisor", {"Roux"}),
    ("other_advisor", {"Durand"}),
    ("manager", {"Roux", "Marchand"}),  # a manager also sees the unassigned pool
    ("bdc_agent", {"Roux", "Durand", "Marchand"}),
    ("admin", {"Roux", "Durand", "Marchand"}),
])
def test_list_is_scoped(org, clients, login, role, visible):
    assert _names(login(org[role]).get("/clients/")) == visible


def test_region_manager_sees_both_agencies(org, clients, login, make_user):
    from webapp.auth.models import Role

    boss = make_user(Role.MANAGER, team=org["region"])
    assert _names(login(boss).get("/clients/")) == {"Roux", "Durand", "Marchand"}


def test_another_teams_client_is_404(org, clients, login):
    http = login(org["advisor"])
    paul = clients["paul"].id
    for url in (f"/clients/{paul}", f"/clients/{paul}/edit", f"/clients/picker/{paul}"):
        assert http.get(url).status_code == 404
    assert http.post(f"/clients/{paul}/edit", data=VALID).status_code == 404


@pytest.mark.parametrize(("q", "found"), [
    ("rou", {"Roux"}), ("anne r", {"Roux"}), ("roux an", {"Roux"}), ("ANNE.R", {"Roux"}),
    ("06 12", {"Roux"}), ("+33 6 12 34", {"Roux"}), ("0798", {"Durand"}),
    ("paul@", {"Durand"}), ("zoe", {"Marchand"}), ("zoé", {"Marchand"}), ("xyz", set()),
])
def test_search_by_name_phone_email(org, clients, login, q, found):
    assert _names(login(org["admin"]).get("/clients/", query_string={"q": q})) == found


def test_search_fragment_for_htmx(org, clients, login):
    http = login(org["admin"])
    full = http.get("/clients/?q=rou")
    fragment = http.get("/clients/?q=rou", headers={"HX-Request": "true"})
    assert "<html" in full.text and "<html" not in fragment.text
    assert "Roux" in fragment.text and "HX-Request" in fragment.headers["Vary"]


def test_list_is_paginated(org, login, make_client, app):
    for i in range(30):
        make_client("Jean", f"Nom{i:02d}", advisor=org["advisor"])
    http = login(org["advisor"])
    first, second = http.get("/clients/"), http.get("/clients/?page=2")
    assert "Nom00" in first.text and "Nom29" not in first.text
    assert "Nom29" in second.text and "30 clients" in second.text


def test_create_client(org, login):
    http = login(org["advisor"])
    response = http.post("/clients/new", data={**VALID, "advisor_id": org["advisor"].id})
    assert response.status_code == 302
    client = db.session.scalar(select(Client).where(Client.last_name == "Roux"))
    assert client.phone == "+33 6 12 34 56 78" and client.phone_is_mobile is True
    assert client.phone_key == "0612345678" and client.name_key == "roux anne"
    assert [p.advisor_id for p in client.advisor_periods] == [org["advisor"].id]
    rows = db.session.scalars(select(AuditRow).where(AuditRow.object_type == "client")).all()
    assert {r.field for r in rows} >= {"first_name", "last_name", "phone", "email"}
    assert {r.user_id for r in rows} == {org["advisor"].id}
    page = http.get(f"/clients/{client.id}")
    assert "Historique" in page.text and "Prénom" in page.text and "Création" in page.text


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"first_name": ""}, "first_name", "Ce champ est obligatoire."),
    ({"last_name": "x" * 81}, "last_name", "81"),
    ({"last_name": "Unknown"}, "last_name", "Saisissez le vrai nom du client"),
    ({"phone": "123"}, "phone", "Numéro de téléphone invalide."),
    ({"phone": "abc"}, "phone", "Numéro de téléphone illisible."),
    ({"email": "pas-un-email"}, "email", "Adresse e-mail invalide."),
    ({"branch_id": "abc"}, "branch_id", "ne peut pas être converti"),
    ({"referred_by_id": "abc"}, "referred_by_id", "entier valide"),
    ({"language": "klingon"}, "language", "choix valide"),
])
def test_create_bad_input(org, login, data, field, message):
    response = login(org["advisor"]).post("/clients/new", data={
        **VALID, "advisor_id": org["advisor"].id, **data})
    assert response.status_code == 422
    assert message in response.text or ("81" in message and "80 caract" in response.text)
    assert f'id="{field}-error"' in response.text or field == "referred_by_id"
    assert db.session.scalar(select(func.count(Client.id))) == 0
    kept = {k: v for k, v in {**VALID, **data}.items() if k in ("first_name", "email")}
    for value in kept.values():
        if value:
            assert f'value="{value}"' in response.text


def test_someone_elses_ids_are_refused(org, clients, login):
    """Advisor and referrer outside the viewer's scope are not valid choices."""
    http = login(org["advisor"])
    response = http.post("/clients/new", data={**VALID, "advisor_id": org["other_advisor"].id,
                                               "referred_by_id": clients["paul"].id})
    assert response.status_code == 422
    assert "choix valide" in response.text and "Client introuvable." in response.text


def test_edit_changes_advisor_and_keeps_history(org, clients, login):
    anne = clients["anne"]
    http = login(org["manager"])
    form = http.get(f"/clients/{anne.id}/edit")
    assert 'name="version"' in form.text
    data = {**VALID, "version": anne.version, "advisor_id": org["manager"].id}
    assert http.post(f"/clients/{anne.id}/edit", data=data).status_code == 302
    periods = db.session.scalars(select(AdvisorPeriod).where(AdvisorPeriod.client_id == anne.id)
                                 .order_by(AdvisorPeriod.id)).all()
    assert [(p.advisor_id, p.ended_on is None) for p in periods] == [
        (org["advisor"].id, False), (org["manager"].id, True)]
    page = http.get(f"/clients/{anne.id}")
    assert "Historique des conseillers" in page.text and "Marc Petit" in page.text
    assert "Nouveau conseiller" in page.text


def test_concurrent_edit_shows_a_conflict(org, clients, login):
    anne = clients["anne"]
    version = anne.version
    first, second = login(org["manager"]), login(org["admin"])
    assert first.post(f"/clients/{anne.id}/edit", data={
        **VALID, "version": version, "city": "Lyon"}).status_code == 302
    response = second.post(f"/clients/{anne.id}/edit", data={
        **VALID, "version": version, "city": "Nantes"})
    assert response.status_code == 409
    assert "modifiée par quelqu'un d'autre" in response.text
    assert "Lyon" in response.text and 'value="Nantes"' in response.text
    db.session.refresh(anne)
    assert anne.city == "Lyon"
    # Saving again, knowingly, overwrites.
    new_version = anne.version
    assert second.post(f"/clients/{anne.id}/edit", data={
        **VALID, "version": new_version, "city": "Nantes"}).status_code == 302


def test_create_and_associate_from_a_dialog(org, login):
    http = login(org["advisor"])
    htmx = {"HX-Request": "true"}
    dialog = http.get("/clients/new?picker=referrer-picker&field=referred_by_id", headers=htmx)
    assert "<html" not in dialog.text and "Enregistrer et associer" in dialog.text
    assert 'id="referrer-picker-first_name"' in dialog.text
    mine = {**VALID, "advisor_id": org["advisor"].id}
    prefixed = {f"referrer-picker-{k}": v for k, v in mine.items()}
    bad = http.post("/clients/new?picker=referrer-picker&field=referred_by_id",
                    data={**prefixed, "referrer-picker-last_name": ""}, headers=htmx)
    assert bad.status_code == 422 and 'value="Anne"' in bad.text
    assert 'id="referrer-picker-last_name-error"' in bad.text
    good = http.post("/clients/new?picker=referrer-picker&field=referred_by_id",
                     data=prefixed, headers=htmx)
    assert good.status_code == 200
    assert good.headers["HX-Retarget"] == "#referrer-picker"
    assert good.headers["HX-Trigger"] == "pilote:close-dialog"
    new = db.session.scalar(select(Client).where(Client.last_name == "Roux"))
    assert f'name="referred_by_id" value="{new.id}"' in good.text
    assert new.phone_key == "0612345678" and new.advisor_id == org["advisor"].id


def test_picker_widget_params_are_sanitised(org, clients, login):
    response = login(org["admin"]).get(
        '/clients/picker?q=rou&picker="><script>&field=x" onclick="y')
    assert "<script>" not in response.text and 'onclick="y' not in response.text


@pytest.mark.parametrize("posted", [str(2**31), str(2**63), "9" * 12, "-1", "1.5", ""])
def test_picker_field_ignores_ids_no_row_has(org, clients, login, posted):
    """A posted client id no row has (beyond PostgreSQL's integers too): the form comes
    back refused (422) with what was typed, not a database error (a 500 on PostgreSQL)."""
    response = login(org["admin"]).post("/bo/gestures/new", data={
        "client_id": posted, "amount": "10", "reason": "Geste pour Zoë"})
    assert response.status_code == 422 and "Geste pour Zoë" in response.text


def test_picker_searches_in_scope(org, clients, login):
    http = login(org["advisor"])
    assert "Roux" in http.get("/clients/picker?q=ro&picker=p&field=f").text
    assert "Durand" not in http.get("/clients/picker?q=du&picker=p&field=f").text


def test_search_count_stops_at_its_cap(org, login, make_client, monkeypatch, app):
    """Past the cap the list says "Plus de N clients" and still pages on."""
    from webapp.clients import queries

    monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 3)
    app.config["PAGE_SIZE"] = 2
    for i in range(5):
        make_client("Jean", f"Martin{i}", advisor=org["advisor"])
    http = login(org["advisor"])
    first = http.get("/clients/?q=mart")
    assert "Plus de 3 clients" in first.text and "Suivante" in first.text
    assert "sur" not in first.text.split("Page 1", 1)[1][:20]
    third = http.get("/clients/?q=mart&page=3")
    assert "Martin4" in third.text


ACCOUNT = {"product": "Assurance vie", "number": "AV-000123", "opened_on": "2025-06-01",
           "amount": "15000"}


def test_add_an_account_to_a_client(org, clients, login):
    from webapp.clients.models import Account

    anne = clients["anne"]
    http = login(org["advisor"])
    response = http.post(f"/clients/{anne.id}/accounts", data=ACCOUNT,
                         headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.text
    assert "Assurance vie n° AV-000123" in response.text
    [account] = db.session.scalars(select(Account)).all()
    assert (account.client_id, str(account.amount)) == (anne.id, "15000.00")
    assert "Comptes et contrats" in http.get(f"/clients/{anne.id}").text


@pytest.mark.parametrize(("data", "message"), [
    ({"product": ""}, "Ce champ est obligatoire."),
    ({"number": "x" * 41}, "40 caract"),
    ({"opened_on": "hier"}, "date"),
    ({"opened_on": "0001-01-01"}, "Indiquez une date entre 1900 et 2100."),
    ({"opened_on": "9999-12-31"}, "Indiquez une date entre 1900 et 2100."),
    ({"amount": "beaucoup"}, "Saisissez un montant en euros"),
    ({"amount": "-5"}, "Le montant doit être positif."),
])
def test_account_bad_input(org, clients, login, data, message):
    from webapp.clients.models import Account

    response = login(org["advisor"]).post(f"/clients/{clients['anne'].id}/accounts",
                                          data={**ACCOUNT, **data})
    assert response.status_code == 422 and message in response.text
    assert db.session.scalar(select(func.count(Account.id))) == 0


def test_account_of_another_teams_client_is_404(org, clients, login):
    response = login(org["advisor"]).post(f"/clients/{clients['paul'].id}/accounts",
                                          data=ACCOUNT)
    assert response.status_code == 404


def test_lists_and_pickers_sort_names_the_french_way(org, login, make_client, make_user,
                                                     make_branch):
    """Issue 13: « Édouard » after « Thomas » was a byte order; French puts it first."""
    for last in ("Thomas", "Édouard", "dupont", "Zola"):
        make_client("Anne", last, advisor=org["manager"])
    make_user(team=org["lyon"], name="Édith Piaf")
    make_user(team=org["lyon"], name="Yves Montand")
    for name in ("Vannes", "Évreux", "angers"):
        make_branch(name)
    page = login(org["manager"]).get("/clients/").text
    listed = page.split("<tbody>", 1)[1]
    positions = [listed.index(name) for name in ("dupont", "Édouard", "Thomas", "Zola")]
    assert positions == sorted(positions)
    advisors = page.split('name="advisor_id"', 1)[1].split("</select>", 1)[0]
    assert advisors.index("Édith Piaf") < advisors.index("Marc Petit") < advisors.index(
        "Yves Montand")
    branches = page.split('name="branch_id"', 1)[1].split("</select>", 1)[0]
    assert branches.index("angers") < branches.index("Évreux") < branches.index("Vannes")


def test_control_characters_are_dropped_from_typed_text(org, login):
    """Issue 19: a NUL in a text field was a 500 on PostgreSQL; text areas keep line breaks."""
    http = login(org["advisor"])
    response = http.post("/clients/new", data={
        **VALID, "advisor_id": org["advisor"].id, "first_name": "An\x00ne\x01",
        "city": "La\tval\n",
        "notes": "Ligne 1\r\nLigne\x00 2\tfin\x1b\x7f"})
    assert response.status_code == 302
    client = db.session.scalar(select(Client).where(Client.last_name == "Roux"))
    assert (client.first_name, client.city) == ("Anne", "Laval")
    assert client.notes == "Ligne 1\r\nLigne 2\tfin"
    for q in ("a%00b", "%00", "ro%00ux%01"):
        assert http.get(f"/clients/?q={q}").status_code == 200
        assert http.get(f"/clients/picker?q={q}").status_code == 200


def test_a_huge_referrer_id_is_refused_not_a_500(org, login):
    response = login(org["advisor"]).post("/clients/new", data={
        **VALID, "advisor_id": org["advisor"].id, "referred_by_id": "99999999999999999999"})
    assert response.status_code == 422 and "Client introuvable." in response.text
