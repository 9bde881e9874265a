"""Idempotent casting: vote_receipts

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 04:15:00.000000

Written by hand. One row per ballot sent with an idempotency key, keyed by an HMAC of the
voter and the key under the cycle's voting key; the primary key makes a repeated key a
conflict the database decides. Rows are deleted when the cycle's voting key is destroyed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'vote_receipts',
        sa.Column('cycle_id', sa.Integer(), nullable=False),
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('budget_id', sa.Integer(), nullable=False),
        sa.Column('picks', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_vote_receipts_cycle_id_cycles'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('cycle_id', 'key_hash', name=op.f('pk_vote_receipts')),
    )


def downgrade():
    op.drop_table('vote_receipts')
