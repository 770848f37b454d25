"""Pure rules of the back-office desk (seed 000, « Récapitulatif process BO »).

Each rule is used by the forms, the routes and the imports alike; the quotes are the
seed's own words, slide by slide.
"""

import enum
import re
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from webapp.numbers import parse_french_decimal

# --- Requests (slide 4 « Optimisation des demandes faites par mail ») -------------------

LABEL_MAX = 120
NAME_MAX = 120
# What joins several topics in one label: « EVITER DE REGROUPER DIFFERENTES DEMANDES DANS
# UN MEME MAIL ». The slash belongs to the subject format itself.
_SEVERAL_TOPICS = re.compile(r"[;+&/\n]|(?:^|\s)\d+\s*[).]\s")


def subject(name: str, label: str) -> str:
    """« METTRE UN OBJET CLAIR ET RAPIDEMENT IDENTIFIABLE : « Nom du Client/Contrat » +
    libellé du sujet ou de la demande => exple : TIME TOURS / Demande de stats »."""
    return f"{' '.join(name.split()).upper()} / {' '.join(label.split())}"


def label_error(label: str | None) -> str | None:
    """The label names one subject: « EVITER DE REGROUPER DIFFERENTES DEMANDES DANS UN
    MEME MAIL » (a second topic is a second request, « Autre sujet »)."""
    text = " ".join((label or "").split())
    if not text:
        return "Indiquez le libellé du sujet (par exemple « Demande de stats »)."
    if len(text) > LABEL_MAX:
        return f"Le libellé ne doit pas dépasser {LABEL_MAX} caractères."
    if _SEVERAL_TOPICS.search(label or ""):
        return ("Un seul sujet par demande : ne regroupez pas plusieurs demandes, créez-en "
                "une autre avec « Autre sujet ».")
    return None


def deadline_error(deadline: date | None, today: date) -> str | None:
    """« INDIQUER UNE DEADLINE »: required, and not already past."""
    if deadline is None:
        return "Indiquez une deadline."
    if deadline < today:
        return "La deadline ne peut pas être dans le passé."
    return None


def copies_error(chosen: Iterable[int], offered: Iterable[int]) -> str | None:
    """« EVITER DE METTRE TOUT LE MONDE EN COPIE SYSTEMATIQUEMENT »: only the copies the
    routing matrix names for this kind of request."""
    if set(chosen) - set(offered):
        return "Seules les copies prévues pour ce type de demande sont possibles."
    return None


def is_overdue(deadline: date, closed: bool, today: date) -> bool:
    return not closed and deadline < today


# --- Workflows (slides 5 and 6) ------------------------------------------------------------

class Actor(enum.StrEnum):
    COMMERCIAL = "commercial"  # who sent the request
    ASSIGNEE = "assignee"      # who the matrix sends it to (e.g. Chris, tarification)
    BO = "bo"                  # an assistant BO


# « revient au commercial », « … à l'assistant BO ».
ACTOR_LABELS = {Actor.COMMERCIAL: "au commercial", Actor.ASSIGNEE: "au destinataire",
                Actor.BO: "à l'assistant BO"}


@dataclass(frozen=True)
class State:
    key: str
    label: str
    closed: bool = False


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    label: str
    actors: frozenset[Actor]
    needs_checklist: bool = False  # the new-contract checklist must be complete


@dataclass(frozen=True)
class Workflow:
    key: str
    label: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]

    @property
    def initial(self) -> str:
        return self.states[0].key

    def state(self, key: str) -> State:
        return next(s for s in self.states if s.key == key)


def _moves(*rows) -> tuple[Transition, ...]:
    return tuple(Transition(source, target, label, frozenset(actors), *rest)
                 for sources, target, label, actors, *rest in rows
                 for source in sources.split())


C, A, B = Actor.COMMERCIAL, Actor.ASSIGNEE, Actor.BO
CANCELLED = State("cancelled", "Annulée", closed=True)

