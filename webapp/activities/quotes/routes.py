"""Quotes: a new quote from the client file, its page (lines while a draft, sending,
the client's answer), its PDF."""

from datetime import timedelta

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from webapp import clock
from webapp.activities import bp
from webapp.activities.quotes import queries, services
from webapp.activities.quotes.forms import DecisionForm, LineForm, QuoteForm, VersionForm
from webapp.activities.quotes.models import Quote, QuoteStatus
from webapp.activities.quotes.pdf import filename, quote_pdf
from webapp.activities.quotes.rules import VALIDITY_DAYS
from webapp.auth.scope import get_or_404
from webapp.choices import options
from webapp.clients.models import Client
from webapp.downloads import bytes_download
from webapp.errors import Refused
from webapp.forms import saved
from webapp.history import enum_labels, history_of, value_labels


@bp.route("/clients/<int:client_id>/quotes/new", methods=["GET", "POST"])
@login_required
def new_quote(client_id: int):
    """« Création d'un devis » from the client file: its object and validity, then lines."""
    client = get_or_404(Client, client_id)
    today = clock.today()
    form = QuoteForm(data={"valid_until": today + timedelta(days=VALIDITY_DAYS)})
    created = []
    if saved(form, lambda: created.append(services.create_quote(
            client, **form.values(), author_id=current_user.id, today=today))):
        return redirect(url_for("activities.quote", quote_id=created[0].id))
    return render_template("activities/quotes/new.html", client=client, form=form), (
        422 if form.is_submitted() else 200)


def _line_form(formdata=None) -> LineForm:
    form = LineForm(formdata=formdata) if formdata is not None else LineForm()
    form.product_id.choices = options([(0, "— Choisissez un produit —"), *(
        (p.id, f"{p.range} — {p.label}" if p.range else p.label)
        for p in queries.products_offered())])
    return form


def _page(quote: Quote, status: int = 200, line_form: LineForm | None = None,
          message: str | None = None):
    history = history_of(quote)
    return render_template(
        "activities/quotes/detail.html", quote=quote, history=history, message=message,
        line_form=line_form or _line_form({}), version_form=VersionForm(
            formdata=None, data={"version": quote.version}),
        decision_form=DecisionForm(formdata=None, data={"version": quote.version}),
        labels=value_labels(history, {"status": enum_labels(QuoteStatus)}),
        today=clock.today()), status


@bp.route("/quotes/<int:quote_id>")
@login_required
def quote(quote_id: int):
    return _page(get_or_404(Quote, quote_id))


def _act(quote_id: int, form, action, done: str):
    """Validate ``form``, run ``action(quote, form)``; the page again with the refusal."""
    quote = get_or_404(Quote, quote_id)
    if not form.validate_on_submit():
        return _page(quote, 422, line_form=form if isinstance(form, LineForm) else None)
    try:
        action(quote, form)
    except Refused as refused:
        return _page(get_or_404(Quote, quote_id), refused.status, message=refused.message,
                     line_form=form if isinstance(form, LineForm) else None)
    flash(done, "success")
    return redirect(url_for("activities.quote", quote_id=quote_id))


@bp.route("/quotes/<int:quote_id>/lines", methods=["POST"])
@login_required
def add_quote_line(quote_id: int):
    return _act(quote_id, _line_form(), lambda q, f: services.add_line(
        q, f.product_id.data, f.quantity.data), "Ligne ajoutée.")


@bp.route("/quotes/<int:quote_id>/lines/<int:line_id>/delete", methods=["POST"])
@login_required
def remove_quote_line(quote_id: int, line_id: int):
    return _act(quote_id, VersionForm(), lambda q, f: services.remove_line(q, line_id),
                "Ligne retirée.")


@bp.route("/quotes/<int:quote_id>/send", methods=["POST"])
@login_required
def send_quote(quote_id: int):
    return _act(quote_id, VersionForm(), lambda q, f: services.send_quote(
        q, clock.today(), posted_version=f.version.data or ""),
        "Devis envoyé au client par e-mail, avec son PDF.")


@bp.route("/quotes/<int:quote_id>/decision", methods=["POST"])
@login_required
def decide_quote(quote_id: int):
    return _act(quote_id, DecisionForm(), lambda q, f: services.decide_quote(
        q, f.decision.data == "accepted", current_user, clock.today(),
        posted_version=f.version.data or ""), "Réponse du client enregistrée.")


@bp.route("/quotes/<int:quote_id>/pdf")
@login_required
def quote_pdf_download(quote_id: int):
    quote = get_or_404(Quote, quote_id)
    return bytes_download(filename(quote), quote_pdf(quote), "application/pdf")
