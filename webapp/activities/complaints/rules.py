"""Complaint rules (seed 001, slide 44), pure.

« Enrichir le millésime, le N° de commande et décrire la réclamation » — « Le millésime
et le n° de commande doivent être impérativement enrichis » — « Rédiger un commentaire
factuel […] Il ne doit pas comprendre d'informations personnelles sur le client » —
« Signaler une réclamation client par un seul canal […] (ne pas formuler plusieurs fois la
même demande) »."""

import re

VINTAGE_MIN, VINTAGE_MAX = 1990, 2100
ORDER_MAX = 30
COMMENT_MAX = 5000

# The statuses a complaint goes through, and the moves allowed from each (« traitée » may
# go back « en cours » when the client is not satisfied; « close » is final).
MOVES = {
    "filed": ("in_progress", "processed", "closed"),
    "in_progress": ("processed", "closed"),
    "processed": ("in_progress", "closed"),
    "closed": (),
}
OPEN = frozenset({"filed", "in_progress", "processed"})

_SEPARATORS = re.compile(r"[\s.-]")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# French numbers (0X XX XX XX XX, +33 X XX…, 0033…), separators space, dot or dash.
_PHONE = re.compile(r"(?<!\d)(?:\+33|0033|0)\s?[1-9](?:[\s.-]?\d{2}){4}(?!\d)")


def complaint_error(vintage: int | None, order_number: str | None, comment: str | None,
                    origin: str, origins: set[str]) -> str | None:
    """The French refusal of a complaint as typed, None when it may be filed."""
    if vintage is None:
        return "Le millésime est obligatoire."
    if not VINTAGE_MIN <= vintage <= VINTAGE_MAX:
        return f"Le millésime est une année entre {VINTAGE_MIN} et {VINTAGE_MAX}."
    if not (order_number or "").strip():
        return "Le n° de commande est obligatoire."
    if len(order_number.strip()) > ORDER_MAX:
        return f"Le n° de commande compte au plus {ORDER_MAX} caractères."
    if not (comment or "").strip():
        return "Décrivez la réclamation (un commentaire factuel)."
    if len(comment) > COMMENT_MAX:
        return f"Le commentaire compte au plus {COMMENT_MAX} caractères."
    if origin not in origins:
        return "Choisissez l'origine de la réclamation dans la liste."
    return None


def open_key(client_id: int, order_number: str) -> str:
    """The key of « one open complaint per client and order »: the order number without
    spaces, dots or dashes, in capitals (« 2015 / 123-45 » is « 2015/12345 »)."""
    return f"{client_id}:{_SEPARATORS.sub('', order_number).upper()}"


def is_open(status: str) -> bool:
    return status in OPEN


def move_error(current: str, new: str) -> str | None:
    """May a complaint go from ``current`` to ``new``?"""
    if new == current:
        return "La réclamation a déjà ce statut."
    if new not in MOVES.get(current, ()):
        return "Ce changement de statut n'est pas possible : une réclamation close est finale."
    return None


def _digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    for prefix in ("0033", "33"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 9:
            return "0" + digits[len(prefix):]
    return digits


def foreign_contacts(comment: str, client_emails: set[str], client_phones: set[str]
                     ) -> list[str]:
    """The e-mail addresses and phone numbers written in ``comment`` that are not the
    client's own (someone else's personal data: the comment must not hold any)."""
    own_emails = {e.lower() for e in client_emails if e}
    own_phones = {_digits(p) for p in client_phones if p}
    found = [m.group(0) for m in _EMAIL.finditer(comment or "")
             if m.group(0).lower() not in own_emails]
    found += [m.group(0) for m in _PHONE.finditer(comment or "")
              if _digits(m.group(0)) not in own_phones]
    return list(dict.fromkeys(found))


def contacts_warning(found: list[str]) -> str | None:
    """The warning shown before saving a comment holding someone else's contact details."""
    if not found:
        return None
    return ("Le commentaire contient des coordonnées qui ne sont pas celles du client ("
            + ", ".join(found) + ") : le client peut lire la réclamation (CNIL), ne citez "
            "que des faits. Retirez-les ou confirmez l'enregistrement.")
