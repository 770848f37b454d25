"""Every write service of the operations, called directly with values (as the screens, the
import and the demo call them): what it writes, and each refusal with its French message and
status."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from tests.fixtures.files import PNG
from webapp import clock
from webapp.clients.models import Account
from webapp.clients.selection.rules import Criteria, parse_criteria
from webapp.concurrency import Conflict
from webapp.errors import Refused
from webapp.extensions import db
from webapp.history import AuditRow
from webapp.operations.models import (
    AdvisorObjective,
    ConclusionKind,
    Operation,
    RecordStatus,
    StepAction,
    StepRecord,
    Target,
)
from webapp.operations.rules import MAX_STEPS, Share
from webapp.operations.setup import services as setup
from webapp.operations.targets import services as targets
from webapp.operations.timeline import services as timeline
from webapp.operations.timeline.services import (
    ConclusionInput,
    EventInput,
    RecordInput,
)
from webapp.uploads import StoredFile

TODAY = clock.today()
VALUES = setup.OperationInput(name="Prévoyance", responsible_id=0, start=TODAY,
                              end=TODAY + timedelta(days=30), objective=Decimal("1000"))
FIRST = setup.StepInput(name="Appel", kind="task")


def refused(call, *args, status=422, **kwargs) -> str:
    """The refusal's message, after checking its status."""
    with pytest.raises(Refused) as caught:
        call(*args, **kwargs)
    assert caught.value.status == status, caught.value.message
    return caught.value.message


def kind(name: str) -> ConclusionKind:
    return db.session.scalar(select(ConclusionKind).where(ConclusionKind.name == name))


@pytest.fixture
def values(org):
    return VALUES.__class__(**{**vars(VALUES), "responsible_id": org["manager"].id})


# --- Set-up ---------------------------------------------------------------------------------

def test_create_operation_last_with_its_sale_step(org, values, make_operation):
    make_operation(org["manager"], name="Avant")
    operation = setup.create_operation(values, FIRST, org["manager"].id)
    assert operation.position == 1 + db.session.scalar(
        select(func.min(Operation.position)))  # after the existing one
    assert [s.name for s in operation.steps] == ["Appel"]
    assert operation.sale_step_id == operation.steps[0].id
    assert operation.notify_on is None


def test_create_operation_refusals(org, values):
    no_name = values.__class__(**{**vars(values), "name": " "})
    assert "Donnez un nom" in refused(setup.create_operation, no_name, FIRST, None)
    backwards = values.__class__(**{**vars(values), "end": values.start - timedelta(days=1)})
    assert "postérieure" in refused(setup.create_operation, backwards, FIRST, None)
    assert "au moins une étape" in refused(setup.create_operation, values,
                                           setup.StepInput(name="", kind="task"), None)
    negative = values.__class__(**{**vars(values), "objective": Decimal(-1)})
    assert "négatif" in refused(setup.create_operation, negative, FIRST, None)
    assert db.session.scalar(select(func.count(Operation.id))) == 0


def test_save_operation_defaults_the_notification_day_and_checks_the_version(org, values,
                                                                           make_operation):
    operation = make_operation(org["manager"])
    version = operation.version
    notify = values.__class__(**{**vars(values), "notify_start": True})
    setup.save_operation(operation, notify, version)
    # « Par défaut, c'est la date du début de l'opération commerciale ».
    assert operation.notify_on == values.start and operation.version == version + 1
    with pytest.raises(Conflict):
        setup.save_operation(operation, values, version)
    assert "postérieure" in refused(setup.save_operation, operation, values.__class__(
        **{**vars(values), "end": values.start - timedelta(days=1)}))


def test_archive_duplicate_reorder(org, make_operation):
    first, second = make_operation(org["manager"], name="Un"), make_operation(
        org["manager"], name="Deux")
    setup.set_archived(first, True)
    assert first.archived
    copy = setup.duplicate_operation(second, org["admin"])
    assert copy.name == "Deux (copie)" and len(copy.steps) == len(second.steps)
    assert copy.sale_step.position == second.sale_step.position
    setup.reorder_operations([copy.id, first.id])
    db.session.expire_all()
    assert db.session.get(Operation, copy.id).position < db.session.get(
        Operation, first.id).position


