"""Field checks of the pilote/v1 format.

Each field turns a JSON value into a Python value or raises ``Invalid`` with a French
message; the rules are those of the screens (``clients.rules``, the forms' validators).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from webapp.clients.rules import is_placeholder_name, parse_phone

KEY_LENGTH = 80


class Invalid(ValueError):
    """A value the format or the business rules refuse; the message is shown as is."""


@dataclass(frozen=True)
class Field:
    check: Callable[[Any], Any]
    required: bool = False
    ref: str | None = None  # name of the section whose keys this field refers to


def _string(value, length: int) -> str | None:
    if not isinstance(value, str):
        raise Invalid("texte attendu")
    value = value.strip()
    if len(value) > length:
        raise Invalid(f"{length} caractères au plus")
    return value or None


def text(column, required: bool = False, length: int | None = None) -> Field:
    """A string, stripped, no longer than the column (or ``length``) allows; blank: null."""
    length = length or column.type.length
    return Field(lambda value: _string(value, length), required)


def key() -> Field:
    return Field(lambda value: _string(value, KEY_LENGTH), required=True)


def ref(section: str) -> Field:
    """The key of an object of ``section``, in the file or already in the database."""
    return Field(lambda value: _string(value, KEY_LENGTH), ref=section)


def _boolean(value) -> bool:
    if not isinstance(value, bool):
        raise Invalid("true ou false attendu")
    return value


def boolean() -> Field:
    return Field(_boolean)


def choice(enum_cls, required: bool = False) -> Field:
    """One of the values of a (labelled) enum; returns the enum member."""
    values = [member.value for member in enum_cls]

    def check(value):
        if value not in values:
            raise Invalid(f"valeur inconnue « {value} » (valeurs possibles : "
                          f"{', '.join(values)})")
        return enum_cls(value)

    return Field(check, required)


def email(column, required: bool = False, lower: bool = False) -> Field:
    """An address email_validator accepts (syntax only: no DNS lookup)."""

    def check(value):
        value = _string(value, column.type.length)
        if value is None:
            return None
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError as error:
            raise Invalid("adresse e-mail invalide") from error
        return value.lower() if lower else value

    return Field(check, required)


def phone(column) -> Field:
    """A phone number as typed, parsed by the same rule as the client form."""

    def check(value):
        value = _string(value, column.type.length)
        if value is None:
            return None
        try:
            return parse_phone(value)
        except ValueError as error:
            raise Invalid(str(error)) from error

    return Field(check)


def person_name(column) -> Field:
    """A client's real name: required, and never a placeholder such as « Unknown »."""

    def check(value):
        value = _string(value, column.type.length)
        if value is not None and is_placeholder_name(value):
            raise Invalid(f"« {value} » n'est pas un vrai nom : saisissez le nom du client")
        return value

    return Field(check, required=True)


def password() -> Field:
    """A password as the admin form accepts it: 10 to 200 characters, kept as typed."""

    def check(value):
        if not isinstance(value, str):
            raise Invalid("texte attendu")
        if not 10 <= len(value) <= 200:
            raise Invalid("le mot de passe doit compter entre 10 et 200 caractères")
        return value

    return Field(check)
