"""Commercial gestures (slide 10): the list with the tally per agency and period, the
request with evidence, the designated manager's decision, the BO's answer."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import clock, uploads
from webapp.auth.models import Role, User
from webapp.auth.scope import get_or_404
from webapp.backoffice import bp
from webapp.backoffice.gestures import queries, services
from webapp.backoffice.gestures.forms import AnswerForm, DecisionForm, GestureForm, PeriodForm
from webapp.backoffice.gestures.rules import (
    GESTURE_LABELS,
    MAX_EVIDENCE,
    GestureStatus,
    decision_error,
    processing_error,
)
from webapp.backoffice.matrix.queries import validator_ids
from webapp.backoffice.models import Gesture
from webapp.errors import Refused
from webapp.history import enum_labels, history_of, names_by_id, value_labels
from webapp.htmx import render
from webapp.ids import id_param

FIELD_LABELS = {"status": "État", "amount": "Montant", "reason": "Motif",
                "decided_by_id": "Décidé par", "decision_note": "Commentaire",
                "processed_by_id": "Traité par", "answer": "Réponse à l'agence",
                "client_id": "Agence", "requester_id": "Demandé par",
                "requested_on": "Demandé le", "decided_at": "Décidé le",
                "processed_at": "Traité le"}
HISTORY_VALUES = {"status": enum_labels(GestureStatus),
                  "decided_by_id": names_by_id(User, User.name),
                  "processed_by_id": names_by_id(User, User.name),
                  "requester_id": names_by_id(User, User.name)}


def _period() -> PeriodForm:
    form = PeriodForm(request.args)
    form.validate()
    if not request.args:
        form.start.data = date(clock.today().year, 1, 1)
    return form


@bp.route("/gestures")
@login_required
def gestures():
    """Gestures the viewer may see, and the amounts granted per agency over a period."""
    period = _period()
    start, end = period.start.data, period.end.data
    status = request.args.get("status", "")
    status = status if status in GESTURE_LABELS else ""
    period_args = {k: v.isoformat() for k, v in (("start", start), ("end", end)) if v}
    return render("backoffice/gestures/index.html", "results", period=period, state=status,
                  period_args=period_args,
                  statuses=GESTURE_LABELS,
                  page=queries.gestures_page(status, start, end,
                                             request.args.get("page", 1, id_param)),
                  tally=queries.tally(start, end, request.args.get("tally_page", 1, id_param)),
                  total=queries.total_amount(start, end))


@bp.route("/gestures/new", methods=["GET", "POST"])
@login_required
def new_gesture():
    """Ask for a gesture for an agency, with its evidence."""
    form = GestureForm()
    if form.validate_on_submit():
        try:
            gesture = services.request_gesture(form.values(), current_user)
        except uploads.UploadError as error:
            form.evidence.errors.append(str(error))
        else:
            flash("Geste commercial demandé : le responsable désigné est prévenu.", "success")
            return redirect(url_for("backoffice.gesture", gesture_id=gesture.id))
    return render_template("backoffice/gestures/form.html", form=form,
                           max_evidence=MAX_EVIDENCE), 422 if form.errors else 200


def _context(gesture: Gesture, **extra) -> dict:
    history = history_of(gesture)
    is_bo = current_user.role == Role.BO_ASSISTANT
    can_decide = decision_error(current_user.id, validator_ids(), gesture.requester_id,
                                gesture.status) is None
    can_process = processing_error(is_bo, gesture.status, "-") is None
    context = {
        "gesture": gesture, "history": history, "field_labels": FIELD_LABELS,
        "history_values": value_labels(history, HISTORY_VALUES),
        "decision_form": (DecisionForm(formdata=None, data={"version": gesture.version})
                          if can_decide else None),
        "answer_form": (AnswerForm(formdata=None, data={"version": gesture.version})
                        if can_process else None),
        "message": None,
    }
    return context | extra


@bp.route("/gestures/<int:gesture_id>")
@login_required
def gesture(gesture_id: int):
    """A gesture: amount, reason, evidence, decision, answer, history."""
    return render_template("backoffice/gestures/detail.html",
                           **_context(get_or_404(Gesture, gesture_id)))


@bp.route("/gestures/<int:gesture_id>/evidence/<int:evidence_id>")
@login_required
def gesture_evidence(gesture_id: int, evidence_id: int):
    """One of the agency's proofs, as an attachment with its sniffed type."""
    item = queries.evidence_of(get_or_404(Gesture, gesture_id), evidence_id) or abort(404)
    return uploads.serve(item.stored_name, item.original, item.mimetype)


def _refused(gesture: Gesture, message: str, status: int, **forms):
    return render_template("backoffice/gestures/detail.html",
                           **_context(gesture, message=message, **forms)), status


@bp.route("/gestures/<int:gesture_id>/decide", methods=["POST"])
@login_required
def decide_gesture(gesture_id: int):
    """« après validation de David »: only the designated manager validates or refuses."""
    gesture = get_or_404(Gesture, gesture_id)
    form = DecisionForm()
    try:
        services.check_decider(gesture, current_user)  # before the form: not theirs, 403
        if not form.validate_on_submit():
            return _refused(gesture, "La décision n'est pas enregistrée.", 422,
                            decision_form=form)
        services.decide(gesture, form.version.data, form.decision.data, form.note.data,
                        current_user)
    except Refused as refusal:
        return _refused(get_or_404(Gesture, gesture_id), refusal.message, refusal.status)
    flash(f"Geste {gesture.status_label.lower()}.", "success")
    return redirect(url_for("backoffice.gesture", gesture_id=gesture.id))


@bp.route("/gestures/<int:gesture_id>/process", methods=["POST"])
@login_required
def process_gesture(gesture_id: int):
    """The BO processes a validated gesture and answers the agency, the rep in copy."""
    gesture = get_or_404(Gesture, gesture_id)
    form = AnswerForm()
    try:
        services.check_processor(gesture, current_user)  # before the form: not the BO, 403
        if not form.validate_on_submit():
            return _refused(gesture, "La réponse n'est pas envoyée.", 422, answer_form=form)
        services.process(gesture, form.version.data, form.answer.data, current_user)
    except Refused as refusal:
        return _refused(get_or_404(Gesture, gesture_id), refusal.message, refusal.status)
    flash("Geste traité : la réponse part à l'agence, le commercial en copie.", "success")
    return redirect(url_for("backoffice.gesture", gesture_id=gesture.id))
