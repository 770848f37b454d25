"""Quote rules (seed 001, slide 27 « le devis »), pure: the HT/TTC rounding and the
status moves (brouillon → envoyé → accepté ou refusé)."""

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

CENT = Decimal("0.01")
QUANTITY_MAX = 9999
TITLE_MAX = 160
VALIDITY_DAYS = 30  # the validity offered by default

MOVES = {"draft": ("sent",), "sent": ("accepted", "refused"), "accepted": (), "refused": ()}


class Amounts(NamedTuple):
    ht: Decimal
    vat: Decimal
    ttc: Decimal


def to_cents(value: Decimal) -> Decimal:
    """Rounded to the cent, half up (0,005 € → 0,01 €), as invoices are."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amounts(quantity: int, unit_price_ht: Decimal, vat_rate: Decimal) -> Amounts:
    """A line's HT (quantity × unit price, rounded to the cent), its VAT (the rounded HT ×
    the rate, rounded to the cent) and its TTC (HT + VAT): each line is rounded once, so
    the printed lines add up to the printed totals."""
    ht = to_cents(Decimal(quantity) * Decimal(unit_price_ht))
    vat = to_cents(ht * Decimal(vat_rate) / Decimal(100))
    return Amounts(ht, vat, ht + vat)


def quote_totals(lines: Iterable[Amounts]) -> Amounts:
    """The quote's totals: the sums of its lines' rounded amounts."""
    ht = vat = Decimal("0.00")
    for line in lines:
        ht, vat = ht + line.ht, vat + line.vat
    return Amounts(ht, vat, ht + vat)


def line_error(quantity: int | None, editable: bool) -> str | None:
    if not editable:
        return "Le devis a été envoyé : ses lignes ne changent plus."
    if quantity is None or not 1 <= quantity <= QUANTITY_MAX:
        return f"La quantité est un nombre entier de 1 à {QUANTITY_MAX}."
    return None


def validity_error(valid_until: date | None, today: date) -> str | None:
    if valid_until is None:
        return "La date de validité est obligatoire."
    if valid_until < today:
        return "La date de validité est passée : choisissez aujourd'hui ou plus tard."
    return None


def move_error(current: str, new: str, *, lines: int, has_email: bool, valid_until: date,
               today: date) -> str | None:
    """May a quote go from ``current`` to ``new``?"""
    if new not in MOVES.get(current, ()):
        return {"accepted": "Ce devis est accepté : sa réponse est définitive.",
                "refused": "Ce devis est refusé : sa réponse est définitive."}.get(
            current, "Ce changement de statut n'est pas possible.")
    if new == "sent":
        if not lines:
            return "Ajoutez au moins une ligne avant d'envoyer le devis."
        if not has_email:
            return "La fiche du client n'a pas d'e-mail : le devis ne peut pas lui être envoyé."
    if new in ("sent", "accepted") and valid_until < today:
        return f"Le devis a expiré le {valid_until:%d/%m/%Y}."
    return None
