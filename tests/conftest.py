"""Shared fixtures: a migrated ledger on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cobranza.i18n import set_language

POSTGRES_ENV = "COBRANZA_TEST_POSTGRES_URL"


def _postgres_database() -> Iterator[str]:
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"PostgreSQL tests skipped: set {POSTGRES_ENV} "
                    "(e.g. postgresql://postgres@127.0.0.1:5432/postgres)")
    admin_url = make_url(server).set(drivername="postgresql+psycopg")
    name = f"cobranza_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _language_of_the_environment() -> Iterator[None]:
    """Every test starts in the environment's language: a Spanish CLI call must not leak."""
    set_language(None)
    yield
    set_language(None)


@pytest.fixture(autouse=True)
def _files_stay_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings file, letters and hand-off files of every test go to its own folder."""
    monkeypatch.setenv("COBRANZA_CONFIG", str(tmp_path / "cobranza.toml"))
    monkeypatch.setenv("COBRANZA_LETTERS_DIR", str(tmp_path / "letters"))
    monkeypatch.setenv("COBRANZA_HANDOFF_DIR", str(tmp_path / "handoffs"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL on each engine (the PostgreSQL one is created and dropped)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """An empty SQLite database URL."""
    return f"sqlite:///{tmp_path / 'ledger.db'}"
