"""The e-signature (slide 37): the one-time code sent by SMS to the client's mobile
(the client's postal address required, the mandate's IBAN checked, e-invoice or paper),
then the code typed back: the order form is signed, its content hashed."""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import update

from webapp.concurrency import save_versioned
from webapp.errors import Refused
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.notifications.sms import SmsError, send_sms
from webapp.proposals import rules as proposal_rules
from webapp.proposals.models import Proposal, Status
from webapp.proposals.signature import rules
from webapp.proposals.signature.document import content_lines


@dataclass(frozen=True)
class SigningInput:
    mobile: str
    billing: str
    iban: str


def _facts(proposal: Proposal, values: SigningInput) -> rules.SigningFacts:
    client = proposal.client
    return rules.SigningFacts(address=client.address, postal_code=client.postal_code,
                              city=client.city, mobile=values.mobile, email=client.email,
                              billing=values.billing, iban=values.iban)


def send_code(proposal: Proposal, values: SigningInput, now: datetime | None = None) -> None:
    """Check what signing needs, then send a new six-digit code by SMS (the former one
    is void); it expires after ``SIGNATURE_CODE_MINUTES``."""
    if error := proposal_rules.move_error("sign", proposal.status):
        raise Refused(error, 409)
    errors = rules.signing_errors(_facts(proposal, values))
    if errors:
        field, message = next(iter(errors.items()))
        raise FieldRefused(field, message)
    now = now or datetime.now(UTC)
    code = f"{secrets.randbelow(10 ** rules.CODE_DIGITS):0{rules.CODE_DIGITS}d}"
    proposal.mobile, proposal.billing = values.mobile.strip(), values.billing
    proposal.iban = rules.clean_iban(values.iban)
    proposal.code_hash = rules.code_digest(current_app.secret_key, proposal.id, code)
    proposal.code_expires_at = now + timedelta(
        minutes=current_app.config["SIGNATURE_CODE_MINUTES"])
    proposal.code_tries = 0
    db.session.flush()
    try:
        send_sms(proposal.mobile, f"Pilote : votre code de signature du bon de commande "
                                  f"« {proposal.name} » est {code}. Il expire dans "
                                  f"{current_app.config['SIGNATURE_CODE_MINUTES']} minutes.")
    except SmsError:
        raise Refused("Le SMS n'a pas pu être envoyé : réessayez dans un instant.", 503) from None


def _count_try(proposal_id: int) -> int:
    """Count this try in its own transaction, committed whatever the answer (a refused
    code rolls the request back, the count must stay: five tries, like a login limit);
    the tries made before this one. It runs first, before the request writes anything (a
    request holding the row's lock would wait on itself)."""
    with db.engine.begin() as connection:
        tries = connection.execute(
            update(Proposal).where(Proposal.id == proposal_id)
            .values(code_tries=Proposal.code_tries + 1)
            .returning(Proposal.code_tries)).scalar_one()
    return tries - 1


def confirm(proposal: Proposal, code: str, now: datetime | None = None) -> None:
    """The code the client read: right, in time, within five tries: the order form is
    signed (status « signée »), its signature time and content hash kept."""
    if error := proposal_rules.move_error("sign", proposal.status):
        raise Refused(error, 409)
    now = now or datetime.now(UTC)
    tries = _count_try(proposal.id) if proposal.code_hash else 0
    expected = proposal.code_hash or ""
    given = rules.code_digest(current_app.secret_key, proposal.id, code or "")
    matches = secrets.compare_digest(expected, given)
    if error := rules.code_error(now, proposal.code_expires_at, tries, matches):
        raise FieldRefused("code", error)
    save_versioned(proposal, proposal.version, lambda: _signed(proposal, now))


def _signed(proposal: Proposal, now: datetime) -> None:
    proposal.signed_at = now
    proposal.code_hash, proposal.code_expires_at = None, None
    proposal.status = Status.SIGNED
    proposal.content_hash = rules.content_hash(content_lines(proposal))
