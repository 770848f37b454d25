"""Demo step: a realistic week around the clients for every rep — appointments from
Monday to Friday (a few virtual, one cancelled now and then), tasks due this week (some
overdue, some today, some done), and a rejet from the back-office for one rep in three;
a discovery on some of their clients. Written through the activities' services (few
rows: about 40 reps × 12); no invitation is queued (the demo's clients are made up).

Then the past year's finished tasks, bulk-inserted (the volume: as many tasks in all as
``demo.scale``, 100 000 for the bench), one client among them with up to 2 000
activities (the feed's bench)."""

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select

from webapp import clock
from webapp.activities.appointments.models import Appointment, AppointmentStatus
from webapp.activities.appointments.rules import week_of
from webapp.activities.appointments.services import (
    AppointmentInput,
    book_appointment,
    cancel_appointment,
)
from webapp.activities.discovery.services import save_discovery
from webapp.activities.tasks.models import Task, TaskKind, TaskStatus
from webapp.activities.tasks.services import create_task, set_status
from webapp.auth.models import Role, User
from webapp.clients.models import Client
from webapp.data.bulk import built_at_the_end, insert_rows
from webapp.data.demo_state import Demo
from webapp.extensions import db

SUBJECTS = ("Présentation du pavé visibilité", "Point sur la parution", "Signature du bon "
            "de commande", "Bilan annuel", "Démonstration du site", "Découverte du besoin")
TASKS = ("Envoyer la plaquette", "Rappeler pour le devis", "Préparer la proposition",
         "Vérifier la mise en ligne", "Relancer le paiement", "Mettre à jour la découverte")
REJETS = (("Rejet : bon de commande sans signature", "Signature du client manquante sur le "
           "bon de commande."),
          ("Rejet : mandat SEPA incomplet", "IBAN illisible : faire compléter le mandat."),
          ("Rejet : millésime erroné", "Le millésime indiqué ne correspond pas à la parution."))
DISCOVERY = {"activity": "Artisan installé depuis {years} ans, {staff} salariés.",
             "customers": "Clientèle de particuliers, rayon de 20 km autour de {city}.",
             "media": "Présent dans l'annuaire ; pas de site internet.",
             "projects": "Souhaite être plus visible sur mobile ; à revoir dans 3 mois.",
             "next": "Proposer un pavé et un site visibilité."}


def _at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), clock.zone())


def create(demo: Demo) -> None:
    rng, today = demo.rng, demo.today
    monday, _ = week_of(today)
    reps = db.session.scalars(select(User).where(User.role == Role.ADVISOR, User.active)
                              .order_by(User.id)).all()
    issuer = db.session.scalar(select(User).where(User.role == Role.BO_ASSISTANT)
                               .order_by(User.id).limit(1))
    counts = {"Rendez-vous": 0, "Tâches": 0, "Rejets": 0, "Découvertes": 0}
    for n, rep in enumerate(reps):
        clients = db.session.scalars(select(Client).where(Client.advisor_id == rep.id)
                                     .order_by(Client.id).limit(8)).all()
        if not clients:
            continue
        for k in range(4):  # four appointments, Monday to Friday
            client = clients[k % len(clients)]
            day = monday + timedelta(days=rng.randrange(5))
            virtual = rng.random() < 0.25
            appointment = book_appointment(client, rep, AppointmentInput(
                rng.choice(SUBJECTS), _at(day, rng.choice((9, 10, 11, 14, 15, 16)),
                                          rng.choice((0, 30))), rng.choice((30, 45, 60, 90)),
                virtual, None if virtual else client.address or client.city or "En agence"),
                notify=False)
            if rng.random() < 0.08:
                cancel_appointment(appointment, notify=False)
            counts["Rendez-vous"] += 1
        for k in range(5):  # tasks from two days ago to the end of the week
            day = today + timedelta(days=rng.randrange(-2, 5))
            task = create_task(clients[(k + 1) % len(clients)].id, rng.choice(TASKS),
                               _at(day, rng.choice((9, 11, 14, 17))), rep.id,
                               issuer_id=rep.id)
            if day < today and rng.random() < 0.5:
                set_status(task, TaskStatus.DONE)
            counts["Tâches"] += 1
        if issuer is not None and n % 3 == 0:
            subject, reason = rng.choice(REJETS)
            create_task(clients[-1].id, subject, _at(today, 18), rep.id, kind=TaskKind.REJET,
                        notes=reason, issuer_id=issuer.id)
            counts["Rejets"] += 1
        for client in clients[:2]:
            save_discovery(client.id, {theme: text.format(
                years=rng.randrange(2, 30), staff=rng.randrange(1, 12),
                city=client.city or "la ville") for theme, text in DISCOVERY.items()}, rep.id)
            counts["Découvertes"] += 1
    db.session.flush()
    counts["Tâches"] += _history(demo)
    demo.counts.update(counts)


CHUNK = 5000
HEAVY = 2000  # the busiest client's activities (the feed's bench)
YEAR = 365 * 86400


def _task_row(rng, client_id: int, rep_id: int, now: datetime) -> dict:
    due = now - timedelta(seconds=rng.randrange(3 * 86400, YEAR))
    created = due - timedelta(days=rng.randrange(1, 15))
    return {"client_id": client_id, "kind": TaskKind.TASK.value, "subject": rng.choice(TASKS),
            "notes": "", "due_at": due, "status": TaskStatus.DONE.value,
            "assignee_id": rep_id, "issuer_id": rep_id, "created_at": created,
            "done_at": due, "version": 1}


def _history(demo: Demo) -> int:
    """Finished tasks of the past year up to ``demo.scale`` tasks in all, and the busiest
    client's past appointments; bulk rows (the columns the services would write)."""
    rng, now = demo.rng, datetime.now(UTC)
    pairs = db.session.execute(select(Client.id, Client.advisor_id).where(
        Client.advisor_id.is_not(None)).order_by(Client.id)).all()
    missing = demo.scale - db.session.scalar(select(func.count()).select_from(Task))
    if not pairs or missing <= 0:
        return 0
    heavy_client, heavy_rep = pairs[0]
    heavy = min(HEAVY, demo.scale // 50)
    appointments = [{"client_id": heavy_client, "rep_id": heavy_rep, "subject":
                     rng.choice(SUBJECTS), "starts_at": now - timedelta(
                         seconds=rng.randrange(86400, YEAR)), "duration_minutes": 60,
                     "virtual": False, "place": "En agence", "status":
                     AppointmentStatus.PLANNED.value, "sequence": 0, "created_at": now,
                     "version": 1} for _ in range(heavy // 4)]
    if appointments:
        insert_rows(Appointment.__table__, appointments)
    rows = [_task_row(rng, heavy_client, heavy_rep, now)
            for _ in range(min(missing, heavy - len(appointments)))]
    rows += [_task_row(rng, *rng.choice(pairs), now) for _ in range(missing - len(rows))]
    with built_at_the_end(Task.__table__):
        for start in range(0, len(rows), CHUNK):
            insert_rows(Task.__table__, rows[start:start + CHUNK])
    return len(rows)
