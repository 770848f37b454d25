"""The board's column totals from ``opportunity_tally`` (models.StageTally), which the
database keeps with row triggers on ``opportunity``: an insert adds the row's count and
cents to its key (stage, owner, SPEX, DV, branch, type), a delete takes them away, an
update of a key column or of the amount does both. Triggers rather than an ORM hook, so
that bulk loads, cascades and raw SQL count too; the migration ``9b4e6f2a7c31`` installs
the same.

The key holds the three people a viewer's scope looks at (owner, SPEX, DV), so the
tally answers every scope: a manager's « owner or SPEX or DV in my hierarchy » is the
same condition on the tally's few thousand rows (``models.opportunity_scope``), summed.
A period filter reads the opportunities (README, « Kanban totals »).
"""

from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import case, event, func, or_, select, text

from webapp.database import among
from webapp.extensions import db
from webapp.opportunities.models import Opportunity, StageTally, people_scope

KEY = "stage_id, owner_id, spex_id, sales_director_id, branch_id, type_id"


def _values(row: str) -> str:
    """The tally key of ``row`` (NEW or OLD) as SQL expressions."""
    return (f"{row}.stage_id, COALESCE({row}.owner_id, 0), COALESCE({row}.spex_id, 0), "
            f"COALESCE({row}.sales_director_id, 0), COALESCE({row}.branch_id, 0), "
            f"{row}.type_id")


def _cents(row: str) -> str:
    return f"CAST(ROUND(COALESCE({row}.amount, 0) * 100) AS BIGINT)"


# The tally's SQL is built from constant column names, never from input (bandit B608).
def _add(row: str) -> str:
    return (f"INSERT INTO opportunity_tally ({KEY}, count, cents) "  # nosec B608
            f"VALUES ({_values(row)}, 1, {_cents(row)}) "
            f"ON CONFLICT ({KEY}) DO UPDATE SET count = opportunity_tally.count + 1, "
            f"cents = opportunity_tally.cents + excluded.cents")


def _remove(row: str) -> str:
    return (f"UPDATE opportunity_tally SET count = count - 1, cents = cents - {_cents(row)} "  # nosec B608
            f"WHERE ({KEY}) = ({_values(row)})")


CHANGES = "stage_id, owner_id, spex_id, sales_director_id, branch_id, type_id, amount"

SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS opportunity_tally_{name}"
                    for name in ("insert", "update", "delete"))
SQLITE = (
    *SQLITE_DROP,
    f"CREATE TRIGGER opportunity_tally_insert AFTER INSERT ON opportunity "
    f"BEGIN {_add('NEW')}; END",
    f"CREATE TRIGGER opportunity_tally_update AFTER UPDATE OF {CHANGES} ON opportunity "
    f"BEGIN {_remove('OLD')}; {_add('NEW')}; END",
    f"CREATE TRIGGER opportunity_tally_delete AFTER DELETE ON opportunity "
    f"BEGIN {_remove('OLD')}; END",
)

POSTGRESQL_DROP = ("DROP TRIGGER IF EXISTS opportunity_tally ON opportunity",)

# PostgreSQL: one function; a move touches its two keys in key order, so that two moves
# in opposite directions lock them in the same order (no deadlock).
POSTGRESQL = (
    f"""CREATE OR REPLACE FUNCTION opportunity_tally_row() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {_add('NEW')};
      ELSIF TG_OP = 'DELETE' THEN
        {_remove('OLD')};
      ELSIF ({_values('NEW')}) < ({_values('OLD')}) THEN
        {_add('NEW')};
        {_remove('OLD')};
      ELSE
        {_remove('OLD')};
        {_add('NEW')};
      END IF;
      RETURN NULL;
    END $$""",
    *POSTGRESQL_DROP,
    f"CREATE TRIGGER opportunity_tally AFTER INSERT OR DELETE OR UPDATE OF {CHANGES} "
    f"ON opportunity FOR EACH ROW EXECUTE FUNCTION opportunity_tally_row()",
)

_GROUP = ("stage_id, COALESCE(owner_id, 0), COALESCE(spex_id, 0), "
          "COALESCE(sales_director_id, 0), COALESCE(branch_id, 0), type_id")

REBUILD = (
    "DELETE FROM opportunity_tally",
    f"INSERT INTO opportunity_tally ({KEY}, count, cents) "  # nosec B608
    f"SELECT {_GROUP}, count(*), "
    f"SUM(CAST(ROUND(COALESCE(amount, 0) * 100) AS BIGINT)) FROM opportunity "
    f"GROUP BY {_GROUP}",
)


