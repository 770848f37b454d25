"""The discovery form: one text area per theme."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length, Optional

from webapp.activities.discovery.models import Theme
from webapp.activities.discovery.rules import TEXT_MAX


class DiscoveryForm(FlaskForm):
    version = HiddenField()

    def values(self) -> dict[str, str]:
        return {theme.value: self[f"theme_{theme.value}"].data or "" for theme in Theme}

    def theme_fields(self):
        return [self[f"theme_{theme.value}"] for theme in Theme]


for _theme in Theme:
    setattr(DiscoveryForm, f"theme_{_theme.value}", TextAreaField(
        _theme.label, validators=[Optional(), Length(max=TEXT_MAX)]))
