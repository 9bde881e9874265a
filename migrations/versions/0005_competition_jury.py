"""competition cycles: the jury's criteria and scores, the jury weight, the "competition" rule

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 22:10:23.677405

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jury_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_jury_criteria_cycle_id_cycles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jury_criteria'))
    )
    with op.batch_alter_table('jury_criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jury_criteria_cycle_id'), ['cycle_id'], unique=False)

    op.create_table('jury_scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('juror_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score >= 1 AND score <= 5', name=op.f('ck_jury_scores_score_range')),
    sa.ForeignKeyConstraint(['criterion_id'], ['jury_criteria.id'], name=op.f('fk_jury_scores_criterion_id_jury_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_jury_scores_cycle_id_cycles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['juror_id'], ['users.id'], name=op.f('fk_jury_scores_juror_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_jury_scores_proposal_id_proposals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jury_scores')),
    sa.UniqueConstraint('criterion_id', 'proposal_id', 'juror_id', name=op.f('uq_jury_scores_criterion_id_proposal_id_juror_id'))
    )
    with op.batch_alter_table('jury_scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jury_scores_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jury_scores_juror_id'), ['juror_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_jury_scores_proposal_id'), ['proposal_id'], unique=False)

    # Batch mode: SQLite can only change a CHECK constraint by rebuilding the table.
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('jury_weight', sa.Integer(), server_default='50', nullable=False))
        batch_op.drop_constraint(batch_op.f('ck_cycles_tally_rule_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_cycles_tally_rule_known'),
                                         "tally_rule IN ('greedy', 'mes-add1', 'mes-add1-compare', 'competition')")
        batch_op.create_check_constraint(batch_op.f('ck_cycles_jury_weight_percent'),
                                         'jury_weight >= 0 AND jury_weight <= 100')


def downgrade():
    # A competition cycle has no older rule to fall back on: count it by votes alone.
    op.execute("UPDATE cycles SET tally_rule = 'greedy' WHERE tally_rule = 'competition'")
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_cycles_jury_weight_percent'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_cycles_tally_rule_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_cycles_tally_rule_known'),
                                         "tally_rule IN ('greedy', 'mes-add1', 'mes-add1-compare')")
        batch_op.drop_column('jury_weight')

    with op.batch_alter_table('jury_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jury_scores_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_jury_scores_juror_id'))
        batch_op.drop_index(batch_op.f('ix_jury_scores_cycle_id'))

    op.drop_table('jury_scores')
    with op.batch_alter_table('jury_criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jury_criteria_cycle_id'))

    op.drop_table('jury_criteria')
