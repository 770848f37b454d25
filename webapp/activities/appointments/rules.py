"""Pure rules of appointments (seed 001, slide 26: « Pour verrouiller son rdv on invite
son client […] l'envoi d'un mail de confirmation de rdv 24h avant et dépôt d'une tâche
pour s'en souvenir »)."""

from datetime import date, datetime, timedelta

from webapp.notifications.rules import CONFIRMATION_AHEAD, confirmation_due
from webapp.opportunities.rules import schedule_error

SUBJECT_MAX = 200
DURATION_MIN, DURATION_MAX = 15, 480
SUBJECT_MISSING = "Indiquez l'objet du rendez-vous."
PLACE_MISSING = "Indiquez le lieu du rendez-vous, ou cochez « Rendez-vous virtuel »."
DURATION_WRONG = f"La durée va de {DURATION_MIN} à {DURATION_MAX} minutes."
CANCELLED_ALREADY = "Ce rendez-vous est déjà annulé."
# What the client sees in the invitation: a change of one of these re-sends it.
INVITED_FIELDS = ("subject", "starts_at", "duration_minutes", "virtual", "place")


def appointment_error(subject: str, starts_at: datetime, duration_minutes: int,
                      virtual: bool, place: str | None, today: date) -> str | None:
    """An appointment has a subject, a date between 2000 and five years ahead, a duration
    of 15 minutes to 8 hours, and a place unless it is virtual."""
    if not (subject or "").strip():
        return SUBJECT_MISSING
    if len(subject.strip()) > SUBJECT_MAX:
        return f"L'objet tient en {SUBJECT_MAX} caractères au plus."
    if error := schedule_error(starts_at, today):
        return error
    if not DURATION_MIN <= duration_minutes <= DURATION_MAX:
        return DURATION_WRONG
    if not virtual and not (place or "").strip():
        return PLACE_MISSING
    return None


def next_sequence(sequence: int, before: dict, after: dict, cancelled: bool) -> int:
    """The invitation's SEQUENCE: 0 at creation, + 1 each time the client must be told
    again (a change of what the invitation shows, or the cancellation), unchanged else."""
    changed = any(before.get(name) != after.get(name) for name in INVITED_FIELDS)
    return sequence + 1 if changed or cancelled else sequence


def reminder_task_due(starts_at: datetime) -> datetime:
    """« dépôt d'une tâche pour s'en souvenir »: the task « confirmer le RDV » falls due
    the day before, at the appointment's time (24 h before, as the e-mail)."""
    return starts_at - CONFIRMATION_AHEAD


def confirmation_window(now: datetime) -> tuple[datetime, datetime]:
    """The starts of the appointments whose confirmation is due at ``now``: the next
    24 hours (``notifications.rules.confirmation_due``)."""
    return now, now + CONFIRMATION_AHEAD


def to_confirm(starts_at: datetime, cancelled: bool, now: datetime) -> bool:
    """A planned appointment is confirmed to the client in the 24 hours before it."""
    return not cancelled and confirmation_due(starts_at, now)


def week_of(day: date) -> tuple[date, date]:
    """The agenda's week: Monday to Sunday around ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)