WORKFLOWS = {
    # Every other request: taken, completed if need be, done.
    "simple": Workflow("simple", "Demande", (
        State("new", "Nouvelle"),
        State("in_progress", "En cours"),
        State("waiting", "En attente du commercial"),
        State("done", "Traitée", closed=True),
        CANCELLED,
    ), _moves(
        ("new", "in_progress", "Prendre en charge", {A, B}),
        ("in_progress", "waiting", "Demander un complément", {A, B}),
        ("waiting", "in_progress", "Complément apporté", {C}),
        ("in_progress", "done", "Marquer traitée", {A, B}),
        ("done", "in_progress", "Rouvrir", {C, A, B}),
        ("new in_progress waiting", "cancelled", "Annuler la demande", {C}),
    )),
    # « Commercial : Envoi du R1 complet avec deadline + Copie : David → Chris :
    # Tarification + Copie Assistant BO → Assistant BO : Vérification et envoi →
    # Commercial : Remise de projet → Client ».
    "r1": Workflow("r1", "Cotation compte SPEC (R1)", (
        State("sent", "R1 envoyé, en tarification"),
        State("priced", "Tarifé, à vérifier par le BO"),
        State("checked", "Vérifié, transmis au commercial"),
        State("delivered", "Projet remis au client", closed=True),
        CANCELLED,
    ), _moves(
        ("sent", "priced", "Tarification faite", {A}),
        ("priced", "checked", "Vérifier et envoyer au commercial", {B}),
        ("priced", "sent", "Renvoyer en tarification", {B}),
        ("checked", "delivered", "Projet remis au client", {C}),
        ("sent priced checked", "cancelled", "Annuler la demande", {C}),
    )),
    # « Commercial : Envoi du projet + Copie : David → Client : Décision + Copie
    # Commercial → Assistant BO : Transfert retour / réponse du client → Chris : Mise en
    # place ».
    "r2": Workflow("r2", "Remise de projet SPEC (R2)", (
        State("sent", "Projet envoyé au client"),
        State("accepted", "Accord du client"),
        State("forwarded", "Réponse transmise pour la mise en place"),
        State("in_place", "Mis en place", closed=True),
        State("refused", "Refus du client", closed=True),
        CANCELLED,
    ), _moves(
        ("sent", "accepted", "Accord du client reçu", {C, B}),
        ("sent", "refused", "Refus du client reçu", {C, B}),
        ("accepted", "forwarded", "Transmettre la réponse du client", {B}),
        ("forwarded", "in_place", "Mise en place effectuée", {A, B}, True),
        ("sent", "cancelled", "Annuler la demande", {C}),
    )),
}

# The R1 recap marks a client « ** : Client Signé » once the client accepted a project.
SIGNED_STATES = frozenset({"accepted", "forwarded", "in_place"})


def workflow(key: str | None) -> Workflow:
    return WORKFLOWS.get(key or "simple", WORKFLOWS["simple"])


def actors_of(user_id: int, is_bo: bool, author_id: int | None,
              handler_ids: Iterable[int]) -> frozenset[Actor]:
    """The parts a user plays on one request: who sent it, who it is sent to, BO."""
    actors = set()
    if user_id == author_id:
        actors.add(Actor.COMMERCIAL)
    if user_id in set(handler_ids):
        actors.add(Actor.ASSIGNEE)
    if is_bo:
        actors.add(Actor.BO)
    return frozenset(actors)


def allowed_transitions(workflow_key: str | None, state: str,
                        actors: frozenset[Actor]) -> list[Transition]:
    """The moves from ``state`` that one of ``actors`` may make."""
    return [t for t in workflow(workflow_key).transitions
            if t.source == state and t.actors & actors]


def transition_error(workflow_key: str | None, state: str, target: str,
                     actors: frozenset[Actor], checklist_complete: bool = True) -> str | None:
    """Why ``state`` → ``target`` is refused to ``actors`` (None when allowed)."""
    flow = workflow(workflow_key)
    move = next((t for t in flow.transitions if t.source == state and t.target == target),
                None)
    if move is None:
        return (f"La demande est « {flow.state(state).label} » : ce passage n'est pas "
                "possible.")
    if not move.actors & actors:
        who = " ou ".join(ACTOR_LABELS[a] for a in Actor if a in move.actors)
        return f"« {move.label} » revient {who}."
    if move.needs_checklist and not checklist_complete:
        return "Complétez d'abord la fiche de mise en place du nouveau contrat."
    return None


# --- New-contract checklist (slide 7) ------------------------------------------------------

SECTIONS = (
    ("contacts", "Coordonnées"),
    ("contract", "Contrat"),
    ("billing", "Facturation"),
    ("subscription", "Souscription"),
    ("logo", "Logo"),
    ("booklets", "Livrets"),
)
EXTRANET = "extranet"
SUBSCRIPTION_FORMATS = (("extranet", "Extranet"), ("edi", "EDI"),
                        ("webservice", "Webservice"))
BILLING_BASES = (("departure", "Base départ"), ("subscription", "Base souscription"))
BOOKLET_FORMATS = (("paper", "Papier"), ("digital", "Démat"))


