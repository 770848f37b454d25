"""The back-office factories other tests build on, and the desk's entries of the route ×
role table (tests/test_routes_roles.py merges them)."""



from tests.fixtures.backoffice_routes import backoffice_ids
from tests.fixtures.files import _png
from webapp.backoffice.models import RequestType
from webapp.extensions import db
from webapp.uploads import image_size


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
