"""Read queries of the kanban and the list: filters, column totals, cards.

The board reads at most ``CARDS`` (+1) cards per column, each column from an index
range — its stage's (``ix_opportunity_board``, every such column in one statement) or
the viewer's people's — chosen from the tally; counts and sums per column come from the
tally (tally.py), or from one GROUP BY under a period filter. A column's next page
continues after the last card shown (keyset, the walk named in its cursor), so page 50
costs what page 1 does.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from flask_login import current_user
from sqlalchemy import Select, false, func, or_, select, true, tuple_, union, union_all
from sqlalchemy.orm import aliased

from webapp.auth.models import Access, User
from webapp.auth.scope import scoped, users_under
from webapp.clients.models import Client
from webapp.clock import day_start, local_day
from webapp.database import among
from webapp.dates import parse_day
from webapp.extensions import db
from webapp.formatting import day, moment
from webapp.ids import id_param
from webapp.opportunities import tally
from webapp.opportunities.models import (
    Call,
    Meeting,
    MeetingStatus,
    Opportunity,
    OpportunityType,
    Stage,
    sees_whole_pipeline,
)
from webapp.opportunities.rules import (
    claim_situation,
    claims_vehicle,
    is_expired,
    stock_conflicts,
)

CARDS = 10  # a tablet column shows about four cards: two screens and a half, then the next page


def _int(value) -> int:
    """A filter's id (``webapp.ids``): 0, no filter, unless a number no larger than an id."""
    try:
        return id_param(value)
    except (TypeError, ValueError):
        return 0