def _run(connection, statements) -> None:
    for statement in statements:
        connection.execute(text(statement))


def install(connection) -> None:
    """Create the triggers (idempotent) and count what is already there."""
    postgresql = connection.dialect.name == "postgresql"
    _run(connection, (*(POSTGRESQL if postgresql else SQLITE), *REBUILD))


@contextmanager
def counted_at_the_end(connection):
    """A bulk load into an empty pipeline (the demo): no trigger per row, the tally
    counted once at the end. Row triggers on a few hundred keys within one transaction
    would make PostgreSQL walk ever longer version chains (1 000 000 rows: 12 minutes).
    The triggers are dropped inside the transaction: a failure rolls the drop back."""
    postgresql = connection.dialect.name == "postgresql"
    _run(connection, POSTGRESQL_DROP if postgresql else SQLITE_DROP)
    yield
    install(connection)


def _after_create(_metadata, connection, **_kw) -> None:
    install(connection)


# db.create_all() (tests, first start) installs them once every table exists.
event.listen(db.metadata, "after_create", _after_create)


def totals_by_stage(viewer=None, owner_id: int = 0, branch_id: int = 0,
                    type_id: int = 0) -> dict[int, tuple[int, Decimal]]:
    """Count and summed amount per stage of what ``viewer`` sees (None: the whole
    pipeline), filtered or not by owner / branch / type: a sum over the tally's rows, the
    scope's condition applied to their owner, SPEX and DV."""
    stmt = select(StageTally.stage_id, func.sum(StageTally.count),
                  func.sum(StageTally.cents)).group_by(StageTally.stage_id)
    if viewer is not None:
        stmt = stmt.where(people_scope(viewer, StageTally.owner_id, StageTally.spex_id,
                                       StageTally.sales_director_id))
    for column, value in ((StageTally.owner_id, owner_id), (StageTally.branch_id, branch_id),
                          (StageTally.type_id, type_id)):
        if value:
            stmt = stmt.where(column == value)
    return {stage_id: (int(count or 0), Decimal(int(cents or 0)) / 100)
            for stage_id, count, cents in db.session.execute(stmt)}


def seen_and_whole(people: list[int], owner_id: int = 0, branch_id: int = 0,
                   type_id: int = 0, stage_ids: list[int] | None = None
                   ) -> dict[int, tuple[int, Decimal, int]]:
    """Per stage, what a viewer whose scope is ``people`` (owner, SPEX or DV among them:
    ``people_scope``'s condition with the people listed) sees — count and summed amount —
    and the column's whole count, in one sum over the tally (the board weighs its walks
    with the two counts)."""
    dialect = db.session.get_bind().dialect.name
    seen = or_(*(among(column, people, dialect) for column in
                 (StageTally.owner_id, StageTally.spex_id, StageTally.sales_director_id)))
    stmt = select(StageTally.stage_id, func.sum(case((seen, StageTally.count), else_=0)),
                  func.sum(case((seen, StageTally.cents), else_=0)),
                  func.sum(StageTally.count)).group_by(StageTally.stage_id)
    for column, value in ((StageTally.owner_id, owner_id), (StageTally.branch_id, branch_id),
                          (StageTally.type_id, type_id)):
        if value:
            stmt = stmt.where(column == value)
    if stage_ids is not None:
        stmt = stmt.where(StageTally.stage_id.in_(stage_ids))
    return {stage_id: (int(count or 0), Decimal(int(cents or 0)) / 100, int(whole or 0))
            for stage_id, count, cents, whole in db.session.execute(stmt)}


def drift() -> list[tuple]:
    """The keys where the tally and the opportunities disagree (empty: they agree)."""
    key = (Opportunity.stage_id, func.coalesce(Opportunity.owner_id, 0),
           func.coalesce(Opportunity.spex_id, 0), func.coalesce(Opportunity.sales_director_id, 0),
           func.coalesce(Opportunity.branch_id, 0), Opportunity.type_id)
    width = len(key)
    actual = {tuple(row[:width]): (row[width], int(round((row[width + 1] or 0) * 100)))
              for row in db.session.execute(
                  select(*key, func.count(), func.sum(Opportunity.amount)).group_by(*key))}
    kept = {(r.stage_id, r.owner_id, r.spex_id, r.sales_director_id, r.branch_id, r.type_id):
            (r.count, r.cents) for r in db.session.scalars(select(StageTally))}
    return sorted((k, kept.get(k, (0, 0)), actual.get(k, (0, 0)))
                  for k in kept.keys() | actual.keys()
                  if kept.get(k, (0, 0)) != actual.get(k, (0, 0)))

