"""Rules of the back-office desk, from seed 000's own wording (slides 4 to 12)."""

import re
import struct
from datetime import date
from decimal import Decimal

import pytest

from tests.fixtures.files import _jpeg, _png
from webapp.backoffice.booklets.rules import Channel, booklet_channel, next_order_date, order_error
from webapp.backoffice.checklist.rules import (
    checklist_items,
    completion_error,
    due_date,
    effective_date_error,
    logo_error,
    parse_chiefs,
    parse_day_month,
    progress,
)
from webapp.backoffice.gestures.rules import (
    GestureStatus,
    decision_error,
    gesture_error,
    processing_error,
)
from webapp.backoffice.incentives.rules import (
    SaleLine,
    clean_sale,
    incentives_per_seller,
    parse_sale,
    round_euro,
    sale_error,
)
from webapp.backoffice.requests.rules import (
    SIGNED_STATES,
    WORKFLOWS,
    Actor,
    actors_of,
    allowed_transitions,
    copies_error,
    deadline_error,
    is_overdue,
    label_error,
    subject,
    transition_error,
    workflow,
)
from webapp.uploads import image_size

TODAY = date(2026, 3, 10)
C, A, B = Actor.COMMERCIAL, Actor.ASSIGNEE, Actor.BO


# --- Slide 4: « Optimisation des demandes faites par mail » --------------------------------

@pytest.mark.parametrize(("name", "label", "expected"), [
    # « exple : TIME TOURS / Demande de stats ou SECUR PLUS / pb logimail »
    ("Time Tours", "Demande de stats", "TIME TOURS / Demande de stats"),
    ("SECUR PLUS", "pb logimail", "SECUR PLUS / pb logimail"),
    ("  Les 3   Blancheurs ", " Support  RDV ", "LES 3 BLANCHEURS / Support RDV"),
])
def test_subject_is_client_or_contract_then_label(name, label, expected):
    assert subject(name, label) == expected


@pytest.mark.parametrize("label", ["Demande de stats", "pb logimail", "Support formation",
                                   "Ajout produit distrib 2026"])
def test_one_subject_is_accepted(label):
    assert label_error(label) is None


@pytest.mark.parametrize("label", [
    # « EVITER DE REGROUPER DIFFERENTES DEMANDES DANS UN MEME MAIL »
    "Demande de stats + pb logimail", "Demande de stats ; log agences",
    "Stats & formation", "Stats / formation", "Demande de stats\npb logimail",
    "1) stats 2) formation",
])
def test_several_subjects_are_refused(label):
    assert "Un seul sujet par demande" in label_error(label)


def test_label_required_and_bounded():
    assert "Indiquez le libellé" in label_error("   ")
    assert "Indiquez le libellé" in label_error(None)
    assert "120 caractères" in label_error("x" * 121)
    assert label_error("x" * 120) is None


def test_deadline_required_and_not_past():
    # « 3/ INDIQUER UNE DEADLINE »
    assert deadline_error(None, TODAY) == "Indiquez une deadline."
    assert deadline_error(date(2026, 3, 9), TODAY) == "La deadline ne peut pas être dans le passé."
    assert deadline_error(TODAY, TODAY) is None
    assert deadline_error(date(2026, 4, 1), TODAY) is None


def test_copies_only_from_the_matrix():
    # « 4/ EVITER DE METTRE TOUT LE MONDE EN COPIE SYSTEMATIQUEMENT »
    assert copies_error([], [3, 4]) is None
    assert copies_error([3], [3, 4]) is None
    assert copies_error([3, 9], [3, 4]) is not None
    assert copies_error([9], []) is not None


def test_overdue():
    assert is_overdue(date(2026, 3, 9), False, TODAY)
    assert not is_overdue(TODAY, False, TODAY)
    assert not is_overdue(date(2026, 3, 9), True, TODAY)


# --- Slides 5 and 6: R1 and R2 ------------------------------------------------------------

def test_actors():
    assert actors_of(1, False, 1, [2]) == {C}
    assert actors_of(2, False, 1, [2]) == {A}
    assert actors_of(3, True, 1, [2]) == {B}
    assert actors_of(4, False, 1, [2]) == frozenset()


def _path(flow, moves):
    """Walk ``moves`` [(target, actor)] from the initial state, each allowed."""
    state = WORKFLOWS[flow].initial
    for target, actor in moves:
        assert transition_error(flow, state, target, frozenset({actor})) is None, target
        state = target
    return state


