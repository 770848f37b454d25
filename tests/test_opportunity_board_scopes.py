"""The kanban for every scope (issue #18): an advisor's, an agency manager's, a region
manager's and the whole pipeline's totals come from the tally and equal a GROUP BY over
what the viewer sees; their cards, read by the column's index walk or by the people's own
walks, are the first cards of a sort of everything they see, page after page."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask_login import login_user
from sqlalchemy import func, select

from tests.plans import plan_of
from webapp import clock
from webapp.auth.models import Role
from webapp.auth.scope import scoped
from webapp.extensions import db
from webapp.opportunities import tally
from webapp.opportunities.board import queries
from webapp.opportunities.board.queries import CARDS, Filters, Total, board, column_page
from webapp.opportunities.models import Opportunity, OpportunityType, Stage

VIEWERS = ("advisor", "other_advisor", "manager", "region_manager", "bdc_agent")


@pytest.fixture
def pipeline(org, make_user, make_client, make_branch):
    """Opportunities of every combination of owner, SPEX and DV, more than a page of them
    in « En traitement »."""
    org["region_manager"] = make_user(Role.MANAGER, team=org["region"], name="Rémi Région",
                                      email="remi@example.fr")
    laval = make_branch("Laval")
    client = make_client("Anne", "Roux")
    stages = list(db.session.scalars(select(Stage).order_by(Stage.position)))[:4]
    kinds = list(db.session.scalars(select(OpportunityType)))
    people = [None, org["advisor"].id, org["other_advisor"].id, org["manager"].id,
              org["bdc_agent"].id]
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for n in range(90):
        db.session.add(Opportunity(
            client=client, name=f"Opportunité {n}", has_trade_in=False,
            stage=stages[0] if n % 3 else stages[n % 4], type=kinds[n % len(kinds)],
            owner_id=people[n % 5], spex_id=people[(n // 5) % 5],
            sales_director_id=people[(n // 25) % 5], branch_id=laval.id if n % 2 else None,
            amount=Decimal(n * 100) + Decimal("0.25") if n % 7 else None,
            # ties on the entry time: the id breaks them, as the index does
            stage_entered_at=start + timedelta(hours=n // 2),
            created_at=start - timedelta(days=n)))
    db.session.commit()
    return org


def _sorted_ids(stage_id: int, filters: Filters) -> list[int]:
    """The column as a sort of everything the viewer sees (what the board must show)."""
    return list(db.session.scalars(
        queries.visible(select(Opportunity.id), filters, board=True)
        .where(Opportunity.stage_id == stage_id)
        .order_by(Opportunity.stage_entered_at.desc(), Opportunity.id.desc())))


def _grouped(filters: Filters) -> dict[int, Total]:
    stmt = queries.visible(select(Opportunity.stage_id, func.count(),
                                  func.sum(Opportunity.amount)), filters, board=True)
    return {s: Total(n, amount or Decimal(0))
            for s, n, amount in db.session.execute(stmt.group_by(Opportunity.stage_id))}


FILTERS = [Filters(), Filters(owner_id=-1), Filters(branch_id=-1), Filters(type_id=-1),
           Filters(since=datetime(2026, 9, 1).date())]


def _concrete(filters: Filters, org) -> Filters:
    """The placeholders of FILTERS made real (an owner, the branch, a type)."""
    from webapp.auth.models import Branch

    branch = db.session.scalar(select(Branch.id))
    kind = db.session.scalar(select(OpportunityType.id).order_by(OpportunityType.id))
    return Filters(owner_id=org["bdc_agent"].id if filters.owner_id else 0,
                   branch_id=branch if filters.branch_id else 0,
                   type_id=kind if filters.type_id else 0, since=filters.since)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_totals_for_every_scope_come_from_the_tally_and_equal_a_group_by(
        app, pipeline, viewer):
    with app.test_request_context():
        login_user(pipeline[viewer])
        for placeholder in FILTERS:
            filters = _concrete(placeholder, pipeline)
            got = {s: t for s, t in queries.totals(filters).items() if t.count}
            assert got == _grouped(filters), (viewer, filters)
    assert tally.drift() == []


@pytest.mark.parametrize("seek_cost", [0, 10 ** 9], ids=["people's walks", "column's walk"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_cards_for_every_scope_are_the_first_of_a_sort(app, pipeline, viewer, seek_cost,
                                                        monkeypatch):
    """Whichever way a column is read, its pages are those of a full sort."""
    monkeypatch.setattr(queries, "SEEK_COST", seek_cost)
    today = clock.today()
    with app.test_request_context():
        login_user(pipeline[viewer])
        for placeholder in FILTERS:
            filters = _concrete(placeholder, pipeline)
            for column in board(filters, today):
                expected = _sorted_ids(column.stage.id, filters)
                shown = [card.id for card in column.cards]
                assert shown == expected[:CARDS], (viewer, filters, column.stage.name)
                cursor = column.cursor
                while cursor:
                    page = column_page(column.stage, filters, cursor, today)
                    shown += [card.id for card in page.cards]
                    cursor = page.cursor
                assert shown == expected, (viewer, filters, column.stage.name)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_a_cursor_s_walk_changes_the_cost_never_the_cards(app, pipeline, viewer):
    """The next page reads by the walk its cursor names (the board's choice): whichever
    walk a cursor names, or none (an old or altered link), the same cards."""
    today = clock.today()
    with app.test_request_context():
        login_user(pipeline[viewer])
        paged = [column for column in board(Filters(), today) if column.cursor]
        assert paged
        for column in paged:
            cursor = queries.Cursor.decode(column.cursor)
            assert cursor is not None and cursor.walk is not None
            expected = column_page(column.stage, Filters(), column.cursor, today)
            assert expected.cards
            for walk in (True, False, None):
                other = queries.Cursor(cursor.after, walk).encode()
                page = column_page(column.stage, Filters(), other, today)
                assert ([c.id for c in page.cards], page.cursor and page.cursor[:-2]) == (
                    [c.id for c in expected.cards],
                    expected.cursor and expected.cursor[:-2]), (viewer, walk)


@pytest.mark.parametrize("text", ["", "~", "x~1", "2026-01-01T00:00:00~x",
                                  "2026-01-01T00:00:00~1~c~c", "2026-01-01T00:00:00"])
def test_a_garbled_cursor_is_the_first_page(text):
    assert queries.Cursor.decode(text) is None


def test_an_advisor_sees_their_cards_only_and_a_manager_their_team(app, pipeline):
    """The scope itself (the same as the list's): checked once on the data."""
    with app.test_request_context():
        login_user(pipeline["advisor"])
        mine = set(db.session.scalars(scoped(select(Opportunity.id), Opportunity)))
        assert mine and all(
            pipeline["advisor"].id in (o.owner_id, o.spex_id, o.sales_director_id)
            for o in db.session.scalars(select(Opportunity).where(Opportunity.id.in_(mine))))
        shown = {card.id for column in board(Filters(), clock.today())
                 for card in column.cards}
        assert shown <= mine


@pytest.mark.plans
def test_the_people_s_walks_read_an_index_range_without_a_sort_of_the_scope(app, pipeline):
    """The plan of a walk: an index search, no sort of the visible rows (SQLite's and
    PostgreSQL's EXPLAIN); only the merge of the people's few walks is sorted."""
    with app.test_request_context():
        login_user(pipeline["manager"])
        people = queries.scope_people()
        stage_id = db.session.scalar(select(Stage.id).order_by(Stage.position))
        for walk in (True, False):
            plan = plan_of(queries._column_ids(stage_id, Filters(), None, people, walk))
            assert "ix_opportunity_" in plan or "Index" in plan, plan
            if walk:
                assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_list_counts_what_the_viewer_sees_from_the_tally(app, pipeline, viewer):
    from webapp.opportunities.queries_list import list_page

    with app.test_request_context():
        login_user(pipeline[viewer])
        for filters in (Filters(), Filters(stage_id=db.session.scalar(select(Stage.id))),
                        Filters(since=datetime(2026, 10, 1).date())):
            seen = db.session.scalar(select(func.count()).select_from(
                queries.visible(select(Opportunity.id), filters).subquery()))
            page = list_page(filters, 1)
            assert page.total == seen and not page.capped, (viewer, filters)
            assert [o.id for o in page.items] == list(db.session.scalars(
                queries.visible(select(Opportunity.id), filters)
                .order_by(Opportunity.created_at.desc(), Opportunity.id.desc()).limit(25)))