def test_delete_operation_refused_once_started(org, make_operation, make_client, make_target):
    operation = make_operation(org["manager"])
    target = make_target(operation, make_client(advisor=org["advisor"]))
    db.session.add(StepRecord(target=target, step=operation.steps[0],
                              status=RecordStatus.DONE))
    db.session.flush()
    assert "a débuté auprès de clients" in refused(setup.delete_operation, operation)
    empty = make_operation(org["manager"], name="Vide")
    setup.delete_operation(empty)
    assert db.session.get(Operation, empty.id) is None


def test_shares(org, make_operation):
    operation = make_operation(org["manager"])
    share = setup.add_share(operation, org["advisor"].id, Share(amount=Decimal(100)))
    assert share.amount == 100
    assert "déjà une part" in refused(setup.add_share, operation, org["advisor"].id,
                                      Share(percent=Decimal(5)))
    assert "pas les deux" in refused(setup.add_share, operation, org["manager"].id,
                                     Share(amount=Decimal(1), percent=Decimal(1)))
    assert "entre 0 et 100" in refused(setup.save_share, share, Share(percent=Decimal(101)))
    setup.save_share(share, Share(percent=Decimal(10)))
    assert (share.amount, share.percent) == (None, 10)
    setup.remove_share(share)
    setup.add_share(operation, org["manager"].id, Share(amount=Decimal(1)))
    setup.clear_shares(operation)
    assert db.session.scalar(select(func.count(AdvisorObjective.id))) == 0


def test_steps_and_actions(org, make_operation):
    operation = make_operation(org["manager"])
    step = setup.add_step(operation, setup.StepInput(name=" Bilan ", kind="followup",
                                                     instructions="  "))
    assert (step.name, step.position, step.instructions) == ("Bilan", 5, None)
    assert "Donnez un nom" in refused(setup.add_step, operation,
                                      setup.StepInput(name=" ", kind="task"))
    setup.save_step(step, setup.StepInput(name="Bilan annuel", kind="meeting",
                                          mandatory=False))
    assert (step.name, step.kind, step.mandatory) == ("Bilan annuel", "meeting", False)
    ids = [s.id for s in operation.steps]
    setup.renumber_steps(operation, list(reversed(ids)))
    assert [s.id for s in operation.steps] == list(reversed(ids))
    assert refused(setup.renumber_steps, operation, ids[:2], status=404)
    other = make_operation(org["manager"], name="Autre")
    assert refused(setup.set_sale_step, operation, other.steps[0], status=404)
    setup.set_sale_step(operation, step)
    assert operation.sale_step_id == step.id
    assert "étape de vente" in refused(setup.delete_step, operation, step, status=409)
    action = setup.add_action(step, setup.ActionInput(label=" Appeler ", mandatory=True))
    assert action.label == "Appeler"
    assert "libellé" in refused(setup.add_action, step, setup.ActionInput(label=""))
    setup.remove_action(action)
    assert db.session.get(StepAction, action.id) is None


def test_too_many_steps_refused(org, make_operation):
    operation = make_operation(org["manager"], steps=[
        (f"Étape {i}", "task", False, []) for i in range(MAX_STEPS)])
    assert "au plus" in refused(setup.add_step, operation, FIRST)


def test_delete_step_refused_once_validated(org, make_operation, make_client, make_target):
    operation = make_operation(org["manager"])
    done, planned = operation.steps[0], operation.steps[1]
    target = make_target(operation, make_client(advisor=org["advisor"]))
    db.session.add_all([StepRecord(target=target, step=done, status=RecordStatus.DONE),
                        StepRecord(target=target, step=planned, status=RecordStatus.PLANNED)])
    db.session.flush()
    assert "ont déjà validé" in refused(setup.delete_step, operation, done, status=409)
    setup.delete_step(operation, planned)
    assert [s.position for s in operation.steps] == [1, 2, 3]


def test_documents(app, org, make_operation):
    operation = make_operation(org["manager"])
    step = operation.steps[0]
    document = setup.add_document(step, StoredFile(name="abc.pdf", original="Notice.pdf",
                                                   mimetype="application/pdf", size=10))
    assert [d.original for d in step.documents] == ["Notice.pdf"]
    setup.remove_document(document)
    db.session.refresh(step)
    assert step.documents == []


# --- Targets -----------------------------------------------------------------------------------

def test_add_target_and_its_refusals(org, make_operation, make_client):
    operation = make_operation(org["manager"])
    client = make_client(advisor=org["advisor"])
    target = targets.add_target(operation, client, None, Decimal(10), TODAY,
                                org["manager"])
    assert target.advisor_id == org["advisor"].id
    assert "fait déjà partie" in refused(targets.add_target, operation, client, None, None,
                                         TODAY)
    operation.archived = True
    assert "archivée" in refused(targets.add_target, operation, make_client(), None, None,
                                 TODAY)