def test_r1_order_of_slide_5():
    # « Commercial : Envoi du R1 complet avec deadline → Chris : Tarification → Assistant
    # BO : Vérification et envoi → Commercial : Remise de projet → Client »
    assert WORKFLOWS["r1"].initial == "sent"
    end = _path("r1", [("priced", A), ("checked", B), ("delivered", C)])
    assert WORKFLOWS["r1"].state(end).closed


@pytest.mark.parametrize(("state", "target", "actor", "message"), [
    ("sent", "priced", C, "« Tarification faite » revient au destinataire."),
    ("sent", "priced", B, "« Tarification faite » revient au destinataire."),
    ("priced", "checked", A, "« Vérifier et envoyer au commercial » revient à l'assistant BO."),
    ("checked", "delivered", B, "« Projet remis au client » revient au commercial."),
    ("sent", "checked", B, "La demande est « R1 envoyé, en tarification » : ce passage "
                           "n'est pas possible."),
    ("delivered", "sent", C, "La demande est « Projet remis au client » : ce passage n'est "
                             "pas possible."),
])
def test_r1_refuses_the_wrong_actor_or_order(state, target, actor, message):
    assert transition_error("r1", state, target, frozenset({actor})) == message


def test_r2_order_of_slide_6():
    # « Commercial : Envoi du projet → Client : Décision → Assistant BO : Transfert
    # retour/réponse du client → Mise en place »
    end = _path("r2", [("accepted", C), ("forwarded", B), ("in_place", A)])
    assert end == "in_place" and WORKFLOWS["r2"].state(end).closed
    assert transition_error("r2", "accepted", "forwarded", frozenset({C})) is not None
    assert transition_error("r2", "sent", "refused", frozenset({B})) is None


def test_r2_mise_en_place_needs_the_checklist():
    assert transition_error("r2", "forwarded", "in_place", frozenset({B}),
                            checklist_complete=False) == (
        "Complétez d'abord la fiche de mise en place du nouveau contrat.")
    assert transition_error("r2", "forwarded", "in_place", frozenset({B}),
                            checklist_complete=True) is None


def test_allowed_transitions_by_role():
    assert [t.target for t in allowed_transitions("r1", "sent", frozenset({A}))] == ["priced"]
    assert [t.target for t in allowed_transitions("r1", "sent", frozenset({C}))] == [
        "cancelled"]
    assert allowed_transitions("r1", "sent", frozenset({B})) == []
    assert [t.target for t in allowed_transitions("r1", "priced", frozenset({B}))] == [
        "checked", "sent"]
    assert allowed_transitions("r1", "delivered", frozenset({A, B, C})) == []
    assert [t.target for t in allowed_transitions("simple", "new", frozenset({B}))] == [
        "in_progress"]


def test_unknown_workflow_is_the_simple_one():
    assert workflow(None).key == "simple" and workflow("nope").key == "simple"


def test_signed_states_are_the_client_acceptance_and_after():
    # « ** : Client Signé » in the R1 recap
    r2 = {s.key for s in WORKFLOWS["r2"].states}
    assert {"accepted", "forwarded", "in_place"} == SIGNED_STATES and r2 >= SIGNED_STATES


# --- Slide 7: new-contract checklist -------------------------------------------------------

FULL = {"contact_name": "Marie Dupont", "address": "1 rue de la Paix, Paris",
        "phone": "01 23 45 67 89", "email": "contact@timetours.fr", "fram_code": "FR123",
        "effective_date": date(2026, 4, 1), "fiscal_year_end": "31/12",
        "revenue": Decimal("1200000"), "revenue_year": 2025, "billing_basis": "departure",
        "accounting_name": "Paul Martin", "accounting_phone": "01 23 45 67 00",
        "subscription_format": "edi", "logo_name": "abc.png", "booklet_type": "SECUR PLUS",
        "booklet_format": "paper", "booklet_quantity": 500}


def test_checklist_without_extranet_has_13_items():
    items = checklist_items(FULL)
    assert progress(items) == (13, 13)
    assert completion_error(items) is None


