"""Alembic environment: runs on the engine cobranza passes in (render_as_batch for SQLite)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from cobranza.config import database_url
from cobranza.models import Base

target_metadata = Base.metadata


def _run() -> None:
    engine = context.config.attributes.get("engine")
    if not isinstance(engine, Engine):
        engine = create_engine(database_url())
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


_run()
