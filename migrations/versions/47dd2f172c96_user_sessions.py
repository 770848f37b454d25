"""user_sessions: one row per signed-in browser (« Mes sessions »); the login cookie names
a session, so the account-wide session_token goes (every cookie issued before this
revision stops authenticating: users sign in again once)

Revision ID: 47dd2f172c96
Revises: 78616347fb2e
Create Date: 2026-12-06 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '47dd2f172c96'
down_revision = '78616347fb2e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'user_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('user_agent', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=45), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_user_session_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash')),
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)
    # A plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 has it): a batch copy of « user »
    # would DROP TABLE user, which the rows referencing it refuse (foreign keys are on).
    op.drop_column('user', 'session_token')


def downgrade():
    op.add_column('user', sa.Column('session_token', sa.String(length=32), nullable=False,
                                    server_default='0' * 32))
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')
