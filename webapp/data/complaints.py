"""The ``complaints`` section: complaints filed through ``file_complaint`` (no
acknowledgement: they were acknowledged when filed), their status moved by
``move_complaint``; matched by key. One open complaint per client and order holds."""

from datetime import UTC

from sqlalchemy import select
from sqlalchemy.orm import aliased

from webapp.activities.complaints.models import Complaint, ComplaintOrigin, ComplaintStatus
from webapp.activities.complaints.rules import COMMENT_MAX, complaint_error, is_open, open_key
from webapp.activities.complaints.services import ComplaintInput, file_complaint, move_complaint
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.data.opportunities import _integer, _moment, _utc
from webapp.data.schema import Field, choice, key, ref, text
from webapp.data.sections import Context, Item, Section, Tally, ids_by_key, objects_by_key
from webapp.extensions import db

FIELDS = {
    "key": key(),
    "client": Field(ref("clients").check, required=True, ref="clients"),
    "vintage": Field(_integer(1990, 2100).check, required=True),
    "order_number": text(Complaint.order_number, required=True),
    "origin": choice(ComplaintOrigin),
    "comment": text(Complaint.comment, required=True, length=COMMENT_MAX),
    "status": choice(ComplaintStatus),
    "author": ref("users"),
    "created_at": Field(_moment),
}


def check(items: list[Item], ctx: Context) -> None:
    """The screens' rule; one open complaint per client and order, in the file and with
    the stored ones."""
    stored = dict(db.session.execute(select(Complaint.open_key, Complaint.key)
                                     .where(Complaint.open_key.is_not(None))).all())
    clients = dict(db.session.execute(select(Client.key, Client.id)).all())
    seen: dict[str, Item] = {}
    for item in items:
        values = item.values
        if error := complaint_error(values.get("vintage"), values.get("order_number"),
                                    values.get("comment"), values.get("origin", "visit"),
                                    set(ComplaintOrigin.labels())):
            ctx.error(item.path, error)
            item.ok = False
        if not is_open(values.get("status") or "filed") or not values.get("order_number"):
            continue
        marker = open_key(0, values["order_number"]) + f"@{values.get('client')}"
        if marker in seen:
            ctx.fail(item, "order_number", f"une réclamation est déjà ouverte sur cette "
                                           f"commande ({seen[marker].path})")
        seen.setdefault(marker, item)
        client_id = clients.get(values.get("client"))
        if client_id and stored.get(open_key(client_id, values["order_number"]),
                                    item.key) != item.key:
            ctx.fail(item, "order_number", "une réclamation est déjà ouverte sur cette "
                                           "commande pour ce client")


def load(items: list[Item]) -> Tally:
    complaints = objects_by_key(Complaint, [item.key for item in items])
    clients = objects_by_key(Client, {item.values["client"] for item in items})
    authors = ids_by_key(User, {item.values.get("author") for item in items})
    tally = Tally()
    # The closed ones first: filed then closed, they leave their order to the open one.
    for item in sorted(items, key=lambda i: is_open(i.values.get("status") or "filed")):
        values, complaint = item.values, complaints.get(item.key)
        created = complaint is None
        if created:
            complaint = file_complaint(
                clients[values["client"]],
                ComplaintInput(values["vintage"], values["order_number"], values["comment"],
                               (values.get("origin") or ComplaintOrigin.VISIT).value),
                authors.get(values.get("author")), acknowledge=False, key=item.key,
                filed_at=values.get("created_at"))
        status = (values.get("status") or ComplaintStatus.FILED).value
        changed = status != complaint.status
        if changed:
            move_complaint(complaint, status)
        tally.count(created, changed and not created)
    return tally


def export():
    client, author = aliased(Client), aliased(User)
    stmt = (select(Complaint, client.key.label("client"), author.key.label("author"))
            .join(client, Complaint.client_id == client.id)
            .outerjoin(author, Complaint.author_id == author.id).order_by(Complaint.key))
    for row in db.session.execute(stmt):
        c = row.Complaint
        yield {"key": c.key or f"complaint-{c.id}", "client": row.client,
               "vintage": c.vintage, "order_number": c.order_number, "origin": c.origin,
               "comment": c.comment, "status": c.status, "author": row.author,
               "created_at": _utc(c.created_at).astimezone(UTC).isoformat()}


SECTION = Section(name="complaints", label="Réclamations", model=Complaint,
                  key_prefix="complaint", unknown="réclamation inconnue", fields=FIELDS,
                  check=check, load=load, export=export)
