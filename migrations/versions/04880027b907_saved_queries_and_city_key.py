"""saved_queries_and_city_key: « Mes requêtes » (saved client queries); the client's city
folded for the query builder's criterion, the place criteria indexed

Revision ID: 04880027b907
Revises: 2ec050ad94b3
Create Date: 2026-12-06 09:30:00.000000

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '04880027b907'
down_revision = '2ec050ad94b3'
branch_labels = None
depends_on = None

# webapp.clients.rules.search_key as written on 2026-12-06, frozen here.
_NOT_KEY = re.compile(r"[^a-z0-9@.+]+")


def _key(text):
    if not text:
        return None
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_NOT_KEY.sub(" ", ascii_text).split())[:80] or None


def _fill_city_keys():
    conn = op.get_bind()
    rows = sa.table("client", sa.column("id", sa.Integer), sa.column("city", sa.String),
                    sa.column("city_key", sa.String))
    last = 0
    while True:
        batch = conn.execute(sa.select(rows.c.id, rows.c.city).where(
            rows.c.id > last, rows.c.city.is_not(None)).order_by(rows.c.id).limit(2000)).all()
        if not batch:
            return
        conn.execute(rows.update().where(rows.c.id == sa.bindparam("row_id"))
                     .values(city_key=sa.bindparam("key")),
                     [{"row_id": pk, "key": _key(city)} for pk, city in batch])
        last = batch[-1][0]


def upgrade():
    op.create_table('saved_query',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('saved_query', schema=None) as batch_op:
        batch_op.create_index('ix_saved_query_owner', ['owner_id', 'name'], unique=False)
        batch_op.create_index('ix_saved_query_team', ['team_id', 'name'], unique=False)
    # Plain ALTER TABLEs, no batch copy of « client »: dropping it would cascade to the
    # rows that point at it (foreign keys are on).
    op.add_column('client', sa.Column('city_key', sa.String(length=80).with_variant(sa.String(length=80, collation='C'), 'postgresql').with_variant(sa.String(length=80, collation='NOCASE'), 'sqlite'), nullable=True))
    op.create_index(op.f('ix_client_city_key'), 'client', ['city_key'], unique=False)
    op.create_index('ix_client_place', 'client', ['postal_code', 'language', 'advisor_id', 'name_key', 'id'], unique=False)
    _fill_city_keys()


def downgrade():
    op.drop_index('ix_client_place', table_name='client')
    op.drop_index(op.f('ix_client_city_key'), table_name='client')
    op.drop_column('client', 'city_key')
    with op.batch_alter_table('saved_query', schema=None) as batch_op:
        batch_op.drop_index('ix_saved_query_team')
        batch_op.drop_index('ix_saved_query_owner')
    op.drop_table('saved_query')
