"""Rules of commercial gestures (seed 000, slide 10)."""

from collections.abc import Iterable
from decimal import Decimal

from webapp.choices import LabelledEnum


class GestureStatus(LabelledEnum):
    """Where a gesture stands: asked, decided, then processed by the BO."""

    REQUESTED = "requested", "À valider"
    VALIDATED = "validated", "Validé"
    REFUSED = "refused", "Refusé"
    PROCESSED = "processed", "Traité, réponse envoyée"


GESTURE_LABELS = GestureStatus.labels()
# « Le montant de chaque geste est comptabilisé »: the gestures granted.
COUNTED_GESTURES = (GestureStatus.VALIDATED, GestureStatus.PROCESSED)


# The agency's proofs of one gesture: a few documents, not a file share (one gesture was
# sent with 300).
MAX_EVIDENCE = 10


def gesture_error(amount: Decimal | None, evidence_count: int) -> str | None:
    """« traités … selon les justificatifs communiqués par les agences »."""
    if amount is None or amount <= 0:
        return "Indiquez le montant du geste (positif)."
    if evidence_count < 1:
        return "Joignez au moins un justificatif de l'agence."
    if evidence_count > MAX_EVIDENCE:
        return (f"Joignez au plus {MAX_EVIDENCE} justificatifs : regroupez-les dans un PDF "
                "si besoin.")
    return None


def decision_error(user_id: int, validator_ids: Iterable[int], requester_id: int,
                   status: str) -> str | None:
    """« Les gestes commerciaux sont traités par le BO après validation de David »: only a
    designated validator decides, never on a gesture they asked for, once."""
    if user_id not in set(validator_ids):
        return "Seul le responsable désigné valide les gestes commerciaux."
    if user_id == requester_id:
        return "Vous ne pouvez pas valider un geste que vous avez demandé."
    if status != GestureStatus.REQUESTED:
        return "Ce geste a déjà été décidé."
    return None


def processing_error(is_bo: bool, status: str, agency_email: str | None) -> str | None:
    """The BO processes a validated gesture: « La réponse est adressée à l'agence avec en
    copie le commercial »."""
    if not is_bo:
        return "Le traitement des gestes revient au back-office."
    if status != GestureStatus.VALIDATED:
        return "Seul un geste validé peut être traité."
    if not agency_email:
        return "La fiche de l'agence n'a pas d'e-mail : complétez-la pour lui répondre."
    return None
