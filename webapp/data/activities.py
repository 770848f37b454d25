"""The ``appointments``, ``tasks`` and ``discoveries`` sections (issue #15, part A).

Written through the activities' services, as the screens write them: an imported
appointment sends no invitation (history is not re-sent to clients) but gets its task
« confirmer le RDV » from ``book_appointment``, so the tasks section carries only the
tasks and rejets typed by people (kind ``task`` or ``rejet``). Matched by key; an import
never deletes anything.
"""

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from webapp.activities.appointments.models import Appointment, AppointmentStatus
from webapp.activities.appointments.services import (
    AppointmentInput,
    book_appointment,
    cancel_appointment,
    update_appointment,
)
from webapp.activities.discovery.models import Discovery, DiscoveryItem, Theme
from webapp.activities.discovery.rules import discovery_error
from webapp.activities.discovery.services import save_discovery
from webapp.activities.tasks.models import Task, TaskKind, TaskStatus
from webapp.activities.tasks.rules import task_error
from webapp.activities.tasks.services import TaskChange, create_task, update_task
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.data.opportunities import _moment
from webapp.data.schema import Field, Invalid, boolean, choice, key, ref, text
from webapp.data.sections import (
    CHUNK,
    Context,
    Item,
    Section,
    Tally,
    ids_by_key,
    objects_by_key,
    referenced,
    snapshot,
)
from webapp.extensions import db
from webapp.opportunities.models import Opportunity


