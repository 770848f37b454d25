"""The pipeline's settings (admin only): the stages (order, nature, expiry, requirements,
date recorded, deletion when empty) and the two named lists, the opportunity types and
the lost reasons. Also the entries of the route × role table (tests/test_routes_roles.py
merges SETTINGS_GET / SETTINGS_POST)."""

import json
import re
from html import unescape

import pytest
from sqlalchemy import delete, func, select

from tests.fixtures.opportunities import valid
from tests.fixtures.opportunity_routes import settings_ids
from webapp.extensions import db
from webapp.opportunities import services
from webapp.opportunities.models import LostReason, Opportunity, OpportunityType, Stage

HTMX = {"HX-Request": "true"}
ROLES = ["anonymous", "admin", "manager", "advisor", "other_advisor", "bdc_agent",
         "bo_assistant"]
ADMIN_ONLY = {r: 403 for r in ROLES} | {"anonymous": 302, "admin": 200}


# --- Helpers ------------------------------------------------------------------------------

def stage(name: str) -> Stage:
    return db.session.scalar(select(Stage).where(Stage.name == name))


def stage_names() -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(Stage.name).order_by(Stage.position, Stage.id)).all()


def stage_ids() -> list[int]:
    return db.session.scalars(select(Stage.id).order_by(Stage.position, Stage.id)).all()


def board_columns(html: str) -> list[str]:
    return [unescape(part.split("</h2>", 1)[0].split(">")[-1])
            for part in html.split('class="h6 mb-0" id="stage-')[1:]]


def form_of(s: Stage, **changes) -> dict:
    """The stage form as the page posts it, with ``changes``."""
    data = {"name": s.name, "description": s.description or "",
            "nature": "won" if s.won else "lost" if s.lost else "invalid" if s.invalid
            else "open",
            "expires_after_days": s.expires_after_days or "", "required": list(s.requirements),
            "stamps": s.stamps or ""}
    return data | changes


@pytest.fixture
def admin(org, login):
    return login(org["admin"])


@pytest.fixture
def anne(org, make_client):
    return make_client("Anne", "Roux", advisor=org["advisor"])


# --- The stages page ------------------------------------------------------------------------

def test_stages_page_shows_each_stage_in_order(admin, anne, make_opportunity):
    make_opportunity(anne, stage="Contacté")
    make_opportunity(anne, stage="Contacté")
    page = admin.get("/opportunities/settings/stages")
    assert page.status_code == 200
    text = unescape(page.text)
    names = stage_names()
    positions = [text.index(f">{name}</a>") for name in names]
    assert positions == sorted(positions) and len(names) == 13
    assert "La première étape reçoit les nouvelles opportunités." in text
    assert "56 jours" in text and ">Perdue</span>" in text and ">Gagnée</span>" in text
    assert ">Invalide</span>" in text and ">En cours</span>" in text
    assert "<li>Raison de la perte</li>" in text and "<li>Une réunion planifiée</li>" in text
    row = text.split(">Pris en charge</a>", 1)[1].split("</tr>", 1)[0]
    assert "Date de vente" in row
    contacted = text.split(">Contacté</a>", 1)[1].split("</tr>", 1)[0]
    assert re.search(r'<td class="text-end">2</td>', contacted)
    # The ↑ / ↓ buttons and the ids posted in order, for the reorder.
    assert 'aria-label="Monter « Contacté »"' in text
    assert re.findall(r'name="ids" value="(\d+)"', text) == [str(i) for i in stage_ids()]
    # The tab bar, the Administration menu's entry and the board's link.
    assert 'aria-current=page\n       href="/opportunities/settings/stages">Étapes' in text
    assert '>Pipeline</a>' in text
    board = admin.get("/opportunities/").text
    assert 'href="/opportunities/settings/stages">Réglages du pipeline' in board


