"""One commit or rollback per request (webapp/transaction.py): what a request wrote is
committed when its response is below 400 and rolled back otherwise, whether it was written
by a flush or by a plain statement (a bulk UPDATE)."""

import pytest
from flask import abort
from sqlalchemy import func, select, text, update

from webapp.auth.models import Branch
from webapp.errors import Refused
from webapp.extensions import db
from webapp.transaction import pending


def _committed(name: str) -> int:
    """Branches of that name another connection sees (committed rows only)."""
    with db.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Branch)
                            .where(Branch.name == name)).scalar()


@pytest.fixture
def http(app):
    def added(status):
        db.session.add(Branch(name=f"Agence {status}"))
        db.session.flush()
        if status == 404:
            abort(404)
        if status == 422:
            raise Refused("Refusé.")
        return "", status

    def renamed():
        db.session.execute(update(Branch).where(Branch.name == "Laval")
                           .values(name="Laval Centre"))
        return "", 204

    app.add_url_rule("/_t/add/<int:status>", "t_add", added, methods=["POST"])
    app.add_url_rule("/_t/rename", "t_rename", renamed, methods=["POST"])
    return app.test_client()


@pytest.mark.parametrize("status, kept", [(200, 1), (302, 1), (404, 0), (422, 0)])
def test_a_response_below_400_commits_an_error_rolls_back(http, status, kept):
    http.post(f"/_t/add/{status}")
    db.session.rollback()
    assert _committed(f"Agence {status}") == kept


def test_a_plain_statement_is_committed_too(http):
    db.session.add(Branch(name="Laval"))
    db.session.commit()
    assert http.post("/_t/rename").status_code == 204
    db.session.rollback()
    assert _committed("Laval Centre") == 1


def test_a_read_is_no_write(app):
    db.session.rollback()
    db.session.scalar(select(Branch.id))
    db.session.execute(text("SELECT 1"))
    assert not pending(db.session)
    db.session.execute(text("DELETE FROM branch WHERE 1 = 0"))
    assert pending(db.session)
