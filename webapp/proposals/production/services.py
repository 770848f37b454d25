"""« Remise en production » in one click (slide 38): the order gets its number, its PDF
and number go to production by e-mail (the outbox, the PDF attached); a rejected order
becomes a rejet task for the rep (slide 43)."""

from datetime import UTC, datetime, timedelta

from flask import current_app

from webapp.auth.models import User
from webapp.concurrency import save_versioned
from webapp.errors import Refused
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.notifications.outbox import Attachment, queue_mail
from webapp.proposals import links, rules
from webapp.proposals.models import Proposal, Status
from webapp.proposals.signature import rules as signature_rules
from webapp.proposals.signature.document import content_lines, order_pdf


def release(proposal: Proposal, actor: User | None, now: datetime | None = None) -> Proposal:
    """Number the signed order, mail its PDF to production, status « remise en
    production ». Refused when the order changed since it was signed."""
    if error := rules.move_error("release", proposal.status):
        raise Refused(error, 409)
    if signature_rules.content_hash(content_lines(proposal)) != proposal.content_hash:
        raise Refused("Le bon de commande a changé depuis sa signature : faites-le signer "
                      "à nouveau.", 409)
    # One release only: a release made meanwhile is a conflict (409), no second mail.
    save_versioned(proposal, proposal.version, lambda: _release(proposal, actor,
                                                                now or datetime.now(UTC)))
    return proposal


def _release(proposal: Proposal, actor: User | None, now: datetime) -> None:
    proposal.number = rules.order_number(now.year, proposal.id)
    proposal.status, proposal.released_at = Status.PRODUCTION, now
    pdf = order_pdf(proposal)
    proposal.order_pdf = pdf
    queue_mail("proposal_production", current_app.config["PRODUCTION_EMAIL"],
               "proposal_production", actor=actor, proposal=proposal,
               attachments=[Attachment(f"bon-de-commande-{proposal.number}.pdf",
                                       "application/pdf", pdf)])


def reject(proposal: Proposal, reason: str, actor: User, now: datetime | None = None):
    """« En rejet »: the order comes back with a reason; the rep who made it gets a rejet
    task from the one who rejected it (slide 43)."""
    if error := rules.move_error("reject", proposal.status):
        raise Refused(error, 409)
    if not (reason or "").strip():
        raise FieldRefused("reason", "Saisissez le motif du rejet.")
    now = now or datetime.now(UTC)
    save_versioned(proposal, proposal.version, lambda: setattr(proposal, "status",
                                                               Status.REJECTED))
    proposal.rejected_reason = reason.strip()
    assignee = proposal.author_id or proposal.client.advisor_id or actor.id
    task = links.rejet_task(proposal.client_id, f"Rejet : commande {proposal.number}",
                            now + timedelta(days=1), assignee, reason=reason.strip(),
                            issuer_id=actor.id)
    db.session.flush()
    return task
