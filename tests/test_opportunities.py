"""Opportunities: create from the client search (the client file fills the blanks),
bad input kept with French messages, detail, edit and its conflict, scope, defaults."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from tests.fixtures.opportunities import valid
from webapp import clock
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.opportunities.defaults import LOST_REASONS, STAGES, TYPES
from webapp.opportunities.models import (
    BranchStaff,
    LostReason,
    Opportunity,
    OpportunityType,
    Stage,
)
from webapp.opportunities.rules import remarks_template


def _type_id(name="Lead Internet"):
    return db.session.scalar(select(OpportunityType.id).where(OpportunityType.name == name))


def _count():
    return db.session.scalar(select(func.count(Opportunity.id)))


def test_defaults_are_the_seeds_stages_types_and_reasons(app):
    stages = db.session.scalars(select(Stage).order_by(Stage.position)).all()
    assert [s.name for s in stages] == [s.name for s in STAGES] == [
        "En traitement", "Réponse envoyée", "Contacté", "Perdu BDC", "Invalide BDC",
        "Rendez-vous cédulé", "Rendez-vous présent / Walk-in", "Perdu salle de montre",
        "Pris en charge", "Perdu F&I", "Vendu non livré", "Livré", "En suivi long-terme"]
    expiring = [s.name for s in stages if s.expires_after_days == 56]
    assert expiring == ["En traitement", "Réponse envoyée", "Contacté"]
    assert [s.name for s in stages if s.won] == ["Pris en charge", "Vendu non livré", "Livré"]
    assert [s.name for s in stages if s.invalid] == ["Invalide BDC"]
    assert all("lost_reason" in s.requirements for s in stages if s.lost or s.invalid)
    rdv = stages[5]
    assert rdv.requirements[-1] == "meeting" and "spex" in rdv.requirements
    assert list(db.session.scalars(select(OpportunityType.name)
                                   .order_by(OpportunityType.position))) == list(TYPES)
    assert len(db.session.scalars(select(LostReason)).all()) == len(LOST_REASONS)


def test_create_fills_blanks_from_the_client_file(org, anne, login, laval):
    http = login(org["bdc_agent"])
    page = http.get(f"/opportunities/new?client_id={anne.id}")
    assert page.status_code == 200 and "Anne Roux" in page.text
    assert "1. RDV en concession ou virtuel" in page.text  # the checklist, ready to fill
    assert page.text.count('name="client_id"') == 1  # the picker's, nothing else
    response = http.post("/opportunities/new", data=valid(
        anne, owner_id=org["bdc_agent"].id, remarks=remarks_template(), amount="32 000",
        probability="40"))
    assert response.status_code == 302
    opportunity = db.session.scalar(select(Opportunity))
    assert response.location.endswith(f"/opportunities/{opportunity.id}")
    assert opportunity.stage.name == "En traitement"  # « Statut : En traitement »
    assert (opportunity.name, opportunity.phone, opportunity.phone_is_mobile) == (
        "Anne Roux", "+33 6 12 34 56 78", True)
    assert (opportunity.email, opportunity.language, opportunity.branch_id) == (
        "anne.roux@example.fr", "fr", laval.id)
    assert opportunity.owner_id == org["bdc_agent"].id and opportunity.amount == 32000
    assert opportunity.remarks.startswith("1. RDV en concession ou virtuel")
    detail = http.get(f"/opportunities/{opportunity.id}")
    assert "Informations – Opportunités" in detail.text
    # Not ready for a meeting yet: each missing field is a link to it.
    assert f'/opportunities/{opportunity.id}/edit#spex_id"' in detail.text
    assert f'/opportunities/{opportunity.id}/edit#sales_director_id"' in detail.text


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"client_id": ""}, "client_id", "Associez la fiche client"),
    ({"client_id": "999999"}, "client_id", "Client introuvable."),
    ({"name": "Unknown"}, "name", "Enlevez « Unknown » / « Undefined »"),
    ({"name": "Undefined Roux"}, "name", "Enlevez « Unknown » / « Undefined »"),
    ({"name": "Anne"}, "name", "prénom ET le nom"),
    ({"name": "Anne Martin"}, "name", "Le nom doit être celui de la fiche client"),
    ({"name": "A" * 161}, "name", "160"),
    ({"phone": "04 78 12 34 56"}, "phone", "ligne fixe"),
    ({"phone": "+1 514 555 1234"}, "phone", "cochez « C&#39;est un cellulaire »"),
    ({"phone": "12"}, "phone", "Numéro de téléphone"),
    ({"email": "pas-un-courriel"}, "email", "Adresse e-mail invalide."),
    ({"probability": "150"}, "probability", "entre 0 et 100"),
    ({"probability": "beaucoup"}, "probability", "entier"),
    ({"amount": "trente mille"}, "amount", "Saisissez un montant"),
    ({"amount": "-5"}, "amount", "positif"),
    ({"vehicle_year": "1800"}, "vehicle_year", "entre 1950"),
    ({"trade_odometer": "-1"}, "trade_odometer", "kilométrage"),
    ({"type_id": "999"}, "type_id", "choix valide"),
    ({"expected_close_on": "31/02/2026"}, "expected_close_on", "date"),
])
def test_create_bad_input(org, anne, login, changes, field, message):
    response = login(org["bdc_agent"]).post("/opportunities/new",
                                            data=valid(anne, purpose="Véhicule familial",
                                                       **changes))
    assert response.status_code == 422
    assert message in response.text
    # (the client picker's error is named after the picker, as the macro names it)
    error_id = "opportunity-client" if field == "client_id" else field
    assert f'id="{error_id}-error"' in response.text
    assert 'value="Véhicule familial"' in response.text  # what was typed is kept
    assert _count() == 0


def test_ambiguous_mobile_is_accepted_once_confirmed(org, anne, login):
    response = login(org["bdc_agent"]).post("/opportunities/new", data=valid(
        anne, phone="+1 514 555 1234", phone_confirmed="y"))
    assert response.status_code == 302
    opportunity = db.session.scalar(select(Opportunity))
    assert opportunity.phone == "+1 514-555-1234" and opportunity.phone_is_mobile is True


def test_someone_elses_client_and_users_are_refused(org, make_client, login):
    """Marc (advisor) does not see Léa's client, nor pick a user outside his scope."""
    paul = make_client("Paul", "Durand", advisor=org["other_advisor"])
    mine = make_client("Jean", "Petit", advisor=org["advisor"])
    http = login(org["advisor"])
    response = http.post("/opportunities/new", data=valid(paul))
    assert response.status_code == 422 and "Client introuvable." in response.text
    response = http.post("/opportunities/new", data=valid(
        mine, sales_director_id=org["other_advisor"].id))
    assert response.status_code == 422 and "choix valide" in response.text
    assert _count() == 0


