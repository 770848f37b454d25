"""The ``quotes`` section: quotes made through the screens' services (created, lines
added, sent without an e-mail, answered); matched by key. A stored quote only moves on
its status; an accepted quote names its ``opportunity`` (the import links it rather than
creating a second one)."""

from sqlalchemy import select
from sqlalchemy.orm import aliased

from webapp import clock
from webapp.activities.catalogue.models import Product
from webapp.activities.quotes.models import Quote, QuoteStatus
from webapp.activities.quotes.rules import QUANTITY_MAX
from webapp.activities.quotes.services import add_line, create_quote, decide_quote, send_quote
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.data.operations import day
from webapp.data.schema import Field, Invalid, choice, key, ref, text
from webapp.data.sections import Context, Item, Section, Tally, ids_by_key, objects_by_key
from webapp.extensions import db
from webapp.opportunities.models import Opportunity


def _lines(value) -> list[tuple[str, int]]:
    if not isinstance(value, list) or not value:
        raise Invalid("liste de lignes attendue ({\"product\": clé, \"quantity\": nombre})")
    lines = []
    for line in value:
        if not isinstance(line, dict) or set(line) != {"product", "quantity"}:
            raise Invalid("chaque ligne a un « product » et une « quantity »")
        product, quantity = line["product"], line["quantity"]
        if not isinstance(product, str) or not product.strip():
            raise Invalid("produit attendu (sa clé)")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not (
                1 <= quantity <= QUANTITY_MAX):
            raise Invalid(f"quantité entière de 1 à {QUANTITY_MAX}")
        lines.append((product.strip(), quantity))
    return lines


FIELDS = {
    "key": key(),
    "client": Field(ref("clients").check, required=True, ref="clients"),
    "title": text(Quote.title, required=True),
    "valid_until": day(required=True),
    "status": choice(QuoteStatus),
    "author": ref("users"),
    "lines": Field(_lines, required=True),
    "opportunity": ref("opportunities"),
}


def check(items: list[Item], ctx: Context) -> None:
    in_file = ctx.declared.get("catalogue", {}).keys()
    wanted = {p for item in items for p, _q in item.values.get("lines", [])}
    known = in_file | ids_by_key(Product, wanted - in_file).keys()
    for item in items:
        for product, _quantity in item.values.get("lines", []):
            if product not in known:
                ctx.fail(item, "lines", f"produit inconnu « {product} »")
        status = item.values.get("status")
        if item.values.get("opportunity") and status != QuoteStatus.ACCEPTED:
            ctx.fail(item, "opportunity", "seul un devis accepté a une opportunité")


def _moves(quote: Quote, status: str, author: User | None, opportunity_id: int | None):
    as_of = min(clock.today(), quote.valid_until)  # the quote as it was answered
    if quote.status == "draft" and status != "draft":
        send_quote(quote, as_of, mail=False)
    if quote.status == "sent" and status in ("accepted", "refused"):
        decide_quote(quote, status == "accepted", author, as_of,
                     opportunity_id=opportunity_id)


def load(items: list[Item]) -> Tally:
    quotes = objects_by_key(Quote, [item.key for item in items])
    clients = objects_by_key(Client, {item.values["client"] for item in items})
    authors = objects_by_key(User, {item.values.get("author") for item in items})
    products = ids_by_key(Product, {p for i in items for p, _q in i.values["lines"]})
    opportunities = ids_by_key(Opportunity, {i.values.get("opportunity") for i in items})
    tally = Tally()
    for item in items:
        values, quote = item.values, quotes.get(item.key)
        author = authors.get(values.get("author"))
        created = quote is None
        if created:
            quote = create_quote(clients[values["client"]], values["title"],
                                 values["valid_until"], author.id if author else None,
                                 min(clock.today(), values["valid_until"]), key=item.key)
            for product, quantity in values["lines"]:
                add_line(quote, products[product], quantity)
        status = (values.get("status") or QuoteStatus.DRAFT).value
        changed = status != quote.status
        if changed:
            _moves(quote, status, author, opportunities.get(values.get("opportunity")))
        tally.count(created, changed and not created)
    return tally


def export():
    client, author, opportunity = aliased(Client), aliased(User), aliased(Opportunity)
    stmt = (select(Quote, client.key.label("client"), author.key.label("author"),
                   opportunity.key.label("opportunity"))
            .join(client, Quote.client_id == client.id)
            .outerjoin(author, Quote.author_id == author.id)
            .outerjoin(opportunity, Quote.opportunity_id == opportunity.id)
            .order_by(Quote.key))
    for row in db.session.execute(stmt):
        q = row.Quote
        yield {"key": q.key or f"quote-{q.id}", "client": row.client, "title": q.title,
               "valid_until": q.valid_until.isoformat(), "status": q.status,
               "author": row.author, "opportunity": row.opportunity,
               "lines": [{"product": line.product.key, "quantity": line.quantity}
                         for line in q.lines]}


SECTION = Section(name="quotes", label="Devis", model=Quote, key_prefix="quote",
                  unknown="devis inconnu", fields=FIELDS, check=check, load=load,
                  export=export)
