"""Complaints (seed 001, slide 44): required fields, the contact-details warning, one open
complaint per client and order, the acknowledgement in the SMTP sink, the list and the
forms' bad input."""

import re

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from webapp import clock
from webapp.activities.complaints import services
from webapp.activities.complaints.models import Complaint, ComplaintOrigin
from webapp.activities.complaints.rules import (
    complaint_error,
    contacts_warning,
    foreign_contacts,
    move_error,
    open_key,
)
from webapp.activities.complaints.services import (
    ComplaintInput,
    DuplicateComplaint,
    file_complaint,
    move_complaint,
)
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.models import OutboxMessage
from webapp.notifications.worker import drain

ORIGINS = set(ComplaintOrigin.labels())
FACTS = "Pavé paru avec une erreur de logo et la mention livraison gratuite."


@pytest.mark.parametrize("case, args, expected", [
    # « Le millésime et le n° de commande doivent être impérativement enrichis »
    ("all there", (2026, "C-123", FACTS, "visit"), None),
    ("no millésime", (None, "C-123", FACTS, "visit"), "Le millésime est obligatoire."),
    ("a millésime that is no year", (26, "C-123", FACTS, "visit"), "une année entre"),
    ("no order number", (2026, "  ", FACTS, "visit"), "Le n° de commande est obligatoire."),
    ("an order number too long", (2026, "9" * 31, FACTS, "visit"), "au plus 30"),
    # « décrire la réclamation »
    ("no description", (2026, "C-123", "", "visit"), "Décrivez la réclamation"),
    ("a description too long", (2026, "C-123", "x" * 5001, "visit"), "au plus 5000"),
    # « Origine de la requête : par défaut « Visite » » (a data list)
    ("an origin outside the list", (2026, "C-123", FACTS, "pigeon"), "l'origine"),
])
def test_complaint_required_fields(case, args, expected):
    error = complaint_error(*args, origins=ORIGINS)
    assert (error is None) if expected is None else (expected in error), case


@pytest.mark.parametrize("comment, found", [
    # « Il ne doit pas comprendre d'informations personnelles » — someone else's details
    (FACTS, []),
    ("Voir avec sa comptable, marie.dupond@cabinet.fr", ["marie.dupond@cabinet.fr"]),
    ("Son associé au 06 11 22 33 44 se plaint aussi", ["06 11 22 33 44"]),
    ("Appeler le +33 6 11 22 33 44", ["+33 6 11 22 33 44"]),
    # the client's own details are not someone else's (whatever their spelling)
    ("Rappeler le client au 06.12.34.56.78 ou à ANNE@example.fr", []),
    ("Rappeler au +33612345678", []),
    ("Commande 2015123456789 du 12/03", []),  # an order number is no phone
])
def test_contact_details_of_someone_else(comment, found):
    assert foreign_contacts(comment, {"anne@example.fr"}, {"06 12 34 56 78", ""}) == found
    assert (contacts_warning(found) is None) == (not found)


@pytest.mark.parametrize("current, new, allowed", [
    ("filed", "in_progress", True), ("in_progress", "processed", True),
    ("processed", "closed", True), ("processed", "in_progress", True),
    ("filed", "closed", True), ("closed", "filed", False), ("closed", "in_progress", False),
    ("in_progress", "filed", False), ("filed", "filed", False),
])
def test_status_moves(current, new, allowed):
    assert (move_error(current, new) is None) is allowed


def test_open_key_ignores_spacing():
    assert open_key(5, "c 123-45") == open_key(5, "C12345") == "5:C12345"


def test_duplicate_open_complaint_is_refused_until_closed(app, org, make_client):
    client = make_client(advisor=org["advisor"], email="anne@example.fr")
    first = file_complaint(client, ComplaintInput(2026, "C-123", FACTS), org["advisor"].id)
    db.session.commit()
    with pytest.raises(DuplicateComplaint) as refused:
        file_complaint(client, ComplaintInput(2026, "c 123", FACTS), org["advisor"].id)
    assert refused.value.status == 409 and refused.value.first_id == first.id
    db.session.rollback()
    other = make_client(last_name="Autre", advisor=org["advisor"])
    file_complaint(other, ComplaintInput(2026, "C-123", FACTS), None)  # another client: fine
    move_complaint(first, "closed", first.version)
    again = file_complaint(client, ComplaintInput(2027, "C-123", FACTS), org["advisor"].id)
    db.session.commit()
    assert first.open_key is None and again.open_key == open_key(client.id, "C-123")
    with pytest.raises(Refused, match="close est finale"):
        move_complaint(first, "in_progress", first.version)


def test_the_database_holds_one_open_complaint_per_order(app, org, make_client):
    """Two requests filing at once both pass the service's check: the unique key decides."""
    client = make_client(advisor=org["advisor"])
    row = dict(client_id=client.id, vintage=2026, order_number="C-1", origin="visit",
               comment=FACTS, status="filed", open_key=open_key(client.id, "C-1"),
               version=1)
    db.session.execute(insert(Complaint), [row])
    with pytest.raises(IntegrityError):
        db.session.execute(insert(Complaint), [row])
    db.session.rollback()


