"""Appointments booked from the client's file, changed or cancelled (the client told by
e-mail with the .ics), and the rep's agenda."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp import clock
from webapp.activities import bp
from webapp.activities.appointments.forms import AppointmentForm
from webapp.activities.appointments.models import Appointment
from webapp.activities.appointments.queries import agenda as agenda_items
from webapp.activities.appointments.rules import week_of
from webapp.activities.appointments.services import (
    book_appointment,
    cancel_appointment,
    update_appointment,
)
from webapp.activities.moments import local
from webapp.auth.models import Role, User
from webapp.auth.scope import get_or_404, scoped
from webapp.clients.models import Client
from webapp.concurrency import Conflict, save_versioned
from webapp.database import french_order
from webapp.dates import day_param
from webapp.errors import Refused
from webapp.extensions import db
from webapp.forms import saved, show_refusal
from webapp.ids import id_param

PAGE = "activities/appointments/appointment.html"


def _invited(client: Client) -> str:
    return (f"invitation envoyée à {client.email}" if client.email
            else "pas d'e-mail sur la fiche : aucune invitation envoyée")


@bp.route("/clients/<int:client_id>/appointments/new", methods=["GET", "POST"])
@login_required
def new_appointment(client_id: int):
    """« Je prends rdv à partir du contact »: the client is invited by e-mail (.ics)."""
    client = get_or_404(Client, client_id)
    form = AppointmentForm(data=None if request.method == "POST" else {
        "place": client.address or "", "duration_minutes": 60})
    if saved(form, lambda: book_appointment(client, current_user, form.values())):
        flash(f"Rendez-vous enregistré : {_invited(client)}.", "success")
        return redirect(url_for("clients.detail", client_id=client.id))
    return render_template("activities/appointments/new.html", client=client, form=form), (
        422 if request.method == "POST" else 200)


def _form_data(item: Appointment) -> dict:
    return {"version": item.version, "subject": item.subject,
            "starts_at": local(item.starts_at), "duration_minutes": item.duration_minutes,
            "virtual": item.virtual, "place": item.place or "", "notes": item.notes or ""}


@bp.route("/appointments/<int:appointment_id>", methods=["GET", "POST"])
@login_required
def appointment(appointment_id: int):
    """An appointment: changed, the client told again (SEQUENCE + 1) when it matters."""
    item = get_or_404(Appointment, appointment_id)
    form = AppointmentForm(data=_form_data(item) if request.method == "GET" else None)
    if request.method == "GET" or not form.validate_on_submit():
        return render_template(PAGE, item=item, form=form, message=None), (
            422 if form.errors else 200)
    try:
        told = save_versioned(item, form.version.data,
                              lambda: update_appointment(item, form.values()))
    except Refused as refusal:  # Conflict included
        if not isinstance(refusal, Conflict):
            show_refusal(form, refusal)
        return render_template(PAGE, item=item, form=form, message=refusal.message), (
            refusal.status)
    flash("Rendez-vous enregistré" + (f" : {_invited(item.client)}." if told else "."),
          "success")
    return redirect(url_for("clients.detail", client_id=item.client_id))


@bp.route("/appointments/<int:appointment_id>/cancel", methods=["POST"])
@login_required
def cancel(appointment_id: int):
    """Cancel (after the dialog's confirmation): the client gets the cancellation."""
    item = get_or_404(Appointment, appointment_id)
    cancel_appointment(item)
    flash("Rendez-vous annulé" + (f" : annulation envoyée à {item.client.email}."
                                  if item.client.email else "."), "success")
    return redirect(url_for("clients.detail", client_id=item.client_id))


@bp.route("/agenda")
@login_required
def agenda():
    """The rep's agenda, a day or a week (a manager may look at one of their reps')."""
    day = day_param("day", clock.today())
    week = request.args.get("view", "week") != "day"
    rep_id = request.args.get("rep", 0, type=id_param)
    rep = get_or_404(User, rep_id) if rep_id else current_user
    first, last = week_of(day) if week else (day, day)
    return render_template("activities/appointments/agenda.html", rep=rep, day=day,
                           week=week, first=first, last=last, step=timedelta(
                               days=7 if week else 1), reps=_reps(),
                           items=agenda_items(rep.id, first, last))


def _reps() -> list[User]:
    """A manager's reps (the agenda's « Commercial » choice); nobody for the others."""
    if current_user.role != Role.MANAGER:
        return []
    return db.session.scalars(scoped(select(User).where(
        User.role.in_((Role.ADVISOR, Role.MANAGER)), User.active.is_(True)), User)
        .order_by(french_order(User.name))).all()
