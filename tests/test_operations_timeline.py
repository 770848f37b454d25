"""The per-client timeline (seed 004 « Exploitation »): every rule through the routes."""

import html
import io
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from webapp import clock
from webapp.auth.models import Access
from webapp.clients.models import Account
from webapp.extensions import db
from webapp.operations.models import (
    ConclusionKind,
    RecordStatus,
    StepDocument,
    StepRecord,
    Target,
    TargetAttachment,
)

HX = {"HX-Request": "true"}
TODAY = clock.today().isoformat()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def setup(org, make_client, make_operation, make_target):
    """Marc's client Anne in the default four-step operation run by the Lyon manager:
    1 task (mandatory; actions « Vérifier la fiche client »* and « Préparer le
    rendez-vous »), 2 meeting (mandatory), 3 reminder (optional), 4 task « Signature »
    (mandatory, action « Faire signer le bulletin »*)."""
    anne = make_client("Anne", "Roux", advisor=org["advisor"])
    operation = make_operation(org["manager"])
    target = make_target(operation, anne)
    steps = operation.steps
    return {"target": target, "steps": steps, "operation": operation, "client": anne,
            "actions": [a for s in steps for a in s.actions]}


def url(target, tail=""):
    return f"/operations/targets/{target.id}{tail}"


def record(http, target, step, **data):
    form = {"status": "planned", "day": TODAY, **data}
    return http.post(url(target, f"/steps/{step.id}/records"), data=form, headers=HX)


def done_task(http, target, step, **extra):
    checked = [a.id for a in step.actions]
    return record(http, target, step, status="done", actions=checked, **extra)


def text(response) -> str:
    """The response's text with HTML entities decoded (messages hold apostrophes)."""
    return html.unescape(response.text)


def records(target):
    return db.session.scalars(select(StepRecord).where(StepRecord.target_id == target.id)
                              .order_by(StepRecord.id)).all()


def select_options(html):
    """The values offered by the « Ajouter » select."""
    start = html.index('id="add-choice"')
    return [part.split('"', 1)[0]
            for part in html[start:html.index("</select>", start)].split('value="')[1:]]


# --- the page -------------------------------------------------------------------------

