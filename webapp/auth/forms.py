"""Login and administration forms."""

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from webapp.auth.models import Access, Role, Team, User
from webapp.auth.services import TeamInput, UserInput
from webapp.choices import options
from webapp.extensions import db

REQUIRED = "Ce champ est obligatoire."


class LoginForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[
        DataRequired(REQUIRED), Length(max=254), Email("Adresse e-mail invalide.")])
    password = PasswordField("Mot de passe", validators=[
        DataRequired(REQUIRED), Length(max=200)])


def team_choices(blank: str | None = None):
    teams = db.session.scalars(select(Team).order_by(Team.path)).all()
    return options(([(0, blank)] if blank else []) + [(t.id, "\u2003" * t.depth + t.name)
                                                       for t in teams])


class UserForm(FlaskForm):
    email = EmailField("Adresse e-mail", validators=[
        DataRequired(REQUIRED), Length(max=254), Email("Adresse e-mail invalide.")])
    name = StringField("Nom complet", validators=[DataRequired(REQUIRED), Length(max=120)])
    team_id = SelectField("Équipe", coerce=int)
    role = SelectField("Rôle", choices=Role.choices())
    manage_operations = BooleanField("Gérer les opérations commerciales")
    operations_access = SelectField("Accès aux opérations", choices=Access.choices())
    take_requests = BooleanField("Prendre et router les demandes clients")
    active = BooleanField("Compte actif", default=True)
    password = PasswordField("Mot de passe", validators=[Optional(), Length(min=10, max=200,
        message="Le mot de passe doit compter entre 10 et 200 caractères.")])

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.team_id.choices = team_choices(blank="— Aucune équipe —")
        if user is None:
            self.password.validators = [DataRequired(REQUIRED), *self.password.validators[1:]]

    def values(self) -> UserInput:
        """The typed account (the e-mail's owner and the team rule: ``save_user``)."""
        return UserInput(
            email=self.email.data, name=self.name.data, role=Role(self.role.data),
            team_id=self.team_id.data or None, manage_operations=self.manage_operations.data,
            operations_access=Access(self.operations_access.data), active=self.active.data,
            take_requests=self.take_requests.data,
            password=self.password.data or None)


class TeamForm(FlaskForm):
    name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=120)])
    parent_id = SelectField("Équipe parente", coerce=int)

    def __init__(self, *args, team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.parent_id.choices = team_choices(blank="— Aucune (racine) —")

    def values(self) -> TeamInput:
        """The typed team (no cycle in the hierarchy: ``place_team``)."""
        return TeamInput(name=self.name.data, parent_id=self.parent_id.data or None)
