"""Pure rules of commercial operations (seed 004, "Mise en place" and "Exploitation").

Each rule is used by the screens (forms, routes) and by `flask data import` alike.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from webapp.choices import LabelledEnum

CENT = Decimal("0.01")


# --- Operation -------------------------------------------------------------------------

class Status(LabelledEnum):
    """An operation's status (seed 004: « non démarrées, en cours, terminées, archivées »)."""

    NOT_STARTED = "not_started", "Non démarrée"
    IN_PROGRESS = "in_progress", "En cours"
    FINISHED = "finished", "Terminée"
    ARCHIVED = "archived", "Archivée"


STATUS_LABELS = {status: status.label for status in Status}


def operation_status(start: date, end: date, archived: bool, today: date) -> str:
    """« Non démarrées : la date de démarrage n'a pas encore été atteinte ; en cours :
    entre la date de démarrage et la date de fin ; terminées : la date de fin a été
    atteinte ; archivées : terminées et archivées »."""
    if archived:
        return Status.ARCHIVED
    if today < start:
        return Status.NOT_STARTED
    return Status.IN_PROGRESS if today <= end else Status.FINISHED


def dates_error(start: date | None, end: date | None) -> str | None:
    """« Vous devez préciser la date de début … ainsi que la date de fin », end ≥ start."""
    if start is None or end is None:
        return "Les dates de début et de fin sont obligatoires."
    if end < start:
        return "La date de fin doit être postérieure ou égale à la date de début."
    return None


# The plan of an operation fits a 64-bit mask (webapp/operations/progress.py).
MAX_STEPS = 62


def steps_error(count: int) -> str | None:
    """More steps than a plan holds."""
    return f"Une opération compte au plus {MAX_STEPS} étapes." if count > MAX_STEPS else None


def creation_errors(name: str | None, start: date | None, end: date | None, steps: int,
                    sale_step_chosen: bool) -> list[str]:
    """« Vous devez au minimum lui donner un nom, renseigner une date de début et de fin,
    et définir au moins une étape (qui devra constituer l'étape de vente) »."""
    errors = []
    if not (name or "").strip():
        errors.append("Donnez un nom à l'opération.")
    if error := dates_error(start, end):
        errors.append(error)
    if steps < 1:
        errors.append("Définissez au moins une étape.")
    elif error := steps_error(steps):
        errors.append(error)
    elif not sale_step_chosen:
        errors.append("Choisissez l'étape de vente.")
    return errors


def can_delete_operation(started_targets: int) -> bool:
    """« supprimer une opération à la condition que celle-ci n'ait pas débuté auprès des
    clients (contact pris auprès du client via une étape) »."""
    return started_targets == 0


def can_add_targets(archived: bool) -> bool:
    """An archived operation « ne peut plus être attribuée à un client »."""
    return not archived


class TargetRight(LabelledEnum):
    """Which clients a user puts in an operation."""

    ALL = "all", "Tous les clients qu'il voit"
    OWN = "own", "Ses propres clients"


def target_right(manages: bool, runs: bool, participates: bool) -> str | None:
    """Who puts clients in an operation: the right « gestion des opérations », its
    creator or its responsible, any client they see; an advisor « a la possibilité …
    d'extraire une liste de clients … afin de les ajouter aux opérations auxquelles il
    participe » (a share of its objective, or clients in it): their own clients."""
    if manages or runs:
        return TargetRight.ALL
    return TargetRight.OWN if participates else None


# --- Objective split over advisors ------------------------------------------------------

@dataclass(frozen=True)
class Share:
    amount: Decimal | None = None
    percent: Decimal | None = None


def share_amount(objective: Decimal | None, share: Share) -> Decimal:
    """An advisor's objective in €: given in €, or as a % of the operation's objective."""
    if share.amount is not None:
        return share.amount
    if share.percent is not None and objective is not None:
        return (objective * share.percent / 100).quantize(CENT, ROUND_HALF_UP)
    return Decimal(0)


