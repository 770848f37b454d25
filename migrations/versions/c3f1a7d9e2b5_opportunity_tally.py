"""opportunity_tally: the board's column totals, kept by triggers on opportunity; the list's index

Revision ID: c3f1a7d9e2b5
Revises: a6c1e0f1b2d3
Create Date: 2026-11-23 00:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

# The triggers' SQL as webapp/opportunities/tally.py wrote it when this revision was made,
# frozen here: a migration never imports live app code (which changes with the app).
# The tally is then counted from the opportunities already there.
ADD = """INSERT INTO opportunity_tally (stage_id, owner_id, branch_id, type_id, count, cents)
        VALUES ({row}.stage_id, COALESCE({row}.owner_id, 0), COALESCE({row}.branch_id, 0),
                {row}.type_id, 1, CAST(ROUND(COALESCE({row}.amount, 0) * 100) AS BIGINT))
        ON CONFLICT (stage_id, owner_id, branch_id, type_id) DO UPDATE
        SET count = opportunity_tally.count + 1,
            cents = opportunity_tally.cents + excluded.cents"""
REMOVE = """UPDATE opportunity_tally
        SET count = count - 1, cents = cents - CAST(ROUND(COALESCE({row}.amount, 0) * 100) AS BIGINT)
        WHERE (stage_id, owner_id, branch_id, type_id)
            = ({row}.stage_id, COALESCE({row}.owner_id, 0), COALESCE({row}.branch_id, 0), {row}.type_id)"""

SQLITE = (
    "DROP TRIGGER IF EXISTS opportunity_tally_insert",
    "DROP TRIGGER IF EXISTS opportunity_tally_update",
    "DROP TRIGGER IF EXISTS opportunity_tally_delete",
    f"""CREATE TRIGGER opportunity_tally_insert AFTER INSERT ON opportunity
    BEGIN {ADD.format(row='NEW')}; END""",
    f"""CREATE TRIGGER opportunity_tally_update
    AFTER UPDATE OF stage_id, owner_id, branch_id, type_id, amount ON opportunity
    BEGIN {REMOVE.format(row='OLD')}; {ADD.format(row='NEW')}; END""",
    f"""CREATE TRIGGER opportunity_tally_delete AFTER DELETE ON opportunity
    BEGIN {REMOVE.format(row='OLD')}; END""",
)

# A move touches its two keys in key order, so that two moves in opposite directions lock
# them in the same order (no deadlock).
POSTGRESQL = (
    f"""CREATE OR REPLACE FUNCTION opportunity_tally_row() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {ADD.format(row='NEW')};
      ELSIF TG_OP = 'DELETE' THEN
        {REMOVE.format(row='OLD')};
      ELSIF (NEW.stage_id, COALESCE(NEW.owner_id, 0), COALESCE(NEW.branch_id, 0), NEW.type_id)
          < (OLD.stage_id, COALESCE(OLD.owner_id, 0), COALESCE(OLD.branch_id, 0), OLD.type_id) THEN
        {ADD.format(row='NEW')};
        {REMOVE.format(row='OLD')};
      ELSE
        {REMOVE.format(row='OLD')};
        {ADD.format(row='NEW')};
      END IF;
      RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS opportunity_tally ON opportunity",
    """CREATE TRIGGER opportunity_tally
    AFTER INSERT OR DELETE OR UPDATE OF stage_id, owner_id, branch_id, type_id, amount
    ON opportunity FOR EACH ROW EXECUTE FUNCTION opportunity_tally_row()""",
)

REBUILD = (
    "DELETE FROM opportunity_tally",
    """INSERT INTO opportunity_tally (stage_id, owner_id, branch_id, type_id, count, cents)
    SELECT stage_id, COALESCE(owner_id, 0), COALESCE(branch_id, 0), type_id, count(*),
           SUM(CAST(ROUND(COALESCE(amount, 0) * 100) AS BIGINT))
    FROM opportunity
    GROUP BY stage_id, COALESCE(owner_id, 0), COALESCE(branch_id, 0), type_id""",
)


def install(connection):
    """Create the triggers (idempotent) and count what is already there."""
    postgresql = connection.dialect.name == 'postgresql'
    for statement in (*(POSTGRESQL if postgresql else SQLITE), *REBUILD):
        connection.execute(sa.text(statement))


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
