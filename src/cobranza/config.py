"""Settings read once at the edge: the database URL and the interface language."""

from __future__ import annotations

import os

DEFAULT_DATABASE_URL = "sqlite:///./cobranza.db"


def database_url(explicit: str | None = None) -> str:
    """`--db URL`, else COBRANZA_DATABASE_URL, else the embedded SQLite file."""
    return explicit or os.environ.get("COBRANZA_DATABASE_URL") or DEFAULT_DATABASE_URL
