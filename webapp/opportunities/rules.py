"""Pure rules of the opportunity pipeline: seed 003 « Processus Agent(e)s BDC » and
seed 001 slides 29–31 (an opportunity carries a purpose, an amount, a probability and a
period).

Each rule is used by the forms, the routes and `flask data import` alike.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from webapp.choices import LabelledEnum
from webapp.clients.rules import Phone, is_placeholder_name, parse_phone, search_key

# --- Expiry -------------------------------------------------------------------------------

# « Opportunité expirée : Date de plus de 8 semaines, pour les statuts : En traitement,
# réponse envoyée, contacté. » The stages carry the number of days (data).
EXPIRY_DAYS = 8 * 7


def is_expired(created_on: date, today: date, expires_after_days: int | None) -> bool:
    """More than ``expires_after_days`` days since creation, in a stage that expires:
    created on 1 January, the opportunity is still valid on 26 February (exactly 8 weeks)
    and expired on the 27th."""
    if expires_after_days is None:
        return False
    return (today - created_on).days > expires_after_days


def last_valid_creation_day(today: date, expires_after_days: int) -> date:
    """The oldest creation day still valid today (for SQL: expired = created before it)."""
    return today - timedelta(days=expires_after_days)


EXPIRED_MESSAGE = ("Cette opportunité est expirée (plus de 8 semaines sans rendez-vous) : "
                   "aucune réunion ne peut y être créée. Créez une nouvelle opportunité.")


# --- The opportunity's name and phone -----------------------------------------------------

def default_name(first_name: str, last_name: str) -> str:
    """« Nom de l'opportunité : Nom du client » — first AND last name."""
    return f"{first_name} {last_name}".strip()


def name_error(name: str | None, client_first: str | None,
               client_last: str | None) -> str | None:
    """« Nom de l'Opportunité : Inscrire le prénom ET nom du client (enlever les
    Unknown/Undefined) » and « Nom de Fiche Client : S'assurer que c'est le même que le nom
    de l'OPP »: the French message, or None when the name is right (either order, accents
    and case ignored)."""
    key = search_key(name)
    if not key:
        return "Saisissez le prénom et le nom du client."
    if is_placeholder_name(name) or any(is_placeholder_name(w) for w in key.split()):
        return "Enlevez « Unknown » / « Undefined » : saisissez le prénom et le nom du client."
    if len(key.split()) < 2:
        return "Saisissez le prénom ET le nom du client."
    if client_first is not None and client_last is not None:
        expected = {search_key(f"{client_first} {client_last}"),
                    search_key(f"{client_last} {client_first}")}
        if key not in expected:
            return ("Le nom doit être celui de la fiche client : "
                    f"« {default_name(client_first, client_last)} ».")
    return None


class NeedsConfirmation(ValueError):
    """The numbering plan cannot tell whether the number is a mobile: ask the user."""


LANDLINE = ("Ce numéro est une ligne fixe : saisissez le cellulaire du client (la "
            "confirmation du rendez-vous part par texto).")
CONFIRM_MOBILE = ("Impossible de savoir si ce numéro est un cellulaire : cochez « C'est "
                  "un cellulaire » pour le confirmer.")


def mobile_phone(raw: str, confirmed: bool = False) -> Phone:
    """« Téléphone : S'assurer que c'est un cellulaire pour envoyer la confirmation »:
    the parsed number, flagged mobile; ValueError (French) for a landline or an
    unreadable number, NeedsConfirmation when the plan cannot tell and nobody confirmed."""
    phone = parse_phone(raw)
    if phone.is_mobile is False:
        raise ValueError(LANDLINE)
    if phone.is_mobile is None:
        if not confirmed:
            raise NeedsConfirmation(CONFIRM_MOBILE)
        phone = replace(phone, is_mobile=True)
    return phone


# --- Requirements of a stage --------------------------------------------------------------

