"""Alembic environment: migrates the connection PairPulse hands over, else `DATABASE_URL`."""

from alembic import context
from sqlmodel import SQLModel

import data_access.models  # noqa: F401 — registers every table on SQLModel.metadata
from data_access.db import database_url, make_engine

target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    with make_engine(database_url()).begin() as own_connection:
        _run(own_connection)
