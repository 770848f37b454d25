"""Writes on the new-contract checklist: a section saved, the HD logo, completion. Each
checks the sheet's rules and raises ``Refused`` with the French reason."""

from collections.abc import Mapping
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select

from webapp import uploads
from webapp.auth.models import User
from webapp.backoffice.checklist.rules import (
    BILLING_BASES,
    BOOKLET_FORMATS,
    SECTION_FIELDS,
    SUBSCRIPTION_FORMATS,
    choice_error,
    completion_error,
    due_date,
    effective_date_error,
    logo_error,
    parse_chiefs,
    parse_day_month,
)
from webapp.backoffice.models import BookletContract, Checklist
from webapp.errors import Refused
from webapp.extensions import db

CHOICES = {"billing_basis": BILLING_BASES, "subscription_format": SUBSCRIPTION_FORMATS,
           "booklet_format": BOOKLET_FORMATS}


def _refresh(checklist: Checklist) -> None:
    """The derived due date; a sheet that lost a required item is no longer complete."""
    checklist.due_date = (due_date(checklist.effective_date,
                                   *parse_day_month(checklist.fiscal_year_end))
                          if checklist.effective_date and checklist.fiscal_year_end else None)
    if checklist.completed_at and completion_error(checklist.items):
        checklist.completed_at = None
        checklist.completed_by_id = None


def _section_error(values: Mapping[str, object]) -> str | None:
    """The first value the sheet cannot take (the forms say the same, field by field)."""
    for name, choices in CHOICES.items():
        if error := choice_error(values.get(name), choices):
            return error
    if values.get("booklet_type") and values["booklet_type"] not in db.session.scalars(
            select(BookletContract.name)).all():
        return "Choix invalide."
    try:
        if values.get("fiscal_year_end"):
            parse_day_month(values["fiscal_year_end"])
        if values.get("chiefs"):
            parse_chiefs(values["chiefs"])
    except ValueError as error:
        return str(error)
    return effective_date_error(values.get("effective_date"))


def save_section(checklist: Checklist, section: str, values: Mapping[str, object]) -> None:
    """Save one section of the sheet as it is (empty fields allowed: the progress says
    what is left)."""
    if section not in SECTION_FIELDS or set(values) - set(SECTION_FIELDS[section]):
        raise Refused("Cette section de la fiche n'existe pas.", 404)
    if error := _section_error(values):
        raise Refused(error)
    for name, value in values.items():
        setattr(checklist, name, value)
    _refresh(checklist)
    db.session.flush()


def save_logo(checklist: Checklist, file_storage) -> None:
    """Check the logo is an HD image (resolution read from its header), store it and
    forget the previous one once committed; raises UploadError with a French message."""
    data = file_storage.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    file_storage.stream.seek(0)
    size = uploads.image_size(data)
    if error := logo_error(size):
        raise uploads.UploadError(error)
    stored = uploads.store(file_storage, "image")
    if checklist.logo_name:
        uploads.remove_after_commit([checklist.logo_name])
    checklist.logo_name, checklist.logo_original = stored.name, stored.original
    checklist.logo_mimetype = stored.mimetype
    checklist.logo_width, checklist.logo_height = size
    _refresh(checklist)
    db.session.flush()


def complete(checklist: Checklist, user: User) -> None:
    """Mark the sheet complete; ``Refused`` with what is missing while an item is."""
    if error := completion_error(checklist.items):
        raise Refused(error)
    checklist.completed_at = datetime.now(UTC)
    checklist.completed_by_id = user.id
    db.session.flush()
