"""What every form shares: a refusal about one field, shown under that field.

A service that refuses a value the user typed (an e-mail already taken, a team placed
under itself) raises ``FieldRefused`` naming the form field; the route catches it and
shows the message under the field, as the form's own validation would, with status 422.
"""

from webapp.concurrency import Conflict
from webapp.errors import Refused


class FieldRefused(Refused):
    """A ``Refused`` about the value of one field (``field``: the form field's name)."""

    def __init__(self, field: str, message: str, status: int = 422):
        super().__init__(message, status)
        self.field = field


def show_refusal(form, refusal: Refused) -> None:
    """Put ``refusal``'s message under its field (or among the form's own errors)."""
    field = getattr(refusal, "field", None)
    if field and field in form:
        form[field].errors = [*form[field].errors, refusal.message]
    else:
        form.form_errors.append(refusal.message)


def saved(form, save) -> bool:
    """Validate ``form`` and run ``save()``: True when it is written. A refusal is shown
    under its field (the route re-renders the form, 422); a ``Conflict`` goes up to the
    route, which shows both versions or lets the error page say it (409)."""
    if not form.validate_on_submit():
        return False
    try:
        save()
    except Conflict:
        raise
    except Refused as refusal:
        show_refusal(form, refusal)
        return False
    return True
