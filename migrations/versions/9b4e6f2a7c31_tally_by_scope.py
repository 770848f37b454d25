"""tally_by_scope: the board's tally keyed by owner, SPEX and DV too (any viewer's scope
sums it); the kanban's indexes for a manager's and an advisor's cards; the client
search's indexes in the walks' order (key, id); an owner's expired opportunities and a
day's meetings counted in an index

Revision ID: 9b4e6f2a7c31
Revises: f1c0a7e3b9d2
Create Date: 2026-12-06 09:30:00.000000

"""
import importlib.util
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b4e6f2a7c31'
down_revision = 'f1c0a7e3b9d2'
branch_labels = None
depends_on = None

# The triggers' SQL as webapp/opportunities/tally.py writes it at this revision, frozen
# here: a migration never imports live app code (which changes with the app).
KEY = "stage_id, owner_id, spex_id, sales_director_id, branch_id, type_id"
VALUES = ("{row}.stage_id, COALESCE({row}.owner_id, 0), COALESCE({row}.spex_id, 0), "
          "COALESCE({row}.sales_director_id, 0), COALESCE({row}.branch_id, 0), {row}.type_id")
CENTS = "CAST(ROUND(COALESCE({row}.amount, 0) * 100) AS BIGINT)"
ADD = (f"INSERT INTO opportunity_tally ({KEY}, count, cents) VALUES ({VALUES}, 1, {CENTS}) "
       f"ON CONFLICT ({KEY}) DO UPDATE SET count = opportunity_tally.count + 1, "
       f"cents = opportunity_tally.cents + excluded.cents")
REMOVE = (f"UPDATE opportunity_tally SET count = count - 1, cents = cents - {CENTS} "
          f"WHERE ({KEY}) = ({VALUES})")
CHANGES = "stage_id, owner_id, spex_id, sales_director_id, branch_id, type_id, amount"


def _add(row):
    return ADD.format(row=row)


def _remove(row):
    return REMOVE.format(row=row)


SQLITE = (
    "DROP TRIGGER IF EXISTS opportunity_tally_insert",
    "DROP TRIGGER IF EXISTS opportunity_tally_update",
    "DROP TRIGGER IF EXISTS opportunity_tally_delete",
    f"CREATE TRIGGER opportunity_tally_insert AFTER INSERT ON opportunity "
    f"BEGIN {_add('NEW')}; END",
    f"CREATE TRIGGER opportunity_tally_update AFTER UPDATE OF {CHANGES} ON opportunity "
    f"BEGIN {_remove('OLD')}; {_add('NEW')}; END",
    f"CREATE TRIGGER opportunity_tally_delete AFTER DELETE ON opportunity "
    f"BEGIN {_remove('OLD')}; END",
)

# A move touches its two keys in key order, so that two moves in opposite directions lock
# them in the same order (no deadlock).
POSTGRESQL = (
    f"""CREATE OR REPLACE FUNCTION opportunity_tally_row() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        {_add('NEW')};
      ELSIF TG_OP = 'DELETE' THEN
        {_remove('OLD')};
      ELSIF ({VALUES.format(row='NEW')}) < ({VALUES.format(row='OLD')}) THEN
        {_add('NEW')};
        {_remove('OLD')};
      ELSE
        {_remove('OLD')};
        {_add('NEW')};
      END IF;
      RETURN NULL;
    END $$""",
    "DROP TRIGGER IF EXISTS opportunity_tally ON opportunity",
    f"CREATE TRIGGER opportunity_tally AFTER INSERT OR DELETE OR UPDATE OF {CHANGES} "
    f"ON opportunity FOR EACH ROW EXECUTE FUNCTION opportunity_tally_row()",
)

GROUP = ("stage_id, COALESCE(owner_id, 0), COALESCE(spex_id, 0), "
         "COALESCE(sales_director_id, 0), COALESCE(branch_id, 0), type_id")
REBUILD = (
    "DELETE FROM opportunity_tally",
    f"INSERT INTO opportunity_tally ({KEY}, count, cents) SELECT {GROUP}, count(*), "
    f"SUM(CAST(ROUND(COALESCE(amount, 0) * 100) AS BIGINT)) FROM opportunity "
    f"GROUP BY {GROUP}",
)

