"""listing report submission token: a report form sent twice makes one report

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: reports made before this have no token; NULLs never collide in a unique constraint.
    with op.batch_alter_table('listing_report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_listing_report_submission'), ['submission'])


def downgrade() -> None:
    with op.batch_alter_table('listing_report', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_listing_report_submission'), type_='unique')
        batch_op.drop_column('submission')
