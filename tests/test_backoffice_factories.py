"""The back-office factories other tests build on, and the desk's entries of the route ×
role table (tests/test_routes_roles.py merges them)."""

import io

from werkzeug.datastructures import FileStorage

from tests.test_backoffice_rules import _png
from webapp import clock, uploads
from webapp.backoffice.models import Attachment, Gesture, GestureEvidence, RequestType
from webapp.backoffice.rules import image_size
from webapp.extensions import db

ROLES = ["anonymous", "admin", "manager", "advisor", "other_advisor", "bdc_agent",
         "bo_assistant"]
# Marc's request (Marc: advisor, agence Lyon): the BO and the admin see the whole desk, his
# manager her team's requests; Léa and the BDC agent get 404.
MARC_REQUEST = {r: 200 for r in ROLES} | {"anonymous": 302, "other_advisor": 404,
                                          "bdc_agent": 404}
SIGNED_IN = {r: 200 for r in ROLES} | {"anonymous": 302}
ADMIN_ONLY = {r: 403 for r in ROLES} | {"anonymous": 302, "admin": 200}
DESK_ONLY = ADMIN_ONLY | {"bo_assistant": 200}  # the BO assistants and the admin


def marcs(status: int) -> dict:
    """A POST on Marc's request: ``status`` for whoever sees it, 404 for the others."""
    return {r: status for r in ROLES} | {"anonymous": 302, "other_advisor": 404,
                                         "bdc_agent": 404}


BACKOFFICE_GET = {
    "backoffice.index": SIGNED_IN,
    "backoffice.box": SIGNED_IN,
    "backoffice.new_request": SIGNED_IN,
    **{f"backoffice.{name}": MARC_REQUEST for name in (
        "request_detail", "download_attachment", "checklist", "logo", "checklist_print")},
    **{f"backoffice.{name}": ADMIN_ONLY for name in ("matrix", "new_type", "edit_type")},
    "backoffice.booklets": DESK_ONLY,
    "backoffice.gestures": SIGNED_IN,
    "backoffice.new_gesture": SIGNED_IN,
    "backoffice.gesture": MARC_REQUEST,  # Marc's gesture: same people as his request
    "backoffice.gesture_evidence": MARC_REQUEST,
    "backoffice.incentives": DESK_ONLY,
    "backoffice.export_incentives": DESK_ONLY,
    "backoffice.r1_recap": SIGNED_IN,  # each sees the recap of what they may see
}
BACKOFFICE_POST = {
    # Empty forms: 422; an empty checklist section is saved (302, no htmx).
    "backoffice.add_comment": marcs(422),
    "backoffice.upload_attachment": marcs(422),
    "backoffice.move_request": marcs(422),
    "backoffice.save_section": marcs(302),
    "backoffice.upload_logo": marcs(422),
    "backoffice.complete_checklist": marcs(422),  # nothing filled yet
    # The desk only (403 first); no one chosen: back to the BO queue.
    "backoffice.assign_request": {r: 403 for r in ROLES} | {
        "anonymous": 302, "admin": 302, "bo_assistant": 302},
    # Nobody chosen: no validator left (302).
    "backoffice.save_validators": ADMIN_ONLY | {"admin": 302},
    "backoffice.save_allowance": DESK_ONLY | {"admin": 422, "bo_assistant": 422},
    "backoffice.order_booklets": DESK_ONLY | {"admin": 422, "bo_assistant": 422},
    # Nobody is designated to validate: refused to all who see it.
    "backoffice.decide_gesture": marcs(403),
    # Not validated yet: the BO is told so (409); processing is not the others' job.
    "backoffice.process_gesture": marcs(403) | {"bo_assistant": 409},
    "backoffice.add_sale": DESK_ONLY | {"admin": 422, "bo_assistant": 422},
    "backoffice.import_sales": DESK_ONLY | {"admin": 422, "bo_assistant": 422},
}


def backoffice_ids(org, client, make_bo_request) -> dict:
    """Marc's « Mise en place partenariat » on his client, with a file and a logo."""
    req = make_bo_request(org["advisor"], client, "Mise en place partenariat (R2 validé)")
    stored = uploads.store(FileStorage(io.BytesIO(_png(20, 20)), "devis.png"), "document")
    attachment = Attachment(request_id=req.id, stored_name=stored.name,
                            original=stored.original, mimetype=stored.mimetype,
                            size=stored.size)
    logo = uploads.store(FileStorage(io.BytesIO(_png(1200, 600)), "logo.png"), "image")
    req.checklist.logo_name, req.checklist.logo_original = logo.name, logo.original
    req.checklist.logo_mimetype = logo.mimetype
    proof = uploads.store(FileStorage(io.BytesIO(_png(20, 20)), "preuve.png"), "document")
    gesture = Gesture(client_id=client.id, requester_id=org["advisor"].id, amount=50,
                      reason="Retard", status="requested", requested_on=clock.today())
    gesture.evidence = [GestureEvidence(stored_name=proof.name, original=proof.original,
                                        mimetype=proof.mimetype, size=proof.size)]
    db.session.add_all([attachment, gesture])
    db.session.commit()
    return {"request_id": req.id, "attachment_id": attachment.id, "section": "contacts",
            "type_id": req.type_id, "gesture_id": gesture.id,
            "evidence_id": gesture.evidence[0].id}


def test_make_bo_request_and_route_type(org, make_client, make_bo_request, route_type):
    chris = org["manager"]
    r1 = route_type("Cotation R1", to=[chris], copies=[org["admin"]])
    assert [(e.user_id, e.copy) for e in r1.routes] == [(chris.id, False),
                                                        (org["admin"].id, True)]
    client = make_client(advisor=org["advisor"])
    req = make_bo_request(org["advisor"], client, "Cotation R1", to=[chris])
    assert req.subject == "ANNE ROUX / Cotation R1" and req.state == "sent"
    assert req.checklist is None and not req.closed
    r2 = make_bo_request(org["advisor"], client, "Mise en place partenariat (R2 validé)",
                         state="in_place")
    assert r2.closed and r2.checklist is not None and r2.checklist.progress == (0, 13)


def test_default_request_types_are_the_seeds(app):
    # Slide 3 « Quelles demandes, à qui ? »
    names = db.session.scalars(db.select(RequestType.name).order_by(RequestType.position))
    assert list(names) == ["Cotation R1", "Mise en place partenariat (R2 validé)",
                           "Log agences", "Ajout produit distrib", "Demande de stats",
                           "Support RDV", "Support formation", "Infos diverses"]


def test_ids_for_the_route_table(org, make_client, make_bo_request):
    ids = backoffice_ids(org, make_client(advisor=org["advisor"]), make_bo_request)
    assert set(ids) == {"request_id", "attachment_id", "section", "type_id", "gesture_id",
                        "evidence_id"}
    assert image_size(_png(1200, 600)) == (1200, 600)