@dataclass(frozen=True)
class Facts:
    """What the requirements read of an opportunity."""

    name: str | None = None
    client_first_name: str | None = None
    client_last_name: str | None = None
    phone: str | None = None
    phone_is_mobile: bool | None = None
    email: str | None = None
    branch_id: int | None = None
    language: str | None = None
    owner_id: int | None = None
    spex_id: int | None = None
    sales_director_id: int | None = None
    expired: bool = False
    has_meeting: bool = False
    lost_reason_id: int | None = None
    sale_date: date | None = None
    delivery_date: date | None = None


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str  # what is missing, in French
    field: str | None  # the opportunity form's field that fills it (None: not a field)
    met: Callable[[Facts], bool]


def _filled(value) -> bool:
    return value not in (None, "") and not (isinstance(value, str) and not value.strip())


REQUIREMENTS: dict[str, Requirement] = {r.key: r for r in (
    # « Informations – Opportunités », points 1 to 10.
    Requirement("name", "Nom de l'opportunité : prénom et nom du client, comme sa fiche",
                "name", lambda f: name_error(f.name, f.client_first_name,
                                             f.client_last_name) is None),
    Requirement("phone", "Téléphone cellulaire (pour la confirmation)", "phone",
                lambda f: _filled(f.phone) and f.phone_is_mobile is True),
    Requirement("email", "Courriel", "email", lambda f: _filled(f.email)),
    Requirement("branch", "Succursale où le rendez-vous aura lieu", "branch_id",
                lambda f: f.branch_id is not None),
    Requirement("language", "Langue", "language", lambda f: _filled(f.language)),
    Requirement("owner", "Gestionnaire de l'opportunité", "owner_id",
                lambda f: f.owner_id is not None),
    Requirement("spex", "Spécialiste expérience client (SPEX, tour de gun)", "spex_id",
                lambda f: f.spex_id is not None),
    Requirement("sales_director", "DV : directeur des ventes en poste lors du rendez-vous",
                "sales_director_id", lambda f: f.sales_director_id is not None),
    Requirement("not_expired", "Opportunité non expirée (sinon, en créer une nouvelle)",
                None, lambda f: not f.expired),
    Requirement("meeting", "Une réunion planifiée", None, lambda f: f.has_meeting),
    # Closing a stage: a lost or invalid stage needs a reason, a sale its date.
    Requirement("lost_reason", "Raison de la perte", "lost_reason_id",
                lambda f: f.lost_reason_id is not None),
    Requirement("sale_date", "Date de vente", "sale_date", lambda f: f.sale_date is not None),
    Requirement("delivery_date", "Date de livraison", "delivery_date",
                lambda f: f.delivery_date is not None),
)}

# « Voici tous les champs à bien remplir AVANT de créer votre réunion ».
MEETING_PREREQUISITES = ("name", "phone", "email", "branch", "language", "owner", "spex",
                         "sales_director", "not_expired")


def parse_requirements(text: str | None) -> tuple[str, ...]:
    """A stage's stored requirement keys (``"name,phone"``), unknown keys dropped."""
    keys = [k.strip() for k in (text or "").split(",")]
    return tuple(k for k in keys if k in REQUIREMENTS)


def unmet(required: Iterable[str], facts: Facts) -> list[Requirement]:
    """The requirements not met, in the order the stage lists them."""
    return [REQUIREMENTS[k] for k in required if k in REQUIREMENTS
            and not REQUIREMENTS[k].met(facts)]


def move_unmet(required: Iterable[str], facts: Facts, closes_badly: bool) -> list[Requirement]:
    """What a move into a stage lacks: the stage's requirements, and, for an expired
    opportunity, not being expired unless the stage is lost or invalid — seed 003
    « Expirée … Si elle l'est, on doit créer une nouvelle OPP »: moved to a stage that
    does not expire (« Walk-in »), it would lose its expiry instead of being copied."""
    missing = unmet(required, facts)
    if facts.expired and not closes_badly and "not_expired" not in required:
        missing.insert(0, REQUIREMENTS["not_expired"])
    return missing


