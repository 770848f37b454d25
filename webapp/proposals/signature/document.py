"""The signed order form (bon de commande unifié): its content as lines (what the hash
covers) and its PDF, with the signature time and the hash."""

from flask import render_template
from weasyprint import HTML, URLFetcher

from webapp import clock
from webapp.proposals.models import Proposal


def content_lines(proposal: Proposal) -> list[str]:
    """Every fact the client signs, one per line, in a fixed order: the hash of these
    lines is printed on the PDF."""
    client = proposal.client
    lines = [f"proposition:{proposal.id}:{proposal.name}",
             f"client:{client.id}:{client.full_name}",
             f"adresse:{client.address}|{client.postal_code}|{client.city}",
             f"facturation:{proposal.billing}:{client.email or ''}",
             f"iban:{proposal.iban or ''}", f"mobile:{proposal.mobile or ''}",
             f"signature:{proposal.signed_at.isoformat() if proposal.signed_at else ''}"]
    for suborder in proposal.suborders:
        lines.append(f"sous-commande:{suborder.label}:{suborder.range_label}")
        lines += [f"ligne:{line.label}:{line.state}:{line.amount_ht}:{line.vat_rate}"
                  for line in suborder.lines]
    lines += [f"echeance:{i.due_on.isoformat()}:{i.amount_ttc}" for i in proposal.instalments]
    return lines


class NoFetch(URLFetcher):
    """The order form loads nothing: no file, no network."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Ressource refusée : {url}")


def masked_iban(iban: str | None) -> str:
    """« FR76 •••• •••• 0189 »: enough to recognise the account."""
    if not iban:
        return "—"
    return f"{iban[:4]} •••• •••• {iban[-4:]}"


def order_pdf(proposal: Proposal) -> bytes:
    """The order form as a PDF (WeasyPrint): client, sub-orders, plan, mandate, billing,
    the signature's time in Paris and the content hash."""
    signed = proposal.signed_at.astimezone(clock.zone()) if proposal.signed_at else None
    html = render_template("proposals/order_form.html", proposal=proposal, signed=signed,
                           iban=masked_iban(proposal.iban))
    return HTML(string=html, url_fetcher=NoFetch()).write_pdf()