def test_page_shows_plan_header_and_proposed_step(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    page = http.get(url(target))
    assert page.status_code == 200 and "<html" in page.text
    text = page.text
    assert "Anne Roux" in text and f'href="/clients/{setup["client"].id}"' in text
    assert "Épargne retraite T1" in text and "Marc Petit" in text
    assert "50\u202f000" in text or "50 000" in text or "50\xa0000" in text
    assert 'data-colour="open"' in text and "En cours" in text
    for step in steps:
        assert step.name in text
    assert "Vérifier la fiche client" in text
    # Only step 1 is offered (2 needs 1 done): plus the unplanned event, 1 proposed.
    assert select_options(text) == [str(steps[0].id), "event"]
    assert f'id="step-{steps[0].id}"' in text and 'aria-current="step"' in text
    assert "Bloquée : terminez d'abord" in text


def test_htmx_fragment_vs_full_page(setup, org, login):
    http = login(org["advisor"])
    fragment = http.get(url(setup["target"]), headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'id="cockpit"' in fragment.text
    assert "HX-Request" in fragment.headers["Vary"]
    form = http.get(url(setup["target"], f"/add?choice={setup['steps'][0].id}"), headers=HX)
    assert "<html" not in form.text and 'id="record-form"' in form.text
    page = http.get(url(setup["target"], f"/add?choice={setup['steps'][0].id}"))
    assert "<html" in page.text and 'id="record-form"' in page.text


def test_scope(setup, org, login, make_user, make_client, make_operation, make_target):
    target = setup["target"]
    assert login(org["other_advisor"]).get(url(target)).status_code == 404
    assert login(org["manager"]).get(url(target)).status_code == 200  # team, and runs it
    assert login(org["admin"]).get(url(target)).status_code == 404
    assert login(org["other_advisor"]).post(
        url(target, f"/steps/{setup['steps'][0].id}/records"),
        data={"status": "planned", "day": TODAY}).status_code == 404
    # Operations access NONE: only the operations one runs.
    marc = org["advisor"]
    marc.operations_access = Access.NONE
    db.session.commit()
    assert login(marc).get(url(target)).status_code == 404
    own = make_operation(marc, name="Mon opération")
    mine = make_target(own, make_client("Paul", "Morel", advisor=org["other_advisor"]))
    assert login(marc).get(url(mine)).status_code == 200
    assert login(marc).get("/operations/targets/999999").status_code == 404


def test_form_depends_on_the_step_kind(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    task = http.get(url(target, f"/add?choice={steps[0].id}"), headers=HX).text
    assert 'name="actions"' in task and 'name="time"' not in task
    assert "(obligatoire)" in task
    done_task(http, target, steps[0])
    meeting = http.get(url(target, f"/add?choice={steps[1].id}"), headers=HX).text
    assert 'name="time"' in meeting and 'name="place"' in meeting
    assert 'name="actions"' not in meeting
    event = http.get(url(target, "/add?choice=event"), headers=HX).text
    assert 'name="title"' in event and 'name="kind"' in event
    assert f"/steps/{steps[1].id}/records" in http.get(url(target, "/add"), headers=HX).text
    assert http.get(url(target, "/add?choice=zzz"), headers=HX).status_code == 404
    assert http.get(url(target, "/add?choice=999999"), headers=HX).status_code == 404


# --- steps: order, mandatory steps, actions ---------------------------------------------

def test_blocked_step_is_refused_whatever_the_select(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    response = record(http, target, steps[1])
    assert response.status_code == 422
    assert "terminez d'abord l'étape obligatoire « Appel de prise de contact »" in text(response)
    assert records(target) == []
    # Step 4 names both missing mandatory steps.
    response = record(http, target, steps[3])
    assert response.status_code == 422
    assert "« Appel de prise de contact », « Rendez-vous de présentation »" in response.text
    # The GET of a blocked step's form says so too.
    form = http.get(url(target, f"/add?choice={steps[1].id}"), headers=HX)
    assert form.status_code == 422 and "terminez d'abord" in text(form)
    # A planned step 1 is not « done »: step 2 stays blocked.
    assert record(http, target, steps[0]).status_code == 200
    assert record(http, target, steps[1]).status_code == 422
    # Recorded twice: refused.
    again = record(http, target, steps[0])
    assert again.status_code == 422 and "déjà saisie" in text(again)


def test_optional_step_skipped_does_not_block(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    done_task(http, target, steps[0])
    record(http, target, steps[1], status="done", time="14:30", place="Agence")
    page = http.get(url(target)).text
    assert select_options(page) == [str(steps[2].id), str(steps[3].id), "event"]
    # Step 4 directly, the optional reminder skipped.
    response = done_task(http, target, steps[3])
    assert response.status_code == 200
    assert [r.step_id for r in records(target)] == [steps[0].id, steps[1].id, steps[3].id]
    # Step 3 recorded after a later one is no longer offered (the proposed step moved on).
    assert select_options(http.get(url(target)).text) == [str(steps[2].id), "event"]


def test_task_done_needs_its_mandatory_actions(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    verify, prepare = steps[0].actions
    http = login(org["advisor"])
    response = record(http, target, steps[0], status="done", actions=[prepare.id],
                      notes="Client joint au téléphone")
    assert response.status_code == 422
    assert ("La tâche ne peut pas être « Terminée » : cochez d'abord l'action obligatoire "
            "« Vérifier la fiche client ».") in text(response)
    assert "Client joint au téléphone" in response.text  # what was typed is kept
    assert f'value="{prepare.id}"\n                     id="action-{prepare.id}" checked' in \
        response.text
    assert records(target) == []
    # Planned with the action unchecked is fine; then done once checked (an edit).
    assert record(http, target, steps[0], actions=[prepare.id]).status_code == 200
    rec = records(target)[0]
    edit = url(target, f"/records/{rec.id}")
    form = http.get(edit, headers=HX)
    assert form.status_code == 200 and "Enregistrer" in form.text
    refused = http.post(edit, data={"status": "done", "day": TODAY, "actions": [prepare.id]},
                        headers=HX)
    assert refused.status_code == 422 and "Vérifier la fiche client" in refused.text
    ok = http.post(edit, data={"status": "done", "day": TODAY,
                               "actions": [prepare.id, verify.id]}, headers=HX)
    assert ok.status_code == 200 and ok.headers["HX-Retarget"] == "#cockpit"
    db.session.refresh(rec)
    assert rec.status == RecordStatus.DONE and rec.checked == {prepare.id, verify.id}
    # Step 2 is now offered and proposed.
    page = http.get(url(target)).text
    assert select_options(page)[0] == str(steps[1].id)


def test_cancel_offers_the_step_again(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    done_task(http, target, steps[0])
    rec = records(target)[0]
    response = http.post(url(target, f"/records/{rec.id}/cancel"), headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    db.session.refresh(rec)
    assert rec.status == RecordStatus.CANCELLED
    assert select_options(http.get(url(target)).text) == [str(steps[0].id), "event"]
    assert record(http, target, steps[1]).status_code == 422


def test_propose_next_opens_the_next_form(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    steps[0].propose_next = True
    db.session.commit()
    http = login(org["advisor"])
    response = done_task(http, target, steps[0])
    assert response.status_code == 200 and response.headers["HX-Retarget"] == "#cockpit"
    assert 'id="record-form"' in response.text
    assert f"/steps/{steps[1].id}/records" in response.text  # the meeting's form, open
    assert 'name="time"' in response.text
    # Without htmx: sent to the next step's form.
    other = login(org["advisor"])
    rec = records(target)[0]
    back = other.post(url(target, f"/records/{rec.id}"),
                      data={"status": "done", "day": TODAY,
                            "actions": [a.id for a in steps[0].actions]})
    assert back.status_code == 302 and f"choice={steps[1].id}" in back.location
    # Planned only: no next form.
    steps[1].propose_next = True
    db.session.commit()
    planned = record(http, target, steps[1])
    assert 'id="record-form"' not in planned.text


def test_wrong_types_and_too_long_inputs(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    cases = [
        ({"day": ""}, "Ce champ est obligatoire."),
        ({"day": "31/02/2026"}, 'id="day-error"'),
        ({"status": "finished"}, 'id="status-error"'),
        ({"notes": "x" * 5001}, 'id="notes-error"'),
        ({"actions": ["abc"]}, "Actions"),
        ({"actions": [999999]}, "choix valide"),
    ]
    for data, expected in cases:
        response = record(http, target, steps[0], **data)
        assert response.status_code == 422, data
        assert expected in response.text, data
    done_task(http, target, steps[0])
    bad_time = record(http, target, steps[1], time="25:99", place="p" * 201)
    assert bad_time.status_code == 422
    assert "HH:MM" in bad_time.text and 'id="place-error"' in bad_time.text
    assert len(records(target)) == 1
    # Someone else's step or record: 404.
    assert http.post(url(target, "/steps/999999/records"),
                     data={"day": TODAY}).status_code == 404
    assert http.get(url(target, "/records/999999")).status_code == 404
    assert http.post(url(target, "/records/999999/cancel")).status_code == 404


def test_someone_elses_records_are_not_found(setup, org, login, make_client, make_target):
    target = setup["target"]
    http = login(org["advisor"])
    done_task(http, target, setup["steps"][0])
    rec = records(target)[0]
    other_target = make_target(setup["operation"], make_client("Paul", "Morel",
                                                               advisor=org["advisor"]))
    assert http.get(url(other_target, f"/records/{rec.id}")).status_code == 404
    assert http.post(url(other_target, f"/records/{rec.id}/cancel")).status_code == 404


# --- unplanned events, notes, attachments ----------------------------------------------

def test_unplanned_events_never_count_as_a_step(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    response = http.post(url(target, "/events"), headers=HX, data={
        "kind": "meeting", "title": "Rendez-vous avec le conjoint", "status": "done",
        "day": TODAY, "notes": "Le conjoint était absent au premier rendez-vous."})
    assert response.status_code == 200 and "Rendez-vous avec le conjoint" in response.text
    assert "Événement non prévu" in response.text
    event_record = records(target)[0]
    assert event_record.step_id is None and event_record.status == RecordStatus.DONE
    assert record(http, target, steps[1]).status_code == 422  # still blocked
    assert select_options(http.get(url(target)).text) == [str(steps[0].id), "event"]
    edit = url(target, f"/records/{event_record.id}")
    assert "Rendez-vous avec le conjoint" in http.get(edit, headers=HX).text
    assert http.post(edit, headers=HX, data={"kind": "mail", "title": "Mail au conjoint",
                                             "status": "done", "day": TODAY}).status_code == 200
    db.session.refresh(event_record)
    assert event_record.title == "Mail au conjoint" and event_record.kind == "mail"
    for bad in ({"title": ""}, {"title": "t" * 201}, {"kind": "party"}, {"day": "demain"}):
        data = {"kind": "meeting", "title": "Appel", "status": "done", "day": TODAY, **bad}
        response = http.post(url(target, "/events"), headers=HX, data=data)
        assert response.status_code == 422, bad
    assert len(records(target)) == 1


def test_notes_are_shown_in_the_chronology(setup, org, login):
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    done_task(http, target, steps[0], notes="Rappeler après 18 h")
    page = http.get(url(target)).text
    assert "Rappeler après 18 h" in page and "Saisi par Marc Petit" in page


def test_attachments(app, setup, org, login):
    target = setup["target"]
    http = login(org["advisor"])
    for name, data in (("rib.png", PNG), ("contrat.pdf", PDF)):
        response = http.post(url(target, "/attachments"), headers=HX,
                             data={"file": (io.BytesIO(data), name)},
                             content_type="multipart/form-data")
        assert response.status_code == 200 and name in response.text
    refused = http.post(url(target, "/attachments"), headers=HX,
                        data={"file": (io.BytesIO(b"MZ\x90\x00" + b"\x00" * 60), "virus.exe")},
                        content_type="multipart/form-data")
    assert refused.status_code == 422 and "Type de fichier non autorisé." in refused.text
    empty = http.post(url(target, "/attachments"), headers=HX, data={})
    assert empty.status_code == 422 and "Choisissez un fichier." in empty.text
    files = db.session.scalars(select(TargetAttachment).order_by(TargetAttachment.id)).all()
    assert [f.original for f in files] == ["rib.png", "contrat.pdf"]
    download = http.get(url(target, f"/attachments/{files[1].id}"))
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    assert login(org["other_advisor"]).get(
        url(target, f"/attachments/{files[1].id}")).status_code == 404
    stored = Path(app.config["UPLOAD_FOLDER"]) / files[0].stored_name
    assert stored.is_file()
    assert http.post(url(target, f"/attachments/{files[0].id}/delete"),
                     headers=HX).status_code == 200
    assert db.session.scalar(select(func.count(TargetAttachment.id))) == 1
    assert not stored.exists()  # the file goes with its row
    assert http.post(url(target, f"/attachments/{files[0].id}/delete")).status_code == 404


# --- conclusion -------------------------------------------------------------------------

def kind(name):
    return db.session.scalar(select(ConclusionKind).where(ConclusionKind.name == name))


def conclude(http, target, name, amount="", version=None, **extra):
    return http.post(url(target, "/conclusion"), headers=HX, data={
        "conclusion_kind_id": kind(name).id, "conclusion_date": TODAY, "amount": amount,
        "version": target.version if version is None else version, **extra})


def test_conclusion_success_turns_green_and_links_accounts(setup, org, login):
    target, anne = setup["target"], setup["client"]
    accounts = [Account(client_id=anne.id, number=n, product="PER") for n in ("A1", "A2")]
    db.session.add_all(accounts)
    db.session.commit()
    http = login(org["advisor"])
    before = http.get(url(target)).text
    assert 'id="accounts-form"' not in before and "Comptes liés" not in before
    response = conclude(http, target, "Vente", "30000")
    assert response.status_code == 200, response.text
    assert 'data-colour="success"' in response.text and "Comptes liés à la vente" in response.text
    db.session.refresh(target)
    assert target.concluded and target.success and target.amount == Decimal("30000")
    # Link one account; another client's account is not a choice.
    linked = http.post(url(target, "/accounts"), headers=HX,
                       data={"accounts": [accounts[1].id]})
    assert linked.status_code == 200
    db.session.refresh(target)
    assert [a.number for a in target.accounts] == ["A2"]
    refused = http.post(url(target, "/accounts"), headers=HX, data={"accounts": [999999]})
    assert refused.status_code == 422 and "choix valide" in refused.text
    # Reopen: back to not concluded, accounts cleared.
    reopened = http.post(url(target, "/conclusion/reopen"), headers=HX,
                         data={"version": target.version})
    assert reopened.status_code == 200 and 'data-colour="open"' in reopened.text
    db.session.refresh(target)
    assert not target.concluded and target.accounts == [] and target.success is None


def test_conclusion_failure_turns_red_without_accounts(setup, org, login):
    target = setup["target"]
    http = login(org["advisor"])
    response = conclude(http, target, "Refus")  # no amount: fine for a failure
    assert response.status_code == 200
    assert 'data-colour="failure"' in response.text and "Comptes liés" not in response.text
    db.session.refresh(target)
    assert target.concluded and target.success is False and target.amount is None
    assert http.post(url(target, "/accounts"), data={"accounts": []}).status_code == 409


def test_conclusion_inputs(setup, org, login):
    target = setup["target"]
    http = login(org["advisor"])
    negative = conclude(http, target, "Vente", "-10")
    assert negative.status_code == 422
    assert "Le montant collecté ne peut pas être négatif." in negative.text
    assert 'value="-10"' in negative.text
    assert "Indiquez le montant collecté" in conclude(http, target, "Signature").text
    assert conclude(http, target, "Vente", "abc").status_code == 422
    assert conclude(http, target, "Vente", "1e20").status_code == 422
    missing = http.post(url(target, "/conclusion"), headers=HX,
                        data={"conclusion_kind_id": "0", "conclusion_date": "",
                              "version": target.version})
    assert missing.status_code == 422 and "Ce champ est obligatoire." in missing.text
    unknown = http.post(url(target, "/conclusion"), headers=HX,
                        data={"conclusion_kind_id": "999", "conclusion_date": TODAY,
                              "version": target.version})
    assert unknown.status_code == 422
    db.session.refresh(target)
    assert not target.concluded


def test_conclusion_optimistic_lock(setup, org, login):
    target = setup["target"]
    http = login(org["advisor"])
    seen = target.version
    target.potential = Decimal("60000")  # someone else saves the target meanwhile
    db.session.commit()
    response = conclude(http, target, "Vente", "1000", version=seen)
    assert response.status_code == 409
    assert "modifié par quelqu'un d'autre" in text(response)
    assert f'name="version" type="hidden" value="{target.version}"' in response.text
    db.session.refresh(target)
    assert not target.concluded
    assert conclude(http, target, "Vente", "1000").status_code == 200
    db.session.refresh(target)
    stale = http.post(url(target, "/conclusion/reopen"), headers=HX,
                      data={"version": seen})
    assert stale.status_code == 409
    db.session.refresh(target)
    assert target.concluded


# --- performance ----------------------------------------------------------------------

def test_queries_do_not_grow_with_the_operation(app, setup, org, login, make_client):
    """A handful of queries, the same with 1 or 200 other targets and their records."""
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    done_task(http, target, steps[0], notes="n")
    http.post(url(target, "/events"), data={"kind": "meeting", "title": "E",
                                            "status": "done", "day": TODAY})

    page = url(target)

    def count():
        statements = []

        def log(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", log)
        try:
            assert http.get(page).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", log)
        return statements

    few = count()
    for i in range(200):
        client = make_client(f"C{i}", "Test", advisor=org["advisor"])
        other = Target(operation=setup["operation"], client=client, advisor=org["advisor"])
        other.records = [StepRecord(step_id=steps[0].id, status="done", day=clock.today())]
        db.session.add(other)
    db.session.commit()
    more = count()
    assert len(more) == len(few), "\n".join(more)
    assert len(few) <= 9, few


def test_task_form_lists_the_steps_documents(setup, org, login):
    target, step = setup["target"], setup["steps"][0]
    db.session.add(StepDocument(step_id=step.id, stored_name="x.pdf", original="Notice.pdf",
                                mimetype="application/pdf", size=10))
    db.session.commit()
    form = login(org["advisor"]).get(url(target, f"/add?choice={step.id}"), headers=HX)
    assert "Notice.pdf" in form.text
    assert f"/operations/{setup['operation'].id}/steps/{step.id}/documents/" in form.text


def test_a_closed_follow_up_refuses_step_records(setup, org, login):
    """#13.4, seed 004: an archived operation « ne peut plus être attribuée à un client »
    (its follow-up is closed); a concluded follow-up takes no new step record; a
    cancelled record is not revived beside a live record of the same step."""
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    record(http, target, steps[0])
    first = records(target)[0]
    http.post(url(target, f"/records/{first.id}/cancel"), headers=HX)
    assert done_task(http, target, steps[0]).status_code == 200
    revived = http.post(url(target, f"/records/{first.id}"), headers=HX,
                        data={"status": "planned", "day": TODAY})
    assert revived.status_code == 422 and "autre saisie en cours" in text(revived)
    target.concluded = True
    db.session.commit()
    concluded = record(http, target, steps[1])
    assert concluded.status_code == 422 and "Ce suivi est conclu" in text(concluded)
    target.concluded = False
    setup["operation"].archived = True
    db.session.commit()
    archived = record(http, target, steps[1])
    assert archived.status_code == 422 and "Cette opération est archivée" in text(archived)
    offered = http.get(url(target, f"/add?choice={steps[1].id}"), headers=HX)
    assert offered.status_code == 422 and "Cette opération est archivée" in text(offered)
    db.session.expire_all()
    assert [r.status for r in records(target)] == [RecordStatus.CANCELLED, RecordStatus.DONE]


def test_the_follow_up_shows_its_history(setup, org, login):
    """#13.11: the target's and its step records' changes, with the clients' history
    macro, loaded into the page (statuses as labels, steps by name)."""
    target, steps = setup["target"], setup["steps"]
    http = login(org["advisor"])
    done_task(http, target, steps[0])
    page = http.get(url(target)).text
    assert f'hx-get="/operations/targets/{target.id}/history"' in page
    history = text(http.get(url(target, "/history"), headers=HX))
    assert "<html" not in history and "Historique" in history
    assert "Terminée" in history and "Appel de prise de contact" in history
    assert login(org["other_advisor"]).get(url(target, "/history")).status_code == 404
