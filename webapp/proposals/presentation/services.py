"""The one-click split of an anomalous proposal (slides 25 and 42): the negative
sub-orders go to a new proposal, the MO without an active product leave it for the service
client (noted), the sub-orders churned in full leave it (a partial churn); both plans are
computed again, and both proposals are then free of anomalies."""

from dataclasses import dataclass

from webapp.auth.models import User
from webapp.errors import Refused
from webapp.extensions import db
from webapp.proposals import rules, services
from webapp.proposals.models import Proposal


@dataclass(frozen=True)
class SplitResult:
    proposal: Proposal
    created: Proposal | None
    emptied: tuple[str, ...]
    churned: tuple[str, ...]


def _note(proposal: Proposal, labels: list[str]) -> None:
    line = ("Transmis au Service Client (MO sans produit nouveau, modifié ou annulé) : "
            + ", ".join(labels))
    proposal.notes = f"{proposal.notes}\n{line}".strip()


def split(proposal: Proposal, actor: User | None) -> SplitResult:
    """Split ``proposal`` as the rules say; ``Refused`` (409) when it has no anomaly."""
    services._editable(proposal)
    plan = rules.split_of(proposal.facts())
    if not plan.needed:
        raise Refused("La proposition ne présente aucune anomalie : rien à séparer.", 409)
    by_number = {s.number: s for s in proposal.suborders}
    created = None
    if plan.moved:
        created = services.create_proposal(proposal.client, services.ProposalInput(
            name=f"{proposal.name} (avoirs)", plan_count=1, plan_start=proposal.plan_start,
            opportunity_id=proposal.opportunity_id), actor)
        with db.session.no_autoflush:  # moved, not an orphan deleted on the way
            for number in plan.moved:
                suborder = by_number[number]
                proposal.suborders.remove(suborder)
                created.suborders.append(suborder)
    if plan.emptied:
        _note(proposal, [by_number[n].label for n in plan.emptied])
        for number in plan.emptied:
            proposal.suborders.remove(by_number[number])
    for number in plan.churned:
        suborder = by_number[number]
        services.partial_churn(suborder, "", actor)
        proposal.suborders.remove(suborder)
    db.session.flush()
    services.refresh_plan(proposal)
    if created is not None:
        services.refresh_plan(created)
    return SplitResult(proposal, created, plan.emptied, plan.churned)
