"""The pipeline's write services, called directly with plain values (what the screens,
the import and the demo call): what each writes, and each refusal with its French
message and status."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tests.fixtures.files import PNG
from webapp import clock
from webapp.auth.models import Role
from webapp.concurrency import save_versioned
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.models import OutboxMessage
from webapp.opportunities import services
from webapp.opportunities.board.services import MoveRefused, enter_stage, missing_for, move
from webapp.opportunities.calls.forms import CallInput
from webapp.opportunities.calls.services import call_done, schedule_call
from webapp.opportunities.meetings.services import (
    MeetingInput,
    ReceiptRefused,
    create_meeting,
    update_meeting,
)
from webapp.opportunities.models import (
    BranchStaff,
    Call,
    LostReason,
    Meeting,
    Opportunity,
    OpportunityType,
    Stage,
)
from webapp.opportunities.rules import StageSettings, remarks_template
from webapp.opportunities.settings import services as settings
from webapp.opportunities.settings.services import NAMED_LISTS, StageInput

TODAY = clock.today()
LATER = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)


def stage(name: str) -> Stage:
    return db.session.scalar(select(Stage).where(Stage.name == name))


def _type_id() -> int:
    return db.session.scalar(select(OpportunityType.id).order_by(OpportunityType.position))


def _refused(call, message: str, status: int = 422):
    with pytest.raises(Refused) as caught:
        call()
    assert message in caught.value.message and caught.value.status == status
    return caught.value


# --- The opportunity ------------------------------------------------------------------

def test_create_enters_the_first_stage_with_the_checklist(org, anne):
    opportunity = services.create({"client_id": anne.id, "type_id": _type_id(),
                                   "name": "Anne Roux", "has_trade_in": False},
                                  org["bdc_agent"])
    assert opportunity.id is not None and opportunity.stage.name == "En traitement"
    assert opportunity.created_by_id == org["bdc_agent"].id
    assert opportunity.remarks == remarks_template()


def test_create_in_a_stage_for_the_import(anne):
    entered = datetime(2026, 1, 3, 15, 0, tzinfo=UTC)
    opportunity = services.create({"client_id": anne.id, "type_id": _type_id(),
                                   "name": "Anne Roux", "remarks": "Notes"}, None,
                                  stage("Contacté"), entered_at=entered)
    assert (opportunity.stage.name, opportunity.stage_entered_at) == ("Contacté", entered)
    assert opportunity.created_by_id is None and opportunity.remarks == "Notes"


def test_update_without_trade_in_clears_its_vehicle(anne, make_opportunity):
    opportunity = make_opportunity(anne, has_trade_in=True, trade_make="Renault",
                                   trade_odometer=120000)
    assert services.differs(opportunity, {"has_trade_in": False})
    services.update(opportunity, {"has_trade_in": False, "trade_make": "Renault"})
    assert (opportunity.trade_make, opportunity.trade_odometer) == (None, None)
    assert not services.differs(opportunity, {"has_trade_in": False, "trade_make": "X"})


def test_conflicts_names_the_fields_someone_else_changed(anne, make_opportunity):
    opportunity = make_opportunity(anne, email="a@example.fr", amount=100)
    found = services.conflicts(opportunity, {"email": "b@example.fr", "amount": 100,
                                             "purpose": "", "phone_is_mobile": True})
    assert found == ["email"]


def test_save_versioned_refuses_an_old_version(anne, make_opportunity):
    opportunity = make_opportunity(anne)
    old = opportunity.version
    services.update(opportunity, {"purpose": "Famille"})
    db.session.commit()
    _refused(lambda: save_versioned(opportunity, old, lambda: services.update(
        opportunity, {"purpose": "Autre"})), "modifiées par quelqu'un d'autre", 409)


def test_copy_of_an_expired_opportunity(org, anne, make_opportunity):
    expired = make_opportunity(anne, stage="Contacté", stock_number="A1",
                               created_at=datetime.now(UTC) - timedelta(weeks=9))
    new = services.copy(expired, org["advisor"], TODAY)
    assert (new.copied_from_id, new.owner_id, new.stage.name) == (
        expired.id, org["advisor"].id, "En traitement")
    assert new.stock_number == "A1" and "Reprise de l'opportunité expirée" in new.remarks


# --- The move -------------------------------------------------------------------------

def test_move_stamps_the_date_the_stage_records(anne, make_opportunity):
    opportunity = make_opportunity(anne, stage="Rendez-vous présent / Walk-in")
    move(opportunity, stage("Pris en charge"), TODAY)
    assert opportunity.stage.name == "Pris en charge" and opportunity.sale_date == TODAY


def test_move_refuses_what_the_stage_requires(anne, make_opportunity):
    opportunity = make_opportunity(anne)
    refusal = _refused(lambda: move(opportunity, stage("Perdu BDC"), TODAY),
                       "« Perdu BDC » demande, avant d'y entrer : raison de la perte.")
    assert isinstance(refusal, MoveRefused)
    assert [r.key for r in refusal.missing] == ["lost_reason"]
    assert opportunity.stage.name == "En traitement"


def test_move_refuses_an_expired_opportunity_except_to_a_lost_stage(anne, make_opportunity):
    expired = make_opportunity(anne, stage="Contacté",
                               created_at=datetime.now(UTC) - timedelta(weeks=9))
    _refused(lambda: move(expired, stage("Rendez-vous présent / Walk-in"), TODAY),
             "opportunité non expirée (sinon, en créer une nouvelle)")
    assert missing_for(expired, stage("Perdu BDC"), TODAY)[0].key == "lost_reason"
    expired.lost_reason_id = db.session.scalar(select(LostReason.id).limit(1))
    move(expired, stage("Perdu BDC"), TODAY)
    assert expired.stage.name == "Perdu BDC"


def test_enter_stage_places_without_checking(anne, make_opportunity):
    opportunity = make_opportunity(anne)
    at = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    enter_stage(opportunity, stage("Livré"), at)
    assert (opportunity.stage.name, opportunity.stage_entered_at) == ("Livré", at)


# --- Meetings and calls -------------------------------------------------------------------

def _meeting(opportunity, **changes) -> MeetingInput:
    return MeetingInput(**{"starts_at": LATER, "duration_minutes": 60,
                           "branch_id": opportunity.branch_id,
                           "spex_id": opportunity.spex_id, "language": "fr",
                           "stock_numbers": "A1234", **changes})


def test_create_meeting_books_moves_and_confirms(org, ready):
    meeting = create_meeting(ready, _meeting(ready), org["bdc_agent"], TODAY)
    assert (meeting.subject, meeting.priority) == ("ANNE / A1234", "gold")
    assert ready.stage.name == "Rendez-vous cédulé"
    assert ready.follow_up_on == clock.local_day(LATER) + timedelta(days=1)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_create_meeting_refuses_a_missing_prerequisite(org, ready):
    ready.email = None
    _refused(lambda: create_meeting(ready, _meeting(ready), org["bdc_agent"], TODAY),
             "Avant de créer la réunion, complétez : courriel.")
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_create_meeting_refuses_a_deposit_without_receipt(org, ready):
    refusal = _refused(lambda: create_meeting(ready, _meeting(ready, deposit_kind="stripe"),
                                              org["bdc_agent"], TODAY),
                       "Joignez le reçu du dépôt")
    assert isinstance(refusal, ReceiptRefused)


def test_create_meeting_refuses_a_receipt_that_is_no_document(org, ready):
    text = FileStorage(io.BytesIO(b"not a document"), "recu.exe")
    _refused(lambda: create_meeting(ready, _meeting(ready, deposit_kind="stripe",
                                                    receipt=text), org["bdc_agent"], TODAY),
             "Type de fichier non autorisé.")
    assert db.session.scalar(select(func.count(Meeting.id))) == 0


def test_create_meeting_refuses_a_date_out_of_bounds(org, ready):
    _refused(lambda: create_meeting(ready, _meeting(
        ready, starts_at=datetime(9999, 1, 1, tzinfo=UTC)), org["bdc_agent"], TODAY),
        "Indiquez une date entre 2000 et")


def test_update_meeting_moved_resends_and_moves_the_follow_up(org, ready):
    meeting = create_meeting(ready, _meeting(ready), org["bdc_agent"], TODAY)
    receipt = FileStorage(io.BytesIO(PNG), "recu.png")
    later = LATER + timedelta(days=2)
    old = update_meeting(meeting, _meeting(ready, starts_at=later, deposit_kind="card",
                                           receipt=receipt))
    assert old == [] and meeting.sequence == 1 and meeting.receipt_name
    assert meeting.priority == "platinum"
    assert ready.follow_up_on == clock.local_day(later) + timedelta(days=1)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2


def test_schedule_call_and_its_refusal(org, ready):
    call = schedule_call(ready, CallInput(LATER, "Rappel", org["bdc_agent"].id),
                         org["bdc_agent"])
    assert call.id and call.scheduled_at == LATER
    _refused(lambda: schedule_call(ready, CallInput(datetime(1999, 12, 31, tzinfo=UTC),
                                                    "Rappel", org["bdc_agent"].id),
                                   org["bdc_agent"]), "Indiquez une date entre 2000 et")


def test_call_done_notes_in_the_remarks_once(org, ready):
    call = schedule_call(ready, CallInput(LATER, "Rappel", org["bdc_agent"].id),
                         org["bdc_agent"])
    call_done(call, "RDV confirmé.", org["bdc_agent"])
    assert call.done_at is not None and ready.remarks.endswith("RDV confirmé.\n")
    _refused(lambda: call_done(call, "Encore", org["bdc_agent"]), "déjà fait", 409)
    assert db.session.scalar(select(func.count(Call.id))) == 1


# --- Settings ---------------------------------------------------------------------------

def _stage_input(name="Essai", **settings_values) -> StageInput:
    return StageInput(name, None, StageSettings(**settings_values))


def test_save_stage_adds_last_and_changes(app):
    new = settings.save_stage(None, _stage_input(nature="lost", required=("lost_reason",),
                                                 relaunch_after_days=10))
    assert new.position == db.session.scalar(select(func.max(Stage.position)))
    assert (new.lost, new.required, new.relaunch_after_days) == (True, "lost_reason", 10)
    settings.save_stage(new, _stage_input("Essai 2"))
    assert (new.name, new.lost, new.required) == ("Essai 2", False, "")


@pytest.mark.parametrize(("values", "message"), [
    (_stage_input("contacté"), "Ce nom existe déjà"),
    (_stage_input(nature="lost"), "Une étape perdue exige la « Raison de la perte »"),
    (_stage_input(nature="won", expires_after_days=3), "Une étape gagnée n'expire pas"),
    (_stage_input(relaunch_after_days=3), "Seule une étape perdue relance"),
])
def test_save_stage_refusals(app, values, message):
    _refused(lambda: settings.save_stage(None, values), message)


def test_the_first_stage_receives_the_new_opportunities(app):
    first = db.session.scalar(select(Stage).order_by(Stage.position))
    _refused(lambda: settings.save_stage(first, _stage_input(
        first.name, nature="lost", required=("lost_reason",))),
        "La première étape reçoit les nouvelles opportunités")


def test_reorder_stages_and_its_refusal(app):
    stages = settings.ordered(Stage)
    ids = [s.id for s in stages]
    settings.reorder_stages([ids[1], ids[0], *ids[2:]])
    assert [s.id for s in settings.ordered(Stage)][:2] == [ids[1], ids[0]]
    lost = stage("Perdu BDC").id
    _refused(lambda: settings.reorder_stages([lost, *(i for i in ids if i != lost)]),
             "La première étape reçoit les nouvelles opportunités")


def test_delete_stage_only_when_empty(anne, make_opportunity):
    make_opportunity(anne, stage="Contacté")
    _refused(lambda: settings.delete_stage(stage("Contacté")), "contient 1 opportunité")
    settings.delete_stage(stage("Livré"))
    assert stage("Livré") is None


def test_named_lists_add_rename_reorder_delete(anne, make_opportunity):
    spec = NAMED_LISTS["types"]
    item = settings.save_item(spec, None, "Salon auto")
    assert item.position == len(settings.ordered(OpportunityType))
    _refused(lambda: settings.save_item(spec, None, " salon AUTO "), "Ce nom existe déjà")
    ids = [t.id for t in settings.ordered(OpportunityType)]
    settings.reorder(OpportunityType, list(reversed(ids)))
    assert settings.ordered(OpportunityType)[0].id == item.id
    make_opportunity(anne, type_name="SMS")
    _refused(lambda: settings.delete_item(spec, db.session.scalar(
        select(OpportunityType).where(OpportunityType.name == "SMS"))), "est utilisé par")
    settings.delete_item(spec, item)
    assert db.session.get(OpportunityType, item.id) is None


def test_staff_add_and_its_refusals(org, laval, make_user):
    row = settings.add_staff(laval.id, org["advisor"].id, "spex")
    assert (row.position, row.duty) == (1, "spex")
    _refused(lambda: settings.add_staff(laval.id, org["advisor"].id, "spex"), "Déjà inscrit")
    _refused(lambda: settings.add_staff(laval.id, org["advisor"].id, "dv"),
             "Un SPEX est un conseiller ; un DV est un responsable.")
    _refused(lambda: settings.add_staff(laval.id, 999_999, "spex"), "Utilisateur introuvable.")
    zoe = make_user(Role.ADVISOR, team=org["lyon"], name="Zoé Simon", email="zoe@example.fr")
    assert settings.add_staff(laval.id, zoe.id, "spex").position == 2
    settings.remove_staff(row)
    assert db.session.scalar(select(func.count(BranchStaff.id))) == 1


def test_services_never_commit(org, anne):
    """The request commits (transaction.py): a service only flushes."""
    services.create({"client_id": anne.id, "type_id": _type_id(), "name": "Anne Roux"},
                    org["bdc_agent"])
    db.session.rollback()
    assert db.session.scalar(select(func.count(Opportunity.id))) == 0


def test_every_pipeline_form_needs_its_csrf_token(app, org, login, ready, laval):
    """Without the token every write is refused (400) and writes nothing."""
    app.config["WTF_CSRF_ENABLED"] = True
    http, admin = login(org["bdc_agent"]), login(org["admin"])
    call = schedule_call(ready, CallInput(LATER, "Rappel", org["bdc_agent"].id),
                         org["bdc_agent"])
    db.session.commit()
    version = ready.version
    posts = [(http, "/opportunities/new", {"client_id": ready.client_id, "name": "X"}),
             (http, f"/opportunities/{ready.id}/edit", {"purpose": "Sans jeton"}),
             (http, f"/opportunities/{ready.id}/move", {"stage_id": stage("Perdu BDC").id}),
             (http, f"/opportunities/{ready.id}/copy", {}),
             (http, f"/opportunities/{ready.id}/calls", {"subject": "Sans jeton"}),
             (http, f"/opportunities/calls/{call.id}/done", {"notes": "Sans jeton"}),
             (http, f"/opportunities/{ready.id}/meetings/new", {"duration_minutes": "60"}),
             (admin, "/opportunities/staff", {"branch_id": laval.id, "duty": "spex",
                                              "user_id": org["advisor"].id})]
    for client, url, data in posts:
        assert client.post(url, data=data).status_code == 400, url
    db.session.expire_all()
    assert db.session.get(Opportunity, ready.id).version == version
    assert db.session.scalar(select(func.count(Opportunity.id))) == 1
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
    assert db.session.get(Call, call.id).done_at is None