def test_extranet_adds_three_conditional_items():
    # « Si souscription sur l'Extranet : Adresse mail de réception … Préférence login et
    # mot de passe … Déterminer les personnes en statut CHEF et/ou SUPERCHEF »
    items = checklist_items(FULL | {"subscription_format": "extranet"})
    assert progress(items) == (13, 16)
    error = completion_error(items)
    assert error == ("Impossible de marquer la fiche complète : il manque Adresse de "
                     "réception des souscriptions, Préférence login et mot de passe, "
                     "Personnes en statut CHEF et/ou SUPERCHEF.")
    items = checklist_items(FULL | {"subscription_format": "extranet",
                                    "reception_email": "souscriptions@timetours.fr",
                                    "login_preference": "prenom.nom",
                                    "chiefs": "Marie Dupont : SUPERCHEF"})
    assert progress(items) == (16, 16) and completion_error(items) is None


def test_empty_checklist_and_partly_filled_items():
    assert progress(checklist_items({})) == (0, 13)
    # Chiffre d'affaires « + Année ou exercice comptable »: both, or the item is missing.
    items = checklist_items(FULL | {"revenue_year": None})
    assert progress(items) == (12, 13)
    assert "Chiffre d'affaires et exercice" in completion_error(items)
    assert progress(checklist_items(FULL | {"contact_name": "  "})) == (12, 13)


@pytest.mark.parametrize(("effective", "closing", "expected"), [
    (date(2026, 4, 1), "31/12", date(2026, 12, 31)),
    (date(2026, 4, 1), "31/03", date(2027, 3, 31)),
    (date(2026, 3, 31), "31/03", date(2027, 3, 31)),  # the next closing, not the same day
    (date(2026, 1, 15), "30/06", date(2026, 6, 30)),
    (date(2026, 3, 1), "29/02", date(2027, 2, 28)),   # no 29/02 in 2027
    (date(2027, 3, 1), "29/02", date(2028, 2, 29)),
])
def test_due_date_from_the_fiscal_year(effective, closing, expected):
    # « Date d'échéance : A déterminer en fonction de l'exercice comptable du client »
    assert due_date(effective, *parse_day_month(closing)) == expected


@pytest.mark.parametrize(("text", "message"), [
    ("31-12", "Saisissez le jour et le mois de clôture, par exemple 31/12."),
    ("", "Saisissez le jour et le mois de clôture, par exemple 31/12."),
    ("31/02", "Cette date de clôture n'existe pas."),
    ("12/13", "Cette date de clôture n'existe pas."),
])
def test_closing_day_month_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_day_month(text)


def test_chiefs_one_person_a_line_with_status():
    assert parse_chiefs("Marie Dupont : SUPERCHEF\n\nPaul Martin - chef\n(CHEF) Léa Roy") == [
        ("Marie Dupont", "SUPERCHEF"), ("Paul Martin", "CHEF"), ("Léa Roy", "CHEF")]
    with pytest.raises(ValueError, match="« Paul Martin »"):
        parse_chiefs("Marie Dupont : SUPERCHEF\nPaul Martin")
    with pytest.raises(ValueError):
        parse_chiefs("CHEF")


def _webp(width, height):
    body = b"VP8X" + struct.pack("<I", 10) + b"\x00\x00\x00\x00"
    body += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


def test_image_size_from_headers():
    assert image_size(_png(1600, 800)) == (1600, 800)
    assert image_size(_jpeg(1200, 900)) == (1200, 900)
    assert image_size(_webp(2000, 1000)) == (2000, 1000)
    assert image_size(b"%PDF-1.4") is None
    assert image_size(b"\xff\xd8\xff") is None


def test_logo_must_be_hd():
    # « Logo client : A demander en HD »
    assert logo_error((1600, 800)) is None
    assert logo_error((800, 1000)) is None
    assert logo_error((400, 200)) == ("Logo trop petit (400 × 200 pixels) : demandez-le en "
                                      "HD, au moins 1000 pixels sur le plus grand côté.")
    assert "illisible" in logo_error(None)


# --- Slide 8: booklets ---------------------------------------------------------------------

@pytest.mark.parametrize(("on_logimail", "groupist", "channel"), [
    (True, False, Channel.LOGIMAIL),   # « Contrats disponibles sur Logimail »
    (False, False, Channel.BO),        # « produit n'est pas disponible sur Logimail »
    (True, True, Channel.BO),          # « Pour les groupistes seulement »
])
def test_booklet_channel(on_logimail, groupist, channel):
    assert booklet_channel(on_logimail, groupist) == channel


