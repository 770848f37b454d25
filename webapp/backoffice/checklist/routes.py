"""The new-contract checklist of a request (slide 7): sections saved as you go (htmx),
progress « n / m », the HD logo, completion refused while an item is missing, and a
printable summary."""

from flask import abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp import uploads
from webapp.auth.scope import get_or_404
from webapp.backoffice import bp
from webapp.backoffice.checklist import services
from webapp.backoffice.checklist.forms import SECTION_FORMS, LogoForm
from webapp.backoffice.checklist.rules import (
    BILLING_BASES,
    BOOKLET_FORMATS,
    SECTIONS,
    SUBSCRIPTION_FORMATS,
)
from webapp.backoffice.models import BookletContract, BoRequest, Checklist
from webapp.errors import Refused
from webapp.extensions import db
from webapp.htmx import is_htmx

PAGE = "backoffice/checklist/index.html"
SECTION = "backoffice/checklist/_section.html"
LABELS = {"billing_basis": dict(BILLING_BASES), "booklet_format": dict(BOOKLET_FORMATS),
          "subscription_format": dict(SUBSCRIPTION_FORMATS)}


def _checklist_or_404(request_id: int) -> Checklist:
    req = get_or_404(BoRequest, request_id)
    return req.checklist or abort(404)


def _contracts() -> list[str]:
    return list(db.session.scalars(select(BookletContract.name)
                                   .order_by(BookletContract.position)))


def _form(section: str, checklist: Checklist, submitted: bool = False):
    kwargs = {} if submitted else {"formdata": None, "obj": checklist}
    if section == "booklets":
        kwargs["contracts"] = _contracts()
    return SECTION_FORMS[section](**kwargs)


def _context(checklist: Checklist, **extra) -> dict:
    forms = {name: _form(name, checklist) for name in SECTION_FORMS}
    context = {"checklist": checklist, "req": checklist.request, "items": checklist.items,
               "progress": checklist.progress, "sections": SECTIONS, "forms": forms,
               "logo_form": LogoForm(formdata=None), "complete_error": None, "saved": None,
               "labels": LABELS}
    for key, value in extra.items():
        if key.endswith("_form") and key[:-5] in SECTION_FORMS:
            forms[key[:-5]] = value
        else:
            context[key] = value
    return context


@bp.route("/requests/<int:request_id>/checklist")
@login_required
def checklist(request_id: int):
    """The sheet, section by section, with its progress."""
    sheet = _checklist_or_404(request_id)
    return render_template(PAGE, **_context(sheet))


def _section_answer(sheet: Checklist, section: str, status: int = 200, **extra):
    """One section again (htmx, with the progress out of band) or the page (no JS)."""
    if not is_htmx():
        if status == 200:
            return redirect(url_for("backoffice.checklist", request_id=sheet.request_id))
        return render_template(PAGE, **_context(sheet, **extra)), status
    return render_template(SECTION, section=section, oob=True,
                           **_context(sheet, **extra)), status


@bp.route("/requests/<int:request_id>/checklist/sections/<section>", methods=["POST"])
@login_required
def save_section(request_id: int, section: str):
    """Save one section as it is (empty fields allowed: the progress says what is left)."""
    sheet = _checklist_or_404(request_id)
    if section not in SECTION_FORMS:
        abort(404)
    form = _form(section, sheet, submitted=True)
    if form.validate_on_submit():
        try:
            services.save_section(sheet, section, form.values())
        except Refused as refusal:
            form.form_errors.append(refusal.message)
        else:
            return _section_answer(sheet, section, saved=section)
    return _section_answer(sheet, section, 422, **{f"{section}_form": form})


@bp.route("/requests/<int:request_id>/checklist/logo/upload", methods=["POST"])
@login_required
def upload_logo(request_id: int):
    """The client's logo, refused unless in HD."""
    sheet = _checklist_or_404(request_id)
    form = LogoForm()
    if form.validate_on_submit():
        try:
            services.save_logo(sheet, form.file.data)
        except uploads.UploadError as error:
            form.file.errors.append(str(error))
        else:
            return _section_answer(sheet, "logo", saved="logo")
    return _section_answer(sheet, "logo", 422, logo_form=form)


@bp.route("/requests/<int:request_id>/checklist/logo")
@login_required
def logo(request_id: int):
    """The stored logo (as an attachment, with its sniffed type)."""
    sheet = _checklist_or_404(request_id)
    if not sheet.logo_name:
        abort(404)
    return uploads.serve(sheet.logo_name, sheet.logo_original, sheet.logo_mimetype)


@bp.route("/requests/<int:request_id>/checklist/complete", methods=["POST"])
@login_required
def complete_checklist(request_id: int):
    """Mark the sheet complete: refused, with what is missing, while an item is."""
    sheet = _checklist_or_404(request_id)
    try:
        services.complete(sheet, current_user)
        error, status = None, 200
    except Refused as refusal:
        error, status = refusal.message, refusal.status
    if not is_htmx():
        if error is None:
            return redirect(url_for("backoffice.checklist", request_id=request_id))
        return render_template(PAGE, **_context(sheet, complete_error=error)), status
    return render_template("backoffice/checklist/_progress.html",
                           **_context(sheet, complete_error=error)), status


@bp.route("/requests/<int:request_id>/checklist/print")
@login_required
def checklist_print(request_id: int):
    """The sheet as one printable page."""
    sheet = _checklist_or_404(request_id)
    return render_template("backoffice/checklist/print.html", **_context(sheet))
