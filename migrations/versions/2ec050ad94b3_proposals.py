"""proposals: commercial proposals, their sub-orders, product lines and payment plan,
the e-signature and the « remise en production » (issue #16); merges the two activities heads (tasks a7c3e9f1b2d4, churn
7b3e9c2a4d18)

Revision ID: 2ec050ad94b3
Revises: 7b3e9c2a4d18
Create Date: 2026-12-06 09:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2ec050ad94b3'
down_revision = '7b3e9c2a4d18'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=True),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('plan_count', sa.Integer(), nullable=False),
    sa.Column('plan_start', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('billing', sa.String(length=8), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=True),
    sa.Column('mobile', sa.String(length=30), nullable=True),
    sa.Column('code_hash', sa.String(length=64), nullable=True),
    sa.Column('code_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('code_tries', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('order_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rejected_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_proposal_author_id_user')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_proposal_client_id_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_proposal_opportunity_id_opportunity'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal')),
    sa.UniqueConstraint('key', name=op.f('uq_proposal_key')),
    sa.UniqueConstraint('number', name=op.f('uq_proposal_number'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_proposal_client_created', ['client_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('proposal_instalment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount_ttc', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_instalment_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_instalment'))
    )
    with op.batch_alter_table('proposal_instalment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_instalment_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_suborder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=10), nullable=False),
    sa.Column('mo', sa.String(length=20), nullable=False),
    sa.Column('range_label', sa.String(length=120), nullable=False),
    sa.Column('churned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_suborder_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_suborder'))
    )
    with op.batch_alter_table('proposal_suborder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_suborder_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suborder_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('amount_ht', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('vat_rate', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_proposal_line_product_id_product'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['suborder_id'], ['proposal_suborder.id'], name=op.f('fk_proposal_line_suborder_id_proposal_suborder'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_line'))
    )
    with op.batch_alter_table('proposal_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_line_suborder_id'), ['suborder_id'], unique=False)



def downgrade():
    with op.batch_alter_table('proposal_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_line_suborder_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_line_product_id'))

    op.drop_table('proposal_line')
    with op.batch_alter_table('proposal_suborder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_suborder_proposal_id'))

    op.drop_table('proposal_suborder')
    with op.batch_alter_table('proposal_instalment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_instalment_proposal_id'))

    op.drop_table('proposal_instalment')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_opportunity_id'))
        batch_op.drop_index('ix_proposal_client_created')
        batch_op.drop_index(batch_op.f('ix_proposal_author_id'))

    op.drop_table('proposal')