@pytest.mark.parametrize("role", ["manager", "advisor", "bdc_agent", "bo_assistant"])
def test_only_admins_reach_the_settings(org, login, role):
    http = login(org[role])
    first = stage_ids()[0]
    type_id = settings_ids()["item_id"]
    for url in ("/opportunities/settings/stages", "/opportunities/settings/stages/new",
                f"/opportunities/settings/stages/{first}", "/opportunities/settings/types",
                f"/opportunities/settings/types/{type_id}",
                "/opportunities/settings/lost-reasons"):
        assert http.get(url).status_code == 403, url
    for url, data in (("/opportunities/settings/stages/new", {"name": "Pirate"}),
                      (f"/opportunities/settings/stages/{first}", {"name": "Pirate"}),
                      (f"/opportunities/settings/stages/{first}/delete", {}),
                      ("/opportunities/settings/stages/reorder",
                       {"ids": list(reversed(stage_ids()))}),
                      ("/opportunities/settings/types", {"name": "Pirate"}),
                      (f"/opportunities/settings/types/{type_id}", {"name": "Pirate"}),
                      (f"/opportunities/settings/types/{type_id}/delete", {})):
        assert http.post(url, data=data).status_code == 403, url
    assert "Pirate" not in stage_names()
    assert "settings/stages" not in http.get("/opportunities/").text


def test_anonymous_is_sent_to_login(client):
    response = client.get("/opportunities/settings/stages")
    assert response.status_code == 302 and "/login" in response.location


# --- Add and change a stage ---------------------------------------------------------------

def test_rename_a_stage_shows_on_the_board(admin, anne, make_opportunity):
    opportunity = make_opportunity(anne, stage="Contacté")
    contacted = stage("Contacté")
    page = admin.get(f"/opportunities/settings/stages/{contacted.id}")
    assert page.status_code == 200 and 'value="Contacté"' in page.text
    assert re.search(r'<input checked class="btn-check" [^>]*value="open"', page.text)
    assert "contient 1 opportunité" in unescape(page.text)  # why it cannot be deleted
    response = admin.post(f"/opportunities/settings/stages/{contacted.id}",
                          data=form_of(contacted, name="  Client joint  "))
    assert response.status_code == 302
    assert response.location.endswith("/opportunities/settings/stages")
    assert "Étape « Client joint » enregistrée." in unescape(
        admin.get("/opportunities/settings/stages").text)
    db.session.refresh(opportunity)
    assert opportunity.stage.name == "Client joint"
    board = admin.get("/opportunities/").text
    assert "Client joint" in board_columns(board) and "Contacté" not in board_columns(board)


def test_new_stage_goes_last_with_its_settings(admin):
    response = admin.post("/opportunities/settings/stages/new", data={
        "name": "Relance téléphonique", "description": "Deuxième appel",
        "nature": "open", "expires_after_days": "30",
        "required": ["phone", "email", "meeting"], "stamps": ""})
    assert response.status_code == 302
    new = stage("Relance téléphonique")
    assert new.position > max(s.position for s in db.session.scalars(
        select(Stage).where(Stage.id != new.id)))
    assert (new.won, new.lost, new.invalid, new.expires_after_days) == (
        False, False, False, 30)
    assert (new.required, new.stamps, new.description) == (
        "phone,email,meeting", None, "Deuxième appel")
    assert board_columns(admin.get("/opportunities/").text)[-1] == "Relance téléphonique"
    assert admin.get("/opportunities/settings/stages/new").status_code == 200


def test_a_lost_stage_with_its_reason_and_a_won_one_that_records_the_delivery(admin):
    assert admin.post("/opportunities/settings/stages/new", data={
        "name": "Perdu au téléphone", "nature": "lost",
        "required": ["lost_reason"]}).status_code == 302
    lost = stage("Perdu au téléphone")
    assert (lost.lost, lost.won, lost.invalid, lost.required) == (
        True, False, False, "lost_reason")
    assert admin.post("/opportunities/settings/stages/new", data={
        "name": "Livré chez le client", "nature": "won",
        "stamps": "delivery_date"}).status_code == 302
    won = stage("Livré chez le client")
    assert (won.won, won.lost, won.stamps, won.expires_after_days) == (
        True, False, "delivery_date", None)
    # Its nature changed: one flag at a time.
    assert admin.post(f"/opportunities/settings/stages/{won.id}", data=form_of(
        won, nature="invalid", stamps="", required=["lost_reason"])).status_code == 302
    db.session.refresh(won)
    assert (won.won, won.lost, won.invalid) == (False, False, True)


