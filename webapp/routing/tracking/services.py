"""Feedback on a transmitted request, its closing, the contract-breaking review, and the
bonus/malus points recomputed from the rules after each of them."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, select

from webapp.auth.models import User
from webapp.concurrency import save_versioned
from webapp.errors import Refused
from webapp.extensions import db
from webapp.notifications.alerts import notify
from webapp.routing import queries, rules
from webapp.routing.models import (
    ActionKind,
    ClientRequest,
    Company,
    ContractFlag,
    FeedbackAction,
    FlagStatus,
    ScoreEvent,
)


@dataclass(frozen=True)
class FeedbackInput:
    kind: str
    done_on: date
    company: Company | None = None
    note: str = ""


def _feedback_error(req: ClientRequest, values: FeedbackInput, today: date) -> str | None:
    if req.closed_on is not None:
        return "La demande est clôturée : rouvrez-la pour ajouter un retour."
    if values.kind not in ActionKind.labels():
        return "Choisissez l'action menée."
    if values.done_on is None:
        return "Indiquez la date de l'action."
    if values.done_on > today:
        return "Une action déjà menée ne peut pas être datée dans le futur."
    if values.done_on < req.transmitted_on:
        return "L'action ne peut pas précéder la transmission de la demande."
    return None


def record_feedback(req: ClientRequest, values: FeedbackInput, author: User | None,
                    today: date, path: str | None = None,
                    rescored: bool = True) -> FeedbackAction:
    """« Le tableau de suivi sera alors alimenté selon les retours du conseiller »."""
    if error := _feedback_error(req, values, today):
        raise Refused(error)
    company = values.company or (req.company if values.kind in (
        ActionKind.NEW_BUSINESS, ActionKind.CONTRACT_ENDED) else None)
    action = FeedbackAction(kind=values.kind, done_on=values.done_on,
                            company_id=company.id if company else None,
                            note=(values.note or "").strip()[:500] or None,
                            author_id=author.id if author else None)
    req.actions.append(action)
    if req.answered_on is None:
        req.answered_on = today
    db.session.flush()
    _check_contract(req, path)
    if rescored:  # the demo and the import rescore once, after the last action
        rescore(req, today)
    return action


def close_request(req: ClientRequest, version: int | None, today: date) -> None:
    """The advisor (or the desk) closes the request once handled."""
    def write():
        if req.closed_on is not None:
            raise Refused("La demande est déjà clôturée.", status=409)
        if not req.actions:
            raise Refused("Indiquez au moins une action avant de clôturer.")
        req.closed_on = today

    save_versioned(req, version, write)
    rescore(req, today)


def _closures(req: ClientRequest) -> list[rules.Closure]:
    """The client's contracts ending: the requests ending one (rachat, arrêt) and the
    endings the advisors reported, over all of the client's requests."""
    found = []
    for other in db.session.scalars(select(ClientRequest).where(
            ClientRequest.client_id == req.client_id)):
        if other.type.ends_contract:
            found.append(rules.Closure(other.company_id, other.transmitted_on,
                                       f"{other.type.name} ({other.company.name})"))
        found += [rules.Closure(a.company_id, a.done_on, f"{a.kind_label} {a.done_on:%d/%m/%Y}")
                  for a in other.actions
                  if a.kind == ActionKind.CONTRACT_ENDED and a.company_id]
    return found


def _check_contract(req: ClientRequest, path: str | None) -> None:
    """« Ne pas casser un contrat pour un autre »: a new business next to the end of a
    contract with the same company is flagged for the advisor's managers."""
    if not any(a.kind == ActionKind.NEW_BUSINESS for a in req.actions) or db.session.scalar(
            select(ContractFlag.id).where(ContractFlag.request_id == req.id)):
        return
    window = queries.settings().contract_window_days
    closures = _closures(req)
    for action in req.actions:
        if action.kind != ActionKind.NEW_BUSINESS:
            continue
        closure = rules.broken_contract(action.done_on, action.company_id, closures, window)
        if closure:
            reason = (f"Affaire nouvelle du {action.done_on:%d/%m/%Y} chez {action.company.name}"
                      f" à moins de {window} jours de : {closure.label}")
            db.session.add(ContractFlag(request_id=req.id, reason=reason[:300]))
            for manager in queries.managers_of(req.advisor):
                notify(manager.id, "routing-contract",
                       f"À examiner : contrat cassé ? {req.client.full_name}", path)
            return


def review_flag(flag: ContractFlag, confirmed: bool, reviewer: User, today: date) -> None:
    """A manager confirms (a malus) or dismisses a contract-breaking flag."""
    if flag.status != FlagStatus.PENDING:
        raise Refused("Ce signalement a déjà été examiné.", status=409)
    flag.status = FlagStatus.CONFIRMED if confirmed else FlagStatus.DISMISSED
    flag.reviewed_by_id = reviewer.id
    flag.reviewed_at = datetime.now(UTC)
    db.session.flush()
    rescore(flag.request, today)


def facts(req: ClientRequest) -> rules.Facts:
    kinds = {a.kind for a in req.actions}
    confirmed = db.session.scalar(select(ContractFlag.id).where(
        ContractFlag.request_id == req.id, ContractFlag.status == FlagStatus.CONFIRMED))
    return rules.Facts(req.transmitted_on, req.answered_on,
                       money_pitch=ActionKind.MONEY_PITCH in kinds,
                       new_business=ActionKind.NEW_BUSINESS in kinds,
                       broken_contract_confirmed=confirmed is not None)


def rescore(req: ClientRequest, today: date, points: dict | None = None,
            labels: dict | None = None) -> list[ScoreEvent]:
    """The request's point lines, as the rules give them today (replacing the old ones)."""
    points = points if points is not None else queries.points()
    labels = labels if labels is not None else {r.key: r.label for r in queries.score_rules()}
    db.session.execute(delete(ScoreEvent).where(ScoreEvent.request_id == req.id))
    on = {rules.Points.IN_TIME: req.answered_on, rules.Points.LATE: req.answered_on,
          rules.Points.MISSING: req.due_on}
    events = [ScoreEvent(advisor_id=req.advisor_id, request_id=req.id, rule_key=key,
                         label=labels.get(key, key), points=value,
                         earned_on=on.get(key) or _action_day(req, key) or today)
              for key, value in rules.scoring(facts(req), today, points)]
    db.session.add_all(events)
    db.session.flush()
    return events


def _action_day(req: ClientRequest, key: str) -> date | None:
    kind = {rules.Points.MONEY_PITCH: ActionKind.MONEY_PITCH,
            rules.Points.NEW_BUSINESS: ActionKind.NEW_BUSINESS}.get(key)
    return next((a.done_on for a in req.actions if a.kind == kind), None)


def score_overdue(today: date) -> int:
    """The reminders' pass: an overdue request without feedback takes its malus once."""
    missing = select(ScoreEvent.request_id).where(
        ScoreEvent.rule_key == rules.Points.MISSING)
    overdue = db.session.scalars(select(ClientRequest).where(
        ClientRequest.answered_on.is_(None), ClientRequest.closed_on.is_(None),
        ClientRequest.due_on < today, ClientRequest.id.not_in(missing))).all()
    points = queries.points()
    labels = {r.key: r.label for r in queries.score_rules()}
    for req in overdue:
        rescore(req, today, points, labels)
    return len(overdue)
