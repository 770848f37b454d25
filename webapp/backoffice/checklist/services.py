"""Writes on the new-contract checklist: a section saved, the HD logo, completion."""

from datetime import UTC, datetime

from flask import current_app

from webapp import uploads
from webapp.auth.models import User
from webapp.backoffice.checklist.rules import (
    completion_error,
    due_date,
    logo_error,
    parse_day_month,
)
from webapp.backoffice.models import Checklist
from webapp.extensions import db
from webapp.uploads import image_size


def _clean(value):
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _refresh(checklist: Checklist) -> None:
    """The derived due date; a sheet that lost a required item is no longer complete."""
    checklist.due_date = (due_date(checklist.effective_date,
                                   *parse_day_month(checklist.fiscal_year_end))
                          if checklist.effective_date and checklist.fiscal_year_end else None)
    if checklist.completed_at and completion_error(checklist.items):
        checklist.completed_at = None
        checklist.completed_by_id = None


def save_section(checklist: Checklist, form) -> None:
    """Copy one validated section onto the sheet (saved as you go)."""
    for field in form:
        if field.short_name != "csrf_token":
            setattr(checklist, field.short_name, _clean(field.data))
    _refresh(checklist)
    db.session.flush()


def save_logo(checklist: Checklist, file_storage) -> None:
    """Check the logo is an HD image (resolution read from its header), store it and
    forget the previous one once committed; raises UploadError with a French message."""
    data = file_storage.read(current_app.config["UPLOAD_MAX_BYTES"] + 1)
    file_storage.stream.seek(0)
    if error := logo_error(image_size(data)):
        raise uploads.UploadError(error)
    stored = uploads.store(file_storage, "image")
    if checklist.logo_name:
        uploads.remove_after_commit([checklist.logo_name])
    width, height = image_size(data)
    checklist.logo_name, checklist.logo_original = stored.name, stored.original
    checklist.logo_mimetype = stored.mimetype
    checklist.logo_width, checklist.logo_height = width, height
    _refresh(checklist)
    db.session.flush()


def complete(checklist: Checklist, user: User) -> str | None:
    """Mark the sheet complete, unless a required item is missing (the French reason)."""
    if error := completion_error(checklist.items):
        return error
    checklist.completed_at = datetime.now(UTC)
    checklist.completed_by_id = user.id
    db.session.flush()
    return None
