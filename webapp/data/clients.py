"""The ``clients`` section: client files, written by the client form's ``save_client``.

Phones are parsed by ``clients.rules.parse_phone`` (the schema's ``phone``); the service
keeps the search keys and the advisor history as the screens do.
"""

import re

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from webapp.auth.models import Branch, Role, User
from webapp.clients.models import Civility, Client, Language
from webapp.clients.rules import Phone
from webapp.clients.services import ClientInput, save_client, set_referrer
from webapp.data.schema import choice, email, key, person_name, phone, ref, text
from webapp.data.sections import (
    CHUNK,
    Context,
    Item,
    Section,
    Tally,
    ids_by_key,
    objects_by_key,
    referenced,
    rows_by_key,
    snapshot,
)
from webapp.extensions import db

NOTES_LENGTH = 5000  # as the client form
FIELDS = {
    "key": key(),
    "civility": choice(Civility),
    "first_name": person_name(Client.first_name),
    "last_name": person_name(Client.last_name),
    "email": email(Client.email),
    "phone": phone(Client.phone),
    "phone2": phone(Client.phone2),
    "address": text(Client.address),
    "postal_code": text(Client.postal_code),
    "city": text(Client.city),
    "language": choice(Language),
    "branch": ref("branches"),
    "advisor": ref("users"),
    "referred_by": ref("clients"),
    "notes": text(Client.notes, length=NOTES_LENGTH),
}
SIMPLE = ("civility", "first_name", "last_name", "email", "address", "postal_code", "city",
          "language", "notes")
ADVISOR_ROLES = (Role.ADVISOR, Role.MANAGER)  # as the client form's advisor list


def check(items: list[Item], ctx: Context) -> None:
    """The advisor is an advisor or a manager; nobody recommends themself."""
    in_file = ctx.declared.get("users", {})
    stored = rows_by_key(User, referenced(items, "advisor") - in_file.keys(), User.role)
    for item in items:
        advisor = item.values.get("advisor")
        if advisor in in_file:
            role = in_file[advisor].values.get("role")
        else:
            role = stored[advisor].role if advisor in stored else None
        if role is not None and role not in ADVISOR_ROLES:
            ctx.fail(item, "advisor", f"« {advisor} » n'est ni conseiller ni responsable")
        if item.key and item.values.get("referred_by") == item.key:
            ctx.fail(item, "referred_by", "un client ne peut pas se recommander lui-même")


def load(items: list[Item]) -> Tally:
    """Create or update the client files through the client form's ``save_client``, then
    link the recommendations (``set_referrer``) once every file exists."""
    clients = objects_by_key(Client, [item.key for item in items],
                             selectinload(Client.advisor_periods))
    refs = {"branch": ids_by_key(Branch, referenced(items, "branch")),
            "advisor": ids_by_key(User, referenced(items, "advisor"))}
    outcome = []
    for item in items:
        client = clients.get(item.key)
        if created := client is None:
            client = clients[item.key] = Client(key=item.key)
        before = (snapshot(client), len(client.advisor_periods))
        save_client(client, _input(client, item.values, refs))
        outcome.append((item, created, before))
    referrers = ids_by_key(Client, referenced(items, "referred_by"))
    tally = Tally()
    for item, created, before in outcome:
        client = clients[item.key]
        if "referred_by" in item.values:
            set_referrer(client, referrers.get(item.values["referred_by"]))
        tally.count(created, (snapshot(client), len(client.advisor_periods)) != before)
    return tally


def _input(client: Client, values: dict, refs: dict) -> ClientInput:
    """The file's values over the client's current ones (an absent field keeps its value;
    the recommendation is linked afterwards)."""
    current = {name: getattr(client, name) for name in SIMPLE}
    typed = {name: values[name] for name in SIMPLE if name in values}
    phones = {slot: values[slot] if slot in values else _stored_phone(client, slot)
              for slot in ("phone", "phone2")}
    ids = {f"{name}_id": refs[name].get(values[name]) if name in values
           else getattr(client, f"{name}_id") for name in ("branch", "advisor")}
    return ClientInput(**{**current, **typed}, **phones, **ids,
                       referred_by_id=client.referred_by_id)


def _stored_phone(client: Client, slot: str) -> Phone | None:
    """The phone stored in ``slot``, as the parsed value it was written from."""
    display = getattr(client, slot)
    if display is None:
        return None
    return Phone(e164=compact_phone(display), display=display,
                 key=getattr(client, f"{slot}_key"),
                 is_mobile=getattr(client, f"{slot}_is_mobile"))


def compact_phone(display: str | None) -> str | None:
    """``+33 6 12 34 56 78`` → ``+33612345678`` (E.164), without parsing again."""
    return re.sub(r"[^\d+]", "", display) if display else None


def export():
    branch, advisor, referrer = aliased(Branch), aliased(User), aliased(Client)
    stmt = (
        select(Client.key, Client.civility, Client.first_name, Client.last_name,
               Client.email, Client.phone, Client.phone2, Client.address,
               Client.postal_code, Client.city, Client.language,
               branch.key.label("branch"), advisor.key.label("advisor"),
               referrer.key.label("referred_by"), Client.notes)
        .outerjoin(branch, Client.branch_id == branch.id)
        .outerjoin(advisor, Client.advisor_id == advisor.id)
        .outerjoin(referrer, Client.referred_by_id == referrer.id)
        .order_by(Client.key)
        .execution_options(yield_per=CHUNK)
    )
    for row in db.session.execute(stmt):
        record = row._asdict()
        record["phone"] = compact_phone(record["phone"])
        record["phone2"] = compact_phone(record["phone2"])
        yield record


SECTION = Section(name="clients", label="Clients", model=Client, key_prefix="client",
                  unknown="client inconnu", fields=FIELDS, check=check, load=load,
                  export=export)
