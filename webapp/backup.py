"""`flask --app webapp backup [FILE]`: a consistent copy of the database while it serves.

SQLite: the online backup API (a snapshot, even with writers at work). PostgreSQL:
`pg_dump` in its custom format (one transaction snapshot), restorable with `pg_restore`.
"""

import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from webapp.extensions import db


def default_target(suffix: str) -> Path:
    folder = Path(current_app.instance_path) / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"pilote-{datetime.now():%Y%m%d-%H%M%S}.{suffix}"


def backup_sqlite(target: Path) -> None:
    source = sqlite3.connect(db.engine.url.database)
    destination = sqlite3.connect(target)
    try:
        with destination:
            source.backup(destination)
    finally:
        destination.close()
        source.close()


def backup_postgresql(target: Path) -> None:
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
                    f"--dbname={url}"], check=True, capture_output=True, text=True)


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path | None):
    """Copie cohérente de la base de données, même pendant qu'elle sert."""
    dialect = db.engine.dialect.name
    if dialect == "sqlite":
        target = target or default_target("sqlite")
        backup_sqlite(target)
    elif dialect == "postgresql":
        target = target or default_target("dump")
        try:
            backup_postgresql(target)
        except (OSError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            raise click.ClickException(f"pg_dump a échoué : {detail.strip()}") from error
    else:
        raise click.ClickException(f"Base « {dialect} » non prise en charge.")
    click.echo(f"Sauvegarde écrite dans {target} ({target.stat().st_size} octets).")
