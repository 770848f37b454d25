"""The client file as a PDF (WeasyPrint), attached to the transmission mail. The HTML
holds its own CSS and fetches nothing: no network, no file."""

from flask import render_template
from weasyprint import HTML, URLFetcher

from webapp.routing.rules import MANDATORY_SENTENCE


class NothingFetched(URLFetcher):
    """The client file needs no resource: any fetch is refused."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Ressource refusée : {url}")


def client_file_pdf(request, accounts) -> bytes:
    """« la fiche client » of a request: identity, contact, contracts, the request."""
    html = render_template("routing/client_file_pdf.html", req=request, client=request.client,
                           accounts=accounts, sentence=MANDATORY_SENTENCE)
    return HTML(string=html, url_fetcher=NothingFetched()).write_pdf()
