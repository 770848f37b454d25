"""offline_visits: the clients prepared for offline use, and the idempotency keys of the
replayed requests

Revision ID: 78616347fb2e
Revises: 7c4e1b9a2d30
Create Date: 2026-12-06 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '78616347fb2e'
down_revision = '7c4e1b9a2d30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'prepared_visit',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('prepared_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'client_id'),
    )
    op.create_index('ix_prepared_visit_user_expires', 'prepared_visit',
                    ['user_id', 'expires_at'])
    op.create_table(
        'idempotent_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('endpoint', sa.String(length=120), nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('location', sa.String(length=500), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )
    op.create_index('ix_idempotent_request_user_created', 'idempotent_request',
                    ['user_id', 'created_at'])


def downgrade():
    op.drop_index('ix_idempotent_request_user_created', table_name='idempotent_request')
    op.drop_table('idempotent_request')
    op.drop_index('ix_prepared_visit_user_expires', table_name='prepared_visit')
    op.drop_table('prepared_visit')
