"""meeting and call times stored in UTC: opportunity_meeting.starts_at and
opportunity_call.scheduled_at were Paris wall times (shown one hour late as UTC)

Revision ID: d8e4b2f6a1c7
Revises: c3f1a7d9e2b5
Create Date: 2026-12-06 07:00:00.000000

The one storage rule (webapp.database.UTCDateTime): aware UTC in the database, shown in
Europe/Paris. The existing rows are read as Paris wall times and converted.
"""
from datetime import UTC
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8e4b2f6a1c7'
down_revision = 'c3f1a7d9e2b5'
branch_labels = None
depends_on = None

ZONE = 'Europe/Paris'  # the app's zone when these wall times were typed
COLUMNS = (('opportunity_meeting', 'starts_at'), ('opportunity_call', 'scheduled_at'))


def _sqlite(table: str, column: str, convert) -> None:
    """SQLite keeps no zone: rewrite each value (naive) in Python."""
    rows = sa.table(table, sa.column('id', sa.Integer), sa.column(column, sa.DateTime))
    bind = op.get_bind()
    values = bind.execute(sa.select(rows.c.id, rows.c[column])
                          .where(rows.c[column].is_not(None))).all()
    if values:
        bind.execute(rows.update().where(rows.c.id == sa.bindparam('row_id'))
                     .values({column: sa.bindparam('moment')}),
                     [{'row_id': id_, 'moment': convert(moment)} for id_, moment in values])


def _paris_to_utc(moment):
    return moment.replace(tzinfo=ZoneInfo(ZONE)).astimezone(UTC).replace(tzinfo=None)


def _utc_to_paris(moment):
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(ZONE)).replace(tzinfo=None)


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table, column in COLUMNS:
        if postgresql:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} "
                       f"TYPE TIMESTAMP WITH TIME ZONE USING {column} AT TIME ZONE '{ZONE}'")
        else:
            _sqlite(table, column, _paris_to_utc)


def downgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table, column in COLUMNS:
        if postgresql:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} "
                       f"TYPE TIMESTAMP WITHOUT TIME ZONE USING {column} AT TIME ZONE '{ZONE}'")
        else:
            _sqlite(table, column, _utc_to_paris)
