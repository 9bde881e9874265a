"""funded projects: one per funded proposal, its milestones and the append-only history of its terms

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 23:12:25.337628

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('funded_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('budget_spent', sa.BigInteger(), nullable=False),
    sa.Column('budget_granted', sa.BigInteger(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('planned_end', sa.Date(), nullable=True),
    sa.Column('responsible', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('not_started', 'in_progress', 'delivered', 'cancelled')", name=op.f('ck_funded_projects_status')),
    sa.CheckConstraint('budget_spent >= 0', name=op.f('ck_funded_projects_spent')),
    sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_funded_projects_progress')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_funded_projects_cycle_id_cycles'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_funded_projects_proposal_id_proposals'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funded_projects')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_funded_projects_proposal_id'))
    )
    op.create_index(op.f('ix_funded_projects_cycle_id'), 'funded_projects', ['cycle_id'], unique=False)

    op.create_table('project_milestones',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['funded_projects.id'], name=op.f('fk_project_milestones_project_id_funded_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_milestones'))
    )
    op.create_index(op.f('ix_project_milestones_project_id'), 'project_milestones', ['project_id'], unique=False)

    op.create_table('project_terms_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('material', sa.Boolean(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_project_terms_changes_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decision_id'], ['council_decisions.id'], name=op.f('fk_project_terms_changes_decision_id_council_decisions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['project_id'], ['funded_projects.id'], name=op.f('fk_project_terms_changes_project_id_funded_projects'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_terms_changes'))
    )
    op.create_index(op.f('ix_project_terms_changes_project_id'), 'project_terms_changes', ['project_id'], unique=False)



def downgrade():
    op.drop_index(op.f('ix_project_terms_changes_project_id'), table_name='project_terms_changes')
    op.drop_table('project_terms_changes')
    op.drop_index(op.f('ix_project_milestones_project_id'), table_name='project_milestones')
    op.drop_table('project_milestones')
    op.drop_index(op.f('ix_funded_projects_cycle_id'), table_name='funded_projects')
    op.drop_table('funded_projects')
