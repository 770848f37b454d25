"""The « Mes opportunités » box of the home page: my opportunities by stage, expired
ones, today's calls and meetings."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from webapp.auth.models import User
from webapp.clock import day_start, local_day
from webapp.extensions import db
from webapp.opportunities import tally
from webapp.opportunities.models import Call, Meeting, MeetingStatus, Opportunity, Stage
from webapp.opportunities.rules import (
    RELAUNCH_WINDOW_DAYS,
    last_valid_creation_day,
    relaunch_due,
)

LISTED = 8


@dataclass
class Pipeline:
    by_stage: list[tuple[Stage, int]]
    expired: int
    calls: list[Call]
    meetings: list[Meeting]


def my_pipeline(user: User, today: date) -> Pipeline:
    """What the user manages (as owner) and has to do today: the counts from the tally,
    the expired ones counted in ix_opportunity_owner_created (the expired entries only)."""
    counts = {stage_id: count for stage_id, (count, _amount)
              in tally.totals_by_stage(owner_id=user.id).items()}
    stages = db.session.scalars(select(Stage).order_by(Stage.position)).all()
    expired = sum(
        db.session.scalar(select(func.count()).where(
            Opportunity.owner_id == user.id, Opportunity.stage_id == stage.id,
            Opportunity.created_at < day_start(
                last_valid_creation_day(today, stage.expires_after_days))))
        for stage in stages if stage.expires_after_days is not None and counts.get(stage.id))
    start, end = day_start(today), day_start(today + timedelta(days=1))
    calls = db.session.scalars(
        select(Call).where(Call.assigned_to_id == user.id, Call.done_at.is_(None),
                           Call.scheduled_at < end)
        .options(selectinload(Call.opportunity)).order_by(Call.scheduled_at)
        .limit(LISTED)).all()
    meetings = db.session.scalars(
        select(Meeting).join(Opportunity, Opportunity.id == Meeting.opportunity_id)
        .where(or_(Opportunity.owner_id == user.id, Meeting.spex_id == user.id),
               Meeting.status == MeetingStatus.PLANNED, Meeting.starts_at >= start,
               Meeting.starts_at < end)
        .options(selectinload(Meeting.opportunity)).order_by(Meeting.starts_at)
        .limit(LISTED)).all()
    return Pipeline([(s, counts[s.id]) for s in stages if counts.get(s.id)], expired, calls,
                    meetings)


def expired_per_owner(today: date) -> list[tuple[int, int, int]]:
    """``(owner id, how many expired, the newest expired one's id)`` for every active
    owner with expired opportunities (one query per stage that expires)."""
    found: dict[int, tuple[int, int]] = {}
    for stage in db.session.scalars(select(Stage).where(Stage.expires_after_days.is_not(None))):
        rows = db.session.execute(
            select(Opportunity.owner_id, func.count(), func.max(Opportunity.id))
            .join(User, User.id == Opportunity.owner_id)
            .where(User.active, Opportunity.stage_id == stage.id,
                   Opportunity.created_at < day_start(
                       last_valid_creation_day(today, stage.expires_after_days)))
            .group_by(Opportunity.owner_id))
        for owner_id, count, newest in rows:
            before = found.get(owner_id, (0, 0))
            found[owner_id] = (before[0] + count, max(before[1], newest))
    return sorted((owner, count, newest) for owner, (count, newest) in found.items())


def relaunches_due(today: date) -> list[tuple[Opportunity, Stage]]:
    """The opportunities whose owner is to relaunch the client today (rules.relaunch_due):
    in a stage with a relaunch delay, entered that many days ago (a window of
    RELAUNCH_WINDOW_DAYS), with an active owner."""
    due = []
    for stage in db.session.scalars(select(Stage).where(Stage.relaunch_after_days.is_not(None))):
        newest = today - timedelta(days=stage.relaunch_after_days)
        oldest = newest - timedelta(days=RELAUNCH_WINDOW_DAYS - 1)
        rows = db.session.scalars(
            select(Opportunity).join(User, User.id == Opportunity.owner_id)
            .where(User.active, Opportunity.stage_id == stage.id,
                   Opportunity.stage_entered_at >= day_start(oldest),
                   Opportunity.stage_entered_at < day_start(newest + timedelta(days=1)))
            .order_by(Opportunity.id))
        due += [(o, stage) for o in rows if relaunch_due(
            local_day(o.stage_entered_at), today, stage.relaunch_after_days)]
    return due