@dataclass(frozen=True)
class Allocation:
    allocated: Decimal
    remaining: Decimal  # « Reste à répartir »; negative when over-allocated


def allocation(objective: Decimal | None, shares: Iterable[Share]) -> Allocation:
    """« En bas du tableau figurent la somme totale qui a été répartie ainsi que le montant
    restant à répartir »; a removed advisor's share returns to the remainder."""
    allocated = sum((share_amount(objective, s) for s in shares), Decimal(0))
    return Allocation(allocated=allocated, remaining=(objective or Decimal(0)) - allocated)


def share_error(share: Share) -> str | None:
    if (share.amount is None) == (share.percent is None):
        return "Indiquez l'objectif du conseiller en € ou en %, pas les deux."
    if share.amount is not None and share.amount < 0:
        return "Le montant ne peut pas être négatif."
    if share.percent is not None and not 0 <= share.percent <= 100:
        return "Le pourcentage doit être compris entre 0 et 100."
    return None


# --- Steps and the per-client timeline --------------------------------------------------

@dataclass(frozen=True)
class PlanStep:
    id: int
    position: int
    mandatory: bool


def missing_mandatory_before(plan: Sequence[PlanStep], step_id: int,
                             done: set[int]) -> list[PlanStep]:
    """The mandatory steps placed before ``step_id`` that are not done: « Aucune étape ne
    pourra être saisie tant qu'une étape obligatoire préalable est manquante … une étape
    facultative manquante ne sera pas bloquante »."""
    position = next(s.position for s in plan if s.id == step_id)
    return [s for s in plan if s.position < position and s.mandatory and s.id not in done]


def allowed_steps(plan: Sequence[PlanStep], done: set[int], recorded: set[int]) -> list[int]:
    """The steps « Ajouter » offers: not recorded yet, and no earlier mandatory step
    missing."""
    return [s.id for s in sorted(plan, key=lambda s: s.position)
            if s.id not in recorded and not missing_mandatory_before(plan, s.id, done)]


def proposed_step(plan: Sequence[PlanStep], done: set[int], recorded: set[int]) -> int | None:
    """« La première étape prévue … ou bien l'étape qui suit celle qui a été réalisée
    précédemment »: the first allowed step after the furthest recorded one."""
    ordered = sorted(plan, key=lambda s: s.position)
    reach = max((s.position for s in ordered if s.id in recorded), default=0)
    allowed = set(allowed_steps(plan, done, recorded))
    return next((s.id for s in ordered if s.position > reach and s.id in allowed), None)


def unchecked_mandatory_actions(actions: Iterable[tuple[int, bool]],
                                checked: set[int]) -> list[int]:
    """« O2S vous interdira de positionner le statut de la tâche sur "Terminée" tant qu'il
    restera au moins une action obligatoire non cochée »: the ids still missing."""
    return [action_id for action_id, mandatory in actions
            if mandatory and action_id not in checked]


def _names(items: Iterable[str]) -> str:
    return ", ".join(f"« {name} »" for name in items)


ARCHIVED_FOLLOW_UP = ("Cette opération est archivée : son suivi est clos, aucune étape ne "
                      "peut plus y être saisie.")
CONCLUDED_FOLLOW_UP = ("Ce suivi est conclu : rouvrez-le avant de saisir ou de modifier une "
                       "étape.")


def follow_up_closed(archived: bool, concluded: bool) -> str | None:
    """Seed 004: an archived operation « ne peut plus être attribuée à un client » (its
    follow-up is closed), and a concluded follow-up takes no new step record (the step
    figures would change after the conclusion): why a record is refused, or None."""
    if archived:
        return ARCHIVED_FOLLOW_UP
    if concluded:
        return CONCLUDED_FOLLOW_UP
    return None


