"""Callback requests: whether the person to be called knows and agrees (asked of helpers), and the time
of the first unanswered call (shown on the status page).

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('callback_request') as batch:
        batch.add_column(sa.Column('first_attempt_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('person_agrees', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('callback_request') as batch:
        batch.drop_column('person_agrees')
        batch.drop_column('first_attempt_at')
