"""Forms of requests to the BO: the intake form (slide 4's rules), a comment, an
attachment, a workflow move and an assignment."""

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.auth.models import User
from webapp.auth.scope import scoped
from webapp.backoffice.models import RequestType
from webapp.backoffice.requests import queries
from webapp.backoffice.requests.rules import (
    LABEL_MAX,
    copies_error,
    deadline_error,
    label_error,
    subject,
)
from webapp.choices import options
from webapp.clients.models import Client
from webapp.extensions import db

REQUIRED = "Ce champ est obligatoire."


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes; the domain's rule checks them (French message)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, validate_choice=False, coerce=int, **kwargs)

    def process_formdata(self, valuelist):
        try:
            self.data = [int(v) for v in valuelist]
        except ValueError:
            self.data = []
            raise ValueError("Choix invalide.") from None


class RequestForm(FlaskForm):
    """« Nom du Client/Contrat » + libellé, one subject, a deadline, copies of the matrix."""

    type_id = SelectField("Type de demande", coerce=int, default=0)
    client_id = HiddenField("Client")  # the client picker's hidden input
    account_id = SelectField("Contrat (facultatif)", coerce=int, default=0)
    label = StringField("Libellé du sujet", validators=[Length(max=LABEL_MAX + 20)],
                        render_kw={"placeholder": "ex. Demande de stats, pb logimail",
                                   "autocomplete": "off"})
    deadline = DateField("Deadline")
    copies = CheckboxesField("Copie")
    body = TextAreaField("Détail de la demande", validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        for required in (self.type_id, self.label, self.deadline):
            required.flags.required = True  # checked by the rules, marked for the user
        self.today = today
        self.types = queries.active_types()
        self.type_id.choices = options([(0, "— Choisissez —"),
                                        *((t.id, t.name) for t in self.types)])
        self.client = self._client()
        accounts = queries.accounts_of(self.client) if self.client else []
        self.account_id.choices = options([(0, "— Aucun : le client —"),
                                           *((a.id, str(a)) for a in accounts)])
        self.account = next((a for a in accounts if a.id == self.account_id.data), None)
        self.offered = queries.copy_choices(self.chosen_type)
        self.copies.choices = options((u.id, u.name) for u in self.offered)

    @property
    def chosen_type(self) -> RequestType | None:
        return next((t for t in self.types if t.id == self.type_id.data), None)

    def _client(self) -> Client | None:
        raw = str(self.client_id.data or "")
        if not raw.isdigit() or len(raw) > 12:
            return None
        return db.session.scalar(scoped(select(Client).where(Client.id == int(raw)), Client))

    def subject_preview(self) -> str | None:
        """The subject as it will read, once the client and a label are there."""
        if self.client is None or not (self.label.data or "").strip():
            return None
        return subject(self.subject_name(), self.label.data)

    def subject_name(self) -> str:
        """« Nom du Client/Contrat »: the contract's when one is chosen."""
        return self.account.product if self.account else self.client.full_name

    def validate_type_id(self, field):
        if self.chosen_type is None:
            raise ValidationError("Choisissez le type de demande.")

    def validate_client_id(self, field):
        if not str(field.data or "").isdigit():
            raise ValidationError("Choisissez le client concerné.")
        if self.client is None:
            raise ValidationError("Client introuvable.")

    def validate_account_id(self, field):
        if field.data and self.account is None:
            raise ValidationError("Ce contrat n'est pas celui du client choisi.")

    def validate_label(self, field):
        if error := label_error(field.data):
            raise ValidationError(error)

    def validate_deadline(self, field):
        if not "".join(field.raw_data or []).strip():
            field.errors.clear()  # empty is « Indiquez une deadline », not a bad date
        elif field.errors:
            return
        if error := deadline_error(field.data, self.today):
            raise ValidationError(error)

    def validate_copies(self, field):
        if error := copies_error(field.data or [], [u.id for u in self.offered]):
            raise ValidationError(error)


class CommentForm(FlaskForm):
    body = TextAreaField("Message", validators=[DataRequired("Écrivez votre message."),
                                                Length(max=5000)])


class AttachmentForm(FlaskForm):
    file = FileField("Pièce jointe (PDF, PNG ou JPEG)",
                     validators=[FileRequired("Choisissez un fichier.")])


class TransitionForm(FlaskForm):
    """A workflow move; ``state`` is the state the user saw (a change since is a conflict)."""

    state = HiddenField(validators=[DataRequired()])
    target = HiddenField(validators=[DataRequired()])
    note = TextAreaField("Commentaire (facultatif)", validators=[Optional(), Length(max=5000)])


class AssignForm(FlaskForm):
    assignee_id = SelectField("Pris en charge par", coerce=int, default=0)

    def __init__(self, *args, people: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        self.assignee_id.choices = options([(0, "— Personne (file du BO) —"),
                                            *((u.id, u.name) for u in people)])