STAGE_BAD_INPUT = [
    ({"name": ""}, "name", "Ce champ est obligatoire."),
    ({"name": "   "}, "name", "Ce champ est obligatoire."),
    ({"name": "É" * 81}, "name", "80"),
    ({"name": "réponse ENVOYÉE"}, "name", "Ce nom existe déjà"),
    ({"description": "x" * 201}, "description", "200"),
    ({"nature": "maybe"}, "nature", "choix valide"),
    ({"expires_after_days": "huit semaines"}, "expires_after_days", "entier"),
    ({"expires_after_days": "0"}, "expires_after_days", "entre 1 et 3650"),
    ({"expires_after_days": "3651"}, "expires_after_days", "entre 1 et 3650"),
    ({"expires_after_days": "-3"}, "expires_after_days", "entre 1 et 3650"),
    ({"required": ["email", "shoe_size"]}, "required", "choix valide"),
    ({"stamps": "birthday"}, "stamps", "choix valide"),
    # The rules between the fields (rules.stage_settings_errors).
    ({"nature": "lost", "required": []}, "required", "Une étape perdue exige la « Raison"),
    ({"nature": "invalid", "required": ["email"]}, "required",
     "Une étape invalide exige la « Raison"),
    ({"nature": "won", "expires_after_days": "30"}, "expires_after_days",
     "Une étape gagnée n'expire pas"),
    ({"nature": "lost", "required": ["lost_reason"], "stamps": "sale_date"}, "stamps",
     "n'enregistre ni date de vente"),
    ({"stamps": "sale_date", "required": ["sale_date"]}, "required",
     "ne l'exigez pas aussi"),
    ({"nature": "lost", "required": ["lost_reason", "meeting"]}, "required",
     "n'exige pas de réunion"),
]


@pytest.mark.parametrize(("changes", "field", "message"), STAGE_BAD_INPUT)
def test_stage_form_bad_input(admin, changes, field, message):
    contacted = stage("Contacté")
    before = (contacted.name, contacted.required, contacted.expires_after_days)
    typed = form_of(contacted, description="Appel du lundi") | changes
    response = admin.post(f"/opportunities/settings/stages/{contacted.id}", data=typed)
    assert response.status_code == 422
    text = unescape(response.text)
    assert message in text
    assert f'id="{field}-error"' in text
    if "description" not in changes:
        assert "Appel du lundi</textarea>" in text  # what was typed is kept
    db.session.refresh(contacted)
    assert (contacted.name, contacted.required, contacted.expires_after_days) == before
    # The same on a new stage: nothing is created.
    count = len(stage_ids())
    new = admin.post("/opportunities/settings/stages/new",
                     data=form_of(contacted, name="Nouvelle étape") | changes)
    assert new.status_code == 422 and message in unescape(new.text)
    assert len(stage_ids()) == count


def test_stage_names_are_unique_whatever_the_case_but_a_stage_keeps_its_own(admin):
    contacted = stage("Contacté")
    assert admin.post(f"/opportunities/settings/stages/{contacted.id}",
                      data=form_of(contacted, name="CONTACTÉ")).status_code == 302
    assert stage("CONTACTÉ") is not None
    assert admin.post("/opportunities/settings/stages/new", data={
        "name": "contacté", "nature": "open"}).status_code == 422


def test_the_first_stage_stays_able_to_receive_new_opportunities(admin):
    first = db.session.get(Stage, stage_ids()[0])
    assert "C'est la première étape" in unescape(
        admin.get(f"/opportunities/settings/stages/{first.id}").text)
    response = admin.post(f"/opportunities/settings/stages/{first.id}",
                          data=form_of(first, required=["email"]))
    assert response.status_code == 422
    assert "La première étape reçoit les nouvelles opportunités" in unescape(response.text)
    response = admin.post(f"/opportunities/settings/stages/{first.id}",
                          data=form_of(first, nature="won", expires_after_days=""))
    assert response.status_code == 422
    db.session.refresh(first)
    assert (first.required, first.won) == ("", False)
    # Any other stage may.
    second = db.session.get(Stage, stage_ids()[1])
    assert admin.post(f"/opportunities/settings/stages/{second.id}",
                      data=form_of(second, required=["email"])).status_code == 302