def test_delay_between_two_orders_follows_the_quantity():
    # « Les délais entre 2 commandes varient en fonction de la quantité à disposition »
    assert next_order_date(date(2026, 1, 1), 100, 1200) == date(2026, 2, 1)  # 31 days
    assert next_order_date(date(2026, 1, 1), 300, 1200) == date(2026, 4, 3)  # 92 days
    assert next_order_date(date(2026, 1, 1), 1, 0) == date(2027, 1, 1)


def test_order_quota_and_delay():
    last = (date(2026, 3, 1), 100)  # 100 of 1200 a year: 31 days
    assert order_error(100, 1200, 100, last, date(2026, 4, 1)) is None
    assert order_error(100, 1200, 100, last, date(2026, 3, 31)) == (
        "Trop tôt depuis la commande précédente : prochaine commande possible le 01/04/2026.")
    assert order_error(150, 1200, 1100, None, TODAY) == (
        # Every number the French way (U+202F groups the thousands): « sur 1 200 ».
        "Quota annuel dépassé : il reste 100 livrets sur 1\u202f200 cette année.")
    assert order_error(0, 1200, 0, None, TODAY) == "Indiquez une quantité positive."
    assert order_error(None, 1200, 0, None, TODAY) == "Indiquez une quantité positive."
    assert "Aucun quota" in order_error(10, None, 0, None, TODAY)


# --- Slide 10: commercial gestures ---------------------------------------------------------

def test_gesture_needs_amount_and_evidence():
    # « selon les justificatifs communiqués par les agences »
    assert gesture_error(Decimal("50"), 1) is None
    assert gesture_error(Decimal("50"), 0) == "Joignez au moins un justificatif de l'agence."
    assert gesture_error(Decimal("0"), 1) is not None
    assert gesture_error(None, 1) is not None


def test_only_the_designated_manager_validates():
    # « traités par le BO après validation de David »
    david, rep = 7, 3
    assert decision_error(david, [david], rep, GestureStatus.REQUESTED) is None
    assert decision_error(rep, [david], rep, GestureStatus.REQUESTED) == (
        "Seul le responsable désigné valide les gestes commerciaux.")
    assert decision_error(david, [david], david, GestureStatus.REQUESTED) == (
        "Vous ne pouvez pas valider un geste que vous avez demandé.")
    assert decision_error(david, [david], rep, GestureStatus.VALIDATED) == (
        "Ce geste a déjà été décidé.")


def test_bo_processes_validated_gestures_and_answers_the_agency():
    # « La réponse est adressée à l'agence avec en copie le commercial »
    assert processing_error(True, GestureStatus.VALIDATED, "agence@x.fr") is None
    assert processing_error(False, GestureStatus.VALIDATED, "agence@x.fr") is not None
    assert processing_error(True, GestureStatus.REQUESTED, "agence@x.fr") == (
        "Seul un geste validé peut être traité.")
    assert "pas d'e-mail" in processing_error(True, GestureStatus.VALIDATED, None)


# --- Slide 9: incentives -------------------------------------------------------------------

@pytest.mark.parametrize(("amount", "rounded"), [
    (Decimal("2.49"), 2), (Decimal("2.50"), 3), (Decimal("0.40"), 0), (Decimal("7.20"), 7)])
def test_round_to_the_nearest_euro(amount, rounded):
    # « arrondis à l'€ entier supérieur ou inférieur »
    assert round_euro(amount) == rounded


def test_rounded_per_seller_not_per_policy_and_no_threshold():
    # « Le seuil de déclenchement à 5 € est supprimé. Les arrondis sont effectués par
    # vendeur et non plus par police »
    lines = [("Julie", Decimal("2.40")), ("Julie", Decimal("2.40")),
             ("Julie", Decimal("2.40")),
             ("Marc", Decimal("1.30")), ("Marc", Decimal("1.30")), ("Marc", Decimal("1.30")),
             ("Léa", Decimal("0.40")), ("Léa", Decimal("0.40"))]
    new = incentives_per_seller(lines)
    # The former rule, written out here: each policy rounded, nothing under 5 €.
    per_policy: dict[str, Decimal] = {}
    for seller, amount in lines:
        per_policy[seller] = per_policy.get(seller, Decimal(0)) + round_euro(amount)
    old = {seller: total if total >= 5 else Decimal(0) for seller, total in per_policy.items()}
    # Julie: 7,20 € → 7 € per seller; 2 + 2 + 2 = 6 € per policy: the two rules differ.
    assert new["Julie"] == 7 and old["Julie"] == 6
    # Marc: 3,90 € → 4 €; per policy 3 €, under the former 5 € threshold: nothing.
    assert new["Marc"] == 4 and old["Marc"] == 0
    # Léa: 0,80 € → 1 €; per policy 0 + 0.
    assert new["Léa"] == 1 and old["Léa"] == 0