def move_refusal(stage_name: str, missing: Sequence[Requirement]) -> str:
    """The French message of a refused move."""
    return (f"« {stage_name} » demande, avant d'y entrer : "
            + " ; ".join(r.label.lower() for r in missing) + ".")


TRADE_FIELDS = ("trade_make", "trade_model", "trade_year", "trade_odometer")


def without_trade_in(values: dict) -> dict:
    """« Véhicule de reprise : À remplir seulement si le client a un véhicule d'échange »:
    the values with the trade-in's vehicle cleared when ``has_trade_in`` says none."""
    if "has_trade_in" in values and not values["has_trade_in"]:
        return {**values, **dict.fromkeys(TRADE_FIELDS)}
    return dict(values)


# --- Stages -------------------------------------------------------------------------------

@dataclass(frozen=True)
class StageInfo:
    id: int
    position: int
    won: bool = False
    lost: bool = False
    invalid: bool = False
    required: tuple[str, ...] = ()


def stage_for_meeting(stages: Sequence[StageInfo], current_id: int) -> int | None:
    """Where a new meeting takes the opportunity: « Rendez-vous cédulé : Le client a un
    RDV de planifié » — the first stage requiring a meeting, when the opportunity is in an
    earlier one (Perdu BDC included: the client came back), never out of the bin."""
    ordered = sorted(stages, key=lambda s: s.position)
    current = next(s for s in ordered if s.id == current_id)
    target = next((s for s in ordered if "meeting" in s.required), None)
    if target is None or current.invalid or current.position >= target.position:
        return None
    return target.id


STAMPS = {"sale_date": "Date de vente", "delivery_date": "Date de livraison"}


def stamped_dates(stamps: str | None, today: date, sale_date: date | None,
                  delivery_date: date | None) -> dict[str, date]:
    """« Pris en charge : Vendu (date de vente générée) », « Livré : Livré (date de
    livraison générée) »: the date a stage records on entry, unless already known."""
    current = {"sale_date": sale_date, "delivery_date": delivery_date}
    if stamps in current and current[stamps] is None:
        return {stamps: today}
    return {}


# --- Meetings -----------------------------------------------------------------------------

class Priority(LabelledEnum):
    """« Priorité : Platine … Or … Argent »."""

    PLATINUM = "platinum", "Platine"
    GOLD = "gold", "Or"
    SILVER = "silver", "Argent"


PRIORITY_LABELS = Priority.labels()


def stock_key(raw: str | None) -> str | None:
    """One stock number as compared: no blanks, upper case (« a 1234 » → « A1234 »)."""
    key = re.sub(r"\s+", "", raw or "").upper()
    return key or None


def stock_numbers(raw: str | None) -> tuple[str, ...]:
    """The stock numbers of a meeting, typed separated by commas, semicolons or « / »."""
    keys = (stock_key(part) for part in re.split(r"[,;/]", raw or ""))
    return tuple(dict.fromkeys(k for k in keys if k))


def meeting_priority(deposit: bool, stocks: Sequence[str]) -> str:
    """« Platine : si dépôt ; Or : Si RDV sur stock ; Argent : Si RDV sur plusieurs stock
    ou inventaire »."""
    if deposit:
        return Priority.PLATINUM
    return Priority.GOLD if len(stocks) == 1 else Priority.SILVER


def meeting_subject(first_name: str, stocks: Sequence[str], deposit: bool = False,
                    virtual: bool = False, transfer: bool = False) -> str:
    """« RDV inventaire : PRÉNOM / INVENTAIRE ; RDV sur stock : PRÉNOM / STOCK ; Dépôt :
    DÉPÔT / PRÉNOM / STOCK ; Virtuel : VIRTUEL / PRÉNOM / STOCK ; Transfert : TRANSFERT /
    PRÉNOM / STOCK ». One prefix, the weightiest: a deposit, then virtual, then transfer;
    without a stock the STOCK part reads INVENTAIRE."""
    parts = [(first_name or "").strip().upper(), " + ".join(stocks) or "INVENTAIRE"]
    prefix = "DÉPÔT" if deposit else "VIRTUEL" if virtual else "TRANSFERT" if transfer else None
    return " / ".join([prefix, *parts] if prefix else parts)


