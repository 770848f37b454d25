"""opportunity_tally: the board's column totals, kept by triggers on opportunity; the list's index

Revision ID: c3f1a7d9e2b5
Revises: a6c1e0f1b2d3
Create Date: 2026-11-23 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

# The triggers' SQL lives in one place, the app's (idempotent: DROP … IF EXISTS, CREATE OR
# REPLACE); the tally is then counted from the opportunities already there.
from webapp.opportunities.tally import install


# revision identifiers, used by Alembic.
revision = 'c3f1a7d9e2b5'
down_revision = 'a6c1e0f1b2d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('opportunity_tally',
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['stage_id'], ['opportunity_stage.id'], name=op.f('fk_opportunity_tally_stage_id_opportunity_stage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('stage_id', 'owner_id', 'branch_id', 'type_id', name=op.f('pk_opportunity_tally'))
    )
    install(op.get_bind())
    op.create_index('ix_opportunity_created', 'opportunity', ['created_at', 'id'], unique=False)


def downgrade():
    op.drop_index('ix_opportunity_created', table_name='opportunity')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS opportunity_tally ON opportunity')
        op.execute('DROP FUNCTION IF EXISTS opportunity_tally_row()')
    else:
        for name in ('insert', 'update', 'delete'):
            op.execute(f'DROP TRIGGER IF EXISTS opportunity_tally_{name}')
    op.drop_table('opportunity_tally')
