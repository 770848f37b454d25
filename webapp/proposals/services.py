"""Writes on proposals: create, rename and plan, duplicate (simulations, slide 6),
sub-orders and product lines (removals record the churn, slides 40–41), validate and
order (the anomaly rules block both, slide 42). Services take values, raise ``Refused``,
flush; the request commits."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from webapp import clock
from webapp.activities.catalogue.models import Product
from webapp.auth.models import User
from webapp.clients.models import Client
from webapp.concurrency import save_versioned
from webapp.errors import Refused
from webapp.extensions import db
from webapp.forms import FieldRefused
from webapp.proposals import links, rules
from webapp.proposals.models import Instalment, LineState, ProductLine, Proposal, Status, SubOrder


@dataclass(frozen=True)
class ProposalInput:
    """A proposal's name and payment plan, as its form gives them."""

    name: str
    plan_count: int = 1
    plan_start: date | None = None
    opportunity_id: int | None = None


@dataclass(frozen=True)
class SubOrderInput:
    number: str
    mo: str = ""
    range_label: str = ""
    churned: bool = False


@dataclass(frozen=True)
class LineInput:
    product: Product
    state: str = LineState.NEW
    amount_ht: Decimal | None = None  # None: the catalogue's price


def _name_error(name: str) -> str | None:
    if not (name or "").strip():
        return "Donnez à la proposition un nom évocateur pour le client."
    return None


def _editable(proposal: Proposal) -> None:
    if error := rules.edit_error(proposal.status):
        raise Refused(error, 409)


def refresh_plan(proposal: Proposal) -> None:
    """The payment plan of the positive part, again, after any change (slide 42's
    split: « le plan de règlement est recalculé »); a change sends a validated proposal
    back to preparation."""
    start = proposal.plan_start or clock.today()
    plan = rules.payment_plan(proposal.facts(), proposal.plan_count, start)
    proposal.instalments = [Instalment(due_on=day, amount_ttc=amount) for day, amount in plan]
    if proposal.status == Status.VALIDATED:
        proposal.status = Status.DRAFT
    db.session.flush()


def create_proposal(client: Client, values: ProposalInput, author: User | None,
                    key: str | None = None) -> Proposal:
    """A new proposal « en préparation » for the client."""
    if error := _name_error(values.name):
        raise FieldRefused("name", error)
    proposal = Proposal(client_id=client.id, name=" ".join(values.name.split()),
                        plan_count=max(1, min(values.plan_count, rules.MAX_PLAN)),
                        plan_start=values.plan_start, opportunity_id=values.opportunity_id,
                        author_id=author.id if author else None, key=key,
                        status=Status.DRAFT)
    db.session.add(proposal)
    db.session.flush()
    return proposal


def update_proposal(proposal: Proposal, values: ProposalInput) -> Proposal:
    """Rename the proposal, change its plan's instalments and first day."""
    _editable(proposal)
    if error := _name_error(values.name):
        raise FieldRefused("name", error)
    proposal.name = " ".join(values.name.split())
    proposal.plan_count = max(1, min(values.plan_count, rules.MAX_PLAN))
    proposal.plan_start = values.plan_start
    refresh_plan(proposal)
    return proposal


def add_suborder(proposal: Proposal, values: SubOrderInput) -> SubOrder:
    """A sub-order (sous-commande 001, 101 …) in the proposal."""
    _editable(proposal)
    number = values.number.strip()
    if not number:
        raise FieldRefused("number", "Saisissez le numéro de la sous-commande (001, 101 …).")
    if any(s.number == number for s in proposal.suborders):
        raise FieldRefused("number", f"La sous-commande {number} est déjà dans la proposition.")
    suborder = SubOrder(number=number, mo=values.mo.strip(), range_label=values.range_label.strip(),
                        churned=values.churned)
    proposal.suborders.append(suborder)
    refresh_plan(proposal)
    return suborder


def set_churned(suborder: SubOrder, churned: bool) -> None:
    """Mark a sub-order churned in full (the client renews none of it), or not."""
    _editable(suborder.proposal)
    suborder.churned = churned
    refresh_plan(suborder.proposal)


def partial_churn(suborder: SubOrder, reason: str, actor: User | None) -> None:
    """Slide 40, « la chute partielle »: the sub-order's range dropped (its first
    product's range when the sub-order names none)."""
    products = [line.product_id for line in suborder.lines if line.product_id is not None]
    links.record_churn(suborder.proposal.client_id, scope="partial", day=clock.today(),
                       reason=reason or links.DEFAULT_REASON,
                       range_label=suborder.range_label or None,
                       product_id=None if suborder.range_label else next(iter(products), None),
                       suborder_label=suborder.label, actor_id=actor.id if actor else None)


def remove_suborder(suborder: SubOrder, actor: User | None, reason: str = "") -> None:
    """Remove a sub-order: the churn of its range when the client held it (slide 40, « la
    chute partielle »)."""
    proposal = suborder.proposal
    _editable(proposal)
    if rules.suborder_removal_churns(line.state for line in suborder.lines):
        partial_churn(suborder, reason, actor)
    proposal.suborders.remove(suborder)
    refresh_plan(proposal)


def add_line(suborder: SubOrder, values: LineInput) -> ProductLine:
    """A product of the catalogue in the sub-order, at its price or the amount typed
    (negative for a credit)."""
    _editable(suborder.proposal)
    product = values.product
    if product is None or not product.active:
        raise FieldRefused("product_id", "Choisissez un produit actif du catalogue.")
    if values.state not in LineState.labels():
        raise FieldRefused("state", "Choisissez l'état du produit.")
    amount = product.unit_price_ht if values.amount_ht is None else values.amount_ht
    line = ProductLine(product_id=product.id, label=product.label, state=values.state,
                       amount_ht=amount, vat_rate=product.vat_rate)
    suborder.lines.append(line)
    refresh_plan(suborder.proposal)
    return line


