"""Content pages kept by staff (one version per language, with review dates) and current notices.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "content_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_page")),
        sa.UniqueConstraint("slug", name=op.f("uq_content_page_slug")),
    )
    op.create_table(
        "content_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["page_id"], ["content_page.id"], name=op.f("fk_content_version_page_id_content_page"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["staff_user.id"],
                                name=op.f("fk_content_version_updated_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_version")),
        sa.UniqueConstraint("page_id", "lang", name=op.f("uq_content_version_page_id")),
    )
    op.create_index(op.f("ix_content_version_page_id"), "content_version", ["page_id"])
    op.create_index(op.f("ix_content_version_review_by"), "content_version", ["review_by"])
    op.create_table(
        "current_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("importance", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["staff_user.id"],
                                name=op.f("fk_current_notice_created_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_current_notice")),
    )
    op.create_index(op.f("ix_current_notice_ends_on"), "current_notice", ["ends_on"])


def downgrade() -> None:
    op.drop_index(op.f("ix_current_notice_ends_on"), table_name="current_notice")
    op.drop_table("current_notice")
    op.drop_index(op.f("ix_content_version_review_by"), table_name="content_version")
    op.drop_index(op.f("ix_content_version_page_id"), table_name="content_version")
    op.drop_table("content_version")
    op.drop_table("content_page")
