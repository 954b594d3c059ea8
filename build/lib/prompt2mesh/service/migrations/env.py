"""Alembic environment: runs on the connection handed over by ``service.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from prompt2mesh.service.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    # `alembic -x url=...` from the command line.
    url = context.get_x_argument(as_dictionary=True)["url"]
    with create_engine(url).begin() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        context.run_migrations()