def test_unknown_stage(admin):
    assert admin.get("/opportunities/settings/stages/999999").status_code == 404
    assert admin.post("/opportunities/settings/stages/999999",
                      data={"name": "X"}).status_code == 404
    assert admin.post("/opportunities/settings/stages/999999/delete").status_code == 404
    assert admin.get("/opportunities/settings/stages/abc").status_code == 404


def test_a_required_field_opens_the_missing_fields_dialog_on_a_move(
        admin, org, login, anne, make_opportunity):
    """Made to require the e-mail, « Contacté » asks for it when a card is moved there."""
    opportunity = make_opportunity(anne)  # no e-mail
    contacted = stage("Contacté")
    assert admin.post(f"/opportunities/settings/stages/{contacted.id}",
                      data=form_of(contacted, required=["email"])).status_code == 302
    agent = login(org["bdc_agent"])
    url = f"/opportunities/{opportunity.id}/move?view=board"
    refused = agent.post(url, data={"stage_id": contacted.id}, headers=HTMX)
    assert refused.status_code == 200
    assert json.loads(refused.headers["HX-Trigger"]) == {
        "kanban:refused": {"id": opportunity.id}}
    assert 'name="email"' in refused.text and 'name="phone"' not in refused.text
    db.session.refresh(opportunity)
    assert opportunity.stage.name == "En traitement"
    done = agent.post(url, data={"stage_id": contacted.id, "fill": "1",
                                 "email": "anne.roux@example.fr"}, headers=HTMX)
    assert done.status_code == 200 and "hx-swap-oob" in done.text
    db.session.refresh(opportunity)
    assert (opportunity.stage.name, opportunity.email) == ("Contacté", "anne.roux@example.fr")


# --- Reorder the stages -------------------------------------------------------------------

def test_reorder_changes_the_board_and_the_first_stage(admin, org, login, anne):
    ids = stage_ids()
    contacted = stage("Contacté")
    wanted = [contacted.id, *(i for i in ids if i != contacted.id)]
    response = admin.post("/opportunities/settings/stages/reorder", data={"ids": wanted},
                          headers=HTMX)
    assert response.status_code == 204
    assert stage_ids() == wanted
    assert services.first_stage().name == "Contacté"
    columns = board_columns(login(org["bdc_agent"]).get("/opportunities/").text)
    assert columns[:2] == ["Contacté", "En traitement"]
    # A new opportunity enters the new first stage.
    created = login(org["bdc_agent"]).post("/opportunities/new", data=valid(anne))
    assert created.status_code == 302
    assert db.session.scalar(select(Opportunity)).stage.name == "Contacté"


def test_reorder_refused_when_the_first_stage_could_not_receive_new_ones(admin):
    ids = stage_ids()
    lost = stage("Perdu BDC")
    wanted = [lost.id, *(i for i in ids if i != lost.id)]
    response = admin.post("/opportunities/settings/stages/reorder", data={"ids": wanted},
                          headers=HTMX)
    assert response.status_code == 422
    text = unescape(response.text)
    assert "<html" not in text and 'id="stages-panel"' in text
    assert "« Perdu BDC » ne l'est pas" in text
    # The panel comes back in the saved order, which did not change.
    assert re.findall(r'name="ids" value="(\d+)"', text) == [str(i) for i in ids]
    assert stage_ids() == ids


@pytest.mark.parametrize(("posted", "status"), [
    (None, 400),  # nothing
    (["abc"], 400),  # not ids
    ("twice", 400),  # an id twice
    ("one_less", 404),  # not every stage
    ("unknown", 404),  # a stage that does not exist
])
def test_reorder_bad_input(admin, posted, status):
    ids = stage_ids()
    cases = {"twice": [ids[0], *ids], "one_less": ids[1:], "unknown": [*ids[1:], 999999]}
    data = {"ids": cases.get(posted, posted) if isinstance(posted, str) else posted} \
        if posted else {}
    assert admin.post("/opportunities/settings/stages/reorder", data=data,
                      headers=HTMX).status_code == status
    assert stage_ids() == ids


# --- Delete a stage -----------------------------------------------------------------------