def _date(value) -> date | None:
    """A bounded day (``webapp.dates``), or None: the year 1 or 9999 is no filter."""
    try:
        return parse_day(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    """The board's and the list's filters, as URL arguments (a view can be bookmarked)."""

    owner_id: int = 0
    branch_id: int = 0
    type_id: int = 0
    since: date | None = None  # created from
    until: date | None = None  # created until (included)
    stage_id: int = 0  # the list only: the board shows every stage

    @classmethod
    def from_args(cls, args) -> "Filters":
        return cls(owner_id=_int(args.get("owner_id")), branch_id=_int(args.get("branch_id")),
                   type_id=_int(args.get("type_id")), since=_date(args.get("since")),
                   until=_date(args.get("until")), stage_id=_int(args.get("stage_id")))

    def as_args(self, board: bool = False) -> dict:
        """The filters that are set, as URL arguments."""
        values = {k: (v.isoformat() if isinstance(v, date) else v)
                  for k, v in vars(self).items() if v}
        if board:
            values.pop("stage_id", None)
        return values


def visible(stmt: Select, filters: Filters, board: bool = False) -> Select:
    """``stmt`` (on Opportunity) restricted to the viewer's scope and the filters."""
    return filtered(scoped(stmt, Opportunity), filters, board)


def filtered(stmt: Select, filters: Filters, board: bool = False) -> Select:
    """``stmt`` (on Opportunity) restricted to the filters (not to a scope)."""
    if filters.owner_id:
        stmt = stmt.where(Opportunity.owner_id == filters.owner_id)
    if filters.branch_id:
        stmt = stmt.where(Opportunity.branch_id == filters.branch_id)
    if filters.type_id:
        stmt = stmt.where(Opportunity.type_id == filters.type_id)
    if filters.since:
        stmt = stmt.where(Opportunity.created_at >= day_start(filters.since))
    if filters.until:
        stmt = stmt.where(Opportunity.created_at < day_start(filters.until + timedelta(days=1)))
    if filters.stage_id and not board:
        stmt = stmt.where(Opportunity.stage_id == filters.stage_id)
    return stmt


def stages() -> list[Stage]:
    return db.session.scalars(select(Stage).order_by(Stage.position)).all()


@dataclass(frozen=True)
class Total:
    count: int = 0
    amount: Decimal = Decimal(0)


def totals(filters: Filters, stage_ids: list[int] | None = None) -> dict[int, Total]:
    """Count and summed amount per stage: from the tally for any viewer's scope when no
    period is set, else in one GROUP BY over the opportunities."""
    if not (filters.since or filters.until):
        viewer = None if sees_whole_pipeline(current_user) else current_user
        sums = tally.totals_by_stage(viewer, filters.owner_id, filters.branch_id,
                                     filters.type_id)
        return {stage_id: Total(count, amount) for stage_id, (count, amount) in sums.items()
                if stage_ids is None or stage_id in stage_ids}
    stmt = visible(select(Opportunity.stage_id, func.count(), func.sum(Opportunity.amount)),
                   filters, board=True).group_by(Opportunity.stage_id)
    if stage_ids is not None:
        stmt = stmt.where(Opportunity.stage_id.in_(stage_ids))
    return {stage_id: Total(count, amount or Decimal(0))
            for stage_id, count, amount in db.session.execute(stmt)}


# --- cards ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cursor:
    """Where a column's next page starts: after the last card shown, read by the walk the
    board chose from the tally for that column (so the next page need not ask the tally
    again). Both walks read the same cards: a cursor altered by hand changes the cost,
    never what is shown."""

    after: tuple[datetime, int]  # (stage entry, id) of the last card shown
    walk: bool | None = None  # the column's index (True) or the people's; None: ask

    def encode(self) -> str:
        flag = "" if self.walk is None else ("~c" if self.walk else "~p")
        return f"{self.after[0].isoformat()}~{self.after[1]}{flag}"

    @classmethod
    def decode(cls, text: str | None) -> "Cursor | None":
        """The cursor, or None (first page) when absent or garbled."""
        parts = (text or "").split("~")
        if len(parts) not in (2, 3):
            return None
        try:
            after = (datetime.fromisoformat(parts[0]), int(parts[1]))
        except ValueError:
            return None
        return cls(after, {"c": True, "p": False}.get(parts[2]) if len(parts) == 3 else None)


# A walk of one person's index (as owner, SPEX or DV) costs about this many index entries
# of the column's walk (a seek, then its cards).
SEEK_COST = 30


def scope_people(user=None) -> list[int] | None:
    """The people whose opportunities the viewer sees as owner, SPEX or DV (an advisor:
    themselves; a manager: their hierarchy), None for the whole pipeline."""
    user = user or current_user
    if sees_whole_pipeline(user):
        return None
    if user.role.client_access != Access.TEAM:
        return [user.id]
    return list(db.session.scalars(users_under(user)))


def walks(stage_ids: list[int], people: list[int] | None,
          counts: dict[int, tuple[int, int]] | None) -> dict[int, bool]:
    """How each column reads the viewer's cards: True, by walking the column's index
    (ix_opportunity_board, the scope checked on its entries); False, by walking each of
    ``people``'s indexes as owner, SPEX and DV and merging them. The cheaper one, from
    the tally's ``counts`` (the viewer's and the column's, per stage): the column's walk
    reads about CARDS × (column's count / viewer's count) entries, whatever the
    pipeline's size; the people's walks 3 × len(people) seeks. Without counts (a period
    filter), the people's walks for one person (an advisor)."""
    if people is None:
        return dict.fromkeys(stage_ids, True)
    if counts is None:
        return dict.fromkeys(stage_ids, len(people) > 1)
    people_cost = len(PEOPLE) * len(people) * SEEK_COST
    plan = {}
    for stage_id in stage_ids:
        seen, count = counts.get(stage_id, (0, 0))
        walk_cost = count if seen <= CARDS else (CARDS + 1) * count / seen
        plan[stage_id] = walk_cost <= people_cost
    return plan


def _sums(filters: Filters, people: list[int] | None, stage_ids: list[int] | None = None
          ) -> tuple[dict[int, Total], dict[int, tuple[int, int]] | None]:
    """The viewer's totals per stage and, for a scope without a period filter, (viewer's
    count, column's count) per stage: one query."""
    if people is None or filters.since or filters.until:
        return totals(filters, stage_ids), None
    both = tally.seen_and_whole(people, filters.owner_id, filters.branch_id,
                                filters.type_id, stage_ids)
    return ({s: Total(count, amount) for s, (count, amount, _) in both.items()},
            {s: (count, whole) for s, (count, _, whole) in both.items()})


def _ordered_walk(stmt: Select, after: tuple[datetime, int] | None) -> Select:
    if after is not None:
        stmt = stmt.where(tuple_(Opportunity.stage_entered_at, Opportunity.id) < after)
    return (stmt.order_by(Opportunity.stage_entered_at.desc(), Opportunity.id.desc())
            .limit(CARDS + 1))


PEOPLE = (Opportunity.owner_id, Opportunity.spex_id, Opportunity.sales_director_id)
# A card's place on the board (what the walks read from their indexes).
POSITION = (Opportunity.id, Opportunity.stage_id, Opportunity.stage_entered_at)


def _walked_ids(stage_ids: list[int], filters: Filters, after: tuple[datetime, int] | None,
                people: list[int] | None) -> Select:
    """The positions (id, stage, entry) of the next CARDS + 1 cards of each of these
    columns, each walking its column's index (ix_opportunity_board; the scope checked on
    its entries against ``people``, None: the whole pipeline), in one short statement
    whatever the number of columns: PostgreSQL joins the stages to a LATERAL walk, SQLite
    looks the cards up by the ids of a walk it runs again for each stage. (Thirteen walks
    in a UNION ALL took 8 ms to build and PostgreSQL 1.5 ms to plan, for 0.3 ms of
    reading.)"""
    dialect = db.session.get_bind().dialect.name
    walk = filtered(select(*POSITION), filters, board=True).where(
        Opportunity.stage_id == Stage.id)
    if people is not None:
        walk = walk.where(or_(*(among(column, people, dialect) for column in PEOPLE)))
    walk = _ordered_walk(walk, after).correlate(Stage)
    if dialect == "postgresql":
        lateral = walk.lateral()
        return (select(lateral).select_from(Stage).join(lateral, true())
                .where(among(Stage.id, stage_ids, dialect)))
    card = aliased(Opportunity)
    return (select(card.id, card.stage_id, card.stage_entered_at).select_from(Stage)
            .join(card, card.id.in_(walk.with_only_columns(Opportunity.id)))
            .where(Stage.id.in_(stage_ids)))


def _people_ids(stage_id: int, filters: Filters, after: tuple[datetime, int] | None,
                people: list[int]) -> Select:
    """The positions of a column's next CARDS + 1 cards from each of ``people``'s indexes as
    owner, SPEX and DV, merged (a few people: an advisor, a small agency)."""
    if not people:
        return select(*POSITION).where(false())
    walks = [select(_ordered_walk(
        filtered(select(*POSITION), filters, board=True)
        .where(Opportunity.stage_id == stage_id, column == person), after).subquery())
        for person in people for column in PEOPLE]
    merged = union(*walks).subquery()
    return (select(merged).order_by(merged.c.stage_entered_at.desc(), merged.c.id.desc())
            .limit(CARDS + 1))


def _column_ids(stage_id: int, filters: Filters, after: tuple[datetime, int] | None,
                people: list[int] | None = None, walk: bool = True) -> Select:
    """The positions (id, stage, entry) of a column's next CARDS + 1 cards, from one
    index range: the column's (``walk``) or ``people``'s own, merged."""
    if walk:
        return _walked_ids([stage_id], filters, after, people)
    return _people_ids(stage_id, filters, after, people)


@dataclass
class Card:
    id: int
    name: str
    stage_id: int
    client_id: int
    client_name: str
    type_name: str
    vehicle: str
    stock_number: str | None
    amount: Decimal | None
    owner_name: str | None
    expired: bool = False
    meeting_today: bool = False
    next_action: str | None = None
    claim: "Claim | None" = None  # a stock conflict


@dataclass
class Column:
    stage: Stage
    total: Total
    cards: list[Card]
    cursor: str | None  # the next page's, None when the column is complete


def _vehicle(row) -> str:
    return " ".join(str(v) for v in (row.vehicle_make, row.vehicle_model, row.vehicle_year)
                    if v)


@dataclass(frozen=True)
class Page:
    """A column's cards to show (ids, in the board's order) and the next page's cursor."""

    ids: list[int]
    cursor: str | None  # None when the column is complete


def _pages(positions: Select, plan: dict[int, bool]) -> dict[int, Page]:
    """Per stage, the cards to show of what ``positions`` read (CARDS + 1 per column: the
    one more says there is a next page, and is not loaded). Read on their own first:
    planned together with the cards' joins, a manager's walks took PostgreSQL 9 ms to
    plan."""
    by_stage: dict[int, list] = {}
    for row in db.session.execute(positions):
        by_stage.setdefault(row.stage_id, []).append(row)
    pages = {}
    for stage_id, rows in by_stage.items():
        rows.sort(key=lambda r: (r.stage_entered_at, r.id), reverse=True)
        shown = rows[:CARDS]
        cursor = (Cursor((shown[-1].stage_entered_at, shown[-1].id), plan[stage_id]).encode()
                  if len(rows) > CARDS else None)
        pages[stage_id] = Page([r.id for r in shown], cursor)
    return pages


def _by_ids(ids: list[int]) -> Callable[[Select], Select]:
    dialect = db.session.get_bind().dialect.name
    return lambda stmt: stmt.where(among(Opportunity.id, ids, dialect))


def _cards(restrict: Callable[[Select], Select], stage_by_id: dict[int, Stage],
           today: date) -> list[Card]:
    """The cards of the opportunities ``restrict`` keeps and their badges, in two queries
    (the next meeting and call as correlated subqueries, the conflicts looked up by the
    cards' stock numbers)."""
    owner = aliased(User)
    next_meeting = (select(func.min(Meeting.starts_at))
                    .where(Meeting.opportunity_id == Opportunity.id,
                           Meeting.status == MeetingStatus.PLANNED,
                           Meeting.starts_at >= day_start(today))
                    .scalar_subquery())
    next_call = (select(func.min(Call.scheduled_at))
                 .where(Call.opportunity_id == Opportunity.id, Call.done_at.is_(None))
                 .scalar_subquery())
    rows = db.session.execute(restrict(
        select(Opportunity.id, Opportunity.name, Opportunity.stage_id, Opportunity.client_id,
               Opportunity.vehicle_make,
               Opportunity.vehicle_model, Opportunity.vehicle_year, Opportunity.stock_number,
               Opportunity.stock_key, Opportunity.amount, Opportunity.created_at,
               Opportunity.follow_up_on, Client.first_name, Client.last_name,
               OpportunityType.name.label("type_name"), owner.name.label("owner_name"),
               next_meeting.label("meeting"), next_call.label("call"))
        .join(Client, Client.id == Opportunity.client_id)
        .join(OpportunityType, OpportunityType.id == Opportunity.type_id)
        .outerjoin(owner, owner.id == Opportunity.owner_id))).all()
    claims = stock_claims({r.stock_key for r in rows if r.stock_key}, today)
    return [Card(
        id=r.id, name=r.name, stage_id=r.stage_id,
        client_id=r.client_id, client_name=f"{r.first_name} {r.last_name}",
        type_name=r.type_name, vehicle=_vehicle(r), stock_number=r.stock_number,
        amount=r.amount, owner_name=r.owner_name,
        expired=is_expired(local_day(r.created_at), today,
                           stage_by_id[r.stage_id].expires_after_days),
        meeting_today=r.meeting is not None and local_day(r.meeting) == today,
        next_action=next_action(r.meeting, r.call, r.follow_up_on),
        claim=claims.get(r.id)) for r in rows]


def next_action(meeting: datetime | None, call: datetime | None,
                follow_up: date | None) -> str | None:
    """The card's next thing to do: the soonest of the next meeting, call and follow-up."""
    candidates = [(when if when.tzinfo else when.replace(tzinfo=UTC), kind)
                  for when, kind in ((meeting, "meeting"), (call, "call"),
                                     (day_start(follow_up) if follow_up else None, "follow_up"))
                  if when is not None]
    if not candidates:
        return None
    when, kind = min(candidates, key=lambda c: c[0])
    if kind == "follow_up":
        return f"Suivi {day(follow_up)}"
    return f"{'Rendez-vous' if kind == 'meeting' else 'Appel'} {moment(when)}"


WALK_IN_STAGE = "rdv-present"  # « Rendez-vous présent / Walk-in »


@dataclass(frozen=True)
class Claim:
    """An opportunity after a vehicle: its stock conflicts and what it holds there."""

    situation: str | None
    others: tuple[tuple[int, str | None], ...]  # (id, situation) of the other ones


def _meeting_flag(*conditions):
    return (select(Meeting.id).where(Meeting.opportunity_id == Opportunity.id,
                                     Meeting.status != MeetingStatus.CANCELLED, *conditions)
            .exists())


def stock_claims(keys: set[str], today: date) -> dict[int, Claim]:
    """The active opportunities on these stock numbers (``keys``), whoever may see them
    (the flag must show even when the other one is not the viewer's), that conflict:
    each with its situation and the others'. One index lookup per key
    (ix_opportunity_stock)."""
    if not keys:
        return {}
    rows = db.session.execute(
        select(Opportunity.id, Opportunity.stock_key, Opportunity.copied_from_id,
               Opportunity.created_at, Stage.expires_after_days, Stage.lost, Stage.invalid,
               Stage.stamps, Stage.key,
               _meeting_flag(Meeting.deposit_kind.is_not(None)).label("deposit"),
               _meeting_flag(Meeting.status == MeetingStatus.PRESENT).label("present"),
               _meeting_flag(Meeting.status == MeetingStatus.PLANNED).label("planned"))
        .join(Stage, Stage.id == Opportunity.stage_id)
        .where(among(Opportunity.stock_key, sorted(keys),
                     db.session.get_bind().dialect.name))).all()
    active = [r for r in rows if claims_vehicle(
        r.lost or r.invalid, r.stamps == "delivery_date",
        is_expired(local_day(r.created_at), today, r.expires_after_days))]
    situation = {r.id: claim_situation(bool(r.deposit), bool(r.present)
                                       or r.key == WALK_IN_STAGE, bool(r.planned))
                 for r in active}
    conflicts = stock_conflicts((r.id, r.stock_key, r.copied_from_id) for r in active)
    return {id_: Claim(situation[id_], tuple((o, situation[o]) for o in others))
            for id_, others in conflicts.items()}


def _column(stage: Stage, page: Page, cards: dict[int, Card], total: Total) -> Column:
    return Column(stage, total, [cards[i] for i in page.ids if i in cards], page.cursor)


def board(filters: Filters, today: date) -> list[Column]:
    """Every column with its first cards, count and summed amount."""
    all_stages = stages()
    if not all_stages:
        return []
    people = scope_people()
    sums, counts = _sums(filters, people)
    plan = walks([s.id for s in all_stages], people, counts)
    # A column the tally says holds none of the viewer's cards is not read.
    read = [s for s in all_stages if people is None or sums.get(s.id, Total()).count]
    pages: dict[int, Page] = {}
    if read:
        walked = [s.id for s in read if plan[s.id]]
        parts = ([_walked_ids(walked, filters, None, people)] if walked else []) + [
            _people_ids(s.id, filters, None, people) for s in read if not plan[s.id]]
        pages = _pages(parts[0] if len(parts) == 1
                       else union_all(*(select(part.subquery()) for part in parts)), plan)
    ids = [i for page in pages.values() for i in page.ids]
    cards = ({c.id: c for c in _cards(_by_ids(ids), {s.id: s for s in all_stages}, today)}
             if ids else {})
    empty = Page([], None)
    return [_column(s, pages.get(s.id, empty), cards, sums.get(s.id, Total()))
            for s in all_stages]


def column_page(stage: Stage, filters: Filters, cursor: str | None, today: date) -> Column:
    """The next cards of one column (the total is not recomputed: 0 here), by the walk the
    cursor names, else the cheaper one (from the tally)."""
    after = Cursor.decode(cursor)
    people = scope_people()
    if people is None:
        walk = True
    elif after is not None and after.walk is not None:
        walk = after.walk
    else:
        counts = (None if filters.since or filters.until
                  else _sums(filters, people, [stage.id])[1])
        walk = walks([stage.id], people, counts)[stage.id]
    page = _pages(_column_ids(stage.id, filters, after and after.after, people, walk),
                  {stage.id: walk}).get(stage.id, Page([], None))
    cards = ({c.id: c for c in _cards(_by_ids(page.ids), {stage.id: stage}, today)}
             if page.ids else {})
    return _column(stage, page, cards, Total())


def one_card(opportunity: Opportunity, today: date, filters: Filters | None = None
             ) -> Card | None:
    """The card as the database has it now (another mover may have committed since
    ``opportunity`` was loaded, so its row's stage is looked up among all stages), or None
    when the viewer's scope or ``filters`` (the board's, after a move) no longer keep it:
    one query."""
    def restrict(stmt: Select) -> Select:
        stmt = stmt.where(Opportunity.id == opportunity.id)
        return stmt if filters is None else visible(stmt, filters, board=True)

    cards = _cards(restrict, {s.id: s for s in stages()}, today)
    return cards[0] if cards else None
