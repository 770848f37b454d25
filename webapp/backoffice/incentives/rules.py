"""Rules of the incentives (seed 000, slide 9 « Incentives : les nouvelles règles »)."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from webapp.numbers import parse_french_decimal

EURO = Decimal(1)


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


SALE_COLUMNS = ("date", "agence", "vendeur", "police", "montant")


@dataclass(frozen=True)
class SaleLine:
    """A policy sold, with its incentive: a line of a sales file, or one entered."""

    sold_on: date | None
    agency: str
    seller: str
    policy: str
    amount: Decimal | None


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


def clean_sale(line: SaleLine) -> SaleLine:
    """The sale with its names on one line each (« Time  Tours » → « Time Tours »)."""
    return SaleLine(line.sold_on, *(" ".join((text or "").split())
                                    for text in (line.agency, line.seller, line.policy)),
                    line.amount)


def sale_error(line: SaleLine) -> str | None:
    """What is wrong with a sale (entered or imported), in the import's words."""
    limits = {"agence": (line.agency, 120), "vendeur": (line.seller, 120),
              "police": (line.policy, 40)}
    for name, (text, _limit) in limits.items():
        if not (text or "").strip():
            return f"{name} manquant"
    for name, (text, limit) in limits.items():
        if len(text) > limit:
            return f"{name} trop long ({limit} caractères au plus)"
    if line.sold_on is None:
        return "date manquante"
    if line.amount is None or not line.amount.is_finite():
        return "montant manquant"
    if line.amount < 0:
        return "montant négatif"
    return None


def parse_sale(row: Mapping[str, str]) -> SaleLine:
    """One line of a sales import (columns SALE_COLUMNS, amounts the French way: « 2,40 »);
    raise ValueError with a French message."""
    texts = {name: " ".join((row.get(name) or "").split()) for name in SALE_COLUMNS}
    names = (texts["agence"], texts["vendeur"], texts["police"])
    if error := sale_error(SaleLine(date.min, *names, Decimal(0))):
        raise ValueError(error)
    amount = _french_decimal(texts["montant"])
    line = SaleLine(_day(texts["date"]), *names, amount)
    if error := sale_error(line):
        raise ValueError(error)
    return line
