"""calendar events: workshops, hackathons and forums the secretary adds to the public calendar

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('workshop', 'hackathon', 'forum', 'other')", name=op.f('ck_calendar_events_kind_known')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_calendar_events_ends_after_start')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_calendar_events_sequence_not_negative')),
    sa.CheckConstraint('(cancelled AND cancelled_at IS NOT NULL) OR (NOT cancelled AND cancelled_at IS NULL)', name=op.f('ck_calendar_events_cancelled_at_set')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_calendar_events_created_by_id_users')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_calendar_events_cycle_id_cycles'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_events'))
    )
    op.create_index(op.f('ix_calendar_events_cycle_id'), 'calendar_events', ['cycle_id'], unique=False)
    op.create_index(op.f('ix_calendar_events_starts_at'), 'calendar_events', ['starts_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_calendar_events_starts_at'), table_name='calendar_events')
    op.drop_index(op.f('ix_calendar_events_cycle_id'), table_name='calendar_events')
    op.drop_table('calendar_events')
