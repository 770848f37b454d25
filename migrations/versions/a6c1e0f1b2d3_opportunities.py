"""opportunities: stages, types, lost reasons, opportunities, meetings, calls, branch staff

Revision ID: a6c1e0f1b2d3
Revises: b7d2f1a2c3e4
Create Date: 2026-11-23 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6c1e0f1b2d3'
down_revision = 'b7d2f1a2c3e4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lost_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lost_reason')),
    sa.UniqueConstraint('name', name=op.f('uq_lost_reason_name'))
    )
    op.create_table('opportunity_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=True),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('won', sa.Boolean(), nullable=False),
    sa.Column('lost', sa.Boolean(), nullable=False),
    sa.Column('invalid', sa.Boolean(), nullable=False),
    sa.Column('expires_after_days', sa.Integer(), nullable=True),
    sa.Column('required', sa.String(length=300), nullable=False),
    sa.Column('stamps', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_stage')),
    sa.UniqueConstraint('key', name=op.f('uq_opportunity_stage_key')),
    sa.UniqueConstraint('name', name=op.f('uq_opportunity_stage_name'))
    )
    op.create_table('opportunity_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_type')),
    sa.UniqueConstraint('name', name=op.f('uq_opportunity_type_name'))
    )
    op.create_table('branch_staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('duty', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('last_assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_branch_staff_branch_id_branch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_branch_staff_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch_staff')),
    sa.UniqueConstraint('branch_id', 'user_id', 'duty', name=op.f('uq_branch_staff_branch_id'))
    )
    with op.batch_alter_table('branch_staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_branch_staff_user_id'), ['user_id'], unique=False)

    op.create_table('opportunity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=True),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('type_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('stage_entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('phone_is_mobile', sa.Boolean(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('spex_id', sa.Integer(), nullable=True),
    sa.Column('sales_director_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=200), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('probability', sa.Integer(), nullable=True),
    sa.Column('expected_close_on', sa.Date(), nullable=True),
    sa.Column('vehicle_make', sa.String(length=60), nullable=True),
    sa.Column('vehicle_model', sa.String(length=60), nullable=True),
    sa.Column('vehicle_year', sa.Integer(), nullable=True),
    sa.Column('stock_number', sa.String(length=30), nullable=True),
    sa.Column('stock_key', sa.String(length=30), nullable=True),
    sa.Column('vehicle_notes', sa.Text(), nullable=True),
    sa.Column('has_trade_in', sa.Boolean(), nullable=False),
    sa.Column('trade_make', sa.String(length=60), nullable=True),
    sa.Column('trade_model', sa.String(length=60), nullable=True),
    sa.Column('trade_year', sa.Integer(), nullable=True),
    sa.Column('trade_odometer', sa.Integer(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=True),
    sa.Column('lost_reason_id', sa.Integer(), nullable=True),
    sa.Column('sale_date', sa.Date(), nullable=True),
    sa.Column('delivery_date', sa.Date(), nullable=True),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_opportunity_branch_id_branch')),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_opportunity_client_id_client'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['copied_from_id'], ['opportunity.id'], name=op.f('fk_opportunity_copied_from_id_opportunity'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_opportunity_created_by_id_user')),
    sa.ForeignKeyConstraint(['lost_reason_id'], ['lost_reason.id'], name=op.f('fk_opportunity_lost_reason_id_lost_reason')),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_opportunity_owner_id_user')),
    sa.ForeignKeyConstraint(['sales_director_id'], ['user.id'], name=op.f('fk_opportunity_sales_director_id_user')),
    sa.ForeignKeyConstraint(['spex_id'], ['user.id'], name=op.f('fk_opportunity_spex_id_user')),
    sa.ForeignKeyConstraint(['stage_id'], ['opportunity_stage.id'], name=op.f('fk_opportunity_stage_id_opportunity_stage')),
    sa.ForeignKeyConstraint(['type_id'], ['opportunity_type.id'], name=op.f('fk_opportunity_type_id_opportunity_type')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity')),
    sa.UniqueConstraint('key', name=op.f('uq_opportunity_key'))
    )
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_board', ['stage_id', 'stage_entered_at', 'id'], unique=False)
        batch_op.create_index('ix_opportunity_branch_board', ['branch_id', 'stage_id', 'stage_entered_at', 'id', 'amount'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_client_id'), ['client_id'], unique=False)
        batch_op.create_index('ix_opportunity_owner_board', ['owner_id', 'stage_id', 'stage_entered_at', 'id', 'amount'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_sales_director_id'), ['sales_director_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_spex_id'), ['spex_id'], unique=False)
        batch_op.create_index('ix_opportunity_stage_amount', ['stage_id', 'amount', 'type_id', 'created_at'], unique=False)
        batch_op.create_index('ix_opportunity_stock', ['stock_key', 'stage_id'], unique=False)

    op.create_table('opportunity_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['user.id'], name=op.f('fk_opportunity_call_assigned_to_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_opportunity_call_created_by_id_user')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_opportunity_call_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_call'))
    )
    with op.batch_alter_table('opportunity_call', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_call_due', ['done_at', 'scheduled_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_opportunity_call_opportunity_id'), ['opportunity_id'], unique=False)

    op.create_table('opportunity_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=10), nullable=False),
    sa.Column('virtual', sa.Boolean(), nullable=False),
    sa.Column('device', sa.String(length=10), nullable=True),
    sa.Column('branch_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=True),
    sa.Column('stock_numbers', sa.String(length=200), nullable=True),
    sa.Column('deposit_kind', sa.String(length=10), nullable=True),
    sa.Column('receipt_name', sa.String(length=80), nullable=True),
    sa.Column('receipt_original', sa.String(length=200), nullable=True),
    sa.Column('receipt_mimetype', sa.String(length=80), nullable=True),
    sa.Column('esign_status', sa.String(length=10), nullable=True),
    sa.Column('transfer', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('spex_id', sa.Integer(), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_opportunity_meeting_branch_id_branch')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_opportunity_meeting_created_by_id_user')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunity.id'], name=op.f('fk_opportunity_meeting_opportunity_id_opportunity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['spex_id'], ['user.id'], name=op.f('fk_opportunity_meeting_spex_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunity_meeting'))
    )
    with op.batch_alter_table('opportunity_meeting', schema=None) as batch_op:
        batch_op.create_index('ix_opportunity_meeting_day', ['opportunity_id', 'starts_at'], unique=False)

    # The default data (webapp/opportunities/defaults.py mirrors it for tests).
    stage = sa.table('opportunity_stage', sa.column('key', sa.String),
                     sa.column('name', sa.String), sa.column('description', sa.String),
                     sa.column('position', sa.Integer), sa.column('won', sa.Boolean),
                     sa.column('lost', sa.Boolean), sa.column('invalid', sa.Boolean),
                     sa.column('expires_after_days', sa.Integer),
                     sa.column('required', sa.String), sa.column('stamps', sa.String))
    op.bulk_insert(stage, [
        {'position': 1, 'key': 'en-traitement', 'name': 'En traitement', 'description': 'Nouvelle opportunité non contactée', 'won': False, 'lost': False, 'invalid': False, 'expires_after_days': 56, 'required': '', 'stamps': None},
        {'position': 2, 'key': 'reponse-envoyee', 'name': 'Réponse envoyée', 'description': 'Courriel ou texto envoyé mais pas de réponse du client', 'won': False, 'lost': False, 'invalid': False, 'expires_after_days': 56, 'required': '', 'stamps': None},
        {'position': 3, 'key': 'contacte', 'name': 'Contacté', 'description': 'Contact au téléphone, par texto ou par courriel avec le client', 'won': False, 'lost': False, 'invalid': False, 'expires_after_days': 56, 'required': '', 'stamps': None},
        {'position': 4, 'key': 'perdu-bdc', 'name': 'Perdu BDC', 'description': "Le client n'a pas été « closé » par le BDC (relance automatique)", 'won': False, 'lost': True, 'invalid': False, 'expires_after_days': None, 'required': 'lost_reason', 'stamps': None},
        {'position': 5, 'key': 'invalide-bdc', 'name': 'Invalide BDC', 'description': "Corbeille, comme si le client n'avait jamais existé", 'won': False, 'lost': False, 'invalid': True, 'expires_after_days': None, 'required': 'lost_reason', 'stamps': None},
        {'position': 6, 'key': 'rdv-cedule', 'name': 'Rendez-vous cédulé', 'description': 'Le client a un RDV de planifié', 'won': False, 'lost': False, 'invalid': False, 'expires_after_days': None, 'required': 'name,phone,email,branch,language,owner,spex,sales_director,not_expired,meeting', 'stamps': None},
        {'position': 7, 'key': 'rdv-present', 'name': 'Rendez-vous présent / Walk-in', 'description': 'Le client est allé en succursale', 'won': False, 'lost': False, 'invalid': False, 'expires_after_days': None, 'required': '', 'stamps': None},
        {'position': 8, 'key': 'perdu-salle', 'name': 'Perdu salle de montre', 'description': 'Perdu une fois que le client a été en succursale', 'won': False, 'lost': True, 'invalid': False, 'expires_after_days': None, 'required': 'lost_reason', 'stamps': None},
        {'position': 9, 'key': 'pris-en-charge', 'name': 'Pris en charge', 'description': 'Vendu (date de vente générée)', 'won': True, 'lost': False, 'invalid': False, 'expires_after_days': None, 'required': '', 'stamps': 'sale_date'},
        {'position': 10, 'key': 'perdu-fi', 'name': 'Perdu F&I', 'description': 'Vente faite mais perdue par le/la F&I', 'won': False, 'lost': True, 'invalid': False, 'expires_after_days': None, 'required': 'lost_reason', 'stamps': None},
        {'position': 11, 'key': 'vendu-non-livre', 'name': 'Vendu non livré', 'description': 'Vendu, en préparation', 'won': True, 'lost': False, 'invalid': False, 'expires_after_days': None, 'required': 'sale_date', 'stamps': None},
        {'position': 12, 'key': 'livre', 'name': 'Livré', 'description': 'Livré (date de livraison générée)', 'won': True, 'lost': False, 'invalid': False, 'expires_after_days': None, 'required': '', 'stamps': 'delivery_date'},
        {'position': 13, 'key': 'suivi-long-terme', 'name': 'En suivi long-terme', 'description': 'Pas de vente mais un intérêt du client pour un achat futur, suivi de plus de 4 semaines', 'won': False, 'lost': False, 'invalid': False, 'expires_after_days': None, 'required': '', 'stamps': None},
    ])
    opportunity_type = sa.table('opportunity_type', sa.column('name', sa.String),
                                sa.column('position', sa.Integer))
    op.bulk_insert(opportunity_type, [
        {'name': 'Lead Internet', 'position': 1},
        {'name': 'Phone-Up', 'position': 2},
        {'name': 'Clavardage', 'position': 3},
        {'name': 'SMS', 'position': 4},
    ])
    lost_reason = sa.table('lost_reason', sa.column('name', sa.String),
                           sa.column('position', sa.Integer))
    op.bulk_insert(lost_reason, [
        {'name': 'Pas de réponse du client', 'position': 1},
        {'name': 'A acheté ailleurs', 'position': 2},
        {'name': 'Prix ou financement', 'position': 3},
        {'name': 'Véhicule vendu à un autre client', 'position': 4},
        {'name': 'Projet reporté ou abandonné', 'position': 5},
        {'name': 'Crédit refusé', 'position': 6},
        {'name': 'Doublon', 'position': 7},
        {'name': 'Coordonnées invalides', 'position': 8},
    ])


def downgrade():
    with op.batch_alter_table('opportunity_meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_meeting_day')

    op.drop_table('opportunity_meeting')
    with op.batch_alter_table('opportunity_call', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opportunity_call_opportunity_id'))
        batch_op.drop_index('ix_opportunity_call_due')

    op.drop_table('opportunity_call')
    with op.batch_alter_table('opportunity', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunity_stock')
        batch_op.drop_index('ix_opportunity_stage_amount')
        batch_op.drop_index(batch_op.f('ix_opportunity_spex_id'))
        batch_op.drop_index(batch_op.f('ix_opportunity_sales_director_id'))
        batch_op.drop_index('ix_opportunity_owner_board')
        batch_op.drop_index(batch_op.f('ix_opportunity_client_id'))
        batch_op.drop_index('ix_opportunity_branch_board')
        batch_op.drop_index('ix_opportunity_board')

    op.drop_table('opportunity')
    with op.batch_alter_table('branch_staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_branch_staff_user_id'))

    op.drop_table('branch_staff')
    op.drop_table('opportunity_type')
    op.drop_table('opportunity_stage')
    op.drop_table('lost_reason')
