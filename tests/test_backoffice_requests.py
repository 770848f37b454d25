"""Requests to the BO (seed 000, slides 3–6): intake, routing, queue, thread, files,
workflow moves and their notifications, every screen scoped by role."""

import html
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.fixtures.files import _png
from webapp import clock
from webapp.auth.models import Role
from webapp.backoffice.models import Attachment, BoRequest, Comment, RequestType
from webapp.clients.models import Account
from webapp.extensions import db
from webapp.history import AuditRow
from webapp.notifications.models import Alert, OutboxMessage

HX = {"HX-Request": "true"}
TODAY = clock.today()
NEXT_WEEK = (TODAY + timedelta(days=7)).isoformat()


def text(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
def desk(org, make_user, make_client, route_type):
    """Marc (advisor) and his client Anne; Chris prices R1s, David is in copy (slide 3):
    both managers outside the agencies' hierarchy."""
    chris = make_user(Role.MANAGER, name="Chris Tarif",
                      email="chris@example.fr")
    david = make_user(Role.MANAGER, name="David Leroy",
                      email="david@example.fr")
    route_type("Cotation R1", to=[chris], copies=[david])
    route_type("Demande de stats", to=[david, chris])
    route_type("Log agences", copies=[david])
    anne = make_client("Anne", "Roux", advisor=org["advisor"], email="anne@example.fr")
    return {"chris": chris, "david": david, "anne": anne, **org}


def type_id(name):
    return db.session.scalar(select(RequestType.id).where(RequestType.name == name))


def form(desk, **overrides):
    data = {"type_id": type_id("Cotation R1"), "client_id": desk["anne"].id,
            "label": "Cotation R1", "deadline": NEXT_WEEK, "copies": [desk["david"].id],
            "body": "R1 complet : 40 salariés, départ en juin."}
    return {**data, **overrides}


def only_request() -> BoRequest:
    return db.session.scalars(select(BoRequest)).one()


# --- intake (slide 4) -----------------------------------------------------------------------

def test_intake_page_and_options_fragment(desk, login):
    http = login(desk["advisor"])
    page = http.get("/bo/requests/new")
    assert page.status_code == 200 and "<html" in page.text
    assert 'id="request-client"' in page.text and "Rechercher un client" in page.text
    assert 'id="no-copies"' in page.text  # no type yet: no copies offered
    fragment = http.get("/bo/requests/new", headers=HX, query_string={
        "type_id": type_id("Cotation R1"), "client_id": desk["anne"].id,
        "label": "Cotation R1"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert 'id="request-options"' in fragment.text
    assert "ANNE ROUX / Cotation R1" in text(fragment)
    # Only the matrix's copy for a Cotation R1: David.
    assert "David Leroy" in fragment.text and "Chris Tarif" not in fragment.text
    assert "Léa" not in fragment.text


def test_request_is_created_routed_and_told(desk, login):
    http = login(desk["advisor"])
    response = http.post("/bo/requests/new", data=form(desk))
    req = only_request()
    assert response.status_code == 302 and response.location.endswith(f"/bo/requests/{req.id}")
    assert req.subject == "ANNE ROUX / Cotation R1"
    assert req.state == "sent" and not req.closed and req.author_id == desk["advisor"].id
    assert req.assignee_id == desk["chris"].id  # « Cotation R1 → Chris »
    assert {(r.user_id, r.copy) for r in req.recipients} == {
        (desk["chris"].id, False), (desk["david"].id, True)}
    assert db.session.scalars(select(Comment.body)).all() == [
        "R1 complet : 40 salariés, départ en juin."]
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipients == "chris@example.fr" and mail.cc == "david@example.fr"
    assert mail.subject == "ANNE ROUX / Cotation R1"
    assert f"/bo/requests/{req.id}" in mail.text_body
    alerted = set(db.session.scalars(select(Alert.user_id)))
    assert alerted == {desk["chris"].id, desk["david"].id}
    fields = set(db.session.scalars(select(AuditRow.field).where(
        AuditRow.object_type == "bo_request")))
    assert {"subject", "state", "deadline"} <= fields


def test_copies_are_optional_and_bo_types_go_to_the_queue(desk, login):
    http = login(desk["advisor"])
    http.post("/bo/requests/new", data=form(desk, type_id=type_id("Log agences"),
                                            label="Log agences", copies=[]))
    req = only_request()
    assert req.assignee_id is None and req.recipients == [] and req.state == "new"
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipients == desk["bo_assistant"].email and mail.cc is None


def test_contract_names_the_subject(desk, login):
    # « exple : … SECUR PLUS / pb logimail »
    account = Account(client_id=desk["anne"].id, number="C-1", product="Secur Plus")
    db.session.add(account)
    db.session.commit()
    http = login(desk["advisor"])
    http.post("/bo/requests/new", data=form(desk, account_id=account.id, label="pb logimail"))
    assert only_request().subject == "SECUR PLUS / pb logimail"
    assert only_request().account_id == account.id


@pytest.mark.parametrize(("overrides", "messages"), [
    ({"type_id": "0", "client_id": "", "label": "", "deadline": "", "copies": []},
     ["Choisissez le type de demande.", "Choisissez le client concerné.",
      "Indiquez le libellé du sujet", "Indiquez une deadline."]),
    ({"label": "x" * 141}, ["140 caractères"]),
    ({"label": "x" * 121}, ["Le libellé ne doit pas dépasser 120 caractères."]),
    ({"label": "Cotation R1 + pb logimail"}, ["Un seul sujet par demande"]),
    ({"deadline": (TODAY - timedelta(days=1)).isoformat()},
     ["La deadline ne peut pas être dans le passé."]),
    ({"deadline": "demain"}, ["date"]),
    ({"deadline": "9999-12-31"}, ["Indiquez une date entre 1900 et 2100."]),
    ({"type_id": "abc"}, ["Choisissez le type de demande."]),
    ({"client_id": "abc"}, ["Choisissez le client concerné."]),
    ({"copies": ["x"]}, ["Choix invalide."]),
    ({"account_id": "abc"}, [""]),
])
def test_intake_refusals_keep_what_was_typed(desk, login, overrides, messages):
    http = login(desk["advisor"])
    data = form(desk, **overrides)
    response = http.post("/bo/requests/new", data=data)
    assert response.status_code == 422
    body = text(response)
    for message in messages:
        assert message in body
    if data["label"]:
        assert f'value="{data["label"]}"' in body
    assert db.session.scalars(select(BoRequest)).all() == []


def test_someone_elses_ids_are_refused(desk, login, make_client):
    http = login(desk["advisor"])
    other = make_client("Émile", "Roussel", advisor=desk["other_advisor"])
    account = Account(client_id=other.id, number="C-9", product="MISSION PRO")
    db.session.add(account)
    db.session.commit()
    response = http.post("/bo/requests/new", data=form(desk, client_id=other.id))
    assert response.status_code == 422 and "Client introuvable." in text(response)
    response = http.post("/bo/requests/new", data=form(desk, account_id=account.id))
    assert "Ce contrat n'est pas celui du client choisi." in text(response)
    # Copies: only the matrix's (Léa is not in copy of a Cotation R1, nor is Chris).
    for intruder in (desk["other_advisor"], desk["chris"]):
        response = http.post("/bo/requests/new", data=form(desk, copies=[intruder.id]))
        assert response.status_code == 422
        assert "Seules les copies prévues pour ce type de demande sont possibles." in text(
            response)
    assert db.session.scalars(select(BoRequest)).all() == []


def test_other_subject_prefills_the_same_client(desk, login, make_bo_request):
    # « EVITER DE REGROUPER DIFFERENTES DEMANDES » → a second request, one click away.
    req = make_bo_request(desk["advisor"], desk["anne"])
    http = login(desk["advisor"])
    page = text(http.get(f"/bo/requests/{req.id}"))
    link = f"/bo/requests/new?client_id={desk['anne'].id}&amp;account_id=0"
    assert "Autre sujet pour ce client" in page and html.unescape(link) in page
    prefilled = text(http.get(html.unescape(link)))
    assert f'name="client_id" value="{desk["anne"].id}"' in prefilled
    assert "Anne Roux" in prefilled


# --- queue, filters, search, scope -----------------------------------------------------------

@pytest.fixture
def queue(desk, make_bo_request, make_client):
    """Marc's three requests (one overdue, one closed), Léa's one."""
    late = make_bo_request(desk["advisor"], desk["anne"], "Log agences",
                           deadline=TODAY - timedelta(days=2))
    soon = make_bo_request(desk["advisor"], desk["anne"], "Cotation R1",
                           deadline=TODAY + timedelta(days=1), assignee=desk["chris"],
                           to=[desk["chris"]], copies=[desk["david"]])
    done = make_bo_request(desk["advisor"], desk["anne"], "Support RDV", state="done")
    emile = make_client("Émile", "Roussel", advisor=desk["other_advisor"])
    leas = make_bo_request(desk["other_advisor"], emile, "Demande de stats",
                           deadline=TODAY + timedelta(days=3))
    db.session.add(Comment(request_id=done.id, author_id=desk["bo_assistant"].id,
                           body="Stats envoyées par courrier le 3 mars."))
    db.session.commit()
    return {"late": late, "soon": soon, "done": done, "leas": leas}


def subjects(response):
    body = text(response)
    return [s for s in ("Log agences", "Cotation R1", "Support RDV", "Demande de stats")
            if f"/ {s}<" in body]


def test_bo_queue_by_deadline_overdue_marked(desk, queue, login):
    http = login(desk["bo_assistant"])
    page = http.get("/bo/")
    assert page.status_code == 200 and "File du back-office" in page.text
    body = text(page)
    order = [body.index(s) for s in ("ANNE ROUX / Log agences", "ANNE ROUX / Cotation R1",
                                     "ÉMILE ROUSSEL / Demande de stats")]
    assert order == sorted(order)
    assert body.count('data-overdue="true"') == 1 and "En retard" in body
    assert "ANNE ROUX / Support RDV" not in body  # closed: not in the open queue


@pytest.mark.parametrize(("args", "expected"), [
    ({"status": "all"}, ["Log agences", "Cotation R1", "Support RDV", "Demande de stats"]),
    ({"status": "closed"}, ["Support RDV"]),
    ({"status": "overdue"}, ["Log agences"]),
    ({"status": "nonsense"}, ["Log agences", "Cotation R1", "Demande de stats"]),
    ({"assignee": "none"}, ["Log agences", "Demande de stats"]),
    ({"q": "roussel"}, ["Demande de stats"]),
    # « interroger le BO pour connaître l'historique d'un échange »: the thread too.
    ({"q": "courrier", "status": "all"}, ["Support RDV"]),
    ({"q": "100%"}, []),
])
def test_queue_filters_and_search(desk, queue, login, args, expected):
    http = login(desk["bo_assistant"])
    assert subjects(http.get("/bo/", query_string=args)) == expected


def test_queue_type_and_assignee_filters(desk, queue, login):
    http = login(desk["bo_assistant"])
    assert subjects(http.get("/bo/", query_string={
        "type_id": type_id("Cotation R1")})) == ["Cotation R1"]
    assert subjects(http.get("/bo/", query_string={
        "assignee": desk["chris"].id})) == ["Cotation R1"]
    fragment = http.get("/bo/", headers=HX, query_string={"status": "all"})
    assert "<html" not in fragment.text and 'id="queue"' in fragment.text


@pytest.mark.parametrize(("who", "expected"), [
    ("advisor", ["Log agences", "Cotation R1", "Support RDV"]),   # his own
    ("other_advisor", ["Demande de stats"]),                      # hers
    ("manager", ["Log agences", "Cotation R1", "Support RDV"]),   # her team's (Lyon)
    ("chris", ["Cotation R1"]),                                   # sent to him
    ("david", ["Cotation R1"]),                                   # in copy
    ("bdc_agent", []),
    ("bo_assistant", ["Log agences", "Cotation R1", "Support RDV", "Demande de stats"]),
    ("admin", ["Log agences", "Cotation R1", "Support RDV", "Demande de stats"]),
])
def test_every_role_sees_its_requests(desk, queue, login, who, expected):
    http = login(desk[who])
    assert subjects(http.get("/bo/", query_string={"status": "all"})) == expected
    for name, req in queue.items():
        code = http.get(f"/bo/requests/{req.id}").status_code
        visible = req.subject.split(" / ")[1] in expected
        assert code == (200 if visible else 404), (who, name)


def test_home_box_counts(desk, queue, login):
    box = login(desk["bo_assistant"]).get("/bo/box")
    assert box.status_code == 200 and "<html" not in box.text
    assert "à prendre dans la file" in box.text
    body = login(desk["advisor"]).get("/bo/box").text
    assert ">2</span> demandes en cours" in body and ">1</span> en retard" in body


# --- thread and attachments --------------------------------------------------------------

def test_comments_thread(desk, queue, login):
    req = queue["soon"]
    http = login(desk["advisor"])
    response = http.post(f"/bo/requests/{req.id}/comments", data={"body": "Client pressé."},
                         headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    assert "Client pressé." in response.text and 'id="thread"' in response.text
    alerted = set(db.session.scalars(select(Alert.user_id).where(Alert.kind == "bo-comment")))
    assert alerted == {desk["chris"].id, desk["david"].id}
    assert http.post(f"/bo/requests/{req.id}/comments",
                     data={"body": "Sans htmx"}).status_code == 302


@pytest.mark.parametrize(("data", "message"), [
    ({"body": ""}, "Écrivez votre message."), ({"body": "x" * 5001}, "5000")])
def test_comment_refusals(desk, queue, login, data, message):
    response = login(desk["advisor"]).post(f"/bo/requests/{queue['soon'].id}/comments",
                                           data=data, headers=HX)
    assert response.status_code == 422 and message in text(response)
    assert db.session.scalars(select(Comment).where(
        Comment.request_id == queue["soon"].id)).all() == []


def test_someone_elses_request_is_404_everywhere(desk, queue, login):
    http = login(desk["other_advisor"])
    req = queue["soon"]
    assert http.post(f"/bo/requests/{req.id}/comments", data={"body": "x"}).status_code == 404
    assert http.post(f"/bo/requests/{req.id}/move",
                     data={"state": "sent", "target": "cancelled"}).status_code == 404
    assert http.post(f"/bo/requests/{req.id}/attachments", data={}).status_code == 404


def _upload(http, req, data, name="devis.png"):
    return http.post(f"/bo/requests/{req.id}/attachments", headers=HX,
                     data={"file": (io.BytesIO(data), name)},
                     content_type="multipart/form-data")


def test_attachments(desk, queue, login):
    req = queue["soon"]
    http = login(desk["advisor"])
    response = _upload(http, req, _png(10, 10))
    assert response.status_code == 200 and "devis.png" in response.text
    attachment = db.session.scalars(select(Attachment)).one()
    download = login(desk["chris"]).get(
        f"/bo/requests/{req.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.mimetype == "image/png"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"
    download.close()
    # Another request's id with this attachment's id: 404.
    assert http.get(f"/bo/requests/{queue['late'].id}/attachments/{attachment.id}"
                    ).status_code == 404


@pytest.mark.parametrize(("data", "message"), [
    (b"just text", "Type de fichier non autorisé."), (b"", "Le fichier est vide."),
    (None, "Choisissez un fichier.")])
def test_attachment_refusals(desk, queue, login, data, message):
    if data is None:
        response = login(desk["advisor"]).post(
            f"/bo/requests/{queue['soon'].id}/attachments", data={}, headers=HX)
    else:
        response = _upload(login(desk["advisor"]), queue["soon"], data, "notes.txt")
    assert response.status_code == 422 and message in text(response)
    assert db.session.scalars(select(Attachment)).all() == []


# --- workflows (slides 5 and 6) --------------------------------------------------------------

def move(http, req, state, target, note=""):
    return http.post(f"/bo/requests/{req.id}/move", headers=HX,
                     data={"state": state, "target": target, "note": note})


def test_r1_walks_slide_5_each_move_logged_and_told(desk, queue, login):
    req = queue["soon"]
    marc, chris, sophie = desk["advisor"], desk["chris"], desk["bo_assistant"]
    # The commercial cannot price; the BO cannot either: Chris does.
    refused = move(login(marc), req, "sent", "priced")
    assert refused.status_code == 422
    assert "« Tarification faite » revient au destinataire." in text(refused)
    page = text(login(chris).get(f"/bo/requests/{req.id}"))
    assert 'value="priced">Tarification faite</button>' in page
    response = move(login(chris), req, "sent", "priced", "Tarif joint.")
    assert response.status_code == 200 and "<html" not in response.text
    assert 'aria-current="step">Tarifé, à vérifier par le BO' in response.text
    # « Tarification + Copie Assistant BO »: the BO is told it is its turn.
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert mail.recipients == sophie.email
    assert set(mail.cc.split(", ")) == {marc.email, desk["david"].email}
    assert "Tarif joint." in mail.text_body
    assert move(login(sophie), req, "priced", "checked").status_code == 200
    mail = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert mail.recipients == marc.email  # « envoi … au commercial »
    assert move(login(marc), req, "checked", "delivered").status_code == 200
    db.session.refresh(req)
    assert req.state == "delivered" and req.closed
    moves = db.session.scalars(select(Comment.move).where(Comment.request_id == req.id,
                                                          Comment.move.is_not(None))).all()
    assert moves == ["R1 envoyé, en tarification → Tarifé, à vérifier par le BO",
                     "Tarifé, à vérifier par le BO → Vérifié, transmis au commercial",
                     "Vérifié, transmis au commercial → Projet remis au client"]
    states = db.session.scalars(select(AuditRow.new).where(
        AuditRow.object_type == "bo_request", AuditRow.object_id == req.id,
        AuditRow.field == "state", AuditRow.action == "update")).all()
    assert states == ["priced", "checked", "delivered"]
    page = text(login(marc).get(f"/bo/requests/{req.id}"))
    assert "Vérifié, transmis au commercial" in page and "Historique" in page


def test_stale_state_is_a_conflict(desk, queue, login):
    req = queue["soon"]
    assert move(login(desk["chris"]), req, "sent", "priced").status_code == 200
    again = move(login(desk["advisor"]), req, "sent", "cancelled")
    assert again.status_code == 409
    assert "La demande vient de changer (« Tarifé, à vérifier par le BO »)" in text(again)


@pytest.mark.parametrize("data", [{}, {"state": "sent"}, {"state": "sent", "target": "x" * 30},
                                  {"state": "sent", "target": "delivered"}])
def test_bad_moves_are_refused(desk, queue, login, data):
    response = login(desk["chris"]).post(f"/bo/requests/{queue['soon'].id}/move", data=data,
                                         headers=HX)
    assert response.status_code == 422
    db.session.refresh(queue["soon"])
    assert queue["soon"].state == "sent"


def test_r2_needs_the_checklist_before_mise_en_place(desk, login, make_bo_request):
    req = make_bo_request(desk["advisor"], desk["anne"],
                          "Mise en place partenariat (R2 validé)", state="forwarded")
    response = move(login(desk["bo_assistant"]), req, "forwarded", "in_place")
    assert response.status_code == 422
    assert "Complétez d'abord la fiche de mise en place du nouveau contrat." in text(response)


def test_simple_flow_and_cancel(desk, queue, login):
    req = queue["late"]
    sophie = login(desk["bo_assistant"])
    assert move(sophie, req, "new", "in_progress").status_code == 200
    assert move(sophie, req, "in_progress", "waiting", "Quelle agence ?").status_code == 200
    assert move(login(desk["advisor"]), req, "waiting", "in_progress").status_code == 200
    assert move(login(desk["advisor"]), req, "in_progress", "cancelled").status_code == 200
    db.session.refresh(req)
    assert req.state == "cancelled" and req.closed


# --- assignment ------------------------------------------------------------------------------

def test_bo_assigns_and_the_assignee_is_told(desk, queue, login, make_user):
    other = make_user(Role.BO_ASSISTANT, team=desk["region"], name="Paul BO")
    req = queue["late"]
    response = login(desk["bo_assistant"]).post(f"/bo/requests/{req.id}/assign", headers=HX,
                                                data={"assignee_id": other.id})
    assert response.status_code == 200 and "<html" not in response.text
    db.session.refresh(req)
    assert req.assignee_id == other.id
    mail = db.session.scalars(select(OutboxMessage)).one()
    assert mail.recipients == other.email and "confie" in mail.text_body
    # Not someone outside the BO and the matrix; not by a rep.
    response = login(desk["bo_assistant"]).post(f"/bo/requests/{req.id}/assign", headers=HX,
                                                data={"assignee_id": desk["advisor"].id})
    assert response.status_code == 422
    assert login(desk["advisor"]).post(f"/bo/requests/{req.id}/assign",
                                       data={"assignee_id": 0}).status_code == 403
    response = login(desk["bo_assistant"]).post(f"/bo/requests/{req.id}/assign",
                                                data={"assignee_id": "abc"})
    assert response.status_code == 422


def test_deadline_day_alerts_holder_and_author(desk, queue, make_bo_request):
    from datetime import UTC, datetime

    from webapp.notifications import reminders

    today = make_bo_request(desk["advisor"], desk["anne"], "Ajout produit distrib",
                            deadline=TODAY)
    held = make_bo_request(desk["advisor"], desk["anne"], "Cotation R1", deadline=TODAY,
                           assignee=desk["chris"])
    make_bo_request(desk["advisor"], desk["anne"], "Support RDV", deadline=TODAY,
                    state="done")  # closed: nothing
    now = datetime.now(UTC)
    assert reminders.run(now)["bo-deadline"] == 2
    alerts = db.session.execute(select(Alert.user_id, Alert.url).where(
        Alert.kind == "bo-deadline")).all()
    assert set(alerts) == {
        (desk["bo_assistant"].id, f"/bo/requests/{today.id}"),
        (desk["advisor"].id, f"/bo/requests/{today.id}"),
        (desk["chris"].id, f"/bo/requests/{held.id}"),
        (desk["advisor"].id, f"/bo/requests/{held.id}")}
    assert reminders.run(now)["bo-deadline"] == 0  # idempotent


# --- #13: seed fidelity ----------------------------------------------------------------------

@pytest.mark.parametrize("q", ["honoré", "honore", "HONORÉ", "Honore", "côte fleurie"])
def test_search_folds_case_and_accents(desk, login, make_client, make_bo_request, q):
    # Seed 000: « Ne pas hésiter à interroger le BO pour connaître l'historique d'un
    # échange » — whatever the case and the accents typed (« honore » finds « HONORÉ »).
    honore = make_client("Honoré", "Daumier", advisor=desk["advisor"])
    req = make_bo_request(desk["advisor"], honore, "Support RDV")
    make_bo_request(desk["advisor"], desk["anne"], "Log agences")
    db.session.add(Comment(request_id=req.id, author_id=desk["bo_assistant"].id,
                           body="Rappel de l'agence Côte Fleurie."))
    db.session.commit()
    response = login(desk["bo_assistant"]).get("/bo/", query_string={"q": q})
    assert subjects(response) == ["Support RDV"]
    assert "HONORÉ DAUMIER / Support RDV" in text(response)


def test_two_request_kinds_joined_by_et_are_two_requests(desk, login):
    # Seed 000, slide 4: « EVITER DE REGROUPER DIFFERENTES DEMANDES DANS UN MEME MAIL ».
    http = login(desk["advisor"])
    response = http.post("/bo/requests/new", data=form(
        desk, type_id=type_id("Demande de stats"), label="Demande de stats et pb logimail",
        copies=[]))
    assert response.status_code == 422
    assert "Une demande par sujet : envoyez-en deux." in text(response)
    assert db.session.scalars(select(BoRequest)).all() == []
    # A client's name with « et » is one subject.
    response = http.post("/bo/requests/new", data=form(
        desk, type_id=type_id("Log agences"), label="Log agences Dupont et fils", copies=[]))
    assert response.status_code == 302


def test_r1_history_reads_r1_states(desk, queue, login):
    # Slide 5: an R1 is « sent » for pricing; R2's « sent » is « Projet envoyé au client ».
    req = queue["soon"]
    assert move(login(desk["chris"]), req, "sent", "priced").status_code == 200
    page = text(login(desk["advisor"]).get(f"/bo/requests/{req.id}"))
    history = page[page.index("Historique"):]
    assert "R1 envoyé, en tarification" in history
    assert "Projet envoyé au client" not in page


def test_control_characters_are_dropped_from_texts(desk, queue, login):
    # #19: a NUL byte in a request's body or in a comment was a 500 on PostgreSQL.
    http = login(desk["advisor"])
    response = http.post("/bo/requests/new", data=form(
        desk, label="Cotation\x00 R1", body="R1\x00 complet\x07, départ\tjuin\n40 salariés."))
    assert response.status_code == 302
    created = db.session.scalars(select(BoRequest).order_by(BoRequest.id.desc())).first()
    assert created.label == "Cotation R1"
    assert db.session.scalars(select(Comment.body).where(
        Comment.request_id == created.id)).one() == "R1 complet, départ\tjuin\n40 salariés."
    response = http.post(f"/bo/requests/{queue['soon'].id}/comments", data={"body": "a\x00b"},
                         headers=HX)
    assert response.status_code == 200
    assert db.session.scalars(select(Comment.body).where(
        Comment.request_id == queue["soon"].id)).all() == ["ab"]