def test_delete_refused_while_opportunities_are_in_the_stage(admin, anne, make_opportunity):
    make_opportunity(anne, stage="Contacté")
    make_opportunity(anne, stage="Contacté")
    contacted = stage("Contacté")
    page = unescape(admin.get(f"/opportunities/settings/stages/{contacted.id}").text)
    assert "« Contacté » contient 2 opportunités : déplacez-les d'abord" in page
    assert 'data-dialog-open="delete-dialog"' not in page
    response = admin.post(f"/opportunities/settings/stages/{contacted.id}/delete")
    assert response.status_code == 302
    assert response.location.endswith(f"/opportunities/settings/stages/{contacted.id}")
    assert stage("Contacté") is not None
    assert "contient 2 opportunités" in unescape(admin.get(response.location).text)


def test_delete_an_empty_stage_after_confirming(admin):
    suivi = stage("En suivi long-terme")
    page = admin.get(f"/opportunities/settings/stages/{suivi.id}").text
    # The confirmation dialog, opened by the « Supprimer… » button.
    assert 'data-dialog-open="delete-dialog"' in page and '<dialog id="delete-dialog"' in page
    assert f'action="/opportunities/settings/stages/{suivi.id}/delete"' in page
    response = admin.post(f"/opportunities/settings/stages/{suivi.id}/delete")
    assert response.status_code == 302
    assert response.location.endswith("/opportunities/settings/stages")
    assert "Étape « En suivi long-terme » supprimée." in unescape(
        admin.get("/opportunities/settings/stages").text)
    assert stage("En suivi long-terme") is None
    assert "En suivi long-terme" not in board_columns(admin.get("/opportunities/").text)


def test_delete_keeps_a_first_stage_able_to_receive_and_one_stage_at_least(admin):
    first, second, third = (db.session.get(Stage, i) for i in stage_ids()[:3])
    assert admin.post(f"/opportunities/settings/stages/{first.id}/delete").status_code == 302
    assert admin.post(f"/opportunities/settings/stages/{second.id}/delete").status_code == 302
    # « Contacté » is first now; without it « Perdu BDC » would be.
    response = admin.post(f"/opportunities/settings/stages/{third.id}/delete")
    assert response.status_code == 302 and stage("Contacté") is not None
    assert "« Perdu BDC » deviendrait la première étape" in unescape(
        admin.get(response.location).text)
    db.session.execute(delete(Stage).where(Stage.id != third.id))
    db.session.commit()
    admin.post(f"/opportunities/settings/stages/{third.id}/delete")
    assert stage("Contacté") is not None
    assert "C'est la seule étape du pipeline" in unescape(
        admin.get(f"/opportunities/settings/stages/{third.id}").text)


# --- The named lists: types and lost reasons ----------------------------------------------

LISTS = pytest.mark.parametrize(("key", "model", "used", "column", "limit"), [
    ("types", OpportunityType, "Lead Internet", "type_id", 80),
    ("lost-reasons", LostReason, "Doublon", "lost_reason_id", 120),
])


def names(model) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(select(model.name).order_by(model.position, model.id)).all()


def item(model, name: str):
    return db.session.scalar(select(model).where(model.name == name))


@pytest.fixture
def used_by_one(anne, make_opportunity):
    """An opportunity of type « Lead Internet », lost for « Doublon »."""

    def make(model, name):
        fields = {"lost_reason_id": item(LostReason, name).id} if model is LostReason else {}
        return make_opportunity(anne, stage="Perdu BDC", **fields)

    return make


