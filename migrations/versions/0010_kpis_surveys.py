"""KPIs of funded projects, their satisfaction surveys and the surveys' anonymous answers

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_SATISFACTION = ("(satisfaction_kind = 'average' AND {c} >= 10 AND {c} <= 50) OR "
                 "(satisfaction_kind = 'share' AND {c} >= 0 AND {c} <= 100)")


def upgrade():
    op.create_table('project_kpis',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('engaged_target', sa.Integer(), nullable=True),
    sa.Column('engaged_actual', sa.Integer(), nullable=True),
    sa.Column('benefited_target', sa.Integer(), nullable=True),
    sa.Column('benefited_actual', sa.Integer(), nullable=True),
    sa.Column('satisfaction_kind', sa.String(length=8), nullable=False),
    sa.Column('satisfaction_target', sa.Integer(), nullable=True),
    sa.Column('satisfaction_actual', sa.Integer(), nullable=True),
    sa.Column('effect_unit', sa.String(length=40), nullable=False),
    sa.Column('effect_target_number', sa.BigInteger(), nullable=True),
    sa.Column('effect_actual_number', sa.BigInteger(), nullable=True),
    sa.Column('effect_target_text', sa.Text(), nullable=False),
    sa.Column('effect_actual_text', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('engaged_target >= 0 AND engaged_actual >= 0', name=op.f('ck_project_kpis_engaged')),
    sa.CheckConstraint('benefited_target >= 0 AND benefited_actual >= 0', name=op.f('ck_project_kpis_benefited')),
    sa.CheckConstraint("satisfaction_kind IN ('average', 'share')", name=op.f('ck_project_kpis_satisfaction_kind')),
    sa.CheckConstraint(_SATISFACTION.format(c='satisfaction_target'), name=op.f('ck_project_kpis_satisfaction_target')),
    sa.CheckConstraint(_SATISFACTION.format(c='satisfaction_actual'), name=op.f('ck_project_kpis_satisfaction_actual')),
    sa.CheckConstraint('effect_target_number >= 0 AND effect_actual_number >= 0', name=op.f('ck_project_kpis_effect_number')),
    sa.ForeignKeyConstraint(['project_id'], ['funded_projects.id'], name=op.f('fk_project_kpis_project_id_funded_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('project_id', name=op.f('pk_project_kpis'))
    )

    op.create_table('project_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('key', sa.LargeBinary(length=32), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("state IN ('open', 'closed')", name=op.f('ck_project_surveys_state')),
    sa.ForeignKeyConstraint(['project_id'], ['funded_projects.id'], name=op.f('fk_project_surveys_project_id_funded_projects'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_surveys')),
    sa.UniqueConstraint('project_id', name=op.f('uq_project_surveys_project_id')),
    sa.UniqueConstraint('token', name=op.f('uq_project_surveys_token'))
    )

    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.CheckConstraint('rating >= 1 AND rating <= 5', name=op.f('ck_survey_answers_rating')),
    sa.ForeignKeyConstraint(['survey_id'], ['project_surveys.id'], name=op.f('fk_survey_answers_survey_id_project_surveys'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('survey_id', 'fingerprint', name=op.f('uq_survey_answers_survey_id_fingerprint'))
    )


def downgrade():
    op.drop_table('survey_answers')
    op.drop_table('project_surveys')
    op.drop_table('project_kpis')
