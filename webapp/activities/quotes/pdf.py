"""A quote as a PDF (WeasyPrint), from ``templates/activities/quotes/pdf.html``: styles
inline, no resource fetched (neither the network nor a file)."""

from flask import render_template
from weasyprint import HTML

from webapp import clock
from webapp.activities.quotes.models import Quote


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"Ressource refusée : {url}")


def quote_pdf(quote: Quote) -> bytes:
    html = render_template("activities/quotes/pdf.html", quote=quote,
                           printed_on=clock.today())
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def filename(quote: Quote) -> str:
    return f"devis-{quote.number}.pdf"
