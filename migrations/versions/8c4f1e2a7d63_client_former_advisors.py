"""client_former_advisors: the number of ended advisor periods kept on the client file,
so that « Situation du conseiller » does not read the periods

Revision ID: 8c4f1e2a7d63
Revises: 5d2b8e7c1a94
Create Date: 2026-12-06 16:20:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '8c4f1e2a7d63'
down_revision = '5d2b8e7c1a94'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN with a default: no table rebuild on SQLite (never batch-alter `client`).
    op.add_column('client', sa.Column('former_advisors', sa.Integer(), nullable=False,
                                      server_default='0'))
    op.execute("UPDATE client SET former_advisors = (SELECT count(*) FROM advisor_period "
               "WHERE advisor_period.client_id = client.id "
               "AND advisor_period.ended_on IS NOT NULL) "
               "WHERE EXISTS (SELECT 1 FROM advisor_period WHERE advisor_period.client_id "
               "= client.id AND advisor_period.ended_on IS NOT NULL)")


def downgrade():
    op.drop_column('client', 'former_advisors')
