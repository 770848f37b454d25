"""outbox_attachments_and_catalogue: files sent with an e-mail (PDFs), and the product
catalogue that quotes and proposals are made of

Revision ID: f1c0a7e3b9d2
Revises: d5e8a3c1f7b2
Create Date: 2026-12-06 09:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c0a7e3b9d2'
down_revision = 'd5e8a3c1f7b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('mimetype', sa.String(length=100), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outbox_attachment_message_id', 'outbox_attachment', ['message_id'])
    op.create_table(
        'product',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('range', sa.String(length=120), nullable=False),
        sa.Column('unit_price_ht', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('vat_rate', sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )


def downgrade():
    op.drop_table('product')
    op.drop_index('ix_outbox_attachment_message_id', table_name='outbox_attachment')
    op.drop_table('outbox_attachment')
