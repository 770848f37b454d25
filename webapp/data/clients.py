"""The ``clients`` section: client files, with the client form's rules.

Phones go through ``clients.rules.parse_phone`` and ``clients.services.set_phone``, the
advisor through ``clients.services.assign_advisor`` (which keeps the advisor history).
"""

import re

from sqlalchemy import select
from sqlalchemy.orm import aliased, selectinload

from webapp.auth.models import Branch, Role, User
from webapp.clients.models import Civility, Client, Language
from webapp.clients.services import assign_advisor, set_phone
from webapp.data.schema import choice, email, key, person_name, phone, ref, text
from webapp.data.sections import (
    CHUNK,
    Context,
    Item,
    Section,
    Tally,
    assign,
    ids_by_key,
    objects_by_key,
    referenced,
    rows_by_key,
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
    """Create or update the client files, then link the recommendations."""
    clients = objects_by_key(Client, [item.key for item in items],
                             selectinload(Client.advisor_periods))
    refs = {"branch": ids_by_key(Branch, referenced(items, "branch")),
            "advisor": ids_by_key(User, referenced(items, "advisor"))}
    outcome = []
    for n, item in enumerate(items, 1):
        client = clients.get(item.key)
        if created := client is None:
            client = clients[item.key] = Client(key=item.key, language="fr")
            db.session.add(client)
        outcome.append((item, created, _fill(client, item.values, refs)))
        if n % 1000 == 0:
            db.session.flush()
    db.session.flush()
    referrers = ids_by_key(Client, referenced(items, "referred_by"))
    tally = Tally()
    for item, created, changed in outcome:
        if "referred_by" in item.values:
            changed |= assign(clients[item.key],
                              {"referred_by_id": referrers.get(item.values["referred_by"])},
                              ["referred_by_id"])
        tally.count(created, changed)
    db.session.flush()
    return tally


def _fill(client: Client, values: dict, refs: dict) -> bool:
    changed = assign(client, values, SIMPLE)
    for slot in ("phone", "phone2"):
        if slot in values:
            parsed = values[slot]
            if getattr(client, slot) != (parsed.display if parsed else None):
                set_phone(client, slot, parsed)
                changed = True
    if "branch" in values:
        changed |= assign(client, {"branch_id": refs["branch"].get(values["branch"])},
                          ["branch_id"])
    if "advisor" in values:
        before = (client.advisor_id, len(client.advisor_periods))
        assign_advisor(client, refs["advisor"].get(values["advisor"]))
        changed |= before != (client.advisor_id, len(client.advisor_periods))
    return changed


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
