"""Rules of the booklets (seed 000, slide 8 « La distribution des livrets »)."""

from datetime import date, timedelta

from babel.numbers import format_decimal

from webapp.choices import LabelledEnum

# « Contrats disponibles sur Logimail actuellement » and « Contrats non disponibles ».
BOOKLET_CONTRACTS = (
    ("ASSUR PLUS (AMB + FA)", True), ("INTEGRAL", True),
    ("ACTIVE MUTUAIDE + SA (pour le run of)", True), ("SECUR PLUS", True),
    ("ACTIVE ALLIANZ", False), ("MISSION PRO", False),
    ("LOOK PROTECTION PLUS / LOOK ASSUR", False), ("FRAM ASSUR", False),
)


class Channel(LabelledEnum):
    """How an agency orders its booklets."""

    LOGIMAIL = "logimail", "Logimail"
    BO = "bo", "Back-office"


CHANNEL_LABELS = Channel.labels()


def booklet_channel(on_logimail: bool, groupist: bool) -> str:
    """« Via le BO : pour les groupistes seulement ; pour les agences dont le produit n'est
    pas disponible sur Logimail » — otherwise the agency orders on Logimail."""
    return Channel.BO if groupist or not on_logimail else Channel.LOGIMAIL


def _number(value: int) -> str:
    """A count written the French way (« 1 200 »), as the screens write it."""
    return format_decimal(value, locale="fr_FR")


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
        return (f"Quota annuel dépassé : il reste {_number(max(left, 0))} livret"
                f"{'s' if left > 1 else ''} sur {_number(yearly_quota)} cette année.")
    if last_order is not None:
        ready = next_order_date(last_order[0], last_order[1], yearly_quota)
        if today < ready:
            return ("Trop tôt depuis la commande précédente : prochaine commande possible le "
                    f"{ready:%d/%m/%Y}.")
    return None
