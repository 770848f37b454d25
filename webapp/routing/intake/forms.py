"""The intake form: the client (picker), the channel, the request type and company
(required before routing), the description, and the advisor picked in the table."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from webapp.backoffice.forms import picked_client
from webapp.choices import options
from webapp.routing import queries
from webapp.routing.intake.services import IntakeInput
from webapp.routing.models import Channel


class IntakeForm(FlaskForm):
    client_id = picked_client("Client", "Choisissez ou créez la fiche du client.",
                              "Client introuvable.")
    channel = RadioField("Canal", choices=Channel.choices(), default=Channel.PHONE.value,
                         validate_choice=False)
    type_id = SelectField("Type de demande", coerce=int, default=0, validate_choice=False)
    company_id = SelectField("Compagnie concernée", coerce=int, default=0,
                             validate_choice=False)
    description = TextAreaField("Description de la demande",
                                validators=[Optional(), Length(max=5000)])
    advisor_id = SelectField("Conseiller destinataire", coerce=int, default=0,
                             validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.types, self.companies = queries.types(), queries.companies()
        self.type_id.choices = options([(0, "— Choisissez —"),
                                        *((t.id, t.name) for t in self.types)])
        self.company_id.choices = options([(0, "— Choisissez —"),
                                           *((c.id, c.name) for c in self.companies)])
        self.type_id.flags.required = self.company_id.flags.required = True
        self.advisor_id.choices = options([(0, "Le premier proposé")])

    @property
    def client(self):
        return self.client_id.client

    @property
    def chosen_type(self):
        return next((t for t in self.types if t.id == self.type_id.data), None)

    @property
    def chosen_company(self):
        return next((c for c in self.companies if c.id == self.company_id.data), None)

    def offer(self, ranked) -> None:
        """The advisors the table proposes, as the picker's choices."""
        self.advisor_id.choices = options([(0, "Le premier proposé"), *(
            (r.candidate.advisor_id, r.candidate.name) for r in ranked if r.eligible)])

    def validate_channel(self, field):
        if field.data not in Channel.labels():
            raise ValidationError("Indiquez le canal : téléphone ou e-mail.")

    def validate_type_id(self, field):
        if self.chosen_type is None:
            raise ValidationError("Choisissez le type de demande (bien écouter la demande client).")

    def validate_company_id(self, field):
        if self.chosen_company is None:
            raise ValidationError("Ciblez la compagnie concernée.")

    def validate_advisor_id(self, field):
        offered = {c.value for c in self.advisor_id.choices}
        if field.data not in offered:
            raise ValidationError("Choisissez un des conseillers proposés.")

    def values(self) -> IntakeInput:
        return IntakeInput(client=self.client, channel=self.channel.data,
                           request_type=self.chosen_type, company=self.chosen_company,
                           description=self.description.data or "",
                           advisor_id=self.advisor_id.data or None)
