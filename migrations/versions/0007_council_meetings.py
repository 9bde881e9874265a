"""council meetings: agenda items, attendance, motions with roll-call votes, decisions, minutes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 22:19:27.073228

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('online_url', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('scheduled', 'held', 'cancelled')", name=op.f('ck_council_meetings_status_known')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_council_meetings_council_id_councils'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_meetings'))
    )
    with op.batch_alter_table('council_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_meetings_council_id'), ['council_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_meetings_starts_at'), ['starts_at'], unique=False)

    op.create_table('council_attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.CheckConstraint("status IN ('present', 'absent', 'excused', 'remote')", name=op.f('ck_council_attendance_status_known')),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_council_attendance_meeting_id_council_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['council_persons.id'], name=op.f('fk_council_attendance_person_id_council_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_attendance')),
    sa.UniqueConstraint('meeting_id', 'person_id', name=op.f('uq_council_attendance_meeting_id_person_id'))
    )
    with op.batch_alter_table('council_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_attendance_person_id'), ['person_id'], unique=False)

    op.create_table('council_minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('approved_at_meeting_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'approved', 'published')", name=op.f('ck_council_minutes_status_known')),
    sa.ForeignKeyConstraint(['approved_at_meeting_id'], ['council_meetings.id'], name=op.f('fk_council_minutes_approved_at_meeting_id_council_meetings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_council_minutes_meeting_id_council_meetings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_minutes')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_council_minutes_meeting_id'))
    )
    op.create_table('council_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('cycle_id', sa.Integer(), nullable=True),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('information', 'discussion', 'decision')", name=op.f('ck_council_agenda_items_kind_known')),
    sa.ForeignKeyConstraint(['cycle_id'], ['cycles.id'], name=op.f('fk_council_agenda_items_cycle_id_cycles'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_council_agenda_items_meeting_id_council_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_council_agenda_items_proposal_id_proposals'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_agenda_items')),
    sa.UniqueConstraint('meeting_id', 'position', name=op.f('uq_council_agenda_items_meeting_id_position'))
    )
    with op.batch_alter_table('council_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_agenda_items_cycle_id'), ['cycle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_agenda_items_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_agenda_items_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('council_motions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('mover_id', sa.Integer(), nullable=True),
    sa.Column('seconder_id', sa.Integer(), nullable=True),
    sa.Column('requirement', sa.String(length=12), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=True),
    sa.Column('action_cycle_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('quorum_met', sa.Boolean(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('explanation', sa.JSON(), nullable=True),
    sa.Column('voted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IS NULL OR (action IN ('open_voting', 'ratify_results') AND action_cycle_id IS NOT NULL)", name=op.f('ck_council_motions_action_known')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('adopted', 'rejected', 'no_quorum')", name=op.f('ck_council_motions_outcome_known')),
    sa.CheckConstraint("requirement IN ('simple', 'absolute', 'two_thirds', 'double')", name=op.f('ck_council_motions_requirement_known')),
    sa.ForeignKeyConstraint(['action_cycle_id'], ['cycles.id'], name=op.f('fk_council_motions_action_cycle_id_cycles'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['council_agenda_items.id'], name=op.f('fk_council_motions_agenda_item_id_council_agenda_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_council_motions_meeting_id_council_meetings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mover_id'], ['council_persons.id'], name=op.f('fk_council_motions_mover_id_council_persons'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['seconder_id'], ['council_persons.id'], name=op.f('fk_council_motions_seconder_id_council_persons'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_motions')),
    sa.UniqueConstraint('meeting_id', 'number', name=op.f('uq_council_motions_meeting_id_number'))
    )
    op.create_table('council_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('correction_note', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['corrects_id'], ['council_decisions.id'], name=op.f('fk_council_decisions_corrects_id_council_decisions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['meeting_id'], ['council_meetings.id'], name=op.f('fk_council_decisions_meeting_id_council_meetings'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['motion_id'], ['council_motions.id'], name=op.f('fk_council_decisions_motion_id_council_motions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_decisions')),
    sa.UniqueConstraint('motion_id', name=op.f('uq_council_decisions_motion_id')),
    sa.UniqueConstraint('number', name=op.f('uq_council_decisions_number'))
    )
    with op.batch_alter_table('council_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_decisions_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('council_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=8), nullable=False),
    sa.CheckConstraint("choice IN ('yes', 'no', 'abstain', 'absent')", name=op.f('ck_council_votes_choice_known')),
    sa.ForeignKeyConstraint(['motion_id'], ['council_motions.id'], name=op.f('fk_council_votes_motion_id_council_motions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['council_persons.id'], name=op.f('fk_council_votes_person_id_council_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_votes')),
    sa.UniqueConstraint('motion_id', 'person_id', name=op.f('uq_council_votes_motion_id_person_id'))
    )
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_votes_person_id'), ['person_id'], unique=False)



def downgrade():
    with op.batch_alter_table('council_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_votes_person_id'))

    op.drop_table('council_votes')
    with op.batch_alter_table('council_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_decisions_meeting_id'))

    op.drop_table('council_decisions')
    op.drop_table('council_motions')
    with op.batch_alter_table('council_agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_agenda_items_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_council_agenda_items_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_council_agenda_items_cycle_id'))

    op.drop_table('council_agenda_items')
    op.drop_table('council_minutes')
    with op.batch_alter_table('council_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_attendance_person_id'))

    op.drop_table('council_attendance')
    with op.batch_alter_table('council_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_meetings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_council_meetings_council_id'))

    op.drop_table('council_meetings')
