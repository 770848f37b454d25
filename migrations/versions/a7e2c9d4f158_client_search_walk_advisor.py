"""client_search_walk_advisor: the search keys' indexes end with the advisor, so that a
manager's or an advisor's prefix walk checks the scope on the index entry (index-only);
the query builder's place criteria with advisors chosen seek each advisor's clients

Revision ID: a7e2c9d4f158
Revises: 8c4f1e2a7d63
Create Date: 2026-12-06 16:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7e2c9d4f158'
down_revision = '8c4f1e2a7d63'
branch_labels = None
depends_on = None

SEARCH_KEYS = ("name_key", "name_key_rev", "email_key", "phone_key", "phone2_key")


def upgrade():
    for key in SEARCH_KEYS:
        op.drop_index(f'ix_client_{key}', table_name='client')
        op.create_index(f'ix_client_{key}', 'client', [key, 'id', 'advisor_id'], unique=False)
    op.create_index('ix_client_advisor_place', 'client',
                    ['advisor_id', 'postal_code', 'language', 'name_key', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_client_advisor_place', table_name='client')
    for key in SEARCH_KEYS:
        op.drop_index(f'ix_client_{key}', table_name='client')
        op.create_index(f'ix_client_{key}', 'client', [key, 'id'], unique=False)
