"""Pure rules of client files: phone numbers, search keys, advisor situation."""

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

DEFAULT_REGION = "FR"
_NOT_KEY = re.compile(r"[^a-z0-9@.+]+")
_MOBILE = {PhoneNumberType.MOBILE}
_AMBIGUOUS = {PhoneNumberType.FIXED_LINE_OR_MOBILE}


@dataclass(frozen=True)
class Phone:
    e164: str          # +33612345678
    display: str       # +33 6 12 34 56 78
    key: str           # 0612345678: the national digits people type
    is_mobile: bool | None  # None: the numbering plan cannot tell (e.g. +1 numbers)


def parse_phone(raw: str, region: str = DEFAULT_REGION) -> Phone:
    """Parse a phone number as typed; raise ValueError with a French message if invalid."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as error:
        raise ValueError("Numéro de téléphone illisible.") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("Numéro de téléphone invalide.")
    kind = phonenumbers.number_type(number)
    is_mobile = True if kind in _MOBILE else None if kind in _AMBIGUOUS else False
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return Phone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        display=phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
        key=re.sub(r"\D", "", national),
        is_mobile=is_mobile,
    )


def search_key(text: str | None) -> str:
    """Lower case, no accents, punctuation to spaces: `Élodie D'Aubigné` → `elodie d aubigne`."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_NOT_KEY.sub(" ", ascii_text).split())


def name_keys(first_name: str | None, last_name: str | None) -> tuple[str, str]:
    """The two indexed name keys of a client: « last first » and « first last »."""
    return (search_key(f"{last_name or ''} {first_name or ''}"),
            search_key(f"{first_name or ''} {last_name or ''}"))


def phone_query_key(query: str) -> str | None:
    """The national digits a phone search means: `+33 6 12` → `0612`, `06.12` → `0612`.

    None when the query is not a phone number fragment (letters in it, or too short).
    """
    compact = re.sub(r"[\s.\-()/]", "", query)
    if not re.fullmatch(r"\+?\d{2,}", compact):
        return None
    if compact.startswith("+33"):
        return "0" + compact[3:]
    if compact.startswith("0033"):
        return "0" + compact[4:]
    return compact.lstrip("+")


class AdvisorSituation:
    """Seed 002: a client has a present advisor, a new advisor, or none left."""

    PRESENT = "Conseiller présent"
    NEW = "Nouveau conseiller"
    NONE = "Aucun conseiller"


def advisor_situation(has_advisor: bool, advisor_active: bool, former_advisors: int) -> str:
    """Present: the advisor who made the contract; new: one who took over after a former
    advisor; none: no advisor, or the advisor has left the firm (account deactivated)."""
    if not has_advisor or not advisor_active:
        return AdvisorSituation.NONE
    return AdvisorSituation.NEW if former_advisors else AdvisorSituation.PRESENT


PLACEHOLDER_NAMES = {"unknown", "undefined", "inconnu", "inconnue", "null", "none", "n a",
                     "test", "xxx"}


def is_placeholder_name(name: str | None) -> bool:
    """Seed 003: never `Unknown`/`Undefined` where the client's real name belongs."""
    return search_key(name) in PLACEHOLDER_NAMES


PLACEHOLDER = "Saisissez le vrai nom du client (pas « Unknown » ni « Undefined »)."
SELF_REFERRAL = "Un client ne peut pas se recommander lui-même."


def name_error(name: str | None) -> str | None:
    """A client's name is their real name (seed 003), never a placeholder."""
    return PLACEHOLDER if is_placeholder_name(name) else None


def referral_error(client_id: int | None, referrer_id: int | None) -> str | None:
    """Nobody recommends themself."""
    return SELF_REFERRAL if client_id is not None and client_id == referrer_id else None