def _minutes(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 15 <= value <= 480:
        raise Invalid("durée en minutes attendue, de 15 à 480")
    return value


def _iso(moment: datetime) -> str:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _refused(items: list[Item], ctx: Context, rule) -> None:
    for item in items:
        if item.ok and (error := rule(item.values)):
            ctx.fail(item, error[0], error[1])


# ---- appointments -------------------------------------------------------------------

APPOINTMENT_FIELDS = {
    "key": key(),
    "client": Field(ref("clients").check, required=True, ref="clients"),
    "rep": Field(ref("users").check, required=True, ref="users"),
    "subject": text(Appointment.subject, required=True),
    "starts_at": Field(_moment, required=True),
    "duration_minutes": Field(_minutes),
    "virtual": boolean(),
    "place": text(Appointment.place),
    "notes": text(Appointment.notes, length=2000),
    "status": choice(AppointmentStatus),
}


def _appointment_input(values: dict) -> AppointmentInput:
    return AppointmentInput(subject=values["subject"], starts_at=values["starts_at"],
                            duration_minutes=values.get("duration_minutes") or 60,
                            virtual=bool(values.get("virtual")), place=values.get("place"),
                            notes=values.get("notes"))


def check_appointments(items: list[Item], ctx: Context) -> None:
    """A place unless virtual (the screens' rule; the date bounds are the field's)."""
    _refused(items, ctx, lambda v: ("place", "lieu obligatoire (ou « virtual »: true)")
             if not v.get("virtual") and not (v.get("place") or "").strip() else None)


def load_appointments(items: list[Item]) -> Tally:
    """Book (without invitation) or change the appointments; cancel the cancelled ones."""
    stored = objects_by_key(Appointment, [item.key for item in items])
    clients = objects_by_key(Client, referenced(items, "client"))
    reps = objects_by_key(User, referenced(items, "rep"))
    tally = Tally()
    for item in items:
        values, appointment = item.values, stored.get(item.key)
        created = appointment is None
        before = None if created else snapshot(appointment)
        if created:
            appointment = book_appointment(clients[values["client"]], reps[values["rep"]],
                                           _appointment_input(values), key=item.key,
                                           notify=False)
        elif not appointment.cancelled:
            update_appointment(appointment, _appointment_input(values), notify=False)
        if values.get("status") == AppointmentStatus.CANCELLED and not appointment.cancelled:
            cancel_appointment(appointment, notify=False)
        tally.count(created, created or snapshot(appointment) != before)
    return tally


def export_appointments():
    client, rep = aliased(Client), aliased(User)
    stmt = (select(Appointment, client.key.label("client"), rep.key.label("rep"))
            .join(client, client.id == Appointment.client_id)
            .join(rep, rep.id == Appointment.rep_id)
            .order_by(Appointment.key).execution_options(yield_per=CHUNK))
    for row in db.session.execute(stmt):
        a = row[0]
        yield {"key": a.key, "client": row.client, "rep": row.rep, "subject": a.subject,
               "starts_at": _iso(a.starts_at), "duration_minutes": a.duration_minutes,
               "virtual": a.virtual, "place": a.place, "notes": a.notes, "status": a.status}
        db.session.expunge(a)


APPOINTMENTS = Section(name="appointments", label="Rendez-vous", model=Appointment,
                       key_prefix="rdv", unknown="rendez-vous inconnu",
                       fields=APPOINTMENT_FIELDS, check=check_appointments,
                       load=load_appointments, export=export_appointments)


# ---- tasks --------------------------------------------------------------------------

# The kinds a file carries (« confirmer le RDV » comes with its appointment).
IMPORTED_KINDS = (TaskKind.TASK, TaskKind.REJET)


def _kind(value) -> TaskKind:
    if value not in [k.value for k in IMPORTED_KINDS]:
        raise Invalid(f"valeur inconnue « {value} » (valeurs possibles : task, rejet)")
    return TaskKind(value)


TASK_FIELDS = {
    "key": key(),
    "client": Field(ref("clients").check, required=True, ref="clients"),
    "opportunity": ref("opportunities"),
    "kind": Field(_kind),
    "subject": text(Task.subject, required=True),
    "due_at": Field(_moment, required=True),
    "assignee": Field(ref("users").check, required=True, ref="users"),
    "issuer": ref("users"),
    "status": choice(TaskStatus),
    "notes": text(Task.notes, length=5000),
}


def check_tasks(items: list[Item], ctx: Context) -> None:
    """A rejet carries its reason (``tasks.rules.task_error``)."""
    def rule(values):
        error = task_error(values.get("subject") or "", values.get("kind") or TaskKind.TASK,
                           values.get("notes") or "")
        return ("notes", error[0].lower() + error[1:]) if error else None
    _refused(items, ctx, rule)


def load_tasks(items: list[Item]) -> Tally:
    """Create or update the tasks through the tasks' services."""
    stored = objects_by_key(Task, [item.key for item in items])
    clients = ids_by_key(Client, referenced(items, "client"))
    people = ids_by_key(User, referenced(items, "assignee") | referenced(items, "issuer"))
    opportunities = ids_by_key(Opportunity, referenced(items, "opportunity"))
    tally = Tally()
    for item in items:
        values, task = item.values, stored.get(item.key)
        created = task is None
        before = None if created else snapshot(task)
        if created:
            task = create_task(clients[values["client"]], values["subject"], values["due_at"],
                               people[values["assignee"]], kind=values.get("kind") or
                               TaskKind.TASK, notes=values.get("notes") or "",
                               issuer_id=people.get(values.get("issuer")),
                               opportunity_id=opportunities.get(values.get("opportunity")))
            task.key = item.key
        update_task(task, TaskChange(
            subject=values["subject"], due_at=values["due_at"],
            assignee_id=people[values["assignee"]], status=values.get("status") or task.status,
            notes=values.get("notes") if "notes" in values else task.notes))
        tally.count(created, created or snapshot(task) != before)
    db.session.flush()
    return tally


def export_tasks():
    client, assignee, issuer = aliased(Client), aliased(User), aliased(User)
    stmt = (select(Task, client.key.label("client"), assignee.key.label("assignee"),
                   issuer.key.label("issuer"), Opportunity.key.label("opportunity"))
            .join(client, client.id == Task.client_id)
            .join(assignee, assignee.id == Task.assignee_id)
            .outerjoin(issuer, issuer.id == Task.issuer_id)
            .outerjoin(Opportunity, Opportunity.id == Task.opportunity_id)
            .where(Task.kind.in_(IMPORTED_KINDS))
            .order_by(Task.key).execution_options(yield_per=CHUNK))
    for row in db.session.execute(stmt):
        t = row[0]
        yield {"key": t.key, "client": row.client, "opportunity": row.opportunity,
               "kind": t.kind, "subject": t.subject, "due_at": _iso(t.due_at),
               "assignee": row.assignee, "issuer": row.issuer, "status": t.status,
               "notes": t.notes}
        db.session.expunge(t)


TASKS = Section(name="tasks", label="Tâches", model=Task, key_prefix="task",
                unknown="tâche inconnue", fields=TASK_FIELDS, check=check_tasks,
                load=load_tasks, export=export_tasks)


# ---- discoveries --------------------------------------------------------------------

DISCOVERY_FIELDS = {
    "key": key(),
    "client": Field(ref("clients").check, required=True, ref="clients"),
    **{theme.value: text(DiscoveryItem.text, length=2000) for theme in Theme},
}


def _texts(values: dict) -> dict[str, str]:
    return {theme.value: values.get(theme.value) or "" for theme in Theme}


def check_discoveries(items: list[Item], ctx: Context) -> None:
    """Three themes at least (« 3 minimum obligatoires »), one discovery per client."""
    _refused(items, ctx, lambda v: ("client", error[0].lower() + error[1:]) if (
        error := discovery_error(_texts(v))) else None)
    seen: dict[str, Item] = {}
    for item in items:
        client = item.values.get("client")
        if client in seen:
            ctx.fail(item, "client", f"découverte déjà donnée par {seen[client].path}")
        seen.setdefault(client, item)


def load_discoveries(items: list[Item]) -> Tally:
    clients = ids_by_key(Client, referenced(items, "client"))
    stored = objects_by_key(Discovery, [item.key for item in items])
    tally = Tally()
    for item in items:
        discovery = stored.get(item.key)
        before = discovery.texts() if discovery else None
        saved = save_discovery(clients[item.values["client"]], _texts(item.values), None,
                               key=item.key)
        tally.count(discovery is None, saved.texts() != before)
    return tally


def export_discoveries():
    stmt = (select(Discovery, Client.key.label("client"))
            .join(Client, Client.id == Discovery.client_id).order_by(Discovery.key))
    for row in db.session.execute(stmt):
        yield {"key": row[0].key, "client": row.client, **row[0].texts()}


DISCOVERIES = Section(name="discoveries", label="Découvertes", model=Discovery,
                      key_prefix="decouverte", unknown="découverte inconnue",
                      fields=DISCOVERY_FIELDS, check=check_discoveries,
                      load=load_discoveries, export=export_discoveries)
