"""tally_results.chain_head: the audit chain's head ("seq:hash") when the results were confirmed

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-28 04:15:00.000000

Written by hand. Results confirmed before this revision keep NULL: the page then shows no anchor.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tally_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_head', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('tally_results', schema=None) as batch_op:
        batch_op.drop_column('chain_head')
