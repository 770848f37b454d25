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
