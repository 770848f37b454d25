"""The activities' rules, from seed 001's words (slides 26, 27 and 43)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from webapp.activities.appointments.rules import (
    PLACE_MISSING,
    appointment_error,
    next_sequence,
    reminder_task_due,
    to_confirm,
    week_of,
)
from webapp.activities.discovery.rules import TOO_LONG, discovery_error
from webapp.activities.tasks.rules import (
    HAND_BACK_CLOSED,
    HAND_BACK_NO_COMMENT,
    HAND_BACK_NO_ISSUER,
    HAND_BACK_NOT_REJET,
    HAND_BACK_NOT_YOURS,
    REASON_MISSING,
    SUBJECT_MISSING,
    due_state,
    enriched,
    hand_back_error,
    task_error,
)

START = datetime(2031, 3, 4, 9, 30, tzinfo=UTC)
TODAY = date(2031, 1, 1)


# « Combien (3 minimum obligatoires) ? »
@pytest.mark.parametrize("texts, allowed", [
    ({}, False),
    ({"activity": "Fleuriste", "projects": "Site"}, False),
    ({"activity": "Fleuriste", "projects": "Site", "budget": "   "}, False),
    ({"activity": "Fleuriste", "projects": "Site", "budget": "500 €"}, True),
    ({t: "x" for t in ("activity", "customers", "media", "rivals", "projects")}, True),
])
def test_discovery_three_minimum(texts, allowed):
    error = discovery_error(texts)
    assert (error is None) == allowed
    if not allowed:
        assert "3 minimum obligatoires" in error


def test_discovery_text_bounded():
    assert discovery_error({"activity": "x" * 2001, "projects": "a", "budget": "b"}) == TOO_LONG


# « 1) Sélectionnez la tâche contenant le « rejet » 2) Cliquez sur « modifier » Enrichissez
# le contenu du commentaire approprié 3) Modifier l'acteur (vous) en le remplaçant par
# l'émetteur de la tâche 4) Enregistrer »
@pytest.mark.parametrize("kind, status, issuer, assignee, user, comment, expected", [
    ("rejet", "todo", 7, 3, 3, "Bon signé", None),
    ("rejet", "doing", 7, 3, 3, "Bon signé", None),
    ("rejet", "todo", 7, 3, 3, "  ", HAND_BACK_NO_COMMENT),
    ("rejet", "done", 7, 3, 3, "Bon signé", HAND_BACK_CLOSED),
    ("rejet", "todo", None, 3, 3, "Bon signé", HAND_BACK_NO_ISSUER),
    ("rejet", "todo", 7, 3, 4, "Bon signé", HAND_BACK_NOT_YOURS),
    ("task", "todo", 7, 3, 3, "Bon signé", HAND_BACK_NOT_REJET),
])
def test_rejet_hand_back(kind, status, issuer, assignee, user, comment, expected):
    assert hand_back_error(kind, status, issuer, assignee, user, comment) == expected


def test_enriched_keeps_the_reason_and_signs_the_comment():
    at = datetime(2031, 3, 4, 10, 5)
    assert enriched("Signature manquante", " Bon signé ", "Marc Petit", at) == (
        "Signature manquante\n[04/03/2031 10:05 – Marc Petit] Bon signé")
    assert enriched("", "Bon signé", "Marc", at) == "[04/03/2031 10:05 – Marc] Bon signé"


# « Le rejet est une tâche dans le CRM »: a task with its reason.
@pytest.mark.parametrize("subject, kind, notes, expected", [
    ("Appeler", "task", "", None),
    ("", "task", "", SUBJECT_MISSING),
    ("Rejet 42", "rejet", "", REASON_MISSING),
    ("Rejet 42", "rejet", "Signature manquante", None),
])
def test_task_error(subject, kind, notes, expected):
    assert task_error(subject, kind, notes) == expected


def test_due_state():
    now = datetime(2031, 3, 4, 12, 0, tzinfo=UTC)
    end = datetime(2031, 3, 4, 23, 0, tzinfo=UTC)
    assert due_state(now - timedelta(minutes=1), "todo", now, end) == "overdue"
    assert due_state(now + timedelta(hours=1), "doing", now, end) == "today"
    assert due_state(end, "todo", now, end) == "later"
    assert due_state(now - timedelta(days=1), "done", now, end) == "done"


# « suggérer ensuite l'envoi d'un mail de confirmation de rdv 24h avant »
@pytest.mark.parametrize("now, cancelled, due", [
    (START - timedelta(hours=25), False, False),
    (START - timedelta(hours=24), False, True),
    (START - timedelta(hours=1), False, True),
    (START, False, False),
    (START - timedelta(hours=2), True, False),
])
def test_confirmation_24_hours_before(now, cancelled, due):
    assert to_confirm(START, cancelled, now) is due


def test_confirmation_on_the_apps_calendar_across_the_clock_change():
    # 29/03/2031 is the night Paris goes to summer time: 24 h before 10:00 (summer time)
    # on the 30th is 09:00 (winter time) on the 29th, the same UTC instant minus 24 h.
    start = datetime(2031, 3, 30, 8, 0, tzinfo=UTC)  # 10:00 in Paris
    assert to_confirm(start, False, datetime(2031, 3, 29, 8, 0, tzinfo=UTC))
    assert not to_confirm(start, False, datetime(2031, 3, 29, 7, 59, tzinfo=UTC))


# « et dépôt d'une tâche pour s'en souvenir »: the day before.
def test_reminder_task_due_the_day_before():
    assert reminder_task_due(START) == START - timedelta(days=1)


# .ics: SEQUENCE 0 at creation, + 1 on each change the client sees, + 1 on CANCEL.
@pytest.mark.parametrize("before, after, cancelled, expected", [
    ({"starts_at": START}, {"starts_at": START}, False, 2),
    ({"starts_at": START}, {"starts_at": START + timedelta(hours=1)}, False, 3),
    ({"place": "Lyon"}, {"place": "Villeurbanne"}, False, 3),
    ({"subject": "A"}, {"subject": "B"}, False, 3),
    ({}, {}, True, 3),
])
def test_ics_sequence(before, after, cancelled, expected):
    assert next_sequence(2, before, after, cancelled) == expected


@pytest.mark.parametrize("subject, start, duration, virtual, place, expected", [
    ("RDV", START, 60, False, "Lyon", None),
    ("RDV", START, 60, True, "", None),
    ("RDV", START, 60, False, " ", PLACE_MISSING),
    ("", START, 60, False, "Lyon", "Indiquez l'objet du rendez-vous."),
    ("RDV", START, 10, False, "Lyon", "La durée va de 15 à 480 minutes."),
    ("RDV", START.replace(year=2099), 60, False, "Lyon", "Indiquez une date entre 2000 et 2036."),
])
def test_appointment_error(subject, start, duration, virtual, place, expected):
    assert appointment_error(subject, start, duration, virtual, place, TODAY) == expected


def test_week_of():
    assert week_of(date(2031, 3, 5)) == (date(2031, 3, 3), date(2031, 3, 9))
