"""`flask backup`: a consistent copy of the database, taken while it serves."""

import sqlite3
import subprocess

from sqlalchemy import func, select

from webapp.clients.models import Client
from webapp.extensions import db


def test_backup_copies_the_database(app, runner, org, make_client, tmp_path):
    make_client(advisor=org["advisor"])
    dialect = db.engine.dialect.name
    target = tmp_path / ("copy.sqlite" if dialect == "sqlite" else "copy.dump")
    # A writer is mid-transaction while the copy is taken: the copy holds committed data.
    pending = Client(first_name="Paul", last_name="Durand")
    db.session.add(pending)
    db.session.flush()
    result = runner.invoke(args=["backup", str(target)])
    db.session.rollback()
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite" in result.output
    if dialect == "sqlite":
        copy = sqlite3.connect(target)
        assert copy.execute("SELECT last_name FROM client").fetchall() == [("Roux",)]
        copy.close()
    else:
        listing = subprocess.run(["pg_restore", "--list", str(target)], check=True,
                                 capture_output=True, text=True).stdout
        assert "TABLE DATA" in listing and " client " in listing
    assert db.session.scalar(select(func.count(Client.id))) == 1
