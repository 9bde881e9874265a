"""voting: budgets, ballot settings, secret ballots, codes, census, paper batches

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 16:21:49.256442

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_budgets_amount_positive')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_budgets_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budgets')),
    sa.UniqueConstraint('cycle_id', 'name', name=op.f('uq_budgets_cycle_id_name'))
    )
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budgets_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('census_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['users.id'], name=op.f('fk_census_entries_claimed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_census_entries_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_census_entries')),
    sa.UniqueConstraint('cycle_id', 'claimed_by_id', name=op.f('uq_census_entries_cycle_id_claimed_by_id')),
    sa.UniqueConstraint('cycle_id', 'id_hash', name=op.f('uq_census_entries_cycle_id_id_hash'))
    )
    with op.batch_alter_table('census_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_census_entries_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('voting_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_voting_codes_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voting_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_voting_codes_code_hash'))
    )
    with op.batch_alter_table('voting_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voting_codes_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('voting_keys',
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.LargeBinary(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('destroyed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_voting_keys_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cycle_id', name=op.f('pk_voting_keys'))
    )
    op.create_table('paper_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_paper_batches_budget_id_budgets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_paper_batches_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_batches')),
    sa.UniqueConstraint('cycle_id', 'number', name=op.f('uq_paper_batches_cycle_id_number'))
    )
    with op.batch_alter_table('paper_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_paper_batches_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('participations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('code_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=True),
    sa.CheckConstraint("channel IN ('online', 'code')", name=op.f('ck_participations_channel_known')),
    sa.ForeignKeyConstraint(['code_id'], ['voting_codes.id'], name=op.f('fk_participations_code_id_voting_codes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_participations_cycle_id_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_participations_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participations')),
    sa.UniqueConstraint('cycle_id', 'code_id', name=op.f('uq_participations_cycle_id_code_id')),
    sa.UniqueConstraint('cycle_id', 'user_id', name=op.f('uq_participations_cycle_id_user_id'))
    )
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participations_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('ballots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('paper_batch_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("channel IN ('online', 'code', 'paper')", name=op.f('ck_ballots_channel_known')),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_ballots_budget_id_budgets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['paper_batch_id'], ['paper_batches.id'], name=op.f('fk_ballots_paper_batch_id_paper_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ballots')),
    sa.UniqueConstraint('budget_id', 'pseudonym', name=op.f('uq_ballots_budget_id_pseudonym'))
    )
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ballots_budget_id'), ['budget_id'], unique=False)

    op.create_table('ballot_choices',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.CheckConstraint('points >= 1', name=op.f('ck_ballot_choices_points_positive')),
    sa.ForeignKeyConstraint(['ballot_id'], ['ballots.id'], name=op.f('fk_ballot_choices_ballot_id_ballots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_ballot_choices_proposal_id_proposals')),
    sa.PrimaryKeyConstraint('ballot_id', 'proposal_id', name=op.f('pk_ballot_choices'))
    )
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballot_type', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('min_choices', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('max_choices', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('min_share_percent', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('points_total', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('max_points_per_project', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('use_all_points', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('budget_choice', sa.String(length=10), nullable=False, server_default='one'))
        batch_op.add_column(sa.Column('census_required', sa.Boolean(), nullable=False, server_default=sa.false()))
        # Existing rows get the defaults above; the models set them from now on.
        batch_op.create_check_constraint(
            'ballot_type_known', "ballot_type IS NULL OR ballot_type IN ('approval', 'knapsack', 'cumulative')")
        batch_op.create_check_constraint('budget_choice_known', "budget_choice IN ('one', 'each')")

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('budget_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_proposals_budget_id_budgets'), 'budgets', ['budget_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_proposals_budget_id_budgets'), type_='foreignkey')
        batch_op.drop_column('budget_id')

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_constraint('budget_choice_known', type_='check')
        batch_op.drop_constraint('ballot_type_known', type_='check')
        batch_op.drop_column('census_required')
        batch_op.drop_column('budget_choice')
        batch_op.drop_column('use_all_points')
        batch_op.drop_column('max_points_per_project')
        batch_op.drop_column('points_total')
        batch_op.drop_column('min_share_percent')
        batch_op.drop_column('max_choices')
        batch_op.drop_column('min_choices')
        batch_op.drop_column('ballot_type')

    op.drop_table('ballot_choices')
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ballots_budget_id'))

    op.drop_table('ballots')
    with op.batch_alter_table('participations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participations_cycle_id'))

    op.drop_table('participations')
    with op.batch_alter_table('paper_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_paper_batches_cycle_id'))

    op.drop_table('paper_batches')
    op.drop_table('voting_keys')
    with op.batch_alter_table('voting_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voting_codes_cycle_id'))

    op.drop_table('voting_codes')
    with op.batch_alter_table('census_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_census_entries_cycle_id'))

    op.drop_table('census_entries')
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budgets_cycle_id'))

    op.drop_table('budgets')