SEARCH_KEYS = ("name_key", "name_key_rev", "email_key", "phone_key", "phone2_key")


def _drop_triggers():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS opportunity_tally ON opportunity')
    else:
        for name in ('insert', 'update', 'delete'):
            op.execute(f'DROP TRIGGER IF EXISTS opportunity_tally_{name}')


def _create_tally(*key):
    op.create_table('opportunity_tally',
    *(sa.Column(name, sa.Integer(), nullable=False) for name in key),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('cents', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['stage_id'], ['opportunity_stage.id'], name=op.f('fk_opportunity_tally_stage_id_opportunity_stage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint(*key, name=op.f('pk_opportunity_tally'))
    )


def _run(statements):
    connection = op.get_bind()
    for statement in statements:
        connection.execute(sa.text(statement))


def upgrade():
    _drop_triggers()
    op.drop_table('opportunity_tally')
    _create_tally('stage_id', 'owner_id', 'spex_id', 'sales_director_id', 'branch_id',
                  'type_id')
    _run((*(POSTGRESQL if op.get_bind().dialect.name == 'postgresql' else SQLITE), *REBUILD))
    op.drop_index('ix_opportunity_board', table_name='opportunity')
    op.create_index('ix_opportunity_board', 'opportunity', ['stage_id', 'stage_entered_at', 'id', 'owner_id', 'spex_id', 'sales_director_id'], unique=False)
    op.drop_index('ix_opportunity_spex_id', table_name='opportunity')
    op.drop_index('ix_opportunity_sales_director_id', table_name='opportunity')
    op.create_index('ix_opportunity_spex_board', 'opportunity', ['spex_id', 'stage_id', 'stage_entered_at', 'id'], unique=False)
    op.create_index('ix_opportunity_director_board', 'opportunity', ['sales_director_id', 'stage_id', 'stage_entered_at', 'id'], unique=False)
    op.create_index('ix_opportunity_owner_created', 'opportunity', ['owner_id', 'stage_id', 'created_at'], unique=False)
    op.create_index('ix_opportunity_meeting_starts', 'opportunity_meeting', ['starts_at'], unique=False)
    for key in SEARCH_KEYS:
        op.drop_index(f'ix_client_{key}', table_name='client')
        op.create_index(f'ix_client_{key}', 'client', [key, 'id'], unique=False)
    for key in ('name_key', 'name_key_rev'):
        op.drop_index(f'ix_client_advisor_{key}', table_name='client')
        op.create_index(f'ix_client_advisor_{key}', 'client', ['advisor_id', key, 'id'], unique=False)


def _previous():
    """The revision that made the tally with its first key: its triggers' SQL."""
    path = Path(__file__).with_name('c3f1a7d9e2b5_opportunity_tally.py')
    spec = importlib.util.spec_from_file_location('tally_revision', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade():
    for key in ('name_key', 'name_key_rev'):
        op.drop_index(f'ix_client_advisor_{key}', table_name='client')
        op.create_index(f'ix_client_advisor_{key}', 'client', ['advisor_id', key], unique=False)
    for key in SEARCH_KEYS:
        op.drop_index(f'ix_client_{key}', table_name='client')
        op.create_index(f'ix_client_{key}', 'client', [key], unique=False)
    op.drop_index('ix_opportunity_meeting_starts', table_name='opportunity_meeting')
    op.drop_index('ix_opportunity_owner_created', table_name='opportunity')
    op.drop_index('ix_opportunity_director_board', table_name='opportunity')
    op.drop_index('ix_opportunity_spex_board', table_name='opportunity')
    op.create_index('ix_opportunity_sales_director_id', 'opportunity', ['sales_director_id'], unique=False)
    op.create_index('ix_opportunity_spex_id', 'opportunity', ['spex_id'], unique=False)
    op.drop_index('ix_opportunity_board', table_name='opportunity')
    op.create_index('ix_opportunity_board', 'opportunity', ['stage_id', 'stage_entered_at', 'id'], unique=False)
    _drop_triggers()
    op.drop_table('opportunity_tally')
    _create_tally('stage_id', 'owner_id', 'branch_id', 'type_id')
    _previous().install(op.get_bind())