# « Perdu BDC : Le client n'a pas été "closé" par le BDC (relance automatique) »: the seed
# gives no delay; the default stage relaunches after 30 days, an admin changes it.
RELAUNCH_DAYS = 30
RELAUNCH_WINDOW_DAYS = 30  # a relaunch missed longer than this (cron down) is dropped


def relaunch_due(entered_on: date, today: date, after_days: int | None) -> bool:
    """The owner is reminded to relaunch the client ``after_days`` days after the
    opportunity entered the stage (and for RELAUNCH_WINDOW_DAYS more, not for ever)."""
    if after_days is None:
        return False
    due = entered_on + timedelta(days=after_days)
    return due <= today < due + timedelta(days=RELAUNCH_WINDOW_DAYS)


FIRST_YEAR, YEARS_AHEAD = 2000, 5


def schedule_error(moment: datetime, today: date) -> str | None:
    """A meeting or a call is set between 2000 and five years from now (a typing slip such
    as « 9999 » is refused rather than stored)."""
    if not FIRST_YEAR <= moment.year <= today.year + YEARS_AHEAD:
        return (f"Indiquez une date entre {FIRST_YEAR} et {today.year + YEARS_AHEAD}.")
    return None


def follow_up_date(meeting_day: date | datetime) -> date:
    """« Date du suivi à faire : le lendemain de la date du rendez-vous *Ne pas oublier de
    changer cette date si le client déplace le RDV* »."""
    day = meeting_day.date() if isinstance(meeting_day, datetime) else meeting_day
    return day + timedelta(days=1)


class DepositKind(LabelledEnum):
    """« Dépôt (Stripe, Carte de crédit BDC ou Virement bancaire) »."""

    STRIPE = "stripe", "Stripe"
    CARD = "card", "Carte de crédit BDC"
    TRANSFER = "transfer", "Virement bancaire"


DEPOSIT_KINDS = DepositKind.labels()


def receipt_missing(deposit_kind: str | None, has_receipt: bool) -> bool:
    """« Si dépôt : Ne pas oublier de mettre le reçu en pièce jointe »."""
    return bool(deposit_kind) and not has_receipt


def unique_addresses(*addresses: str | None, excluded: Iterable[str] = ()) -> tuple[str, ...]:
    """E-mail addresses without blanks nor repeats (case ignored), in order."""
    seen = {a.lower() for a in excluded if a}
    kept = []
    for address in addresses:
        if address and address.lower() not in seen:
            seen.add(address.lower())
            kept.append(address)
    return tuple(kept)


# --- Round robin ("tour de gun RDV") ------------------------------------------------------

def next_in_rotation(members: Sequence[tuple[int, datetime | None]]) -> int | None:
    """« Spécialiste expérience client : À attribuer avec le tour de gun RDV »: among the
    branch's SPEX in rotation order, ``(user id, last meeting assigned at)``, the one who
    never had one comes first, then the one whose last meeting is the oldest. A SPEX chosen
    by hand counts as served, so the rotation stays fair."""
    if not members:
        return None
    order = {user_id: index for index, (user_id, _) in enumerate(members)}
    never = [user_id for user_id, last in members if last is None]
    if never:
        return never[0]
    return min(members, key=lambda m: (m[1], order[m[0]]))[0]


# --- Stock conflicts ----------------------------------------------------------------------

def claims_vehicle(closed_badly: bool, delivered: bool, expired: bool) -> bool:
    """Seed 003 « Règles d'affaire BDC » (« 2 clients simultanément sur le même
    véhicule »): only an active opportunity is after the vehicle — not a lost or invalid
    one, not one delivered (« Livré »), not an expired one (it is copied into a new one)."""
    return not (closed_badly or delivered or expired)


