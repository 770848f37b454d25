"""Forms of requests to the BO: the intake form (slide 4's rules), a comment, an
attachment, a workflow move and an assignment."""

from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from webapp.auth.models import User
from webapp.backoffice.forms import CheckboxesField, picked_client
from webapp.backoffice.models import RequestType
from webapp.backoffice.requests import queries
from webapp.backoffice.requests.rules import (
    LABEL_MAX,
    copies_error,
    deadline_error,
    label_error,
    subject,
)
from webapp.backoffice.requests.services import RequestInput
from webapp.choices import options
from webapp.clients.models import Client
from webapp.dates import DayField


class RequestForm(FlaskForm):
    """« Nom du Client/Contrat » + libellé, one subject, a deadline, copies of the matrix."""

    type_id = SelectField("Type de demande", coerce=int, default=0)
    client_id = picked_client("Client", "Choisissez le client concerné.", "Client introuvable.")
    account_id = SelectField("Contrat (facultatif)", coerce=int, default=0)
    label = StringField("Libellé du sujet", validators=[Length(max=LABEL_MAX + 20)],
                        render_kw={"placeholder": "ex. Demande de stats, pb logimail",
                                   "autocomplete": "off"})
    deadline = DayField("Deadline")
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
        accounts = queries.accounts_of(self.client) if self.client else []
        self.account_id.choices = options([(0, "— Aucun : le client —"),
                                           *((a.id, str(a)) for a in accounts)])
        self.account = next((a for a in accounts if a.id == self.account_id.data), None)
        self.offered = queries.copy_choices(self.chosen_type)
        self.copies.choices = options((u.id, u.name) for u in self.offered)

    @property
    def client(self) -> Client | None:
        return self.client_id.client

    @property
    def chosen_type(self) -> RequestType | None:
        return next((t for t in self.types if t.id == self.type_id.data), None)

    def subject_preview(self) -> str | None:
        """The subject as it will read, once the client and a label are there."""
        if self.client is None or not (self.label.data or "").strip():
            return None
        return subject(self.subject_name(), self.label.data)

    def subject_name(self) -> str:
        """« Nom du Client/Contrat »: the contract's when one is chosen."""
        return self.account.product if self.account else self.client.full_name

    def values(self) -> RequestInput:
        return RequestInput(
            request_type=self.chosen_type, client=self.client, account=self.account,
            label=self.label.data or "", deadline=self.deadline.data,
            copies=tuple(self.copies.data or ()), body=self.body.data or "")

    def validate_type_id(self, field):
        if self.chosen_type is None:
            raise ValidationError("Choisissez le type de demande.")

    def validate_account_id(self, field):
        if field.data and self.account is None:
            raise ValidationError("Ce contrat n'est pas celui du client choisi.")

    def validate_label(self, field):
        if error := label_error(field.data, [t.name for t in self.types]):
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
        self.people = people
        self.assignee_id.choices = options([(0, "— Personne (file du BO) —"),
                                            *((u.id, u.name) for u in people)])

    @property
    def assignee(self) -> User | None:
        return next((u for u in self.people if u.id == self.assignee_id.data), None)
