"""A proposal presented on the tablet (seed 001, slides 25, 36–38, 42), at both sizes with
axe: the anomalous proposal shows its clear message, one tap splits it, both parts are
valid; the client signs with the code the SMS sink received; one tap sends the order to
production, whose mail reaches the SMTP sink with the signed PDF, read back."""

import pytest
from playwright.sync_api import expect

from tests.documents import pdf_text
from tests.fixtures.proposals import code_in
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.notifications.worker import drain
from webapp.proposals.models import Proposal

pytestmark = pytest.mark.browser
MIXED = [("001", "MO-1", [("renewed", "1000")]), ("101", "MO-2", [("cancelled", "-1500")]),
         ("201", "MO-3", [("new", "500")])]


@pytest.fixture
def anomalous(live_server, org, make_proposal):
    """Anne Roux (Marc's client), her address completed, and « Printemps visibilité »
    mixing a « MO- » with two positive sub-orders."""
    anne = db.session.get(Client, live_server.clients["Anne Roux"])
    anne.address, anne.postal_code = "3 rue des Lilas", "69003"
    proposal = make_proposal(anne, org["advisor"], MIXED)
    ids = {"client": anne.id, "proposal": proposal.id}
    db.session.commit()  # end the read transaction: the server threads write
    return ids


def test_present_split_sign_release(tablet_page, anomalous, log_in, shoot, axe_check,
                                    sms_sink, smtp_sink):
    page = tablet_page
    log_in(page, "advisor")
    # « Démarrer la visite »: the courtesy screen, then the proposal presented.
    page.goto(f"/proposals/clients/{anomalous['client']}/visit")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    axe_check(page, "courtesy screen")
    page.get_by_role("link", name="Printemps visibilité").tap()
    anomalies = page.locator("#anomalies")
    expect(anomalies).to_contain_text("la commande 101 MO-2")
    expect(anomalies).to_contain_text("séparez-la dans une autre proposition commerciale")
    shoot(page, "anomalous")
    axe_check(page, "anomalous proposal")

    # One tap: the negative sub-order leaves for a new proposal; both are valid.
    page.get_by_role("button", name="Séparer en un clic").tap()
    expect(page.locator("#valid")).to_be_visible()
    expect(page.locator(".alert-success").first).to_contain_text("Proposition séparée")
    expect(page.locator("#anomalies")).to_have_count(0)
    expect(page.locator("#total")).to_contain_text("1\u202f800\u00a0€ TTC")
    shoot(page, "split")
    axe_check(page, "split")
    db.session.rollback()  # see what the server threads committed
    credit = db.session.scalar(db.select(Proposal).where(Proposal.id != anomalous["proposal"]))
    page.goto(f"/proposals/{credit.id}/present")
    expect(page.locator("#valid")).to_be_visible()
    expect(page.locator("#total")).to_contain_text("-1\u202f800\u00a0€ TTC")
    page.goto(f"/proposals/{anomalous['proposal']}/present")

    # « Valider », « Commander », then the signature by SMS code.
    page.get_by_role("button", name="Valider").tap()
    expect(page.locator("#status")).to_have_text("Validée")
    page.get_by_role("button", name="Commander").tap()
    page.get_by_role("link", name="Faire signer").tap()
    page.get_by_label("IBAN (autorisation de prélèvement)").fill("FR76 3000 6000 0112 3456 7890 18")
    page.get_by_role("button", name="Envoyer le code par SMS").tap()
    expect(page.locator("#iban-error")).to_contain_text("IBAN n'est pas valide")
    expect(page.get_by_label("IBAN (autorisation de prélèvement)")).to_have_value(
        "FR76 3000 6000 0112 3456 7890 18")
    axe_check(page, "iban refused")
    page.get_by_label("IBAN (autorisation de prélèvement)").fill(
        "FR76 3000 6000 0112 3456 7890 189")
    page.get_by_role("button", name="Envoyer le code par SMS").tap()
    expect(page.locator(".alert-success")).to_contain_text("Code envoyé par SMS")
    [sms] = sms_sink()
    page.get_by_label("Code reçu par SMS").fill(code_in(sms["text"]))
    shoot(page, "code")
    axe_check(page, "signature")
    page.get_by_role("button", name="Signer").tap()
    expect(page.locator("#status")).to_have_text("Signée")
    expect(page.locator("#signed")).to_contain_text("empreinte SHA-256")

    # « Remise en production » in one tap; the mail reaches production with the PDF.
    page.get_by_role("button", name="Remettre en production").tap()
    expect(page.locator("#status")).to_have_text("Remise en production")
    number = page.locator("#number").inner_text().removeprefix("N° ")
    shoot(page, "released")
    axe_check(page, "released")
    db.session.rollback()
    assert drain().sent == 1
    [mail] = smtp_sink.messages
    assert number in mail["Subject"] and mail["To"].addresses[0].addr_spec == "production@localhost"
    [pdf] = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
    text = pdf_text(pdf.get_payload(decode=True))[0]
    released = db.session.get(Proposal, anomalous["proposal"])
    assert f"n° {number}" in text and released.content_hash in text
    assert "Signé électroniquement par code SMS" in text and "heure de Paris" in text
