"""Writes on client files."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from webapp import clock
from webapp.auth.models import Branch, User
from webapp.auth.scope import scoped
from webapp.choices import label_of
from webapp.clients.models import Account, AdvisorPeriod, Client, Language
from webapp.clients.rules import Phone
from webapp.extensions import db
from webapp.history import enum_labels, names_by_id

EDITABLE = ("civility", "first_name", "last_name", "email", "phone", "phone2", "address",
            "postal_code", "city", "language", "branch_id", "advisor_id", "referred_by_id",
            "notes")

# How the history table shows stored values of these fields.
HISTORY_VALUES = {
    "advisor_id": names_by_id(User, User.name),
    "branch_id": names_by_id(Branch, Branch.name),
    "referred_by_id": names_by_id(Client, Client.last_name + " " + Client.first_name),
    "language": enum_labels(Language),
}


def _blank_to_none(value):
    if value in ("", 0):
        return None
    return value.strip() if isinstance(value, str) else value


def set_phone(client: Client, slot: str, phone: Phone | None) -> None:
    """Store a parsed phone (display form, mobile flag, search key) in slot phone/phone2."""
    setattr(client, slot, phone.display if phone else None)
    setattr(client, f"{slot}_is_mobile", phone.is_mobile if phone else None)
    setattr(client, f"{slot}_key", phone.key if phone else None)


def assign_advisor(client: Client, advisor_id: int | None, on: date | None = None) -> None:
    """Change the client's advisor, closing the previous period and opening a new one."""
    if client.advisor_id == advisor_id and (advisor_id is None or client.advisor_periods):
        return
    on = on or clock.today()
    for period in client.advisor_periods:
        if period.ended_on is None:
            period.ended_on = on
    client.advisor_id = advisor_id
    if advisor_id is not None:
        client.advisor_periods.append(AdvisorPeriod(advisor_id=advisor_id, started_on=on))


def save_client(client: Client, form) -> Client:
    """Copy the validated form onto ``client`` (new or existing) and flush."""
    for name in EDITABLE:
        if name in ("phone", "phone2", "advisor_id"):
            continue
        setattr(client, name, _blank_to_none(getattr(form, name).data))
    client.language = form.language.data or "fr"
    for slot in ("phone", "phone2"):
        set_phone(client, slot, form.phones.get(slot))
    if client.id is None:
        db.session.add(client)
    assign_advisor(client, _blank_to_none(form.advisor_id.data))
    db.session.flush()
    return client


@dataclass
class Conflict:
    label: str
    theirs: str
    mine: str


def _shown(form_field, value) -> str:
    if value in (None, "", 0):
        return "—"
    choices = getattr(form_field, "choices", None)
    return label_of(choices, value, str(value)) if choices else str(value)


def conflicts(client: Client, form) -> list[Conflict]:
    """Fields where the saved record (changed by someone else) differs from what was typed."""
    found = []
    for name in EDITABLE:
        field = getattr(form, name)
        saved = getattr(client, name)
        typed = field.data
        if name in form.phones:
            typed = form.phones[name].display
        if _blank_to_none(typed) != _blank_to_none(saved):
            found.append(Conflict(str(field.label.text), _shown(field, saved),
                                  _shown(field, typed)))
    return found


def add_account(client: Client, form) -> Account:
    """Record an account or contract of the client."""
    account = Account(client_id=client.id, number=form.number.data.strip(),
                      product=form.product.data.strip(), opened_on=form.opened_on.data,
                      amount=form.amount.data)
    db.session.add(account)
    db.session.flush()
    return account


def accounts_of(client: Client) -> list[Account]:
    return db.session.scalars(select(Account).where(Account.client_id == client.id)
                              .order_by(Account.opened_on.desc(), Account.id)).all()


def referrals(client: Client) -> list[Client]:
    """The clients this one recommended, as far as the viewer may see them."""
    return db.session.scalars(
        scoped(select(Client), Client).where(Client.referred_by_id == client.id)
        .order_by(Client.last_name).limit(50)).all()
