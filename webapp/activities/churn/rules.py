"""Churn rules (seed 001, slide 40), pure: what a churn must say for its scope.

« LA CHUTE TOTALE : Le client ne souhaite reconduire aucun des produits […] (Il comprend
une date et un motif de chute) » — « LA CHUTE PARTIELLE : Chute d'une gamme de produits
(sous-commande au sens Sésame) » — « LA CHUTE PRODUITS : Chute d'un ou plusieurs
produits »."""

from datetime import date

from webapp.dates import day_error

LABEL_MAX = 120


def churn_error(scope: str, reason: str, day: date | None, *, scopes: set[str],
                reasons: set[str], account_id: int | None, product_id: int | None,
                range_label: str | None, suborder_label: str | None) -> str | None:
    """The French refusal of a churn as given, or None when it may be recorded."""
    if scope not in scopes:
        return "Choisissez le type de chute (totale, partielle ou produit)."
    if day is None:
        return "La date de chute est obligatoire."
    if error := day_error(day):
        return error
    if reason not in reasons:
        return "Choisissez le motif de chute dans la liste."
    for text in (range_label, suborder_label):
        if text and len(text) > LABEL_MAX:
            return f"Un libellé compte au plus {LABEL_MAX} caractères."
    if scope == "total":
        if account_id or product_id or range_label or suborder_label:
            return ("Une chute totale porte sur le client entier : ni compte, ni gamme, "
                    "ni produit, ni sous-commande.")
        return None
    if not account_id and not suborder_label:
        return "Indiquez le compte du client ou la sous-commande de la proposition chutée."
    if scope == "partial" and not range_label and not product_id:
        return "Une chute partielle porte sur une gamme de produits : indiquez-la."
    if scope == "product" and not product_id:
        return "Une chute produit porte sur un produit du catalogue : choisissez-le."
    return None


def already_churned_error(since: date | None) -> str | None:
    """A client already in total churn cannot be churned totally again."""
    if since is None:
        return None
    return f"Le client est déjà en chute totale depuis le {since:%d/%m/%Y}."
