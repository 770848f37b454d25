"""The back-office desk's write services, called directly (as the screens, an import or a
replay would): each writes what seed 000 says and refuses, with its French message and
status, what the rules forbid."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from tests.fixtures.files import _png
from webapp import clock, uploads
from webapp.auth.models import Role
from webapp.backoffice.booklets import services as booklets
from webapp.backoffice.checklist import services as checklist
from webapp.backoffice.gestures import services as gestures
from webapp.backoffice.incentives import services as incentives
from webapp.backoffice.incentives.rules import SaleLine
from webapp.backoffice.matrix import services as matrix
from webapp.backoffice.models import (
    BookletContract,
    BoRequest,
    Comment,
    Designation,
    Gesture,
    RequestType,
    Sale,
)
from webapp.backoffice.requests import services as requests
from webapp.clients.models import Account
from webapp.concurrency import Conflict
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.models import OutboxMessage

TODAY = clock.today()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.usefixtures("bo_request_context")


def kind(name) -> RequestType:
    return db.session.scalar(select(RequestType).where(RequestType.name == name))


def contract(name="SECUR PLUS") -> BookletContract:
    return db.session.scalar(select(BookletContract).where(BookletContract.name == name))


def refused(call, message, status=422):
    """``call()`` raises Refused with this French message and status, and writes nothing."""
    with pytest.raises(Refused) as caught:
        call()
    assert (caught.value.message, caught.value.status) == (message, status)
    db.session.rollback()


def pdf(name="preuve.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(PDF), name)


# --- requests -----------------------------------------------------------------------------

def intake(desk, **changes) -> requests.RequestInput:
    values = {"request_type": kind("Cotation R1"), "client": desk["anne"],
              "label": "Cotation R1", "deadline": TODAY + timedelta(days=7),
              "copies": (desk["david"].id,), "body": "R1 complet."}
    return requests.RequestInput(**values | changes)


def test_create_request_routes_it_and_tells_the_matrix(bo_desk):
    req = requests.create_request(intake(bo_desk), bo_desk["advisor"], TODAY)
    db.session.commit()
    assert req.subject == "ANNE ROUX / Cotation R1" and req.state == "sent"
    assert req.assignee_id == bo_desk["chris"].id
    assert {(r.user_id, r.copy) for r in req.recipients} == {
        (bo_desk["chris"].id, False), (bo_desk["david"].id, True)}
    assert db.session.scalars(select(Comment.body)).all() == ["R1 complet."]
    assert db.session.scalars(select(OutboxMessage.recipients)).all() == ["chris@example.fr"]


def test_create_request_refusals(bo_desk, make_client):
    desk, author = bo_desk, bo_desk["advisor"]
    other = make_client("Émile", "Roussel", advisor=desk["other_advisor"])
    account = Account(client_id=other.id, number="C-9", product="MISSION PRO")
    db.session.add(account)
    db.session.commit()
    for changes, message in [
        ({"label": "Demande de stats et pb logimail"},
         "Une demande par sujet : envoyez-en deux."),
        ({"label": "Stats + formation"}, "Un seul sujet par demande : ne regroupez pas "
         "plusieurs demandes, créez-en une autre avec « Autre sujet »."),
        ({"label": " "}, "Indiquez le libellé du sujet (par exemple « Demande de stats »)."),
        ({"deadline": TODAY - timedelta(days=1)}, "La deadline ne peut pas être dans le passé."),
        ({"deadline": None}, "Indiquez une deadline."),
        ({"copies": (desk["chris"].id,)},
         "Seules les copies prévues pour ce type de demande sont possibles."),
        ({"account": account}, "Ce contrat n'est pas celui du client choisi."),
        ({"client": None}, "Choisissez le client concerné."),
        ({"request_type": None}, "Choisissez le type de demande."),
    ]:
        refused(lambda c=changes: requests.create_request(intake(desk, **c), author, TODAY),
                message)
    assert db.session.scalars(select(BoRequest)).all() == []


def test_add_comment_and_refusal(bo_desk, make_bo_request):
    req = make_bo_request(bo_desk["advisor"], bo_desk["anne"])
    comment = requests.add_comment(req, "  Où en est-on ?  ", bo_desk["advisor"])
    assert comment.body == "Où en est-on ?"
    refused(lambda: requests.add_comment(req, "   ", bo_desk["advisor"]),
            "Écrivez votre message.")


def test_attach_stores_the_document_and_refuses_other_types(bo_desk, make_bo_request):
    req = make_bo_request(bo_desk["advisor"], bo_desk["anne"])
    attachment = requests.attach(req, pdf("devis.pdf"), bo_desk["advisor"])
    assert (attachment.original, attachment.mimetype) == ("devis.pdf", "application/pdf")
    with pytest.raises(uploads.UploadError, match="Type de fichier non autorisé."):
        requests.attach(req, FileStorage(io.BytesIO(b"hello"), "a.txt"), bo_desk["advisor"])


def test_move_follows_slide_5_and_refuses_the_rest(bo_desk, make_bo_request):
    desk = bo_desk
    req = make_bo_request(desk["advisor"], desk["anne"], "Cotation R1",
                          assignee=desk["chris"], to=[desk["chris"]])
    refused(lambda: requests.move(req, "sent", "priced", desk["advisor"]),
            "« Tarification faite » revient au destinataire.")
    refused(lambda: requests.move(req, "sent", "delivered", desk["chris"]),
            "La demande est « R1 envoyé, en tarification » : ce passage n'est pas possible.")
    requests.move(req, "sent", "priced", desk["chris"], "Tarif joint.")
    db.session.commit()
    assert req.state == "priced" and req.version == 2
    assert db.session.scalars(select(Comment.move)).all() == [
        "R1 envoyé, en tarification → Tarifé, à vérifier par le BO"]
    # Someone saw the request before Chris's move: a conflict, said with the state now.
    refused(lambda: requests.move(req, "sent", "cancelled", desk["advisor"]),
            "La demande vient de changer (« Tarifé, à vérifier par le BO ») : vérifiez avant "
            "d'agir à nouveau.", 409)


def test_move_needs_the_complete_checklist(bo_desk, make_bo_request):
    req = make_bo_request(bo_desk["advisor"], bo_desk["anne"],
                          "Mise en place partenariat (R2 validé)", state="forwarded")
    refused(lambda: requests.move(req, "forwarded", "in_place", bo_desk["bo_assistant"]),
            "Complétez d'abord la fiche de mise en place du nouveau contrat.")


def test_a_move_raced_at_the_flush_is_a_conflict(bo_desk, make_bo_request):
    req = make_bo_request(bo_desk["advisor"], bo_desk["anne"], "Log agences")
    # Another writer moved it after we read it (the row's version is now 2).
    db.session.execute(BoRequest.__table__.update().values(version=2, state="in_progress"))
    with pytest.raises(Conflict) as caught:
        requests.move(req, "new", "in_progress", bo_desk["bo_assistant"])
    assert caught.value.status == 409
    assert "En cours" in caught.value.message


def test_assign(bo_desk, make_bo_request, make_user):
    desk = bo_desk
    req = make_bo_request(desk["advisor"], desk["anne"], "Log agences")
    requests.assign(req, desk["bo_assistant"], desk["bo_assistant"])
    assert req.assignee_id == desk["bo_assistant"].id
    refused(lambda: requests.assign(req, desk["bo_assistant"], desk["advisor"]),
            "Seul le back-office confie les demandes.", 403)
    refused(lambda: requests.assign(req, desk["other_advisor"], desk["admin"]),
            "Confiez la demande à un assistant BO ou à un destinataire de la matrice.")


# --- checklist ----------------------------------------------------------------------------

@pytest.fixture
def sheet(bo_desk, make_bo_request):
    req = make_bo_request(bo_desk["advisor"], bo_desk["anne"],
                          "Mise en place partenariat (R2 validé)", state="forwarded")
    return req.checklist


def test_save_section_and_its_due_date(sheet):
    checklist.save_section(sheet, "contract", {
        "fram_code": "FR-1", "effective_date": date(2026, 4, 1), "fiscal_year_end": "31/03",
        "revenue": Decimal(1000), "revenue_year": 2025})
    assert sheet.due_date == date(2027, 3, 31)


@pytest.mark.parametrize(("section", "values", "message", "status"), [
    ("logo", {}, "Cette section de la fiche n'existe pas.", 404),
    ("contacts", {"chiefs": "x"}, "Cette section de la fiche n'existe pas.", 404),
    ("billing", {"billing_basis": "cash"}, "Choix invalide.", 422),
    ("booklets", {"booklet_type": "INCONNU"}, "Choix invalide.", 422),
    ("contract", {"fiscal_year_end": "31/02"}, "Cette date de clôture n'existe pas.", 422),
    ("contract", {"effective_date": date(9999, 12, 31)},
     "Indiquez une date d'effet entre 1990 et 2100.", 422),
    ("subscription", {"chiefs": "Marie"},
     "Précisez le nom et le statut CHEF ou SUPERCHEF : « Marie ».", 422),
])
def test_save_section_refusals(sheet, section, values, message, status):
    refused(lambda: checklist.save_section(sheet, section, values), message, status)


def test_save_logo_hd_only(sheet):
    checklist.save_logo(sheet, FileStorage(io.BytesIO(_png(1200, 600)), "logo.png"))
    assert (sheet.logo_width, sheet.logo_height, sheet.logo_original) == (1200, 600,
                                                                          "logo.png")
    with pytest.raises(uploads.UploadError, match="Logo trop petit"):
        checklist.save_logo(sheet, FileStorage(io.BytesIO(_png(200, 100)), "petit.png"))


def test_complete_refused_while_an_item_is_missing(sheet, bo_desk):
    refused(lambda: checklist.complete(sheet, bo_desk["bo_assistant"]),
            "Impossible de marquer la fiche complète : il manque Interlocuteur principal, "
            "Adresse postale générale, Téléphone, E-mail général, Code Fram, Date d'effet du "
            "contrat, Date d'échéance (exercice comptable), Chiffre d'affaires et exercice, "
            "Facturation : base départ ou base souscription, Contact comptabilité (nom et "
            "téléphone), Format de souscription, Logo client en HD, Type, format et quantité "
            "de livrets.")


def test_complete_a_full_sheet(sheet, bo_desk):
    values = {"contact_name": "Marie", "address": "1 rue", "phone": "+33 1 42 68 53 00",
              "email": "a@b.fr", "fram_code": "F", "effective_date": date(2026, 4, 1),
              "fiscal_year_end": "31/12", "revenue": Decimal(1), "revenue_year": 2025,
              "billing_basis": "departure", "accounting_name": "Paul",
              "accounting_phone": "+33 1 42 68 53 01", "subscription_format": "extranet",
              "reception_same": True, "login_preference": "prenom.nom",
              "chiefs": "Marie : CHEF", "booklet_type": "SECUR PLUS",
              "booklet_format": "paper", "booklet_quantity": 10}
    for section, fields in checklist.SECTION_FIELDS.items():
        checklist.save_section(sheet, section, {k: v for k, v in values.items() if k in fields})
    checklist.save_logo(sheet, FileStorage(io.BytesIO(_png(1200, 600)), "logo.png"))
    checklist.complete(sheet, bo_desk["bo_assistant"])
    assert sheet.completed_at is not None and sheet.progress == (16, 16)


# --- booklets -----------------------------------------------------------------------------

def test_allowance_created_then_changed(bo_desk):
    first = booklets.save_allowance(booklets.AllowanceInput(bo_desk["anne"], contract(), 1200))
    again = booklets.save_allowance(booklets.AllowanceInput(bo_desk["anne"], contract(), 300,
                                                            groupist=True))
    assert first.id == again.id and (again.yearly_quota, again.groupist) == (300, True)
    refused(lambda: booklets.save_allowance(
        booklets.AllowanceInput(bo_desk["anne"], contract(), 0)),
        "Entre 1 et 1 000 000 livrets.")


def test_record_order_and_its_refusals(bo_desk):
    user, agency = bo_desk["bo_assistant"], bo_desk["anne"]

    def order(quantity, day, name="SECUR PLUS"):
        return booklets.record_order(booklets.OrderInput(agency, contract(name), quantity, day),
                                     user, TODAY)

    refused(lambda: order(10, TODAY, "FRAM ASSUR"),
            "Aucun quota n'est défini pour cette agence et ce contrat.")
    booklets.save_allowance(booklets.AllowanceInput(agency, contract(), 1200))
    db.session.commit()
    refused(lambda: order(10, TODAY + timedelta(days=1)),
            "La commande ne peut pas être datée dans le futur.")
    january = date(TODAY.year, 1, 1)
    refused(lambda: order(1300, january),
            "Quota annuel dépassé : il reste 1\u202f200 livrets sur 1\u202f200 cette année.")
    placed = order(100, january)
    assert (placed.quantity, placed.channel) == (100, "logimail")
    db.session.commit()
    refused(lambda: order(50, january + timedelta(days=10)),
            "Trop tôt depuis la commande précédente : prochaine commande possible le "
            f"{january + timedelta(days=31):%d/%m/%Y}.")


# --- gestures -----------------------------------------------------------------------------

def ask(desk, **changes):
    values = {"client": desk["anne"], "amount": Decimal("50"), "reason": "Retard.",
              "evidence": (pdf(),)}
    return gestures.request_gesture(gestures.GestureInput(**values | changes), desk["advisor"])


def test_request_gesture_and_refusals(bo_desk):
    gesture = ask(bo_desk)
    db.session.commit()
    assert gesture.status == "requested" and len(gesture.evidence) == 1
    assert db.session.scalars(select(OutboxMessage.recipients)).all() == ["david@example.fr"]
    for changes, message in [
        ({"amount": Decimal(0)}, "Indiquez le montant du geste (positif)."),
        ({"evidence": ()}, "Joignez au moins un justificatif de l'agence."),
        ({"evidence": tuple(pdf() for _ in range(11))},
         "Joignez au plus 10 justificatifs : regroupez-les dans un PDF si besoin."),
        ({"reason": " "}, "Indiquez le motif du geste."),
        ({"client": None}, "Choisissez l'agence."),
    ]:
        refused(lambda c=changes: ask(bo_desk, **c), message)
    assert db.session.scalars(select(Gesture.id)).all() == [gesture.id]


def test_decide_then_process(bo_desk):
    desk = bo_desk
    gesture = ask(desk)
    db.session.commit()
    refused(lambda: gestures.decide(gesture, 1, "validated", "", desk["manager"]),
            "Seul le responsable désigné valide les gestes commerciaux.", 403)
    refused(lambda: gestures.decide(gesture, 1, "processed", "", desk["david"]),
            "Choisissez de valider ou de refuser.")
    refused(lambda: gestures.decide(gesture, 99, "validated", "", desk["david"]),
            gestures.STALE, 409)
    refused(lambda: gestures.process(gesture, 1, "Avoir.", desk["bo_assistant"]),
            "Seul un geste validé peut être traité.", 409)
    gestures.decide(gesture, 1, "validated", " Vu. ", desk["david"])
    db.session.commit()
    assert (gesture.status, gesture.decision_note, gesture.version) == ("validated", "Vu.", 2)
    refused(lambda: gestures.decide(gesture, 2, "refused", "", desk["david"]),
            "Ce geste a déjà été décidé.", 409)
    refused(lambda: gestures.process(gesture, 2, "Avoir.", desk["david"]),
            "Le traitement des gestes revient au back-office.", 403)
    refused(lambda: gestures.process(gesture, 2, " ", desk["bo_assistant"]),
            "Écrivez la réponse à l'agence.")
    refused(lambda: gestures.process(gesture, 1, "Avoir.", desk["bo_assistant"]),
            gestures.STALE, 409)
    gestures.process(gesture, 2, "Avoir de 50 €.", desk["bo_assistant"])
    assert gesture.status == "processed" and gesture.answer == "Avoir de 50 €."
    answer = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "bo-gesture-answer")).one()
    assert answer.recipients == "anne@example.fr" and answer.cc == desk["advisor"].email


# --- incentives ---------------------------------------------------------------------------

def test_add_sale_and_refusals(bo_desk):
    user = bo_desk["bo_assistant"]
    sale = incentives.add_sale(SaleLine(TODAY, " Time  Tours ", "Julie", "P-1",
                                        Decimal("2.40")), user)
    assert (sale.agency, sale.amount) == ("Time Tours", Decimal("2.40"))
    refused(lambda: incentives.add_sale(SaleLine(TODAY, "A", "", "P", Decimal(1)), user),
            "Vendeur manquant.")
    refused(lambda: incentives.add_sale(SaleLine(TODAY, "A", "B", "P", Decimal(-1)), user),
            "Montant négatif.")


def test_import_sales_all_or_nothing(bo_desk):
    user = bo_desk["bo_assistant"]

    def upload(content):
        return FileStorage(io.BytesIO(content.encode()), "ventes.csv")

    header = "date;agence;vendeur;police;montant\n"
    assert incentives.import_sales(upload(header + "05/03/2026;A;Julie;P-1;2,40\n"
                                          "06/03/2026;A;Marc;P-2;1,30\n"), user) == 2
    db.session.commit()
    with pytest.raises(incentives.ImportRefused) as caught:
        incentives.import_sales(upload(header + "05/03/2026;A;Julie;P-3;2,40\n"
                                       "hier;A;Marc;P-4;1,30\n"), user)
    assert caught.value.errors == [
        "Ligne 3 : date illisible « hier » (attendu JJ/MM/AAAA)."]
    assert caught.value.status == 422
    db.session.rollback()
    assert db.session.scalars(select(Sale.policy).order_by(Sale.policy)).all() == [
        "P-1", "P-2"]


# --- matrix -------------------------------------------------------------------------------

def test_save_type_new_then_changed(bo_desk):
    desk = bo_desk
    saved = matrix.save_type(RequestType(), matrix.TypeInput(
        "Demande  de devis", addressees=(desk["chris"].id,), copies=(desk["david"].id,)))
    assert saved.name == "Demande de devis" and saved.position == 9
    assert {(e.user_id, e.copy) for e in saved.routes} == {
        (desk["chris"].id, False), (desk["david"].id, True)}
    matrix.save_type(saved, matrix.TypeInput("Demande de devis", workflow="r1",
                                             addressees=(desk["david"].id,)))
    assert saved.workflow == "r1"
    assert {(e.user_id, e.copy) for e in saved.routes} == {(desk["david"].id, False)}


def test_save_type_refusals(bo_desk):
    desk = bo_desk
    for values, message in [
        (matrix.TypeInput("Log agences"), "Ce type de demande existe déjà."),
        (matrix.TypeInput(" "), "Indiquez le nom de la demande (80 caractères au plus)."),
        (matrix.TypeInput("X", workflow="r9"), "Choix invalide."),
        (matrix.TypeInput("X", addressees=(desk["bdc_agent"].id,)),
         "Choisissez parmi les personnes proposées."),
        (matrix.TypeInput("X", addressees=(desk["chris"].id,), copies=(desk["chris"].id,)),
         "Une même personne ne peut pas être destinataire et en copie."),
    ]:
        refused(lambda v=values: matrix.save_type(RequestType(), v), message)


def test_save_validators(bo_desk):
    desk = bo_desk
    matrix.save_validators([desk["manager"].id])
    assert db.session.scalars(select(Designation.user_id)).all() == [desk["manager"].id]
    refused(lambda: matrix.save_validators([desk["advisor"].id]),
            "Choisissez parmi les responsables proposés.")
    assert desk["manager"].role == Role.MANAGER