def stock_conflicts(rows: Iterable[tuple]) -> dict[int, list[int]]:
    """Given the active opportunities ``(id, stock key[, copied from id])``, each one
    sharing its stock with another maps to the others' ids — except the one it is a copy
    of (or that copies it): « on doit créer une nouvelle OPP », the same client's case."""
    by_stock: dict[str, list[int]] = {}
    copies: set[frozenset[int]] = set()
    for opportunity_id, key, *copied in rows:
        if key:
            by_stock.setdefault(key, []).append(opportunity_id)
        if copied and copied[0] is not None:
            copies.add(frozenset((opportunity_id, copied[0])))
    conflicts = {}
    for ids in by_stock.values():
        for opportunity_id in ids:
            others = sorted(i for i in ids if i != opportunity_id
                            and frozenset((i, opportunity_id)) not in copies)
            if others:
                conflicts[opportunity_id] = others
    return conflicts


def claim_situation(deposit: bool, on_site: bool, meeting: bool) -> str | None:
    """What the DV reads on both cards of a stock conflict (the seed's rule is cut off
    after « Dépôt BDC vs Rendez-vous présent vs Walk-In naturel »: the app shows the
    situations, the DV decides): a deposit, the client on site (walk-in), a meeting."""
    if deposit:
        return "dépôt"
    if on_site:
        return "client en succursale (walk-in)"
    return "rendez-vous planifié" if meeting else None


# --- Remarks ------------------------------------------------------------------------------

# « Notes par rapport au rendez-vous avec les informations suivantes : »
CHECKLIST = (
    "RDV en concession ou virtuel",
    "Succursale",
    "Date et heure",
    "Véhicule d'intérêt",
    "Échange : oui ou non",
    "Paiement : financement ou cash",
    "Si financement : crédit OK ?",
    "Dépôt : oui ou non",
    "Client demeure à",
    "Toute autre information pertinente pour le SPEX",
)


def remarks_template() -> str:
    """The remarks of a new opportunity: the ten points of the checklist to fill in."""
    return "\n".join(f"{n}. {item} →" for n, item in enumerate(CHECKLIST, 1))


def append_note(remarks: str | None, header: str, note: str) -> str:
    """« Il est extrêmement important d'ajouter vos notes dans la section "Remarques" de
    votre opportunité »: the note appended under a dated header, nothing lost."""
    body = (remarks or "").rstrip()
    entry = f"— {header} —\n{note.strip()}"
    return f"{body}\n\n{entry}\n" if body else f"{entry}\n"


# --- The pipeline's settings (admin screens: stages, types, lost reasons) -----------------

# A stage's nature: the won / lost / invalid flags are mutually exclusive.
class Nature(LabelledEnum):
    """A stage's nature: the won / lost / invalid flags are mutually exclusive."""

    OPEN = "open", "En cours"
    WON = "won", "Gagnée"
    LOST = "lost", "Perdue"
    INVALID = "invalid", "Invalide"


NATURES = Nature.labels()
MAX_EXPIRY_DAYS = 3650


def stage_nature(won: bool, lost: bool, invalid: bool) -> str:
    """The one nature a stage's flags say (the first set wins, as the board reads them)."""
    return "won" if won else "lost" if lost else "invalid" if invalid else "open"


def nature_flags(nature: str) -> dict[str, bool]:
    """The stage's flags for a nature: at most one of won, lost and invalid is set."""
    return {flag: nature == flag for flag in ("won", "lost", "invalid")}


def requirements_text(keys: Iterable[str]) -> str:
    """The stored requirements of a stage, in the order of REQUIREMENTS (the order the
    move dialog asks for what is missing), unknown keys dropped."""
    chosen = set(keys)
    return ",".join(key for key in REQUIREMENTS if key in chosen)


@dataclass(frozen=True)
class StageSettings:
    """What an admin sets on a stage, as the rules read it."""

    nature: str = "open"
    expires_after_days: int | None = None
    required: tuple[str, ...] = ()
    stamps: str | None = None
    relaunch_after_days: int | None = None


