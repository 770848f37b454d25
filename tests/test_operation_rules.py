"""Rules of commercial operations, from seed 004's own wording."""

from datetime import date
from decimal import Decimal

import pytest

from webapp.operations.rules import (
    ARCHIVED_FOLLOW_UP,
    CONCLUDED_FOLLOW_UP,
    PlanStep,
    Share,
    Status,
    TargetRight,
    actions_refusal,
    allocation,
    allowed_steps,
    can_add_targets,
    can_delete_operation,
    can_delete_step,
    conclusion_error,
    creation_errors,
    dates_error,
    follow_up_closed,
    line_colour,
    missing_mandatory_before,
    operation_status,
    proposed_step,
    record_refusal,
    revive_refusal,
    share_amount,
    share_error,
    split_amount,
    target_right,
    unchecked_mandatory_actions,
)

START, END = date(2026, 1, 1), date(2026, 3, 2)


@pytest.mark.parametrize(("today", "archived", "status"), [
    (date(2025, 12, 31), False, Status.NOT_STARTED),  # « la date de démarrage n'a pas
    (START, False, Status.IN_PROGRESS),               #   encore été atteinte »
    (END, False, Status.IN_PROGRESS),                 # « entre la date de démarrage et
    (date(2026, 3, 3), False, Status.FINISHED),       #   la date de fin » ; « atteinte »
    (date(2026, 3, 3), True, Status.ARCHIVED),
])
def test_operation_status(today, archived, status):
    assert operation_status(START, END, archived, today) == status


def test_dates():
    assert dates_error(START, END) is None and dates_error(START, START) is None
    assert "postérieure" in dates_error(END, START)
    assert "obligatoires" in dates_error(None, END)


def test_minimum_to_create():
    """« au minimum un nom, une date de début et de fin, et au moins une étape (qui devra
    constituer l'étape de vente) »."""
    assert creation_errors("Épargne retraite T1", START, END, 1, True) == []
    assert creation_errors("", START, END, 1, True) == ["Donnez un nom à l'opération."]
    assert creation_errors("X", START, END, 0, False) == ["Définissez au moins une étape."]
    assert creation_errors("X", START, END, 2, False) == ["Choisissez l'étape de vente."]


def test_delete_only_before_any_client_started():
    assert can_delete_operation(0) and not can_delete_operation(1)


def test_archived_operation_takes_no_more_clients():
    assert can_add_targets(False) and not can_add_targets(True)


def test_objective_split_in_euros_and_percent():
    """IMPORT-FORMAT example: 400 000 €, Marc 250 000 €, Léa 37,5 % → 150 000 €."""
    objective = Decimal("400000")
    shares = [Share(amount=Decimal("250000")), Share(percent=Decimal("37.5"))]
    assert share_amount(objective, shares[1]) == Decimal("150000.00")
    result = allocation(objective, shares)
    assert (result.allocated, result.remaining) == (Decimal("400000.00"), Decimal("0.00"))
    # « L'objectif d'un conseiller supprimé est automatiquement attribué à la ligne
    # "Reste à répartir" ».
    assert allocation(objective, shares[:1]).remaining == Decimal("150000")
    assert allocation(objective, []).remaining == objective  # « Tout supprimer »


@pytest.mark.parametrize(("share", "error"), [
    (Share(amount=Decimal(1)), None), (Share(percent=Decimal(50)), None),
    (Share(), "pas les deux"), (Share(Decimal(1), Decimal(1)), "pas les deux"),
    (Share(amount=Decimal(-1)), "négatif"), (Share(percent=Decimal(101)), "entre 0 et 100"),
])
def test_share_errors(share, error):
    assert (share_error(share) is None) if error is None else error in share_error(share)


# Steps: 1 mandatory, 2 optional, 3 mandatory, 4 mandatory.
PLAN = [PlanStep(1, 1, True), PlanStep(2, 2, False), PlanStep(3, 3, True),
        PlanStep(4, 4, True)]


def test_a_missing_mandatory_step_blocks_later_ones():
    """« Aucune étape ne pourra être saisie tant qu'une étape obligatoire préalable est
    manquante »."""
    assert allowed_steps(PLAN, done=set(), recorded=set()) == [1]
    assert [s.id for s in missing_mandatory_before(PLAN, 3, set())] == [1]


def test_a_missing_optional_step_does_not_block():
    """« une étape facultative manquante ne sera pas bloquante »."""
    assert allowed_steps(PLAN, done={1}, recorded={1}) == [2, 3]
    assert allowed_steps(PLAN, done={1, 3}, recorded={1, 3}) == [2, 4]


def test_planned_is_not_validated():
    """« vous devez toujours avoir validé l'étape obligatoire précédente »: planned ≠ done."""
    assert allowed_steps(PLAN, done=set(), recorded={1}) == []


