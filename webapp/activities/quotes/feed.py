"""Quotes in the client's activity feed."""

from flask import url_for
from sqlalchemy import case, literal, select

from webapp.activities.feed import Source, register
from webapp.activities.quotes.models import Quote, QuoteStatus


def _rows(client_id: int):
    status = case(QuoteStatus.labels(), value=Quote.status, else_=Quote.status)
    return select(Quote.created_at.label("at"),
                  (literal("Devis — ") + Quote.title + literal(" (") + status + literal(")"))
                  .label("title"),
                  Quote.id.label("ref_id")).where(Quote.client_id == client_id)


SOURCE = register(Source(kind="quote", label="Devis", rows=_rows,
                         endpoint="activities.quote",
                         link=lambda ref_id: url_for("activities.quote", quote_id=ref_id)))
