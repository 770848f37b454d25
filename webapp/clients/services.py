"""Writes on client files: the screens, the import and the demo write through these."""

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from webapp import clock
from webapp.auth.models import Branch, User
from webapp.auth.scope import scoped
from webapp.clients.models import Account, AdvisorPeriod, Client, Language
from webapp.clients.rules import Phone, name_error, name_keys, referral_error, search_key
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.history import enum_labels, names_by_id

# How the history table shows stored values of these fields.
HISTORY_VALUES = {
    "advisor_id": names_by_id(User, User.name),
    "branch_id": names_by_id(Branch, Branch.name),
    "referred_by_id": names_by_id(Client, Client.last_name + " " + Client.first_name),
    "language": enum_labels(Language),
}


@dataclass(frozen=True)
class ClientInput:
    """A client file as typed (phones already parsed: ``rules.parse_phone``)."""

    first_name: str
    last_name: str
    civility: str | None = None
    email: str | None = None
    phone: Phone | None = None
    phone2: Phone | None = None
    address: str | None = None
    postal_code: str | None = None
    city: str | None = None
    language: str = "fr"
    branch_id: int | None = None
    advisor_id: int | None = None
    referred_by_id: int | None = None
    notes: str | None = None


@dataclass(frozen=True)
class AccountInput:
    number: str
    product: str
    opened_on: date | None = None
    amount: Decimal | None = None


# The ClientInput fields stored as they are (blank → None).
PLAIN = tuple(f.name for f in fields(ClientInput)
              if f.name not in ("phone", "phone2", "advisor_id", "language"))


def _blank_to_none(value):
    """Typed text without its outer spaces; nothing typed (or id 0: « — Aucun — ») → None."""
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", 0) else value


def phone_columns(slot: str, phone: Phone | None) -> dict:
    """A parsed phone's columns in slot phone/phone2: display form, mobile flag, key."""
    return {slot: phone.display if phone else None,
            f"{slot}_is_mobile": phone.is_mobile if phone else None,
            f"{slot}_key": phone.key if phone else None}


def set_phone(client: Client, slot: str, phone: Phone | None) -> None:
    """Store a parsed phone (display form, mobile flag, search key) in slot phone/phone2."""
    for name, value in phone_columns(slot, phone).items():
        setattr(client, name, value)


def client_row(values: ClientInput) -> dict:
    """The columns ``save_client`` writes for ``values`` (search keys included), but the
    advisor's: a row as the demo inserts it in bulk."""
    row = {name: _blank_to_none(getattr(values, name)) for name in PLAIN}
    row["language"] = values.language or "fr"
    for slot in ("phone", "phone2"):
        row |= phone_columns(slot, getattr(values, slot))
    row["name_key"], row["name_key_rev"] = name_keys(row["first_name"], row["last_name"])
    row["email_key"] = row["email"].lower() if row["email"] else None
    row["city_key"] = search_key(row["city"]) or None
    return row


def _check(client: Client, values: ClientInput) -> None:
    for name in ("first_name", "last_name"):
        if message := name_error(getattr(values, name)):
            raise FieldRefused(name, message)
    if message := referral_error(client.id, values.referred_by_id):
        raise FieldRefused("referred_by_id", message)


def assign_advisor(client: Client, advisor_id: int | None, on: date | None = None) -> None:
    """Change the client's advisor, closing the previous period and opening a new one."""
    if client.advisor_id == advisor_id and (advisor_id is None or client.advisor_periods):
        return
    on = on or clock.today()
    for period in client.advisor_periods:
        if period.ended_on is None:
            period.ended_on = on
            client.former_advisors = (client.former_advisors or 0) + 1
    client.advisor_id = advisor_id
    if advisor_id is not None:
        client.advisor_periods.append(AdvisorPeriod(advisor_id=advisor_id, started_on=on))


def save_client(client: Client, values: ClientInput) -> Client:
    """Write ``values`` onto ``client`` (new or existing): real names only, nobody
    recommends themself; a new advisor opens a period of the advisor history."""
    _check(client, values)
    for name, value in client_row(values).items():
        if getattr(client, name) != value:  # an unchanged file writes no history
            setattr(client, name, value)
    if client.id is None:
        db.session.add(client)
    assign_advisor(client, values.advisor_id or None)
    db.session.flush()
    return client


def set_referrer(client: Client, referrer_id: int | None) -> None:
    """Record who recommended ``client`` (the import links them once all are written)."""
    if message := referral_error(client.id, referrer_id):
        raise FieldRefused("referred_by_id", message)
    if client.referred_by_id != referrer_id:
        client.referred_by_id = referrer_id
        db.session.flush()


def account_row(client_id: int, values: AccountInput) -> dict:
    """The columns ``add_account`` writes (the demo inserts such rows in bulk)."""
    return {"client_id": client_id, "number": values.number.strip(),
            "product": values.product.strip(), "opened_on": values.opened_on,
            "amount": values.amount}


def add_account(client: Client, values: AccountInput) -> Account:
    """Record an account or contract of the client."""
    account = Account(**account_row(client.id, values))
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
        .order_by(Client.name_key, Client.id).limit(50)).all()
