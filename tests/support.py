"""Helpers for tests that drive cobranza as a user would: the CLI on real files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from click.testing import Result
from sqlalchemy import text
from typer.testing import CliRunner

from cobranza.cli import app
from cobranza.db import make_engine

FIXTURES = Path(__file__).parent / "fixtures"
LEDGER_TABLES = ("customers", "invoices", "credit_notes", "payments", "allocations",
                 "import_runs", "change_records")


def cli(db_url: str, *args: str, lang: str = "en") -> Result:
    """Run `cobranza --db URL --lang LANG ARGS...` in-process."""
    return CliRunner().invoke(app, ["--db", db_url, "--lang", lang, *args],
                              catch_exceptions=False)


def ok(db_url: str, *args: str) -> Result:
    """Run a command that must succeed."""
    result = cli(db_url, *args)
    assert result.exit_code == 0, result.output
    return result


def aging_json(db_url: str, as_of: str, *extra: str) -> dict[str, Any]:
    """`report aging --format json` parsed."""
    data: dict[str, Any] = json.loads(ok(db_url, "report", "aging", "--as-of", as_of,
                                         "--format", "json", *extra).stdout)
    return data


def write_csv(path: Path, header: str, *rows: str, encoding: str = "utf-8") -> Path:
    """A CSV file from a header line and row lines."""
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def snapshot(db_url: str) -> dict[str, str]:
    """A digest of every ledger table's rows, to prove a failed import changed nothing."""
    engine = make_engine(db_url)
    digests: dict[str, str] = {}
    with engine.connect() as conn:
        for table in LEDGER_TABLES:
            rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY id")).all()
            digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    engine.dispose()
    return digests

