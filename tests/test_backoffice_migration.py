"""Migration d5e8a3c1f7b2: the requests and messages already there get their search keys."""

from flask_migrate import upgrade
from sqlalchemy import text

from tests.conftest import make_config
from tests.fixtures.migrations import insert_row as _row
from webapp import create_app
from webapp.extensions import db


def test_existing_requests_and_messages_get_their_search_keys(tmp_path, pg_schema):
    app = create_app(make_config(tmp_path, pg_schema))
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="c3f1a7d9e2b5")
        user = _row("user", email="marc@example.fr", role="advisor")
        client = _row("client", first_name="Honoré", last_name="Daumier")
        with db.engine.connect() as conn:
            kind = conn.execute(text("SELECT min(id) FROM bo_request_type")).scalar()
        request = _row("bo_request", type_id=kind, client_id=client, author_id=user,
                       subject="HONORÉ DAUMIER / Demande de stats", label="Demande de stats",
                       state="new", closed=False)
        _row("bo_comment", request_id=request, body="Côte Fleurie, l'Été.")
        _row("bo_checklist", request_id=request)
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT search_key FROM bo_request")).scalar() == (
                "honore daumier demande de stats")
            assert conn.execute(text("SELECT search_key FROM bo_comment")).scalar() == (
                "cote fleurie l ete.")
            assert conn.execute(text("SELECT reception_same FROM bo_checklist")).scalar() in (
                False, 0)
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()
