"""council composition: the council, its seats, people, memberships and their other bodies

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 22:12:30.415336

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('councils',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('parity_municipal', sa.Integer(), nullable=False),
    sa.Column('parity_youth', sa.Integer(), nullable=False),
    sa.Column('quorum_rule', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("quorum_rule IN ('majority', 'majority_each_side')", name=op.f('ck_councils_quorum_rule_known')),
    sa.CheckConstraint('parity_municipal >= 1 AND parity_youth >= 1', name=op.f('ck_councils_parity_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_councils'))
    )
    op.create_table('council_persons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_council_persons_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_persons')),
    sa.UniqueConstraint('user_id', name=op.f('uq_council_persons_user_id'))
    )
    op.create_table('council_seats',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('constituency', sa.String(length=20), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("(role = 'secretary' AND constituency IS NULL) OR (role <> 'secretary' AND constituency IN ('municipal', 'youth'))", name=op.f('ck_council_seats_constituency_fits_role')),
    sa.CheckConstraint("role IN ('member', 'chair', 'vice_chair', 'secretary')", name=op.f('ck_council_seats_role_known')),
    sa.ForeignKeyConstraint(['council_id'], ['councils.id'], name=op.f('fk_council_seats_council_id_councils'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_seats')),
    sa.UniqueConstraint('council_id', 'label', name=op.f('uq_council_seats_council_id_label'))
    )
    with op.batch_alter_table('council_seats', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_seats_council_id'), ['council_id'], unique=False)

    op.create_table('council_affiliations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=160), nullable=False),
    sa.Column('role', sa.String(length=80), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_council_affiliations_ends_after_start')),
    sa.ForeignKeyConstraint(['person_id'], ['council_persons.id'], name=op.f('fk_council_affiliations_person_id_council_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_affiliations'))
    )
    with op.batch_alter_table('council_affiliations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_affiliations_person_id'), ['person_id'], unique=False)

    op.create_table('council_memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seat_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=200), nullable=True),
    sa.Column('on_behalf_of', sa.String(length=160), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_council_memberships_ends_after_start')),
    sa.ForeignKeyConstraint(['person_id'], ['council_persons.id'], name=op.f('fk_council_memberships_person_id_council_persons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seat_id'], ['council_seats.id'], name=op.f('fk_council_memberships_seat_id_council_seats'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_memberships'))
    )
    with op.batch_alter_table('council_memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_memberships_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_memberships_seat_id'), ['seat_id'], unique=False)



def downgrade():
    with op.batch_alter_table('council_memberships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_memberships_seat_id'))
        batch_op.drop_index(batch_op.f('ix_council_memberships_person_id'))

    op.drop_table('council_memberships')
    with op.batch_alter_table('council_affiliations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_affiliations_person_id'))

    op.drop_table('council_affiliations')
    with op.batch_alter_table('council_seats', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_seats_council_id'))

    op.drop_table('council_seats')
    op.drop_table('council_persons')
    op.drop_table('councils')
