"""Renewals on evidence: proposals.renewal_of_id, funding_years and funding_split;
cycles.renewal_max_years

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 12:00:00.000000

Written by hand. Existing proposals are one-year proposals and no renewal (funding_years 1,
renewal_of_id NULL); existing cycles fund one year at a time (renewal_max_years 1). The
partial unique index allows one renewal of a project per cycle, not counting withdrawn ones.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

MAX_YEARS = 5  # ypb.domain.renewals.MAX_YEARS when this was written
ACTIVE_RENEWAL = "renewal_of_id IS NOT NULL AND status != 'withdrawn'"


def upgrade():
    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal_max_years', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_cycles_renewal_years'), f'renewal_max_years >= 1 AND renewal_max_years <= {MAX_YEARS}')

    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('renewal_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('funding_years', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('funding_split', sa.JSON(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_proposals_renewal_of_id_funded_projects'), 'funded_projects',
                                    ['renewal_of_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint(
            op.f('ck_proposals_funding_years_range'), f'funding_years >= 1 AND funding_years <= {MAX_YEARS}')
        batch_op.create_check_constraint(
            op.f('ck_proposals_multi_year_only_renewals'), 'funding_years = 1 OR renewal_of_id IS NOT NULL')
        batch_op.create_index(batch_op.f('ix_proposals_renewal_of_id'), ['renewal_of_id'], unique=False)
        batch_op.create_index('uq_proposals_renewal_per_cycle', ['cycle_id', 'renewal_of_id'], unique=True,
                              sqlite_where=sa.text(ACTIVE_RENEWAL), postgresql_where=sa.text(ACTIVE_RENEWAL))


def downgrade():
    with op.batch_alter_table('proposals', schema=None) as batch_op:
        batch_op.drop_index('uq_proposals_renewal_per_cycle')
        batch_op.drop_index(batch_op.f('ix_proposals_renewal_of_id'))
        batch_op.drop_constraint(op.f('ck_proposals_multi_year_only_renewals'), type_='check')
        batch_op.drop_constraint(op.f('ck_proposals_funding_years_range'), type_='check')
        batch_op.drop_constraint(op.f('fk_proposals_renewal_of_id_funded_projects'), type_='foreignkey')
        batch_op.drop_column('funding_split')
        batch_op.drop_column('funding_years')
        batch_op.drop_column('renewal_of_id')

    with op.batch_alter_table('cycles', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_cycles_renewal_years'), type_='check')
        batch_op.drop_column('renewal_max_years')
