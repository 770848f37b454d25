"""The tracking table, « Mes demandes », one request with its feedback, closing and the
contract-breaking review, and an advisor's bonus/malus detail."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.auth.models import Role, User
from webapp.auth.scope import get_or_404
from webapp.errors import Refused
from webapp.htmx import is_htmx, render
from webapp.ids import id_param
from webapp.routing import bp, queries
from webapp.routing.models import ClientRequest
from webapp.routing.rules import STATE_LABELS
from webapp.routing.tracking import queries as tracking
from webapp.routing.tracking import services
from webapp.routing.tracking.forms import CloseForm, FeedbackForm, ReviewForm

DETAIL = "routing/detail.html"


def _filters() -> tracking.Filters:
    args = request.args
    status = args.get("status", "open")
    return tracking.Filters(
        status=status if status in dict(tracking.STATUSES) else "open",
        type_id=args.get("type_id", 0, id_param), company_id=args.get("company_id", 0, id_param),
        advisor_id=args.get("advisor_id", 0, id_param))


@bp.route("/")
@login_required
def index():
    """Le tableau de suivi: filters, counts per state, overdue rows highlighted."""
    filters, today = _filters(), clock.today()
    page = tracking.page(filters, current_user, today, request.args.get("page", 1, id_param))
    return render("routing/tracking.html", "results", page=page, filters=filters, today=today,
                  counts=tracking.counts(filters, current_user, today),
                  statuses=tracking.STATUSES, labels=STATE_LABELS, types=queries.types(False),
                  companies=queries.companies(False), advisors=tracking.advisors(current_user),
                  flags=tracking.pending_flags(current_user)
                  if queries.manages_table(current_user) else [],
                  takes_calls=queries.takes_calls(current_user))


@bp.route("/box")
@login_required
def box():
    """The home page's « Mes demandes clients » box (htmx fragment)."""
    today = clock.today()
    own = current_user.role == Role.ADVISOR
    counts = (tracking.mine(current_user, today) if own
              else tracking.counts(tracking.Filters(), current_user, today))
    return render_template("routing/_box.html", counts=counts, own=own)


def _context(req: ClientRequest, **extra) -> dict:
    flag = tracking.flag_of(req)
    return {"req": req, "today": clock.today(), "labels": STATE_LABELS, "flag": flag,
            "feedback_form": FeedbackForm(formdata=None, data={"done_on": clock.today()}),
            "close_form": CloseForm(formdata=None, data={"version": req.version}),
            "may_review": queries.manages_table(current_user) and flag is not None,
            "error": None} | extra


@bp.route("/requests/<int:client_request_id>")
@login_required
def detail(client_request_id: int):
    """A request: what the client asked, where it went and why, its feedback."""
    req = get_or_404(ClientRequest, client_request_id)
    return render_template(DETAIL, **_context(req))


def _after(req: ClientRequest):
    if is_htmx():
        return render(DETAIL, "feedback_panel", **_context(req))
    return redirect(url_for("routing.detail", client_request_id=req.id))


@bp.route("/requests/<int:client_request_id>/feedback", methods=["POST"])
@login_required
def add_feedback(client_request_id: int):
    """The advisor's feedback: an action with its date (the first one answers)."""
    req = get_or_404(ClientRequest, client_request_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            services.record_feedback(req, form.values(), current_user, clock.today(),
                                     url_for("routing.detail", client_request_id=req.id))
        except Refused as refusal:
            return render(DETAIL, "feedback_panel", status=refusal.status,
                          **_context(req, feedback_form=form, error=refusal.message))
        return _after(req)
    return render(DETAIL, "feedback_panel", status=422, **_context(req, feedback_form=form))


@bp.route("/requests/<int:client_request_id>/close", methods=["POST"])
@login_required
def close(client_request_id: int):
    """Close the request once handled."""
    req = get_or_404(ClientRequest, client_request_id)
    form = CloseForm()
    if not form.validate_on_submit():
        return render(DETAIL, "feedback_panel", status=422,
                      **_context(req, error="Version manquante : rechargez la page."))
    try:
        services.close_request(req, form.version.data, clock.today())
    except Refused as refusal:
        return render(DETAIL, "feedback_panel", status=refusal.status,
                      **_context(req, error=refusal.message))
    return _after(req)


@bp.route("/requests/<int:client_request_id>/flag", methods=["POST"])
@login_required
def review_flag(client_request_id: int):
    """A manager confirms (malus) or dismisses « un contrat cassé pour un autre »."""
    req = get_or_404(ClientRequest, client_request_id)
    if not queries.manages_table(current_user):
        abort(403)
    flag = tracking.flag_of(req) or abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        return render(DETAIL, "feedback_panel", status=422,
                      **_context(req, error="Choisissez : confirmer ou écarter."))
    services.review_flag(flag, form.decision.data == "confirm", current_user, clock.today())
    return _after(req)


@bp.route("/advisors/<int:user_id>/score")
@login_required
def score(user_id: int):
    """An advisor's bonus/malus with the detail of every point."""
    advisor = get_or_404(User, user_id)
    if advisor.id != current_user.id and not queries.sees_table(current_user):
        abort(404)
    lines = queries.score_lines(advisor.id)
    return render_template("routing/score.html", advisor=advisor, lines=lines,
                           total=sum(line.points for line in lines),
                           rules=queries.score_rules())


