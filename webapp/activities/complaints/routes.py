"""Complaints: filed from the client file, one complaint's page and status, the
« Réclamations » list of the open ones in the viewer's scope."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.activities import bp
from webapp.activities.complaints import queries, services
from webapp.activities.complaints.forms import COMMENT_HINT, ComplaintForm, MoveForm
from webapp.activities.complaints.models import Complaint, ComplaintStatus
from webapp.activities.complaints.rules import MOVES, contacts_warning
from webapp.auth.scope import get_or_404
from webapp.clients.models import Client
from webapp.errors import Refused
from webapp.forms import show_refusal
from webapp.history import enum_labels, history_of, value_labels
from webapp.htmx import render
from webapp.ids import id_param

FORM = "activities/complaints/form.html"


def _form_page(client: Client, form: ComplaintForm, status: int, warning=None, first_id=None):
    return render_template(FORM, client=client, form=form, hint=COMMENT_HINT,
                           warning=warning, first_id=first_id), status


@bp.route("/clients/<int:client_id>/complaints/new", methods=["GET", "POST"])
@login_required
def new_complaint(client_id: int):
    """« Nouvelle requête → Réclamation » from the client file (slide 44)."""
    client = get_or_404(Client, client_id)
    form = ComplaintForm(data={"vintage": clock.today().year} if request.method == "GET" else None)
    if not form.validate_on_submit():
        return _form_page(client, form, 422 if request.method == "POST" else 200)
    warning = contacts_warning(services.contact_warnings(client, form.comment.data))
    if warning and not form.confirm_contacts.data:
        return _form_page(client, form, 422, warning=warning)
    try:
        complaint = services.file_complaint(client, form.values(), current_user.id)
    except Refused as refused:
        show_refusal(form, refused)
        return _form_page(client, form, refused.status,
                          first_id=getattr(refused, "first_id", None))
    flash(f"Réclamation {complaint.reference} enregistrée : " + (
        "l'accusé de réception part au client par e-mail." if client.email else
        "le client n'a pas d'e-mail, aucun accusé de réception n'a pu partir."),
        "success" if client.email else "warning")
    return redirect(url_for("activities.complaint", complaint_id=complaint.id))


def _detail(complaint: Complaint, form: MoveForm | None = None, status: int = 200):
    history = history_of(complaint)
    form = form or MoveForm(formdata=None, data={"version": complaint.version})
    form.status.choices = [c for c in ComplaintStatus.choices()
                           if c.value in MOVES[complaint.status]]
    return render_template("activities/complaints/detail.html", complaint=complaint,
                           form=form, history=history,
                           labels=value_labels(history, {"status": enum_labels(ComplaintStatus)})
                           ), status


@bp.route("/complaints/<int:complaint_id>")
@login_required
def complaint(complaint_id: int):
    """One complaint: what was filed, its status, its history."""
    return _detail(get_or_404(Complaint, complaint_id))


@bp.route("/complaints/<int:complaint_id>/status", methods=["POST"])
@login_required
def move_complaint(complaint_id: int):
    """Move the complaint on (en cours, traitée, close)."""
    complaint = get_or_404(Complaint, complaint_id)
    form = MoveForm()
    form.status.choices = ComplaintStatus.choices()
    if not form.validate_on_submit():
        return _detail(complaint, form, 422)
    try:
        services.move_complaint(complaint, form.status.data, form.version.data or "")
    except Refused as refused:
        form.form_errors.append(refused.message)
        return _detail(get_or_404(Complaint, complaint_id), form, refused.status)
    flash(f"Réclamation {complaint.reference} : {complaint.status_label.lower()}.", "success")
    return redirect(url_for("activities.complaint", complaint_id=complaint.id))


@bp.route("/complaints")
@login_required
def complaints():
    """« Réclamations »: the open complaints of the viewer's scope (slide 44's
    « Requêtes » tab)."""
    status = request.args.get("status", "open")
    status = status if status in dict(queries.STATUSES) else "open"
    page = queries.complaints_page(status, request.args.get("page", 1, id_param))
    return render("activities/complaints/index.html", "results", page=page, state=status,
                  statuses=queries.STATUSES)