def record_refusal(step_name: str, missing: Sequence[str], already_recorded: bool) -> str | None:
    """« Aucune étape ne pourra être saisie tant qu'une étape obligatoire préalable est
    manquante »; a step is recorded once (its record is modified or cancelled)."""
    if missing:
        word = "l'étape obligatoire" if len(missing) == 1 else "les étapes obligatoires"
        return (f"Impossible de saisir l'étape « {step_name} » : terminez d'abord "
                f"{word} {_names(missing)}.")
    if already_recorded:
        return (f"L'étape « {step_name} » est déjà saisie : modifiez-la dans le suivi ou "
                "annulez-la.")
    return None


def revive_refusal(step_name: str, cancelled: bool, live_beside: bool) -> str | None:
    """Editing a cancelled record while another record of the same step is live would
    make two live records of one step: refused (the live one is the one to change)."""
    if cancelled and live_beside:
        return (f"L'étape « {step_name} » a une autre saisie en cours : modifiez celle-ci "
                "plutôt que la saisie annulée.")
    return None


def actions_refusal(done: bool, unchecked_labels: Sequence[str]) -> str | None:
    """« O2S vous interdira de positionner le statut de la tâche sur "Terminée" tant qu'il
    restera au moins une action obligatoire non cochée »."""
    if not done or not unchecked_labels:
        return None
    word = "l'action obligatoire" if len(unchecked_labels) == 1 else "les actions obligatoires"
    return (f"La tâche ne peut pas être « Terminée » : cochez d'abord {word} "
            f"{_names(unchecked_labels)}.")


def can_delete_step(validated_records: int) -> bool:
    """« Il est possible de supprimer une étape si aucun conseiller n'a encore validé cette
    étape dans le suivi de ses clients »."""
    return validated_records == 0


# --- Conclusion ---------------------------------------------------------------------------

def conclusion_error(amount: Decimal | None, success: bool, kind_positive: bool) -> str | None:
    """The collected amount is ≥ 0, given for a success (« le montant de la collecte
    réalisé ») and none for a failure; success is what the conclusion kind says (Vente
    and Signature are successes; Refus and Sans décision are not)."""
    if amount is not None and amount < 0:
        return "Le montant collecté ne peut pas être négatif."
    if success and kind_positive and amount is None:
        return "Indiquez le montant collecté pour une conclusion positive."
    if success != kind_positive:
        return ("Cette conclusion est un succès." if kind_positive
                else "Cette conclusion n'est pas un succès.")
    if not kind_positive and amount:
        # Seed 004 counts « le montant de la collecte réalisée » for successes only: a
        # refusal with an amount is refused (not forced to 0), so nothing typed is lost.
        return ("Une conclusion sans succès ne collecte rien : laissez le montant vide "
                "(ou 0).")
    return None


def split_amount(total: Decimal, weights: Sequence[int | Decimal]) -> list[Decimal]:
    """« le montant de la collecte réalisée (montant total) » shared over clients in
    proportion to ``weights`` (all 1: equal shares), in cents, by the largest remainder:
    each gets the floor of its exact share, then the cents left go to the largest
    remainders (the first ones on a tie), so the shares add up to ``total`` exactly."""
    if not weights:
        return []
    cents = int((total / CENT).to_integral_value(ROUND_HALF_UP))
    weight_sum = sum(Decimal(w) for w in weights)
    if weight_sum == 0:
        weights, weight_sum = [1] * len(weights), Decimal(len(weights))
    exact = [Decimal(cents) * Decimal(w) / weight_sum for w in weights]
    floors = [int(x) for x in exact]
    left = cents - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(n) * CENT for n in floors]


def line_colour(concluded: bool, success: bool | None) -> str | None:
    """« la ligne … apparaît en police verte si l'opération s'est terminée avec succès …
    ou bien en police rouge dans le cas contraire »."""
    if not concluded:
        return None
    return "success" if success else "failure"
