"""stage relaunch: « Perdu BDC (relance automatique) », the days after which the owner is
reminded to relaunch the client (data an admin changes on the stage)

Revision ID: e2a9c4d7b318
Revises: d8e4b2f6a1c7
Create Date: 2026-12-06 07:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2a9c4d7b318'
down_revision = 'd8e4b2f6a1c7'
branch_labels = None
depends_on = None

RELAUNCH_DAYS = 30  # the default stage's delay (the seed gives none)


def upgrade():
    op.add_column('opportunity_stage',
                  sa.Column('relaunch_after_days', sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE opportunity_stage SET relaunch_after_days = :days "
                       "WHERE key = 'perdu-bdc'").bindparams(days=RELAUNCH_DAYS))


def downgrade():
    # Both engines drop a column in place (SQLite since 3.35): no copy of the table, which
    # the opportunities' foreign key would refuse.
    op.execute('ALTER TABLE opportunity_stage DROP COLUMN relaunch_after_days')