def stage_settings_errors(settings: StageSettings) -> dict[str, str]:
    """What is wrong with a stage's settings, by form field (French), or nothing:
    every lost or invalid stage needs a reason (PRODUCT §2); a won stage does not expire;
    a lost or invalid stage neither records a sale or delivery date nor needs a meeting
    (a new meeting would take the opportunity there); a won stage does not ask for a lost
    reason; a date recorded on entry is not also required (the requirement is checked
    before the date is recorded, so the stage would never record it)."""
    errors: dict[str, str] = {}
    closed_badly = settings.nature in ("lost", "invalid")
    required = []
    if closed_badly and "lost_reason" not in settings.required:
        required.append(f"Une étape {NATURES[settings.nature].lower()} exige la « "
                        f"{REQUIREMENTS['lost_reason'].label} » : cochez-la.")
    if settings.nature == "won" and "lost_reason" in settings.required:
        required.append("Une étape gagnée n'exige pas de raison de la perte : décochez-la.")
    if closed_badly and "meeting" in settings.required:
        required.append("Une étape perdue ou invalide n'exige pas de réunion : une nouvelle "
                        "réunion y enverrait l'opportunité.")
    if settings.stamps in STAMPS and settings.stamps in settings.required:
        required.append(f"La « {STAMPS[settings.stamps]} » est enregistrée à l'entrée dans "
                        "l'étape : ne l'exigez pas aussi.")
    if required:
        errors["required"] = " ".join(required)
    if settings.nature == "won" and settings.expires_after_days is not None:
        errors["expires_after_days"] = ("Une étape gagnée n'expire pas : laissez le délai "
                                        "vide.")
    if settings.relaunch_after_days is not None and settings.nature != "lost":
        errors["relaunch_after_days"] = ("Seule une étape perdue relance le gestionnaire "
                                         "(« Perdu BDC : relance automatique »).")
    if closed_badly and settings.stamps:
        errors["stamps"] = ("Une étape perdue ou invalide n'enregistre ni date de vente ni "
                            "date de livraison.")
    return errors


FIRST_STAGE = ("La première étape reçoit les nouvelles opportunités : elle doit être « En "
               "cours », sans champ exigé ni date enregistrée")


def first_stage_error(name: str, settings: StageSettings) -> str | None:
    """« Statut : En traitement »: new opportunities enter the first stage without any
    check, so the first stage is an open one that requires and records nothing."""
    if settings.nature != "open" or settings.required or settings.stamps:
        return f"{FIRST_STAGE} (« {name} » ne l'est pas)."
    return None


def count_label(count: int) -> str:
    """« 1 opportunité », « 3 opportunités »."""
    return f"{count} opportunité{'s' if count > 1 else ''}"


def stage_delete_error(name: str, in_stage: int, stages: int) -> str | None:
    """A stage is deleted only when empty and not the last one."""
    if in_stage:
        return (f"« {name} » contient {count_label(in_stage)} : déplacez-les d'abord vers "
                "une autre étape.")
    if stages <= 1:
        return "C'est la seule étape du pipeline : elle ne peut pas être supprimée."
    return None


def item_delete_error(name: str, used_by: int, items: int, what: str) -> str | None:
    """A type or a lost reason is deleted only when no opportunity uses it and it is not
    the last one (an opportunity needs a type; a lost stage, a reason to choose).
    ``what``: « un type », « une raison de perte »."""
    if used_by:
        return (f"« {name} » est utilisé par {count_label(used_by)} : changez-le d'abord sur "
                "ces opportunités.")
    if items <= 1:
        return f"Il faut au moins {what} : « {name} » ne peut pas être supprimé."
    return None


TAKEN = "Ce nom existe déjà (les majuscules ne comptent pas) : choisissez-en un autre."


def name_taken(name: str, others: Iterable[str]) -> bool:
    """Two names clash when they differ only by case or surrounding blanks."""
    key = name.strip().casefold()
    return any(other.strip().casefold() == key for other in others)
