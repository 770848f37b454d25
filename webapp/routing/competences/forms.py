"""Forms of the competence table (an advisor's line), the routing data and settings."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from webapp.routing.competences.services import ProfileInput, SettingsInput

SMALL = NumberRange(min=-1000, max=1000, message="Indiquez un nombre entre -1000 et 1000.")


class ProfileForm(FlaskForm):
    volunteer = BooleanField("Volontaire (joue le jeu)")
    sectors = StringField("Secteurs géographiques", validators=[Length(max=400)],
                          render_kw={"placeholder": "ex. 69, 01, 4400"})
    certified = BooleanField("Certifié (conditions pour recevoir les arbitrages)")
    max_open = IntegerField("Charge maximale (demandes en cours)", validators=[
        Optional(), NumberRange(min=0, max=1000, message="Entre 0 et 1000.")])
    competences = SelectMultipleField("Compétences", validate_choice=False)

    def __init__(self, *args, types, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.types, self.companies = types, companies
        self.pairs = {f"{t.id}-{c.id}": (t.id, c.id) for t in types for c in companies}
        self.competences.choices = [(k, k) for k in self.pairs]

    def validate_competences(self, field):
        if any(value not in self.pairs for value in field.data or []):
            raise ValidationError("Compétence inconnue : rechargez la page.")

    def values(self) -> ProfileInput:
        return ProfileInput(
            volunteer=self.volunteer.data, sectors=self.sectors.data or "",
            certified=self.certified.data, max_open=self.max_open.data,
            competences=frozenset(self.pairs[v] for v in self.competences.data or []
                                  if v in self.pairs))


class NameForm(FlaskForm):
    """A request type or a company: its name, active or not (and a type's flags)."""

    name = StringField("Nom", validators=[InputRequired("Indiquez le nom."), Length(max=120)])
    ends_contract = BooleanField("Met fin à un contrat (rachat, arrêt)")
    needs_certification = BooleanField("Demande un conseiller certifié")
    active = BooleanField("Actif", default=True)


class SettingsForm(FlaskForm):
    follow_up_email = EmailField("Responsable du suivi (copie des transmissions)", validators=[
        Optional(), Length(max=254), Email("Adresse e-mail invalide.")])
    contract_window_days = IntegerField("Fenêtre « contrat cassé » (jours)", validators=[
        InputRequired("Indiquez un nombre de jours."),
        NumberRange(min=0, max=3650, message="Entre 0 et 3650 jours.")])
    booster_floor = IntegerField("Boosters : score plancher", validators=[
        InputRequired("Indiquez le plancher."), SMALL])
    booster_cap = IntegerField("Boosters : fiches au plus par conseiller", validators=[
        InputRequired("Indiquez le plafond."),
        NumberRange(min=0, max=10000, message="Entre 0 et 10000.")])

    def __init__(self, *args, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.points_errors: dict[str, str] = {}

    def points(self, formdata) -> dict[str, int]:
        """The posted points per rule (``points-<key>``), each a small integer."""
        found = {}
        for rule in self.rules:
            raw = (formdata.get(f"points-{rule.key}") or "").strip()
            try:
                value = int(raw)
            except ValueError:
                self.points_errors[rule.key] = "Indiquez un nombre entier de points."
                continue
            if not -1000 <= value <= 1000:
                self.points_errors[rule.key] = "Entre -1000 et 1000 points."
                continue
            found[rule.key] = value
        return found

    def values(self, points) -> SettingsInput:
        return SettingsInput(self.follow_up_email.data, self.contract_window_days.data,
                             self.booster_floor.data, self.booster_cap.data, points)