def test_trade_in_fields_are_kept_only_with_a_trade_in(org, anne, login):
    http = login(org["bdc_agent"])
    http.post("/opportunities/new", data=valid(anne, trade_make="Renault", trade_year="2015"))
    first = db.session.scalar(select(Opportunity))
    assert (first.has_trade_in, first.trade_make, first.trade_year) == (False, None, None)
    http.post("/opportunities/new", data=valid(anne, has_trade_in="y", trade_make="Renault",
                                               trade_model="Clio", trade_year="2015",
                                               trade_odometer="120000"))
    second = db.session.scalars(select(Opportunity).order_by(Opportunity.id.desc())).first()
    assert (second.trade_make, second.trade_odometer) == ("Renault", 120000)
    assert "Véhicule de reprise" in http.get(f"/opportunities/{second.id}").text


def test_edit_and_history(org, anne, login, make_opportunity):
    opportunity = make_opportunity(anne, owner_id=org["bdc_agent"].id)
    http = login(org["bdc_agent"])
    page = http.get(f"/opportunities/{opportunity.id}/edit")
    assert page.status_code == 200 and 'name="version"' in page.text
    response = http.post(f"/opportunities/{opportunity.id}/edit", data=valid(
        anne, name="Anne Roux", version=opportunity.version, stock_number=" a 1234",
        owner_id=org["bdc_agent"].id, sales_director_id=org["manager"].id))
    assert response.status_code == 302
    db.session.refresh(opportunity)
    assert (opportunity.stock_number, opportunity.stock_key) == ("a 1234", "A1234")
    detail = http.get(f"/opportunities/{opportunity.id}")
    assert "Historique" in detail.text and "Claire Martin" in detail.text  # DV, by name


def test_edit_conflict_keeps_the_typing(org, anne, login, make_opportunity):
    opportunity = make_opportunity(anne)
    version = opportunity.version
    first, second = login(org["bdc_agent"]), login(org["admin"])
    assert first.post(f"/opportunities/{opportunity.id}/edit", data=valid(
        anne, name="Anne Roux", version=version, purpose="Voiture de fonction"),
    ).status_code == 302
    response = second.post(f"/opportunities/{opportunity.id}/edit", data=valid(
        anne, name="Anne Roux", version=version, purpose="Véhicule familial"))
    assert response.status_code == 409
    assert "modifiée par quelqu'un d'autre" in response.text
    assert "Voiture de fonction" in response.text and 'value="Véhicule familial"' in response.text
    db.session.refresh(opportunity)
    assert opportunity.purpose == "Voiture de fonction"


