"""The board's column totals from ``opportunity_tally``, kept by the database's triggers:
it must agree with the opportunities after every kind of write (ORM insert, move, change
of owner / branch / type / amount, delete, client deletion cascading, import, demo, the
migration), and the board must show the same totals from it as from a GROUP BY."""

from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, text

from tests.conftest import make_config
from tests.fixtures.migrations import upgrade_from_empty
from tests.fixtures.opportunities import with_opportunities
from webapp import create_app
from webapp.clients.models import Client
from webapp.extensions import db
from webapp.opportunities import tally
from webapp.opportunities.board.queries import Filters, Total, totals
from webapp.opportunities.models import Opportunity, OpportunityType, Stage, StageTally


def stage(name: str) -> Stage:
    return db.session.scalar(select(Stage).where(Stage.name == name))


def kind(name: str) -> OpportunityType:
    return db.session.scalar(select(OpportunityType).where(OpportunityType.name == name))


@pytest.fixture
def opportunities(org, make_client, make_branch, make_opportunity):
    laval, quebec = make_branch("Laval"), make_branch("Québec")
    anne = make_client("Anne", "Roux")
    paul = make_client("Paul", "Durand")
    return [
        make_opportunity(anne, amount=Decimal("32000.10"), owner_id=org["bdc_agent"].id,
                         branch_id=laval.id),
        make_opportunity(anne, amount=Decimal("0.20"), owner_id=org["bdc_agent"].id,
                         branch_id=laval.id),
        make_opportunity(paul, stage="Contacté", type_name="SMS", branch_id=quebec.id),
        make_opportunity(paul, amount=Decimal("999.99"), owner_id=org["manager"].id),
    ]


def test_every_write_keeps_the_tally(org, opportunities, make_client, make_opportunity):
    first, second, third, fourth = opportunities
    assert tally.drift() == []
    assert db.session.scalar(select(func.sum(StageTally.count))) == 4
    first.stage = stage("Contacté")  # a move
    first.spex_id, first.sales_director_id = org["advisor"].id, org["manager"].id
    second.amount = Decimal("12.34")
    third.owner_id, third.branch_id = org["bdc_agent"].id, None
    fourth.type = kind("Phone-Up")
    fourth.amount = None
    db.session.commit()
    assert tally.drift() == []
    db.session.delete(second)
    db.session.commit()
    assert tally.drift() == []
    first.spex_id = org["other_advisor"].id  # the SPEX alone: a key column too
    db.session.commit()
    assert tally.drift() == []
    # Raw SQL and a cascade count too: the triggers are the database's.
    db.session.execute(text("UPDATE opportunity SET amount = amount + 1"))
    db.session.execute(delete(Opportunity).where(Opportunity.id == third.id))
    db.session.commit()
    assert tally.drift() == []
    db.session.rollback()
    client = make_client("Zoé", "Martin")
    make_opportunity(client, amount=Decimal("5"))
    db.session.delete(client)  # its opportunities go with it (ON DELETE CASCADE)
    db.session.commit()
    assert tally.drift() == []
    assert db.session.scalar(select(func.sum(StageTally.count))) == 2


def test_a_rolled_back_write_leaves_the_tally(opportunities):
    before = db.session.execute(select(StageTally.stage_id, StageTally.count)).all()
    opportunities[0].stage = stage("Livré")
    db.session.flush()
    db.session.rollback()
    assert db.session.execute(select(StageTally.stage_id, StageTally.count)).all() == before
    assert tally.drift() == []


@pytest.mark.parametrize("filters", [
    {}, {"owner": "bdc_agent"}, {"owner": "manager"}, {"branch": "Laval"}, {"type": "SMS"},
    {"owner": "bdc_agent", "branch": "Laval", "type": "Lead Internet"}])
