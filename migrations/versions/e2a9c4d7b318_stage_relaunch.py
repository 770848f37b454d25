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
    with op.batch_alter_table('opportunity_stage') as batch:
        batch.add_column(sa.Column('relaunch_after_days', sa.Integer(), nullable=True))
    op.execute(sa.text("UPDATE opportunity_stage SET relaunch_after_days = :days "
                       "WHERE key = 'perdu-bdc'").bindparams(days=RELAUNCH_DAYS))


def downgrade():
    with op.batch_alter_table('opportunity_stage') as batch:
        batch.drop_column('relaunch_after_days')