def test_add_target_rights(org, make_operation, make_client, make_user):
    """Taking part: one's own clients, for oneself (#13.2); nothing without a part."""
    operation = make_operation(org["admin"])
    marc = org["advisor"]
    assert refused(targets.add_target, operation, make_client(advisor=marc), None, None,
                   TODAY, marc, status=403) == targets.NO_RIGHT
    db.session.add(AdvisorObjective(operation_id=operation.id, advisor_id=marc.id,
                                    amount=Decimal(1)))
    db.session.flush()
    theirs = make_client("Autre", "Client", advisor=org["other_advisor"])
    assert refused(targets.add_target, operation, theirs, None, None, TODAY, marc,
                   status=403) == targets.NOT_YOURS
    mine = make_client("Mon", "Client", advisor=marc)
    assert refused(targets.add_target, operation, mine, org["other_advisor"].id, None,
                   TODAY, marc, status=403) == targets.NOT_YOURS
    assert targets.add_target(operation, mine, None, None, TODAY, marc).advisor_id == marc.id


def test_bulk_add_and_remove(app, org, make_operation, make_client):
    operation = make_operation(org["manager"])
    for i in range(3):
        make_client("Client", f"Vrac{i}", advisor=org["advisor"])
    with app.test_request_context("/"):  # the client query is the signed-in user's scope
        login_user(org["manager"])
        result = targets.add_targets_bulk(operation, parse_criteria({"q": ["vrac"]}), None, TODAY)
        again = targets.add_targets_bulk(operation, parse_criteria({"q": ["vrac"]}), None, TODAY)
        assert (result.added, result.skipped) == (3, 0)
        assert (again.added, again.skipped) == (0, 3)
        target = db.session.scalars(select(Target)).first()
        targets.remove_target(target)
        assert db.session.scalar(select(func.count(Target.id))) == 2
        operation.archived = True
        assert "archivée" in refused(targets.add_targets_bulk, operation, Criteria(), None,
                                     TODAY)


def test_bulk_add_audits_each_target_as_one_add_does(app, org, make_operation, make_client):
    """The bulk insert bypasses the unit of work: its audit rows are those the session
    hook writes for a target added alone (every column set, defaults included)."""
    operation = make_operation(org["manager"])
    alone = make_client("Client", "Seul", advisor=org["advisor"])
    bulk = make_client("Client", "Vrac", advisor=org["advisor"])
    with app.test_request_context("/"):
        login_user(org["manager"])
        one = targets.add_target(operation, alone, None, Decimal("1200.50"), TODAY,
                                 org["manager"])
        targets.add_targets_bulk(operation, parse_criteria({"q": ["vrac"]}),
                                 Decimal("1200.50"), TODAY, org["manager"])
        many = db.session.scalar(select(Target).where(Target.client_id == bulk.id))

        def audited(target):
            return sorted((row.field, row.new if row.field != "client_id" else "·",
                           row.user_id, row.action)
                          for row in db.session.scalars(select(AuditRow).where(
                              AuditRow.object_type == "target",
                              AuditRow.object_id == target.id)))

        assert audited(many) == audited(one)
        assert ("potential", "1200.50", org["manager"].id, "insert") in audited(many)
        assert ("concluded", "False", org["manager"].id, "insert") in audited(many)


# --- Timeline ----------------------------------------------------------------------------------

@pytest.fixture
def followed(org, make_operation, make_client, make_target):
    operation = make_operation(org["manager"])
    return make_target(operation, make_client(advisor=org["advisor"]))


def test_record_step_and_its_refusals(org, followed):
    call, meeting, reminder, sale = followed.operation.steps
    assert "terminez d'abord l'étape obligatoire « Appel de prise de contact »" in refused(
        timeline.record_step, followed, meeting, RecordInput(RecordStatus.DONE, TODAY), None)
    assert "cochez d'abord l'action obligatoire « Vérifier la fiche client »" in refused(
        timeline.record_step, followed, call, RecordInput(RecordStatus.DONE, TODAY), None)
    checked = frozenset(a.id for a in call.actions if a.mandatory)
    record = timeline.record_step(followed, call, RecordInput(
        RecordStatus.DONE, TODAY, notes="  ", checked=checked | {999}), org["advisor"].id)
    assert record.checked == set(checked) and record.notes is None  # 999: not an action
    assert "déjà saisie" in refused(timeline.record_step, followed, call,
                                    RecordInput(RecordStatus.PLANNED, TODAY), None)
    visit = timeline.record_step(followed, meeting, RecordInput(
        RecordStatus.PLANNED, TODAY, time="14:30", place=" Agence "), None)
    assert (visit.time, visit.place) == ("14:30", "Agence")
    timeline.update_step_record(visit, RecordInput(RecordStatus.DONE, TODAY, time="15:00"))
    assert visit.status == RecordStatus.DONE and visit.time == "15:00"