def test_board_totals_from_the_tally_equal_a_group_by(app, org, opportunities, filters):
    from flask_login import login_user

    from webapp.auth.models import Branch

    branch = db.session.scalar(select(Branch).where(Branch.name == filters.get("branch")))
    chosen = Filters(owner_id=org[filters["owner"]].id if "owner" in filters else 0,
                     branch_id=branch.id if branch else 0,
                     type_id=kind(filters["type"]).id if "type" in filters else 0)
    stmt = select(Opportunity.stage_id, func.count(), func.sum(Opportunity.amount)).group_by(
        Opportunity.stage_id)
    for column, value in ((Opportunity.owner_id, chosen.owner_id),
                          (Opportunity.branch_id, chosen.branch_id),
                          (Opportunity.type_id, chosen.type_id)):
        if value:
            stmt = stmt.where(column == value)
    expected = {s: Total(n, amount or Decimal(0)) for s, n, amount in db.session.execute(stmt)}
    with app.test_request_context():
        login_user(org["bdc_agent"])  # sees the whole pipeline: the tally answers
        got = {s: t for s, t in totals(chosen).items() if t.count}
    assert got == expected


def test_import_keeps_the_tally(runner, tmp_path):
    import json

    path = tmp_path / "import.json"
    path.write_text(json.dumps(with_opportunities()), encoding="utf-8")
    assert runner.invoke(args=["data", "import", str(path)]).exit_code == 0
    assert db.session.scalar(select(func.sum(StageTally.count))) == 3
    assert tally.drift() == []


def test_demo_keeps_the_tally(runner):
    result = runner.invoke(args=["data", "demo", "--scale", "300"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Opportunity)) > 100
    assert tally.drift() == []
    # The demo loads without the triggers and counts at the end: they are back after it.
    moved = db.session.scalar(select(Opportunity).where(
        Opportunity.stage_id != stage("Livré").id).limit(1))
    moved.stage = stage("Livré")
    db.session.commit()
    assert tally.drift() == []


def test_install_counts_what_is_there(opportunities):
    db.session.execute(delete(StageTally))
    db.session.commit()
    assert tally.drift() != []
    tally.install(db.session.connection())
    db.session.commit()
    assert tally.drift() == []


def test_the_migration_installs_the_triggers(tmp_path, pg_schema):
    app = create_app(make_config(tmp_path, pg_schema))
    with app.app_context():
        upgrade_from_empty()  # the migrations insert the default stages and types
        client = Client(first_name="Anne", last_name="Roux")
        db.session.add(client)
        db.session.add(Opportunity(client=client, name="Anne Roux", has_trade_in=False,
                                   stage=db.session.scalar(select(Stage).limit(1)),
                                   type=db.session.scalar(select(OpportunityType).limit(1)),
                                   amount=Decimal("10.50")))
        db.session.commit()
        assert db.session.execute(select(StageTally.count, StageTally.cents)).all() == [
            (1, 1050)]
        assert tally.drift() == []
        db.session.remove()
        db.engine.dispose()


def _migration():
    """The revision that installs today's triggers, loaded from its file (migrations are
    not a package)."""
    import importlib.util
    from pathlib import Path

    path = (Path(__file__).parent.parent / "migrations" / "versions"
            / "9b4e6f2a7c31_tally_by_scope.py")
    spec = importlib.util.spec_from_file_location("tally_revision", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _words(statements) -> list[str]:
    return [" ".join(statement.split()) for statement in statements]


def test_the_migration_holds_the_triggers_sql_itself():
    """The revision is frozen (it imports no app code) and installs, word for word, the
    triggers the app installs today; changing tally.py's SQL needs a new revision."""
    from pathlib import Path

    revision = _migration()
    source = Path(revision.__file__).read_text(encoding="utf-8")
    assert "import webapp" not in source and "from webapp" not in source
    assert "9b4e6f2a7c31" in tally.__doc__  # the module names the revision to change
    assert _words(revision.SQLITE) == _words(tally.SQLITE)
    assert _words(revision.POSTGRESQL) == _words(tally.POSTGRESQL)
    assert _words(revision.REBUILD) == _words(tally.REBUILD)
