"""target progress: reach, planned and the live / done step masks, derived from records

Revision ID: 5d2e7c1a9b40
Revises: 4c84976183d6
Create Date: 2026-11-22 20:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2e7c1a9b40'
down_revision = '4c84976183d6'
branch_labels = None
depends_on = None

# The same computation as webapp/operations/progress.py, for the rows already there.
LIVE = ("FROM step_record r JOIN step s ON s.id = r.step_id "
        "WHERE r.target_id = target.id AND r.status <> 'cancelled'")
MASK = "COALESCE((SELECT SUM(DISTINCT CAST(1 AS BIGINT) << (s.position - 1)) {} {}), 0)"


def upgrade():
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reach', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('planned', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('live_steps', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('done_steps', sa.BigInteger(), server_default='0', nullable=False))
    live, done = MASK.format(LIVE, ""), MASK.format(LIVE, "AND r.status = 'done'")
    op.execute(
        f"UPDATE target SET reach = COALESCE((SELECT MAX(s.position) {LIVE}), 0), "
        f"planned = EXISTS (SELECT 1 {LIVE} AND r.status = 'planned'), "
        f"live_steps = {live}, done_steps = {done}")


def downgrade():
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_column('done_steps')
        batch_op.drop_column('live_steps')
        batch_op.drop_column('planned')
        batch_op.drop_column('reach')
