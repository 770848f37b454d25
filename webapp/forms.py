"""What every form shares: text without control characters, French messages, and a
refusal about one field, shown under that field.

A service that refuses a value the user typed (an e-mail already taken, a team placed
under itself) raises ``FieldRefused`` naming the form field; the route catches it and
shows the message under the field, as the form's own validation would, with status 422.
"""

from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtf_translations
from wtforms import StringField, TextAreaField

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


# Control characters a browser never types: a NUL makes PostgreSQL refuse the text (a 500),
# the others break exports and file names. Text areas keep their line breaks and tabs.
_CONTROLS = {c: None for c in range(0x20) if chr(c) not in "\t\n\r"} | {0x7F: None}
_LINE_CONTROLS = _CONTROLS | {ord("\t"): None, ord("\n"): None, ord("\r"): None}


def clean_text(value, multiline: bool = False):
    """``value`` without control characters (text areas keep \\n, \\r and \\t); anything
    that is not text is returned as it is."""
    if not isinstance(value, str):
        return value
    return value.translate(_CONTROLS if multiline else _LINE_CONTROLS)


def _multiline(value):
    return clean_text(value, multiline=True)


# French for the WTForms messages its own French catalogue lacks.
FRENCH = {
    "Date must be at least %(min)s.": "La date doit être le %(min)s ou après.",
    "Date must be at most %(max)s.": "La date doit être le %(max)s ou avant.",
    "Date must be between %(min)s and %(max)s.":
        "La date doit être comprise entre le %(min)s et le %(max)s.",
}


class _Translations:
    """WTForms' French catalogue (through Flask-WTF), completed by ``FRENCH``."""

    def gettext(self, string):
        return FRENCH.get(string) or wtf_translations.gettext(string)

    def ngettext(self, singular, plural, n):
        return wtf_translations.ngettext(singular, plural, n)


class PiloteMeta(FlaskForm.Meta):
    """Every form of the app: text fields drop control characters, messages are French."""

    def bind_field(self, form, unbound_field, options):
        cls = unbound_field.field_class
        if issubclass(cls, StringField):
            cleaner = _multiline if issubclass(cls, TextAreaField) else clean_text
            filters = [cleaner, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)
        return super().bind_field(form, unbound_field, options)

    def get_translations(self, form):
        return _Translations()


def init_app(_app) -> None:
    """Give every form class (``FlaskForm``'s subclasses, whichever domain) ``PiloteMeta``:
    one place for what all text inputs need, rather than a base class in every form."""
    FlaskForm.Meta = PiloteMeta
