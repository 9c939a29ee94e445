"""Alembic environment: runs on the connection db.migrate hands over, or on the configured engine."""
from alembic import context
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers every table on SQLModel.metadata)
from db.engine import get_engine

target_metadata = SQLModel.metadata


def _render_item(type_, obj, autogen_context):
    """Write AwareDateTime as itself so migrations keep the aware-UTC contract."""
    if type_ == "type" and obj.__class__.__name__ == "AwareDateTime":
        autogen_context.imports.add("import db.types")
        return "db.types.AwareDateTime()"
    return False


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", render_item=_render_item,
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with get_engine().connect() as new_connection:
        _run(new_connection)