def test_parse_sale_lines():
    line = parse_sale({"date": "05/03/2026", "agence": " Time  Tours ", "vendeur": "Julie",
                       "police": "P-001", "montant": "2,40 €"})
    assert line == SaleLine(date(2026, 3, 5), "Time Tours", "Julie", "P-001", Decimal("2.40"))
    assert parse_sale({"date": "2026-03-05", "agence": "A", "vendeur": "B", "police": "C",
                       "montant": "1 234,5"}).amount == Decimal("1234.50")


@pytest.mark.parametrize(("changes", "message"), [
    ({"vendeur": ""}, "vendeur manquant"),
    ({"date": "32/01/2026"}, "date illisible « 32/01/2026 »"),
    ({"date": "hier"}, "date illisible"),
    ({"montant": "deux"}, "montant illisible « deux »"),
    ({"montant": "-3"}, "montant négatif"),
    ({"montant": "NaN"}, "montant illisible"),
    ({"police": "x" * 41}, "police trop long (40 caractères au plus)"),
])
def test_parse_sale_refusals(changes, message):
    row = {"date": "05/03/2026", "agence": "A", "vendeur": "B", "police": "C", "montant": "1"}
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_sale(row | changes)


# --- #13: one subject between two known kinds (slide 4) -----------------------------------

KINDS = ["Cotation R1", "Mise en place partenariat (R2 validé)", "Log agences",
         "Ajout produit distrib", "Demande de stats", "Support RDV", "Support formation",
         "Infos diverses"]


@pytest.mark.parametrize("label", [
    # « TIME TOURS / Demande de stats ou SECUR PLUS / pb logimail »: two subjects in one.
    "Demande de stats et pb logimail", "Demande de stats, support RDV",
    "Cotation R1 ainsi que log agences", "Stats et formation", "Support RDV ET Infos diverses",
])
def test_two_known_subjects_joined_are_two_requests(label):
    assert label_error(label, KINDS) == "Une demande par sujet : envoyez-en deux."


@pytest.mark.parametrize("label", [
    "Dupont et fils", "Demande de stats et de chiffres", "Log agences Dupont et fils",
    "Mise en place partenariat (R2 validé)", "pb logimail et facture", "Cotation R1",
])
def test_et_in_one_subject_is_ordinary_french(label):
    assert label_error(label, KINDS) is None


def test_reception_email_same_as_the_general_one():
    # « Adresse mail de réception des souscriptions si différente de la générale »
    extranet = {"subscription_format": "extranet", "email": "contact@timetours.fr"}
    reception = {i.key: i.filled for i in checklist_items(extranet)}["reception_email"]
    assert reception is False
    same = {i.key: i.filled for i in checklist_items(
        extranet | {"reception_same": True})}["reception_email"]
    assert same is True
    without_general = {i.key: i.filled for i in checklist_items(
        extranet | {"reception_same": True, "email": None})}["reception_email"]
    assert without_general is False


@pytest.mark.parametrize(("effective", "refused"), [
    (date(2026, 4, 1), False), (date(1990, 1, 1), False), (date(2100, 12, 31), False),
    (date(9999, 12, 31), True), (date(1, 1, 1), True), (None, False)])
def test_effective_date_bounds(effective, refused):
    assert (effective_date_error(effective) is not None) is refused


def test_evidence_cap():
    assert gesture_error(Decimal(10), 10) is None
    assert gesture_error(Decimal(10), 11) == (
        "Joignez au plus 10 justificatifs : regroupez-les dans un PDF si besoin.")


def test_sale_error_names_what_is_wrong():
    line = SaleLine(date(2026, 3, 5), "Time Tours", "Julie", "P-001", Decimal("2.40"))
    assert sale_error(line) is None
    assert sale_error(SaleLine(date(2026, 3, 5), "A", " ", "C", Decimal(1))) == (
        "vendeur manquant")
    assert sale_error(SaleLine(date(2026, 3, 5), "A", "B", "C", Decimal(-1))) == (
        "montant négatif")
    assert clean_sale(SaleLine(None, " Time  Tours ", "Julie", "P 1", None)).agency == (
        "Time Tours")
