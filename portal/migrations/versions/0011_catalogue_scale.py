"""catalogue at scale: a never-null sort key with ordered partial indexes, word search indexes
(pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite) and the catalogue version.

Revision ID: 0011
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# The soonest index covers the filters (see ActivityIndex), so a sparse filter walks the index alone.
COVERING = ("categories", "audiences", "languages", "when", "facts_yes", "facts_no", "price_cents", "drop_in",
            "online", "district", "venue_id")
ORDERED = (("soonest", (), COVERING), ("district_soonest", ("district",), ()), ("venue_soonest", ("venue_id",), ()))
WORD_COLUMNS = ("words_fi", "words_sv", "words_en")
# The FTS5 table reads its text from activity_words (external content); the triggers keep it in step.
SQLITE_FTS = [
    "CREATE VIRTUAL TABLE activity_words_fts USING fts5(words_fi, words_sv, words_en, "
    "content='activity_words', content_rowid='activity_id', tokenize='trigram')",
    "CREATE TRIGGER activity_words_fts_insert AFTER INSERT ON activity_words BEGIN "
    "INSERT INTO activity_words_fts (rowid, words_fi, words_sv, words_en) "
    "VALUES (new.activity_id, new.words_fi, new.words_sv, new.words_en); END",
    "CREATE TRIGGER activity_words_fts_delete AFTER DELETE ON activity_words BEGIN "
    "INSERT INTO activity_words_fts (activity_words_fts, rowid, words_fi, words_sv, words_en) "
    "VALUES ('delete', old.activity_id, old.words_fi, old.words_sv, old.words_en); END",
    "CREATE TRIGGER activity_words_fts_update AFTER UPDATE ON activity_words BEGIN "
    "INSERT INTO activity_words_fts (activity_words_fts, rowid, words_fi, words_sv, words_en) "
    "VALUES ('delete', old.activity_id, old.words_fi, old.words_sv, old.words_en); "
    "INSERT INTO activity_words_fts (rowid, words_fi, words_sv, words_en) "
    "VALUES (new.activity_id, new.words_fi, new.words_sv, new.words_en); END",
    "INSERT INTO activity_words_fts (activity_words_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table('activity_index', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_start', sa.DateTime(), nullable=False,
                                      server_default=sa.text("'9999-12-31 00:00:00'")))
    # Derived data: the key follows from next_start, so no reindex is needed after upgrading.
    op.execute("UPDATE activity_index SET sort_start = COALESCE(next_start, '9999-12-31 00:00:00')")
    with op.batch_alter_table('activity_index', schema=None) as batch_op:
        batch_op.alter_column('sort_start', server_default=None)
    for name, columns, covering in ORDERED:
        op.create_index(f"ix_activity_index_{name}", "activity_index",
                        [*columns, "sort_start", "activity_id", *covering],
                        sqlite_where=sa.text("listed = 1"), postgresql_where=sa.text("listed"))
    if sqlite:
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        # pg_trgm is a trusted extension: the database's owner may create it without a superuser.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in WORD_COLUMNS:
            op.create_index(f"ix_activity_words_{column}_trgm", "activity_words", [column],
                            postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"})
    op.create_table('catalogue_version',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('version', sa.BigInteger(), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogue_version')))


def downgrade() -> None:
    op.drop_table('catalogue_version')
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER activity_words_fts_{trigger}")
        op.execute("DROP TABLE activity_words_fts")
    else:
        for column in WORD_COLUMNS:
            op.drop_index(f"ix_activity_words_{column}_trgm", table_name="activity_words")
    for name, _columns, _covering in ORDERED:
        op.drop_index(f"ix_activity_index_{name}", table_name="activity_index")
    with op.batch_alter_table('activity_index', schema=None) as batch_op:
        batch_op.drop_column('sort_start')
