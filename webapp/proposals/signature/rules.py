"""The e-signature's rules, pure (seed 001, slides 37 and 39): what signing requires, the
IBAN of the direct-debit mandate, the one-time code (expiry, five tries)."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from stdnum import iban as stdnum_iban

MAX_TRIES = 5
CODE_DIGITS = 6


@dataclass(frozen=True)
class SigningFacts:
    """What the signature needs of the client and of the form."""

    address: str | None
    postal_code: str | None
    city: str | None
    mobile: str | None
    email: str | None
    billing: str
    iban: str | None


def clean_iban(value: str | None) -> str:
    """« fr76 3000 6000 … » as « FR763000600 … » (spaces and dashes out, upper case)."""
    return stdnum_iban.compact(value or "")


def iban_error(value: str | None) -> str | None:
    """The mandate's IBAN: ISO 13616 (country, length, check digits) by python-stdnum."""
    if not clean_iban(value):
        return "Saisissez l'IBAN du compte à prélever (autorisation de prélèvement)."
    if not stdnum_iban.is_valid(value):
        return "Cet IBAN n'est pas valide : vérifiez le pays, la longueur et la clé."
    return None


def mobile_error(value: str | None) -> str | None:
    """The code goes by SMS: a mobile number (French by default)."""
    try:
        number = phonenumbers.parse(value or "", "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return "Saisissez le numéro de mobile du client (le code lui est envoyé par SMS)."
    if phonenumbers.number_type(number) not in (phonenumbers.PhoneNumberType.MOBILE,
                                                phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return "Ce numéro n'est pas un mobile : le code est envoyé par SMS."
    return None


def signing_errors(facts: SigningFacts) -> dict[str, str]:
    """Slide 37: « Adresse du client OBLIGATOIRE », the mobile for the SMS code, the
    mandate's IBAN; slide 39: the e-invoice needs the client's e-mail. {field: message}."""
    errors = {}
    if not all((part or "").strip() for part in (facts.address, facts.postal_code, facts.city)):
        errors["address"] = ("L'adresse postale du client est obligatoire pour signer : "
                             "complétez la fiche client (adresse, code postal, ville).")
    if error := mobile_error(facts.mobile):
        errors["mobile"] = error
    if facts.billing == "email" and not (facts.email or "").strip():
        errors["billing"] = ("La facture électronique demande l'adresse e-mail du client : "
                             "complétez la fiche client ou choisissez la facture papier.")
    if error := iban_error(facts.iban):
        errors["iban"] = error
    return errors


def code_digest(secret: str, proposal_id: int, code: str) -> str:
    """The code as stored: an HMAC, never the code itself."""
    message = f"{proposal_id}:{code.strip()}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def code_error(now: datetime, expires_at: datetime | None, tries: int, matches: bool) -> str | None:
    """The one-time code: sent, not expired, five tries at most, the right one."""
    if expires_at is None:
        return "Envoyez d'abord le code par SMS au client."
    if tries >= MAX_TRIES:
        return "Cinq codes erronés : envoyez un nouveau code au client."
    if now >= expires_at:
        return "Le code a expiré : envoyez un nouveau code au client."
    if not matches:
        left = MAX_TRIES - tries - 1
        if left <= 0:
            return "Code erroné, plus aucun essai : envoyez un nouveau code au client."
        return f"Code erroné : il reste {left} essai{'s' if left > 1 else ''}."
    return None


def content_hash(lines: list[str]) -> str:
    """The SHA-256 of the order form's content (one line per fact, in order): printed on
    the signed PDF, so that any later change of the order is visible."""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
