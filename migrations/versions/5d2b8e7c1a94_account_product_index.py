"""account_product_index: the query builder reads the kinds of accounts held through an
index on account.product (a few seeks), not a scan of every account

Revision ID: 5d2b8e7c1a94
Revises: 47dd2f172c96
Create Date: 2026-12-06 14:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d2b8e7c1a94'
down_revision = '47dd2f172c96'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_account_product'), 'account', ['product'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_account_product'), table_name='account')