def test_proposed_step_follows_the_last_one_done():
    """« la première étape prévue … ou bien l'étape qui suit celle qui a été réalisée »."""
    assert proposed_step(PLAN, set(), set()) == 1
    assert proposed_step(PLAN, {1}, {1}) == 2
    assert proposed_step(PLAN, {1, 3}, {1, 3}) == 4  # the skipped optional step is behind
    assert proposed_step(PLAN, {1, 2, 3, 4}, {1, 2, 3, 4}) is None


def test_task_cannot_finish_with_an_unchecked_mandatory_action():
    """« interdira de positionner le statut de la tâche sur "Terminée" tant qu'il restera
    au moins une action obligatoire non cochée »."""
    actions = [(10, True), (11, False), (12, True)]
    assert unchecked_mandatory_actions(actions, {10}) == [12]
    assert unchecked_mandatory_actions(actions, {10, 12}) == []


def test_step_deletion_only_while_nobody_validated_it():
    assert can_delete_step(0) and not can_delete_step(2)


@pytest.mark.parametrize(("amount", "success", "positive", "error"), [
    (Decimal("20000"), True, True, None),
    (Decimal("0"), False, False, None),
    (Decimal("-1"), True, True, "négatif"),
    (Decimal("1"), True, False, "n'est pas un succès"),
    (None, True, True, "Indiquez le montant"),  # a success needs its amount
    (None, False, False, None),                 # a refusal may leave it empty
])
def test_conclusion(amount, success, positive, error):
    result = conclusion_error(amount, success, positive)
    assert result is None if error is None else error in result


def test_line_colour():
    """« police verte si … succès … police rouge dans le cas contraire »."""
    assert line_colour(True, True) == "success" and line_colour(True, False) == "failure"
    assert line_colour(False, None) is None


@pytest.mark.parametrize(("amount", "positive", "error"), [
    (Decimal("500"), False, "ne collecte rien"),  # #13.5: « Refus » with an amount
    (Decimal("0"), False, None),
    (None, False, None),
])
def test_a_failure_collects_nothing(amount, positive, error):
    result = conclusion_error(amount, positive, positive)
    assert result is None if error is None else error in result


@pytest.mark.parametrize(("total", "weights", "shares"), [
    (Decimal("100"), [1, 1, 1], ["33.34", "33.33", "33.33"]),
    (Decimal("0.02"), [1, 1, 1], ["0.01", "0.01", "0.00"]),
    (Decimal("10"), [1, 3], ["2.50", "7.50"]),
    (Decimal("1"), [1, 1, 1, 1, 1, 1, 1], ["0.15", "0.15", "0.14", "0.14", "0.14", "0.14",
                                          "0.14"]),
    (Decimal("5"), [], []),
])
def test_split_amount_adds_up_to_the_cent(total, weights, shares):
    """« le montant de la collecte réalisée (montant total) » shared: largest remainder."""
    result = split_amount(total, weights)
    assert result == [Decimal(x) for x in shares]
    assert sum(result, Decimal(0)) == (total if weights else 0)


@pytest.mark.parametrize(("archived", "concluded", "expected"), [
    (False, False, None), (True, False, ARCHIVED_FOLLOW_UP), (False, True, CONCLUDED_FOLLOW_UP),
    (True, True, ARCHIVED_FOLLOW_UP),
])
def test_a_closed_follow_up_takes_no_step_record(archived, concluded, expected):
    """#13.4: an archived operation « ne peut plus être attribuée à un client »; a
    concluded follow-up takes no new step record."""
    assert follow_up_closed(archived, concluded) == expected


def test_record_refusals_quote_the_seed():
    """« Aucune étape ne pourra être saisie tant qu'une étape obligatoire préalable est
    manquante »; a step is recorded once; a cancelled record is not revived beside a live
    one; « … interdira de positionner le statut de la tâche sur "Terminée" »."""
    assert "terminez d'abord l'étape obligatoire « Appel »" in record_refusal("RDV", ["Appel"],
                                                                              False)
    assert "est déjà saisie" in record_refusal("RDV", [], True)
    assert record_refusal("RDV", [], False) is None
    assert "autre saisie en cours" in revive_refusal("RDV", True, True)
    assert revive_refusal("RDV", True, False) is None and revive_refusal("RDV", False, True) is None
    assert "cochez d'abord les actions obligatoires « A », « B »" in actions_refusal(True,
                                                                                 ["A", "B"])
    assert actions_refusal(False, ["A"]) is None and actions_refusal(True, []) is None


@pytest.mark.parametrize(("manages", "runs", "participates", "expected"), [
    (True, False, False, TargetRight.ALL), (False, True, False, TargetRight.ALL),
    (False, False, True, TargetRight.OWN), (False, False, False, None),
])
def test_who_adds_clients(manages, runs, participates, expected):
    """#13.2: an advisor « a la possibilité … d'extraire une liste de clients … afin de
    les ajouter aux opérations auxquelles il participe »."""
    assert target_right(manages, runs, participates) == expected
