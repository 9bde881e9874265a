"""tally results and counting rule

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 18:31:00.344359

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tally_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('budget_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('voters', sa.Integer(), nullable=False),
    sa.Column('budget_amount', sa.BigInteger(), nullable=False),
    sa.Column('spent', sa.BigInteger(), nullable=False),
    sa.Column('selected', sa.JSON(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('what_if', sa.JSON(), nullable=False),
    sa.Column('pb_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_tally_results_budget_id_budgets'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_tally_results_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tally_results')),
    sa.UniqueConstraint('budget_id', name=op.f('uq_tally_results_budget_id'))
    )
    with op.batch_alter_table('tally_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tally_results_cycle_id'), ['cycle_id'], unique=False)

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_ratified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('results_ratified_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('tally_rule', sa.String(length=20), server_default='greedy', nullable=False))
        batch_op.add_column(sa.Column('tally_threshold', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_cycles_results_ratified_by_id_users'), 'users', ['results_ratified_by_id'], ['id'])
        batch_op.create_check_constraint(batch_op.f('ck_cycles_tally_rule_known'),
                                         "tally_rule IN ('greedy', 'mes-add1', 'mes-add1-compare')")
        batch_op.create_check_constraint(batch_op.f('ck_cycles_tally_threshold_not_negative'), 'tally_threshold >= 0')



def downgrade():
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_cycles_tally_threshold_not_negative'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_cycles_tally_rule_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_cycles_results_ratified_by_id_users'), type_='foreignkey')
        batch_op.drop_column('tally_threshold')
        batch_op.drop_column('tally_rule')
        batch_op.drop_column('results_ratified_by_id')
        batch_op.drop_column('results_ratified_at')

    with op.batch_alter_table('tally_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tally_results_cycle_id'))

    op.drop_table('tally_results')
