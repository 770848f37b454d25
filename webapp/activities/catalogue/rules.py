"""Catalogue rules, pure: what a product must say."""

from decimal import Decimal

KEY_MAX, LABEL_MAX, RANGE_MAX = 80, 200, 120


def product_error(key: str, label: str, unit_price_ht: Decimal | None,
                  vat_rate: Decimal | None) -> str | None:
    if not (key or "").strip() or len(key) > KEY_MAX:
        return f"La référence est obligatoire ({KEY_MAX} caractères au plus)."
    if not (label or "").strip() or len(label) > LABEL_MAX:
        return f"Le libellé est obligatoire ({LABEL_MAX} caractères au plus)."
    if unit_price_ht is None or unit_price_ht < 0:
        return "Le prix unitaire HT est obligatoire (0 ou plus)."
    if vat_rate is None or not Decimal(0) <= vat_rate <= Decimal(100):
        return "Le taux de TVA est un pourcentage de 0 à 100."
    return None