def test_scope(org, make_client, make_opportunity, login):
    """BDC sees the whole pipeline; a SPEX the opportunities where they are the SPEX (or
    owner, or DV); a manager those of their team; anyone else gets 404."""
    anne = make_client("Anne", "Roux", advisor=org["advisor"])
    paul = make_client("Paul", "Durand", advisor=org["other_advisor"])
    marcs = make_opportunity(anne, spex_id=org["advisor"].id)
    leas = make_opportunity(paul, spex_id=org["other_advisor"].id)
    unassigned = make_opportunity(paul)
    cases = {"bdc_agent": {marcs, leas, unassigned}, "admin": {marcs, leas, unassigned},
             "advisor": {marcs}, "other_advisor": {leas}, "manager": {marcs}}
    for role, visible in cases.items():
        http = login(org[role])
        for opportunity in (marcs, leas, unassigned):
            expected = 200 if opportunity in visible else 404
            assert http.get(f"/opportunities/{opportunity.id}").status_code == expected, role


def test_rotation_proposes_the_spex_whose_turn_it_is(org, laval, login, make_user):
    first, second = org["advisor"], make_user(Role.ADVISOR, team=org["lyon"], name="Zoé Spex")
    db.session.add_all([
        BranchStaff(branch_id=laval.id, user_id=first.id, duty="spex", position=1,
                    last_assigned_at=datetime.now(UTC)),
        BranchStaff(branch_id=laval.id, user_id=second.id, duty="spex", position=2,
                    last_assigned_at=datetime.now(UTC) - timedelta(days=1))])
    db.session.commit()
    response = login(org["bdc_agent"]).get(f"/opportunities/rotation?branch_id={laval.id}")
    assert f'<option selected value="{second.id}">' in response.text
    assert "Proposé par le tour de gun" in response.text
    empty = login(org["bdc_agent"]).get("/opportunities/rotation?branch_id=0")
    assert "Aucun SPEX dans le tour de gun" in empty.text


def test_staff_page_sets_the_rotation_and_the_dv_group(org, laval, login):
    http = login(org["admin"])
    assert http.get("/opportunities/staff").status_code == 200
    added = http.post("/opportunities/staff", data={
        "branch_id": laval.id, "duty": "spex", "user_id": org["advisor"].id})
    assert added.status_code == 302
    for data, message in [
        ({"branch_id": laval.id, "duty": "spex", "user_id": org["manager"].id},
         "Un SPEX est un conseiller"),
        ({"branch_id": laval.id, "duty": "spex", "user_id": org["advisor"].id},
         "Déjà inscrit"),
        ({"branch_id": "0", "duty": "dv", "user_id": org["manager"].id},
         "Choisissez la succursale."),
        ({"branch_id": laval.id, "duty": "chef", "user_id": org["manager"].id},
         "choix valide"),
    ]:
        refused = http.post("/opportunities/staff", data=data)
        assert refused.status_code == 422 and message in refused.text, message
    assert http.post("/opportunities/staff", data={
        "branch_id": laval.id, "duty": "dv", "user_id": org["manager"].id}).status_code == 302
    rows = db.session.scalars(select(BranchStaff).order_by(BranchStaff.id)).all()
    assert [(r.user_id, r.duty, r.position) for r in rows] == [
        (org["advisor"].id, "spex", 1), (org["manager"].id, "dv", 1)]
    assert http.post(f"/opportunities/staff/{rows[0].id}/delete").status_code == 302
    assert db.session.scalar(select(func.count(BranchStaff.id))) == 1


def test_home_box_lists_my_pipeline_and_today(org, anne, login, make_opportunity):
    from webapp.opportunities.models import Call

    mine = make_opportunity(anne, owner_id=org["bdc_agent"].id)
    make_opportunity(anne, owner_id=org["bdc_agent"].id, stage="Contacté",
                     created_at=datetime.now(UTC) - timedelta(weeks=9))
    make_opportunity(anne, owner_id=org["manager"].id)
    db.session.add(Call(opportunity_id=mine.id, subject="Rappel", assigned_to_id=org[
        "bdc_agent"].id, scheduled_at=datetime.combine(clock.today(), time(23, 0), clock.zone())))
    db.session.commit()
    box = login(org["bdc_agent"]).get("/opportunities/home-box").text
    assert "<html" not in box
    assert "En traitement" in box and "Contacté" in box
    assert "1 opportunité expirée" in box and "Appels à passer" in box and "Rappel" in box
    assert f"/opportunities/?owner_id={org['bdc_agent'].id}" in box
    assert "Aucune opportunité à traiter." in login(org["advisor"]).get(
        "/opportunities/home-box").text
