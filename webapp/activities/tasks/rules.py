"""Pure rules of tasks and rejets (seed 001, slides 26 and 43)."""

from datetime import datetime

from webapp.activities.tasks.models import TaskKind, TaskStatus

SUBJECT_MAX = 200
SUBJECT_MISSING = "Indiquez l'objet de la tâche."
SUBJECT_TOO_LONG = f"L'objet tient en {SUBJECT_MAX} caractères au plus."
REASON_MISSING = "Un rejet indique son motif (« le rejet est une tâche » : dites pourquoi)."
HAND_BACK_NOT_REJET = "Seul un rejet se rend à son émetteur."
HAND_BACK_NO_ISSUER = "Ce rejet n'a pas d'émetteur à qui le rendre."
HAND_BACK_CLOSED = "Ce rejet est déjà terminé."
HAND_BACK_NO_COMMENT = ("Enrichissez le commentaire avant de rendre le rejet « Enrichissez le "
                        "contenu du commentaire approprié ».")
HAND_BACK_NOT_YOURS = "Seul le commercial à qui le rejet est confié peut le traiter."


def task_error(subject: str, kind: str, notes: str) -> str | None:
    """What is wrong with a new task: a subject (at most 200 characters); a rejet carries
    its reason in the notes."""
    subject = (subject or "").strip()
    if not subject:
        return SUBJECT_MISSING
    if len(subject) > SUBJECT_MAX:
        return SUBJECT_TOO_LONG
    if kind == TaskKind.REJET and not (notes or "").strip():
        return REASON_MISSING
    return None


def hand_back_error(kind: str, status: str, issuer_id: int | None, assignee_id: int,
                    user_id: int, comment: str) -> str | None:
    """Slide 43, « Le Traitement d'une commande en rejet »: 1) select the rejet, 2) modify,
    enrich the comment, 3) replace the actor (you) by the task's issuer, 4) save. Allowed
    for the rep it is assigned to, on an open rejet with an issuer, with a comment."""
    if kind != TaskKind.REJET:
        return HAND_BACK_NOT_REJET
    if status == TaskStatus.DONE:
        return HAND_BACK_CLOSED
    if issuer_id is None:
        return HAND_BACK_NO_ISSUER
    if assignee_id != user_id:
        return HAND_BACK_NOT_YOURS
    if not (comment or "").strip():
        return HAND_BACK_NO_COMMENT
    return None


def enriched(notes: str, comment: str, author: str, at: datetime) -> str:
    """The rejet's comment enriched: the earlier text kept, the new one signed and dated
    (``at`` already in the app's time zone)."""
    line = f"[{at:%d/%m/%Y %H:%M} – {author}] {comment.strip()}"
    return f"{notes.rstrip()}\n{line}" if (notes or "").strip() else line


def due_state(due_at: datetime, status: str, now: datetime, today_end: datetime) -> str:
    """« Mes tâches » sorts an open task as « en retard » (due before now), « aujourd'hui »
    (due before the end of the local day) or « à venir »; a finished one as « terminée »."""
    if status == TaskStatus.DONE:
        return "done"
    if due_at < now:
        return "overdue"
    if due_at < today_end:
        return "today"
    return "later"
