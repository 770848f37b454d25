"""The client search's walks (issue #18): each rank reads its key index in (key, id)
order and stops at the page, also for a manager, whose scope is then checked on each
entry (``walk_scope``): the same clients as the scope of every list."""

import pytest
from flask_login import login_user
from sqlalchemy import select

from tests.plans import plan_of
from webapp.auth.scope import scoped
from webapp.clients import queries
from webapp.clients.models import Client
from webapp.extensions import db


@pytest.fixture
def book(org, make_client):
    """Michel and Michèle of every advisor, and one of nobody's."""
    made = []
    for n, advisor in enumerate((org["advisor"], org["other_advisor"], org["manager"], None)):
        made += [make_client("Michel", f"Martin{n}", advisor=advisor),
                 make_client("Michèle", f"Morel{n}", advisor=advisor),
                 make_client("Paul", f"Michaud{n}", advisor=advisor)]
    return made


@pytest.mark.parametrize("viewer", ["manager", "advisor", "admin", "other_advisor"])
def test_the_walk_scope_sees_what_the_scope_sees(app, org, book, viewer):
    with app.test_request_context():
        login_user(org[viewer])
        expected = set(db.session.scalars(scoped(select(Client.id), Client)))
        scope = queries.walk_scope()
        if scope is not None:
            assert set(db.session.scalars(select(Client.id).where(scope))) == expected
        page = queries.search_page(queries.Filters(q="mich"), size=100)
        got = {client.id for client in page.items}
        assert got == {c.id for c in book if c.id in expected}
        assert page.total == len(got)


@pytest.mark.plans
@pytest.mark.parametrize("viewer", ["manager", "admin"])
def test_a_rank_walks_its_key_index_in_order_without_a_sort(app, org, book, viewer):
    """The plans on both engines: the key index's range, in its order (no sort)."""
    with app.test_request_context():
        login_user(org[viewer])
        db.session.execute(db.text("ANALYZE"))
        scope = queries.walk_scope()
        for column in (Client.name_key, Client.name_key_rev):
            stmt = (queries._visible(select(Client.id).where(
                queries.starts_with(column, "mich")), queries.Filters(), scope)
                .order_by(column, Client.id).limit(25))
            plan = plan_of(stmt)
            assert f"ix_client_{column.key}" in plan, plan
            assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan
            if db.engine.dialect.name == "sqlite":  # the scope checked on the entry itself
                assert f"COVERING INDEX ix_client_{column.key}" in plan, plan


def test_the_total_merges_the_ranks_and_stops_at_the_cap(app, org, book, monkeypatch):
    """« Michel Martin » matches « mich » on two keys: counted once; past the cap, the
    total says « more » (cap + 1) whichever rank reached it."""
    with app.test_request_context():
        login_user(org["admin"])
        keys = queries.search_keys("mich")
        assert len(keys) >= 2
        assert queries._total(keys, queries.Filters()) == len(book)
        monkeypatch.setattr(queries, "SEARCH_COUNT_CAP", 5)
        assert queries._total(keys, queries.Filters()) == 6
