"""Staff sessions kept on the server (sign-out ends them) and sign-in failures counted per address.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('password_at', sa.DateTime(), nullable=True),
    sa.Column('user_agent', sa.String(length=60), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('enrol_secret', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_staff_session_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_session_token_hash'))
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_staff_id'), ['staff_id'], unique=False)

    op.create_table('staff_sign_in_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], name=op.f('fk_staff_sign_in_failure_staff_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_sign_in_failure'))
    )
    with op.batch_alter_table('staff_sign_in_failure', schema=None) as batch_op:
        batch_op.create_index('ix_staff_sign_in_failure_address_at', ['address', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staff_sign_in_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_sign_in_failure_address_at')
    op.drop_table('staff_sign_in_failure')
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_staff_id'))
    op.drop_table('staff_session')
