"""users.email_notifications: whether a user also gets notifications by e-mail (on by default)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 03:30:00.000000

Written by hand. Existing accounts get true: e-mail is sent only when the site has SMTP set
up, and each person can turn it off on their account page.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_notifications', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_notifications')