def remove_line(line: ProductLine, actor: User | None, reason: str = "") -> None:
    """Remove a product: a product churn when the client held it (slide 40)."""
    suborder = line.suborder
    _editable(suborder.proposal)
    if rules.line_removal_churns(line.state) and line.product_id is not None:
        links.record_churn(suborder.proposal.client_id, scope="product", day=clock.today(),
                           reason=reason or links.DEFAULT_REASON, product_id=line.product_id,
                           range_label=suborder.range_label or None,
                           suborder_label=suborder.label, actor_id=actor.id if actor else None)
    suborder.lines.remove(line)
    refresh_plan(suborder.proposal)


def copy_suborders(source: list[SubOrder], target: Proposal) -> None:
    """Copies of ``source``'s sub-orders and lines appended to ``target``."""
    for suborder in source:
        target.suborders.append(SubOrder(
            number=suborder.number, mo=suborder.mo, range_label=suborder.range_label,
            churned=suborder.churned,
            lines=[ProductLine(product_id=line.product_id, label=line.label, state=line.state,
                               amount_ht=line.amount_ht, vat_rate=line.vat_rate)
                   for line in suborder.lines]))


def duplicate(proposal: Proposal, name: str, author: User | None) -> Proposal:
    """A copy in preparation, to build a simulation (slide 6: « je prépare des
    simulations »)."""
    copy = create_proposal(proposal.client, ProposalInput(
        name=name or f"{proposal.name} (copie)", plan_count=proposal.plan_count,
        plan_start=proposal.plan_start, opportunity_id=proposal.opportunity_id), author)
    copy_suborders(proposal.suborders, copy)
    refresh_plan(copy)
    return copy


def blocking(proposal: Proposal) -> list[str]:
    """What stops the proposal from being validated or ordered: its anomalies, or the
    total churn it stands for."""
    facts = proposal.facts()
    messages = [a.message for a in rules.anomalies(facts)]
    if not facts.suborders:
        messages.append("La proposition ne contient aucune sous-commande.")
    elif churn := rules.total_churn_asked(facts):
        messages.append(churn)
    return messages


def _move(proposal: Proposal, action: str) -> None:
    if error := rules.move_error(action, proposal.status):
        raise Refused(error, 409)
    if messages := blocking(proposal):
        raise Refused(" ".join(messages))
    # Checked then written atomically: a move made meanwhile is a conflict (409).
    save_versioned(proposal, proposal.version,
                   lambda: setattr(proposal, "status", rules.MOVES[action][1]))


def validate(proposal: Proposal) -> None:
    """« Valider »: the same anomaly rules as « Présenter » block it (slide 42)."""
    _move(proposal, "validate")


def order(proposal: Proposal) -> None:
    """« Commander »: checked once more, then the order form waits for the signature."""
    _move(proposal, "order")


def record_total_churn(proposal: Proposal, day: date, reason: str, actor: User | None) -> None:
    """Slide 40: the client renews nothing and takes nothing new: the total churn on the
    client (a date and a reason), not a proposal."""
    if not rules.total_churn_asked(proposal.facts()):
        raise Refused("La proposition reconduit ou ajoute des produits : ce n'est pas une "
                      "chute totale.", 409)
    if reason not in links.REASONS.labels():
        raise FieldRefused("reason", "Choisissez le motif de la chute dans la liste.")
    links.record_churn(proposal.client_id, scope="total", day=day, reason=reason,
                       actor_id=actor.id if actor else None)


@dataclass(frozen=True)
class LineSpec:
    """A line as a document gives it (the import, the demo): its product and values."""

    product: Product
    state: str
    amount_ht: Decimal


def set_suborders(proposal: Proposal, specs: list[tuple[SubOrderInput, list[LineSpec]]]) -> None:
    """The proposal's sub-orders and lines as a document has them (the import and the
    demo): replaced as a whole, no churn recorded (nothing was removed before a client)."""
    _editable(proposal)
    proposal.suborders = []
    db.session.flush()
    for values, lines in specs:
        suborder = SubOrder(number=values.number.strip(), mo=values.mo.strip(),
                            range_label=values.range_label.strip(), churned=values.churned)
        suborder.lines = [ProductLine(product_id=spec.product.id, label=spec.product.label,
                                      state=spec.state, amount_ht=spec.amount_ht,
                                      vat_rate=spec.product.vat_rate) for spec in lines]
        proposal.suborders.append(suborder)
    refresh_plan(proposal)


def restore_status(proposal: Proposal, status: str, signed_at=None, number: str | None = None,
                   reason: str | None = None) -> None:
    """A status a document gives (import, demo), reached as the screens would: nothing
    anomalous is validated, ordered or signed; a signed one gets its content hash."""
    from webapp.proposals.signature import rules as signature_rules
    from webapp.proposals.signature.document import content_lines

    if status == proposal.status:
        return
    if status != Status.DRAFT and (messages := blocking(proposal)):
        raise Refused(" ".join(messages))
    proposal.status = status
    if status in (Status.SIGNED, Status.PRODUCTION, Status.REJECTED):
        proposal.signed_at = signed_at or proposal.signed_at
        if proposal.signed_at is None:
            raise Refused("Une proposition signée a sa date de signature (signed_at).")
        proposal.content_hash = signature_rules.content_hash(content_lines(proposal))
    if status in (Status.PRODUCTION, Status.REJECTED):
        proposal.number = number or rules.order_number(proposal.signed_at.year, proposal.id)
    if status == Status.REJECTED:
        proposal.rejected_reason = reason or "Rejet"
    db.session.flush()
