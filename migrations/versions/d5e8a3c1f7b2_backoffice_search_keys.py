"""backoffice_search_keys: BO requests and their messages searched folded (case, accents);
a checklist's reception e-mail may be « identique à l'adresse générale »

Revision ID: d5e8a3c1f7b2
Revises: e2a9c4d7b318
Create Date: 2026-12-06 06:30:00.000000

"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e8a3c1f7b2'
down_revision = 'e2a9c4d7b318'
branch_labels = None
depends_on = None

# The search key as webapp.clients.rules.search_key wrote it on 2026-12-06, frozen here so
# that this revision never changes with the app's code.
_NOT_KEY = re.compile(r"[^a-z0-9@.+]+")


def _key(text):
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join(_NOT_KEY.sub(" ", ascii_text).split())


def _fill(table, source, limit=None):
    """Each row's key from its text, in batches (the thread may be long)."""
    conn = op.get_bind()
    rows = sa.table(table, sa.column("id", sa.Integer), sa.column(source, sa.Text),
                    sa.column("search_key", sa.Text))
    last = 0
    while True:
        batch = conn.execute(sa.select(rows.c.id, rows.c[source]).where(rows.c.id > last)
                             .order_by(rows.c.id).limit(1000)).all()
        if not batch:
            return
        conn.execute(rows.update().where(rows.c.id == sa.bindparam("row_id"))
                     .values(search_key=sa.bindparam("key")),
                     [{"row_id": pk, "key": _key(text)[:limit]} for pk, text in batch])
        last = batch[-1][0]


def upgrade():
    with op.batch_alter_table('bo_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.String(length=250), server_default='',
                                      nullable=False))
    with op.batch_alter_table('bo_comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_key', sa.Text(), server_default='',
                                      nullable=False))
    with op.batch_alter_table('bo_checklist', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reception_same', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    _fill('bo_request', 'subject', 250)
    _fill('bo_comment', 'body')


def downgrade():
    with op.batch_alter_table('bo_checklist', schema=None) as batch_op:
        batch_op.drop_column('reception_same')
    with op.batch_alter_table('bo_comment', schema=None) as batch_op:
        batch_op.drop_column('search_key')
    with op.batch_alter_table('bo_request', schema=None) as batch_op:
        batch_op.drop_column('search_key')
