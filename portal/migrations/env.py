"""Alembic environment: the URL comes from the app's config (see portal/cli.py)."""
from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.types import TypeDecorator

from portal.db import Base
from portal.models import load_all

load_all()
config = context.config
url = config.get_main_option("sqlalchemy.url")


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        if url is None:
            raise RuntimeError("No database: set sqlalchemy.url or pass a connection.")
        connectable = create_engine(url)
    if hasattr(connectable, "connect") and not hasattr(connectable, "execute"):
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _render_item(kind, obj, autogen_context):
    """Custom column types are written as the plain type they store, so migrations never import models."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl.__class__.__name__}()"
    return False


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      compare_type=True, render_item=_render_item)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
