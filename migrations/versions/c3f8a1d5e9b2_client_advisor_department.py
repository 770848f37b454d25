"""client_advisor_department: the query builder's large results with advisors and
départements chosen walk each (advisor, département) pair in name order

Revision ID: c3f8a1d5e9b2
Revises: a7e2c9d4f158
Create Date: 2026-12-06 20:10:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3f8a1d5e9b2'
down_revision = 'a7e2c9d4f158'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_client_advisor_department', 'client',
                    ['advisor_id', sa.text('substr(postal_code, 1, 2)'), 'name_key', 'id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_client_advisor_department', table_name='client')
