"""The generic mechanisms: audit trail, uploads, migrations."""

import io

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select

from tests.conftest import make_config
from tests.fixtures.files import PNG
from tests.fixtures.migrations import upgrade_from_empty
from webapp import create_app
from webapp.auth.models import Branch
from webapp.extensions import db
from webapp.history import AuditRow, cli_actor, history_of
from webapp.uploads import UploadError, serve, store


def test_insert_update_delete_are_audited_in_the_same_transaction(app):
    token = cli_actor.set("import")
    try:
        branch = Branch(name="Laval")
        db.session.add(branch)
        db.session.commit()
        branch.name = "Laval Centre"
        db.session.commit()
        branch_id = branch.id
        rows = history_of(branch)
        db.session.delete(branch)
        db.session.rollback()  # a rolled-back change leaves no audit row
        db.session.delete(branch)
        db.session.commit()
    finally:
        cli_actor.reset(token)
    assert [(r.action, r.field, r.old, r.new) for r in rows] == [
        ("update", "name", "Laval", "Laval Centre"), ("insert", "name", None, "Laval")]
    all_rows = db.session.scalars(select(AuditRow).where(AuditRow.object_id == branch_id)
                                  .order_by(AuditRow.id)).all()
    assert [r.action for r in all_rows] == ["insert", "update", "delete"]
    assert {r.actor for r in all_rows} == {"import"}


def test_unchanged_update_writes_nothing(app):
    branch = Branch(name="Laval")
    db.session.add(branch)
    db.session.commit()
    branch.name = "Laval"
    db.session.commit()
    assert len(history_of(branch)) == 1


class _Upload(io.BytesIO):
    def __init__(self, data, filename):
        super().__init__(data)
        self.filename = filename


def test_upload_sniffs_type_and_stores_under_a_random_name(app):
    stored = store(_Upload(PNG, "../../logo.exe"), "image")
    assert stored.mimetype == "image/png" and stored.original == "logo.exe"
    assert stored.name.endswith(".png") and "logo" not in stored.name
    with app.test_request_context():
        response = serve(stored.name, "logo.png", stored.mimetype)
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.mimetype == "image/png"
        response.close()


@pytest.mark.parametrize(("data", "message"), [
    (b"", "vide"),
    (b"MZ\x90\x00 not an image", "non autorisé"),
    (b"%PDF-1.4 a pdf is not an image", "non autorisé"),
])
def test_upload_rejects(app, data, message):
    with pytest.raises(UploadError, match=message):
        store(_Upload(data, "x.png"), "image")


def test_upload_size_limit(app):
    app.config["UPLOAD_MAX_BYTES"] = len(PNG) - 1
    with pytest.raises(UploadError, match="dépasse la taille"):
        store(_Upload(PNG, "x.png"), "image")


def test_serve_refuses_paths_outside_the_folder(app):
    from werkzeug.exceptions import NotFound

    with app.test_request_context(), pytest.raises(NotFound):
        serve("../secret_key", "x", "text/plain")


def test_migrations_build_the_schema_the_models_describe(tmp_path, pg_schema):
    """`flask db upgrade` from an empty database gives exactly the models' schema."""
    app = create_app(make_config(tmp_path, pg_schema))
    with app.app_context():
        upgrade_from_empty()
        tables = set(inspect(db.engine).get_table_names())
        assert {"user", "team", "client", "audit_row", "alembic_version"} <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        db.engine.dispose()