def test_a_race_past_the_check_is_refused_by_the_constraint(app, org, make_client,
                                                           monkeypatch):
    """Two requests at once: both pass the check before either writes. The window is
    opened on purpose (the check finds nothing once); the unique key of the real database
    refuses the second, which gets the same 409 and link, and the first stays whole."""
    client = make_client(advisor=org["advisor"])
    first = file_complaint(client, ComplaintInput(2026, "C-1", FACTS), None)
    db.session.commit()
    calls = []
    real = services.open_complaint

    def late_check(*args):  # the first check runs before the other request's write
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    monkeypatch.setattr(services, "open_complaint", late_check)
    with pytest.raises(DuplicateComplaint) as refused:
        file_complaint(client, ComplaintInput(2026, "C-1", FACTS), None)
    assert refused.value.first_id == first.id and refused.value.status == 409
    assert len(calls) == 2  # refused by the constraint, then the first one looked up
    db.session.rollback()
    assert db.session.scalar(select(func.count(Complaint.id))) == 1


def test_acknowledgement_reaches_the_client(app, org, make_client, smtp_sink):
    """« il reçoit systématiquement un accusé réception »: queued with the complaint."""
    client = make_client(advisor=org["advisor"], email="anne@example.fr")
    complaint = file_complaint(client, ComplaintInput(2026, "C-9", FACTS), org["advisor"].id)
    db.session.commit()
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    assert mail["To"] == "anne@example.fr"
    assert mail["Subject"] == f"Votre réclamation {complaint.reference} est enregistrée"
    text = mail.get_body(("plain",)).get_content()
    assert "commande n° C-9 (millésime 2026)" in text and "Marc Petit" in text
    # No e-mail on the file: filed all the same, nothing queued; an import sends none.
    silent = make_client(last_name="Sansmail", advisor=org["advisor"])
    file_complaint(silent, ComplaintInput(2026, "C-9", FACTS), None)
    file_complaint(client, ComplaintInput(2025, "OLD-1", FACTS), None, acknowledge=False)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def _post(http, client_id, **changes):
    data = {"vintage": "2026", "order_number": "C-77", "origin": "visit",
            "comment": FACTS} | changes
    return http.post(f"/activities/clients/{client_id}/complaints/new", data=data)


def test_file_from_the_client_file(app, org, make_client, login):
    client = make_client(advisor=org["advisor"], email="anne@example.fr")
    http = login(org["advisor"])
    page = http.get(f"/activities/clients/{client.id}/complaints/new")
    assert page.status_code == 200 and '<option selected value="visit">' in page.text
    assert f'name="vintage" required type="number" value="{clock.today().year}"' in page.text
    created = _post(http, client.id)
    assert created.status_code == 302
    complaint = db.session.scalar(select(Complaint))
    assert complaint.author_id == org["advisor"].id and complaint.status == "filed"
    assert "accusé de réception part au client" in http.get(created.location).text
    # The same order again: 409 and a link to the first.
    again = _post(http, client.id)
    assert again.status_code == 409
    assert f"/activities/complaints/{complaint.id}" in again.text
    # Someone else's phone number: a warning first, saved once confirmed.
    warned = _post(http, client.id, order_number="C-78", comment="Son voisin au 0611223344")
    assert warned.status_code == 422 and "0611223344" in warned.text
    assert _post(http, client.id, order_number="C-78", comment="Son voisin au 0611223344",
                 confirm_contacts="y").status_code == 302
    # The list: open complaints of the viewer's scope.
    listing = http.get("/activities/complaints")
    assert listing.status_code == 200 and "C-77" in listing.text and "C-78" in listing.text
    assert "C-77" not in login(org["other_advisor"]).get("/activities/complaints").text
    # Moving the status on.
    moved = http.post(f"/activities/complaints/{complaint.id}/status",
                      data={"status": "in_progress", "version": complaint.version})
    assert moved.status_code == 302
    stale = http.post(f"/activities/complaints/{complaint.id}/status",
                      data={"status": "processed", "version": "1"})
    assert stale.status_code == 409


@pytest.mark.parametrize("changes, message", [
    ({"vintage": "", "order_number": "", "comment": ""}, "Le millésime est obligatoire."),
    ({"vintage": "deux mille"}, "Le millésime"),
    ({"vintage": "99999999999999999999"}, "Le millésime"),
    ({"order_number": "9" * 31}, "30 caractères"),
    ({"comment": "x" * 5001}, "5000 caractères"),
    ({"origin": "pigeon"}, "est pas un choix valide"),
])
def test_bad_input_keeps_what_was_typed(app, org, make_client, login, changes, message):
    client = make_client(advisor=org["advisor"])
    response = _post(login(org["advisor"]), client.id, **changes)
    assert response.status_code == 422 and message in response.text
    assert db.session.scalar(select(func.count(Complaint.id))) == 0


def test_another_teams_client_and_complaint_are_404(app, org, make_client, login):
    client = make_client(advisor=org["advisor"])
    complaint = file_complaint(client, ComplaintInput(2026, "C-1", FACTS), None)
    db.session.commit()
    lea = login(org["other_advisor"])
    assert _post(lea, client.id).status_code == 404
    assert lea.get(f"/activities/complaints/{complaint.id}").status_code == 404
    assert lea.post(f"/activities/complaints/{complaint.id}/status",
                    data={"status": "closed", "version": 1}).status_code == 404


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_missing_csrf_is_refused(app, org, make_client, login, csrf_on):
    client = make_client(advisor=org["advisor"])
    http = login(org["advisor"])
    assert _post(http, client.id).status_code == 400
    page = http.get(f"/activities/clients/{client.id}/complaints/new")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    assert _post(http, client.id, csrf_token=token).status_code == 302