@dataclass(frozen=True)
class ItemSpec:
    key: str
    label: str
    section: str
    fields: tuple[str, ...]
    extranet_only: bool = False


# « les informations à transmettre »: each line of the slide, with the fields that fill it.
ITEMS = (
    ItemSpec("contact", "Interlocuteur principal", "contacts", ("contact_name",)),
    ItemSpec("address", "Adresse postale générale", "contacts", ("address",)),
    ItemSpec("phone", "Téléphone", "contacts", ("phone",)),
    ItemSpec("email", "E-mail général", "contacts", ("email",)),
    ItemSpec("fram_code", "Code Fram", "contract", ("fram_code",)),
    ItemSpec("effective_date", "Date d'effet du contrat", "contract", ("effective_date",)),
    ItemSpec("due_date", "Date d'échéance (exercice comptable)", "contract",
             ("fiscal_year_end",)),
    ItemSpec("revenue", "Chiffre d'affaires et exercice", "contract",
             ("revenue", "revenue_year")),
    ItemSpec("billing_basis", "Facturation : base départ ou base souscription", "billing",
             ("billing_basis",)),
    ItemSpec("accounting", "Contact comptabilité (nom et téléphone)", "billing",
             ("accounting_name", "accounting_phone")),
    ItemSpec("subscription_format", "Format de souscription", "subscription",
             ("subscription_format",)),
    ItemSpec("reception_email", "Adresse de réception des souscriptions", "subscription",
             ("reception_email",), extranet_only=True),
    ItemSpec("login_preference", "Préférence login et mot de passe", "subscription",
             ("login_preference",), extranet_only=True),
    ItemSpec("chiefs", "Personnes en statut CHEF et/ou SUPERCHEF", "subscription",
             ("chiefs",), extranet_only=True),
    ItemSpec("logo", "Logo client en HD", "logo", ("logo_name",)),
    ItemSpec("booklets", "Type, format et quantité de livrets", "booklets",
             ("booklet_type", "booklet_format", "booklet_quantity")),
)


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    section: str
    filled: bool


def _filled(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def checklist_items(values: Mapping[str, object]) -> list[Item]:
    """The items required of this checklist, each filled or not: « Si souscription sur
    l'Extranet » adds the reception e-mail, the login preference and the CHEF/SUPERCHEF
    people."""
    extranet = values.get("subscription_format") == EXTRANET
    return [Item(spec.key, spec.label, spec.section,
                 all(_filled(values.get(f)) for f in spec.fields))
            for spec in ITEMS if extranet or not spec.extranet_only]


def progress(items: list[Item]) -> tuple[int, int]:
    """« n / m »: items filled, items required."""
    return sum(1 for i in items if i.filled), len(items)


def completion_error(items: list[Item]) -> str | None:
    """The checklist cannot be marked complete while a required item is missing."""
    missing = [i.label for i in items if not i.filled]
    if not missing:
        return None
    return "Impossible de marquer la fiche complète : il manque " + ", ".join(missing) + "."


_DAY_MONTH = re.compile(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s*")


def parse_day_month(text: str) -> tuple[int, int]:
    """« 31/12 » → (31, 12); raise ValueError with a French message."""
    match = _DAY_MONTH.fullmatch(text or "")
    if not match:
        raise ValueError("Saisissez le jour et le mois de clôture, par exemple 31/12.")
    day, month = int(match[1]), int(match[2])
    try:
        date(2024, month, day)  # a leap year: 29/02 is a possible closing day
    except ValueError:
        raise ValueError("Cette date de clôture n'existe pas.") from None
    return day, month


def _closing(year: int, day: int, month: int) -> date:
    if (month, day) == (2, 29):
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return date(year, month, day)


def due_date(effective: date, closing_day: int, closing_month: int) -> date:
    """« Date d'échéance : A déterminer en fonction de l'exercice comptable du client »:
    the end of the client's accounting year that follows the effective date."""
    closing = _closing(effective.year, closing_day, closing_month)
    return closing if closing > effective else _closing(effective.year + 1, closing_day,
                                                        closing_month)


CHIEF_STATUSES = ("SUPERCHEF", "CHEF")
_STATUS_WORD = re.compile(r"\b(SUPERCHEF|CHEF)\b", re.IGNORECASE)


def parse_chiefs(text: str) -> list[tuple[str, str]]:
    """« Déterminer les personnes en statut CHEF et/ou SUPERCHEF »: one person a line,
    « Marie Dupont : SUPERCHEF »; raise ValueError naming the line without a status."""
    people = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = _STATUS_WORD.search(line)
        name = _STATUS_WORD.sub(" ", line).strip(" :-–—()\t")
        if not match or not name:
            raise ValueError("Précisez le nom et le statut CHEF ou SUPERCHEF : "
                             f"« {line.strip()} ».")
        people.append((" ".join(name.split()), match[1].upper()))
    return people


# « Logo client : A demander en HD ».
LOGO_MIN_SIDE = 1000  # pixels on the longer side


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height read from a PNG, JPEG or WebP header (None if unreadable)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        # SOF0–SOF15 hold the frame size, except DHT (C4), JPG (C8) and DAC (CC).
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5:i + 9])
            return width, height
        i += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return (int.from_bytes(data[24:27], "little") + 1,
                int.from_bytes(data[27:30], "little") + 1)
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def logo_error(size: tuple[int, int] | None) -> str | None:
    """The logo is « en HD »: at least LOGO_MIN_SIDE pixels on its longer side."""
    if size is None:
        return "Image illisible : envoyez le logo en PNG, JPEG ou WebP."
    width, height = size
    if max(width, height) < LOGO_MIN_SIDE:
        return (f"Logo trop petit ({width} × {height} pixels) : demandez-le en HD, au "
                f"moins {LOGO_MIN_SIDE} pixels sur le plus grand côté.")
    return None