@LISTS
def test_named_list_page_add_rename(admin, used_by_one, key, model, used, column, limit):
    used_by_one(model, used)
    page = admin.get(f"/opportunities/settings/{key}")
    assert page.status_code == 200
    text = unescape(page.text)
    positions = [text.index(f">{name}</a>") for name in names(model)]
    assert positions == sorted(positions)
    row = text.split(f">{used}</a>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="text-end">1</td>' in row
    assert f'maxlength="{limit}"' in text
    assert 'aria-current=page' in text.split(f'href="/opportunities/settings/{key}"')[0][-40:]
    # Added: last in the order.
    response = admin.post(f"/opportunities/settings/{key}", data={"name": "  Salon auto  "})
    assert response.status_code == 302
    assert names(model)[-1] == "Salon auto"
    # Renamed: the opportunity shows the new name.
    target = item(model, used)
    assert admin.get(f"/opportunities/settings/{key}/{target.id}").status_code == 200
    response = admin.post(f"/opportunities/settings/{key}/{target.id}",
                          data={"name": "Renommé"})
    assert response.status_code == 302
    opportunity = db.session.scalar(select(Opportunity))
    detail = unescape(admin.get(f"/opportunities/{opportunity.id}").text)
    assert "Renommé" in detail and used not in detail


def test_a_renamed_type_shows_on_the_board(admin, anne, make_opportunity):
    make_opportunity(anne, type_name="Clavardage")
    chat = item(OpportunityType, "Clavardage")
    admin.post(f"/opportunities/settings/types/{chat.id}", data={"name": "Messagerie"})
    board = admin.get("/opportunities/").text
    assert "Messagerie" in board and "Clavardage" not in board


@LISTS
@pytest.mark.parametrize(("typed", "message"), [
    ("", "Ce champ est obligatoire."),
    ("   ", "Ce champ est obligatoire."),
    ("too long", "caractères"),
    ("same", "Ce nom existe déjà"),
])
def test_named_list_bad_input(admin, key, model, used, column, limit, typed, message):
    name = {"too long": "x" * (limit + 1), "same": used.upper()}.get(typed, typed)
    before = names(model)
    response = admin.post(f"/opportunities/settings/{key}", data={"name": name})
    assert response.status_code == 422 and message in unescape(response.text)
    assert 'id="name-error"' in response.text
    if typed == "too long":
        assert f'value="{name}"' in response.text  # what was typed is kept
    other = item(model, names(model)[-1])
    response = admin.post(f"/opportunities/settings/{key}/{other.id}", data={"name": name})
    assert response.status_code == 422 and message in unescape(response.text)
    assert names(model) == before


@LISTS
def test_named_list_takes_the_longest_name_and_keeps_an_items_own_name(
        admin, key, model, used, column, limit):
    assert admin.post(f"/opportunities/settings/{key}",
                      data={"name": "y" * limit}).status_code == 302
    target = item(model, used)
    assert admin.post(f"/opportunities/settings/{key}/{target.id}",
                      data={"name": used.lower()}).status_code == 302
    assert used.lower() in names(model)


@LISTS
def test_named_list_reorder(admin, org, login, anne, make_opportunity, key, model, used,
                            column, limit):
    ids = db.session.scalars(select(model.id).order_by(model.position)).all()
    wanted = list(reversed(ids))
    assert admin.post(f"/opportunities/settings/{key}/reorder", data={"ids": wanted},
                      headers=HTMX).status_code == 204
    assert db.session.scalars(select(model.id).order_by(model.position)).all() == wanted
    # The opportunity form offers them in that order.
    opportunity = make_opportunity(anne)
    form = login(org["bdc_agent"]).get(f"/opportunities/{opportunity.id}/edit").text
    options = re.findall(r'<option[^>]*value="(\d+)"',
                         form.split(f'name="{column}"', 1)[1].split("</select>", 1)[0])
    assert [int(o) for o in options if o != "0"] == wanted
    for bad, status in ((["x"], 400), (ids[1:], 404), ([*ids[1:], 999999], 404)):
        assert admin.post(f"/opportunities/settings/{key}/reorder", data={"ids": bad},
                          headers=HTMX).status_code == status
    assert admin.post(f"/opportunities/settings/{key}/reorder").status_code == 400


@LISTS
def test_named_list_delete(admin, used_by_one, key, model, used, column, limit):
    used_by_one(model, used)
    target = item(model, used)
    page = unescape(admin.get(f"/opportunities/settings/{key}/{target.id}").text)
    assert f"« {used} » est utilisé par 1 opportunité : changez-le d'abord" in page
    assert 'data-dialog-open="delete-dialog"' not in page
    response = admin.post(f"/opportunities/settings/{key}/{target.id}/delete")
    assert response.status_code == 302 and item(model, used) is not None
    assert "est utilisé par 1 opportunité" in unescape(admin.get(response.location).text)
    unused = item(model, names(model)[-1])
    page = admin.get(f"/opportunities/settings/{key}/{unused.id}").text
    assert '<dialog id="delete-dialog"' in page
    response = admin.post(f"/opportunities/settings/{key}/{unused.id}/delete")
    assert response.status_code == 302
    assert response.location.endswith(f"/opportunities/settings/{key}")
    assert db.session.get(model, unused.id) is None


@LISTS
def test_named_list_keeps_one_item(admin, key, model, used, column, limit):
    keep = item(model, used)
    db.session.execute(delete(model).where(model.id != keep.id))
    db.session.commit()
    response = admin.post(f"/opportunities/settings/{key}/{keep.id}/delete")
    assert response.status_code == 302 and item(model, used) is not None
    assert "Il faut au moins" in unescape(admin.get(response.location).text)


def test_unknown_list_or_item(admin):
    assert admin.get("/opportunities/settings/colours").status_code == 404
    assert admin.post("/opportunities/settings/colours", data={"name": "x"}).status_code == 404
    assert admin.post("/opportunities/settings/stages", data={"name": "x"}).status_code == 404
    assert admin.get("/opportunities/settings/types/999999").status_code == 404
    # A lost reason's id is not a type's.
    reason_id = db.session.scalar(select(func.max(LostReason.id)))
    assert db.session.get(OpportunityType, reason_id) is None
    assert admin.get(f"/opportunities/settings/types/{reason_id}").status_code == 404
    assert admin.get(f"/opportunities/settings/lost-reasons/{reason_id}").status_code == 200
    assert admin.post("/opportunities/settings/lost-reasons/999999",
                      data={"name": "x"}).status_code == 404
    assert admin.post("/opportunities/settings/types/999999/delete").status_code == 404


# --- CSRF ---------------------------------------------------------------------------------

def test_every_settings_form_needs_its_csrf_token(app, admin):
    app.config["WTF_CSRF_ENABLED"] = True
    first, last = stage_ids()[0], stage_ids()[-1]
    type_id = settings_ids()["item_id"]
    posts = [("/opportunities/settings/stages/new", {"name": "Sans jeton"}),
             (f"/opportunities/settings/stages/{first}", {"name": "Sans jeton"}),
             (f"/opportunities/settings/stages/{last}/delete", {}),
             ("/opportunities/settings/stages/reorder", {"ids": stage_ids()}),
             ("/opportunities/settings/types", {"name": "Sans jeton"}),
             (f"/opportunities/settings/types/{type_id}", {"name": "Sans jeton"}),
             (f"/opportunities/settings/types/{type_id}/delete", {}),
             ("/opportunities/settings/lost-reasons/reorder", {"ids": []})]
    for url, data in posts:
        assert admin.post(url, data=data).status_code == 400, url
    assert "Sans jeton" not in stage_names() and db.session.get(Stage, last) is not None
    # With the page's token, the same form goes through.
    page = admin.get("/opportunities/settings/types").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert admin.post("/opportunities/settings/types", data={
        "csrf_token": token, "name": "Avec jeton"}).status_code == 302
    assert "Avec jeton" in names(OpportunityType)


# --- The defaults do not come back ----------------------------------------------------------

def test_defaults_fill_empty_tables_only(app):
    from webapp.opportunities.defaults import ensure_defaults

    db.session.execute(delete(Stage).where(Stage.key == "livre"))
    db.session.execute(delete(LostReason).where(LostReason.name == "Doublon"))
    phone_up = db.session.scalar(select(OpportunityType).where(OpportunityType.name == "Phone-Up"))
    phone_up.name = "Appel entrant"
    db.session.commit()
    counts = [db.session.scalar(select(func.count()).select_from(m))
              for m in (Stage, OpportunityType, LostReason)]
    ensure_defaults()  # as every `flask data import` of opportunities does
    db.session.commit()
    assert [db.session.scalar(select(func.count()).select_from(m))
            for m in (Stage, OpportunityType, LostReason)] == counts
    assert stage("Livré") is None
    db.session.execute(delete(LostReason))
    ensure_defaults()
    assert db.session.scalar(select(func.count()).select_from(LostReason)) == 8
