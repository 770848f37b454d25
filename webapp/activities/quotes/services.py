"""Writes on quotes: create, add and remove lines (while a draft), send (the PDF attached
to the client's e-mail, through the outbox), accept (an opportunity with the quote's
amount) or refuse. The client file, the import and the demo call them."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from webapp.activities.catalogue.models import Product
from webapp.activities.quotes.models import Quote, QuoteLine, QuoteStatus
from webapp.activities.quotes.pdf import filename, quote_pdf
from webapp.activities.quotes.rules import (
    TITLE_MAX,
    line_amounts,
    line_error,
    move_error,
    quote_totals,
    validity_error,
)
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.concurrency import Conflict, conflicts
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.outbox import Attachment, queue_mail
from webapp.opportunities import services as opportunities
from webapp.opportunities.models import OpportunityType

OPPORTUNITY_TYPE = "Devis"  # the type of the opportunities accepted quotes create


def create_quote(client: Client, title: str, valid_until: date | None, author_id: int | None,
                 today: date, key: str | None = None) -> Quote:
    title = (title or "").strip()
    if not title or len(title) > TITLE_MAX:
        raise Refused(f"L'objet du devis est obligatoire ({TITLE_MAX} caractères au plus).")
    if error := validity_error(valid_until, today):
        raise Refused(error)
    quote = Quote(client_id=client.id, client=client, title=title, valid_until=valid_until,
                  author_id=author_id, status=QuoteStatus.DRAFT.value, key=key)
    db.session.add(quote)
    db.session.flush()
    return quote


def _total(quote: Quote) -> None:
    totals = quote_totals(line_amounts(line.quantity, line.unit_price_ht, line.vat_rate)
                          for line in quote.lines)
    quote.total_ht, quote.total_ttc = totals.ht, totals.ttc


def add_line(quote: Quote, product_id: int, quantity: int | None) -> QuoteLine:
    """A product of the catalogue at its current price and VAT rate, ``quantity`` times."""
    if error := line_error(quantity, quote.status == QuoteStatus.DRAFT.value):
        raise Refused(error)
    product = db.session.get(Product, product_id) if product_id else None
    if product is None or not product.active:
        raise Refused("Choisissez un produit du catalogue.")
    amounts = line_amounts(quantity, product.unit_price_ht, product.vat_rate)
    line = QuoteLine(product=product, label=product.label, quantity=quantity,
                     unit_price_ht=product.unit_price_ht, vat_rate=product.vat_rate,
                     total_ht=amounts.ht, total_ttc=amounts.ttc,
                     position=max((li.position for li in quote.lines), default=0) + 1)
    quote.lines.append(line)
    _total(quote)
    db.session.flush()
    return line


def remove_line(quote: Quote, line_id: int) -> None:
    if quote.status != QuoteStatus.DRAFT.value:
        raise Refused("Le devis a été envoyé : ses lignes ne changent plus.")
    line = next((li for li in quote.lines if li.id == line_id), None)
    if line is None:
        raise Refused("Cette ligne n'est pas sur le devis.", status=404)
    quote.lines.remove(line)
    _total(quote)
    db.session.flush()


def _move(quote: Quote, new: QuoteStatus, today: date) -> None:
    if error := move_error(quote.status, new.value, lines=len(quote.lines),
                           has_email=bool(quote.client.email),
                           valid_until=quote.valid_until, today=today):
        raise Refused(error, status=409 if quote.status in ("accepted", "refused") else 422)
    quote.status = new.value


def _current(quote: Quote, posted_version) -> None:
    """The quote as the user saw it (``posted_version``; None: the import, the demo)."""
    if posted_version is not None and conflicts(quote, posted_version):
        raise Conflict()


def send_quote(quote: Quote, today: date, mail: bool = True, posted_version=None) -> None:
    """« Envoyez-lui » (slide 27): the PDF attached to an e-mail to the client."""
    _current(quote, posted_version)
    _move(quote, QuoteStatus.SENT, today)
    quote.sent_at = datetime.now(UTC)
    db.session.flush()
    if mail:
        queue_mail("quote", quote.client.email, "quote", quote=quote, client=quote.client,
                   attachments=[Attachment(filename(quote), "application/pdf",
                                           quote_pdf(quote))])


def _opportunity_type() -> OpportunityType:
    """The type « Devis » if the admin created one, else the first of the pipeline's types
    (the types are the admin's data list: a quote does not add one)."""
    kind = db.session.scalar(select(OpportunityType).where(
        OpportunityType.name == OPPORTUNITY_TYPE))
    return kind or db.session.scalar(select(OpportunityType)
                                     .order_by(OpportunityType.position).limit(1))


def decide_quote(quote: Quote, accepted: bool, user: User | None, today: date,
                 posted_version=None, opportunity_id: int | None = None) -> None:
    """The client's answer. Accepted, the quote becomes an opportunity of its HT amount,
    owned by the quote's author (or whoever records the answer); the import links the
    opportunity it already holds (``opportunity_id``) instead."""
    _current(quote, posted_version)
    _move(quote, QuoteStatus.ACCEPTED if accepted else QuoteStatus.REFUSED, today)
    quote.decided_at = datetime.now(UTC)
    if accepted and opportunity_id:
        quote.opportunity_id = opportunity_id
    elif accepted:
        client = quote.client
        owner_id = quote.author_id or (user.id if user else None)
        opportunity = opportunities.create({
            # The pipeline's rule: an opportunity is named after its client's file.
            "name": client.full_name, "client_id": client.id,
            "type_id": _opportunity_type().id, "amount": quote.total_ht,
            "purpose": f"Devis {quote.number} accepté : {quote.title}"[:200],
            "owner_id": owner_id,
            "email": client.email, "phone": client.phone,
            "phone_is_mobile": client.phone_is_mobile, "branch_id": client.branch_id,
            "language": client.language,
        }, user)
        quote.opportunity_id = opportunity.id
    db.session.flush()