def test_a_closed_follow_up_refuses_step_records(org, followed):
    """#13.4: an archived operation's follow-up is closed; a concluded one takes no new step
    record; a cancelled record is not revived beside a live one."""
    call = followed.operation.steps[0]
    checked = frozenset(a.id for a in call.actions)
    record = timeline.record_step(followed, call, RecordInput(RecordStatus.PLANNED, TODAY),
                                  None)
    timeline.cancel_record(record)
    live = timeline.record_step(followed, call, RecordInput(RecordStatus.DONE, TODAY,
                                                            checked=checked), None)
    assert "autre saisie en cours" in refused(
        timeline.update_step_record, record, RecordInput(RecordStatus.PLANNED, TODAY))
    timeline.update_step_record(record, RecordInput(RecordStatus.CANCELLED, TODAY,
                                                    notes="reste annulée"))
    followed.concluded = True
    db.session.flush()
    meeting = followed.operation.steps[1]
    assert "rouvrez-le" in refused(timeline.record_step, followed, meeting,
                                   RecordInput(RecordStatus.DONE, TODAY), None)
    assert "rouvrez-le" in refused(timeline.update_step_record, live,
                                   RecordInput(RecordStatus.PLANNED, TODAY))
    assert "rouvrez-le" in refused(timeline.cancel_record, live)
    followed.concluded = False
    followed.operation.archived = True
    db.session.flush()
    assert "archivée" in refused(timeline.record_step, followed, meeting,
                                 RecordInput(RecordStatus.DONE, TODAY), None)
    assert "archivée" in refused(timeline.record_event, followed, EventInput(
        "meeting", "RDV", RecordStatus.DONE, TODAY), None)


def test_events(followed):
    event = timeline.record_event(followed, EventInput("meeting", " Café ", RecordStatus.DONE,
                                                       TODAY, notes=""), None)
    assert (event.step_id, event.title, event.notes) == (None, "Café", None)
    timeline.update_event(event, EventInput("mail", "Mail", RecordStatus.PLANNED, TODAY))
    assert (event.kind, event.status) == ("mail", RecordStatus.PLANNED)


def test_attachments(app, followed):
    attachment = timeline.attach(followed, FileStorage(io.BytesIO(PNG), "a.png",
                                                       content_type="image/png"))
    assert attachment.mimetype == "image/png"
    timeline.remove_attachment(attachment)


def test_conclude_reopen_and_accounts(org, followed):
    version = followed.version
    assert "Indiquez le montant" in refused(timeline.conclude, followed, ConclusionInput(
        kind("Vente"), TODAY, None), version)
    assert "ne collecte rien" in refused(timeline.conclude, followed, ConclusionInput(
        kind("Refus"), TODAY, Decimal(5)), version)
    timeline.conclude(followed, ConclusionInput(kind("Vente"), TODAY, Decimal(900)), version)
    assert followed.concluded and followed.success and followed.amount == 900
    assert refused(timeline.conclude, followed, ConclusionInput(
        kind("Vente"), TODAY, Decimal(1)), status=409)
    account = Account(client_id=followed.client_id, number="A1", product="PER")
    db.session.add(account)
    db.session.flush()
    timeline.link_accounts(followed, [account])
    assert followed.accounts == [account]
    with pytest.raises(Conflict):
        timeline.reopen(followed, version)
    timeline.reopen(followed, followed.version)
    assert not followed.concluded and followed.accounts == [] and followed.amount is None
    assert refused(timeline.link_accounts, followed, [account], status=409)
    timeline.conclude(followed, ConclusionInput(kind("Refus"), TODAY, None))
    assert followed.success is False and followed.amount is None


def test_conclusion_date_is_kept(followed):
    day = date(2026, 1, 15)
    timeline.conclude(followed, ConclusionInput(kind("Signature"), day, Decimal(1)))
    assert followed.conclusion_date == day

