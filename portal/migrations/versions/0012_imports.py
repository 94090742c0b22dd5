"""Imports: links from imported activities and venues to their source records, import runs, calendar feeds.

Revision ID: 0012
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("source_modified", sa.DateTime(), nullable=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_link")),
        sa.UniqueConstraint("source", "kind", "source_id", name=op.f("uq_source_link_source")),
    )
    op.create_index("ix_source_link_record", "source_link", ["kind", "record_id"])
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("synced_until", sa.DateTime(), nullable=True),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("failed", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    op.create_index(op.f("ix_import_run_source"), "import_run", ["source"])
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"],
                                name=op.f("fk_calendar_feed_organiser_id_organiser")),
        sa.ForeignKeyConstraint(["venue_id"], ["venue.id"], name=op.f("fk_calendar_feed_venue_id_venue")),
        sa.ForeignKeyConstraint(["added_by_id"], ["staff_user.id"],
                                name=op.f("fk_calendar_feed_added_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feed")
    op.drop_index(op.f("ix_import_run_source"), table_name="import_run")
    op.drop_table("import_run")
    op.drop_index("ix_source_link_record", table_name="source_link")
    op.drop_table("source_link")