# --- Booklets (slide 8 « La distribution des livrets ») ----------------------------------

# « Contrats disponibles sur Logimail actuellement » and « Contrats non disponibles ».
BOOKLET_CONTRACTS = (
    ("ASSUR PLUS (AMB + FA)", True), ("INTEGRAL", True),
    ("ACTIVE MUTUAIDE + SA (pour le run of)", True), ("SECUR PLUS", True),
    ("ACTIVE ALLIANZ", False), ("MISSION PRO", False),
    ("LOOK PROTECTION PLUS / LOOK ASSUR", False), ("FRAM ASSUR", False),
)


class Channel:
    LOGIMAIL = "logimail"
    BO = "bo"


CHANNEL_LABELS = {Channel.LOGIMAIL: "Logimail", Channel.BO: "Back-office"}


def booklet_channel(on_logimail: bool, groupist: bool) -> str:
    """« Via le BO : pour les groupistes seulement ; pour les agences dont le produit n'est
    pas disponible sur Logimail » — otherwise the agency orders on Logimail."""
    return Channel.BO if groupist or not on_logimail else Channel.LOGIMAIL


def next_order_date(last_order_on: date, last_quantity: int, yearly_quota: int) -> date:
    """« Les délais entre 2 commandes varient en fonction de la quantité à disposition »,
    quotas set « en fonction de la production annuelle des agences »: an order covers
    quantity / yearly quota of a year; the next one comes when it is used up."""
    days = -(-last_quantity * 365 // yearly_quota) if yearly_quota > 0 else 365
    return last_order_on + timedelta(days=days)


def order_error(quantity: int | None, yearly_quota: int | None, ordered_this_year: int,
                last_order: tuple[date, int] | None, today: date) -> str | None:
    """An agency's order: a positive quantity, within its yearly quota, not before the
    previous order is used up."""
    if quantity is None or quantity <= 0:
        return "Indiquez une quantité positive."
    if yearly_quota is None:
        return "Aucun quota n'est défini pour cette agence et ce contrat."
    left = yearly_quota - ordered_this_year
    if quantity > left:
        return (f"Quota annuel dépassé : il reste {max(left, 0)} livret"
                f"{'s' if left > 1 else ''} sur {yearly_quota} cette année.")
    if last_order is not None:
        ready = next_order_date(last_order[0], last_order[1], yearly_quota)
        if today < ready:
            return ("Trop tôt depuis la commande précédente : prochaine commande possible le "
                    f"{ready:%d/%m/%Y}.")
    return None


# --- Commercial gestures (slide 10) --------------------------------------------------------

class GestureStatus:
    REQUESTED = "requested"
    VALIDATED = "validated"
    REFUSED = "refused"
    PROCESSED = "processed"


GESTURE_LABELS = {GestureStatus.REQUESTED: "À valider", GestureStatus.VALIDATED: "Validé",
                  GestureStatus.REFUSED: "Refusé",
                  GestureStatus.PROCESSED: "Traité, réponse envoyée"}
# « Le montant de chaque geste est comptabilisé »: the gestures granted.
COUNTED_GESTURES = (GestureStatus.VALIDATED, GestureStatus.PROCESSED)


def gesture_error(amount: Decimal | None, evidence_count: int) -> str | None:
    """« traités … selon les justificatifs communiqués par les agences »."""
    if amount is None or amount <= 0:
        return "Indiquez le montant du geste (positif)."
    if evidence_count < 1:
        return "Joignez au moins un justificatif de l'agence."
    return None


def decision_error(user_id: int, validator_ids: Iterable[int], requester_id: int,
                   status: str) -> str | None:
    """« Les gestes commerciaux sont traités par le BO après validation de David »: only a
    designated validator decides, never on a gesture they asked for, once."""
    if user_id not in set(validator_ids):
        return "Seul le responsable désigné valide les gestes commerciaux."
    if user_id == requester_id:
        return "Vous ne pouvez pas valider un geste que vous avez demandé."
    if status != GestureStatus.REQUESTED:
        return "Ce geste a déjà été décidé."
    return None


def processing_error(is_bo: bool, status: str, agency_email: str | None) -> str | None:
    """The BO processes a validated gesture: « La réponse est adressée à l'agence avec en
    copie le commercial »."""
    if not is_bo:
        return "Le traitement des gestes revient au back-office."
    if status != GestureStatus.VALIDATED:
        return "Seul un geste validé peut être traité."
    if not agency_email:
        return "La fiche de l'agence n'a pas d'e-mail : complétez-la pour lui répondre."
    return None


# --- Incentives (slide 9 « Incentives : les nouvelles règles ») ----------------------------

EURO = Decimal(1)
OLD_THRESHOLD = Decimal(5)


def round_euro(amount: Decimal) -> Decimal:
    """« les montants sont arrondis à l'€ entier supérieur ou inférieur »: the nearest euro,
    half a euro up."""
    return amount.quantize(EURO, ROUND_HALF_UP)


def incentives_per_seller(lines: Iterable[tuple[object, Decimal]]) -> dict[object, Decimal]:
    """« Le seuil de déclenchement à 5 € est supprimé. Les arrondis sont effectués par
    vendeur et non plus par police »: sum each seller's policies, then round."""
    totals: dict[object, Decimal] = {}
    for seller, amount in lines:
        totals[seller] = totals.get(seller, Decimal(0)) + amount
    return {seller: round_euro(total) for seller, total in totals.items()}


def incentives_old_rule(lines: Iterable[tuple[object, Decimal]]) -> dict[object, Decimal]:
    """The former rule, for comparison only: each policy rounded, nothing under 5 €."""
    totals: dict[object, Decimal] = {}
    for seller, amount in lines:
        totals[seller] = totals.get(seller, Decimal(0)) + round_euro(amount)
    return {seller: (total if total >= OLD_THRESHOLD else Decimal(0))
            for seller, total in totals.items()}


SALE_COLUMNS = ("date", "agence", "vendeur", "police", "montant")


@dataclass(frozen=True)
class SaleLine:
    sold_on: date
    agency: str
    seller: str
    policy: str
    amount: Decimal


def _french_decimal(text: str) -> Decimal:
    try:
        value = parse_french_decimal(text, limit=Decimal("1e9"))
    except ValueError:
        value = None
    if value is None:
        raise ValueError(f"montant illisible « {text} »")
    return value


def _day(text: str) -> date:
    text = (text or "").strip()
    for pattern in (r"(\d{1,2})/(\d{1,2})/(\d{4})", r"(\d{4})-(\d{2})-(\d{2})"):
        if match := re.fullmatch(pattern, text):
            parts = [int(p) for p in match.groups()]
            day, month, year = parts if "/" in text else reversed(parts)
            try:
                return date(year, month, day)
            except ValueError:
                break
    raise ValueError(f"date illisible « {text} » (attendu JJ/MM/AAAA)")


def parse_sale(row: Mapping[str, str]) -> SaleLine:
    """One line of a sales import (columns SALE_COLUMNS, amounts the French way: « 2,40 »);
    raise ValueError with a French message."""
    texts = {name: " ".join((row.get(name) or "").split()) for name in SALE_COLUMNS}
    for name in ("agence", "vendeur", "police"):
        if not texts[name]:
            raise ValueError(f"{name} manquant")
    limits = {"agence": 120, "vendeur": 120, "police": 40}
    for name, limit in limits.items():
        if len(texts[name]) > limit:
            raise ValueError(f"{name} trop long ({limit} caractères au plus)")
    amount = _french_decimal(texts["montant"])
    if amount < 0:
        raise ValueError("montant négatif")
    return SaleLine(_day(texts["date"]), texts["agence"], texts["vendeur"], texts["police"],
                    amount)
