"""`cobranza import statement FILE`: load a bank statement (camt, MT940, OFX, BAI2, CSV, CEP)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cobranza.cli.app import EXIT_INVALID, console, fail, ledger, now, refuse
from cobranza.cli.imports import _mapping, import_app
from cobranza.i18n import _, ngettext
from cobranza.statements.detect import FORMATS
from cobranza.statements.formats.csv import FIELDS as CSV_FIELDS
from cobranza.statements.model import StatementError
from cobranza.statements.service import (
    MAX_BYTES,
    StatementImport,
    import_statement,
    read_file,
)


@import_app.command("statement")
def import_statement_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Bank statement file.", metavar="FILE")],
    format_: Annotated[str, typer.Option(
        "--format", help="auto, or one of: " + ", ".join(FORMATS) + ".")] = "auto",
    account: Annotated[str | None, typer.Option(
        help="The bank account the file is about, when it names none (CSV, CEP); "
             "overrides the file's.")] = None,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", metavar="FIELD=HEADER",
        help="CSV or Excel: read FIELD from the file's HEADER, e.g. --map 'description=Glosa'; "
             "in a file without a header row, from the column's number, e.g. --map "
             "'date=1,amount=2'. "
             "Repeatable or comma-separated. Fields: " + ", ".join(CSV_FIELDS) + ".")] = None,
    currency: Annotated[str | None, typer.Option(
        metavar="CODE",
        help="CSV: the account's currency (ISO 4217), when the file has no currency column; "
             "default: the one a header names (\"Cargos (CLP)\"), else the organisation's "
             "base currency.")] = None,
    max_mb: Annotated[int, typer.Option(
        "--max-mb", min=1, help="Refuse files larger than this many megabytes.")]
        = MAX_BYTES // (1024 * 1024),
) -> None:
    """Import bank statement lines; each bank transaction is stored once, however many files
    bring it. Format and encoding are recognised; balances must add up. A file with any error
    imports nothing (exit status 2) and every problem is listed as file:line: field: message."""
    if format_ != "auto" and format_ not in FORMATS:
        fail(_("--format: '{value}' is not a format cobranza reads; expected {formats}",
               value=format_, formats="auto, " + ", ".join(FORMATS)), EXIT_INVALID)
    mapping = _mapping(map_)
    with ledger(ctx) as (session, org):
        try:
            data = read_file(file, file=str(file), max_bytes=max_mb * 1024 * 1024)
        except StatementError as error:
            outcome = StatementImport(file=str(file), errors=[error])
        else:
            outcome = import_statement(session, org_id=org.id, data=data, file=str(file),
                                       now=now(), format=format_, account=account,
                                       mapping=mapping, currency=currency,
                                       default_currency=org.base_currency)
        if not outcome.ok:
            session.rollback()
    report(outcome)


def report(outcome: StatementImport) -> None:
    """Print each statement's account, period and lines; errors and exit 2 when refused."""
    refuse(outcome.errors, outcome.file)
    for statement in outcome.statements:
        start, end = statement.period_start, statement.period_end
        period = f"{start or end or '?'}..{end or start or '?'}"
        text = _("{account} ({currency}) {period}: {new} new, {known} already imported.",
                 account=statement.account, currency=statement.currency or "-", period=period,
                 new=statement.lines_new, known=statement.lines_known)
        if statement.not_booked:
            text += " " + ngettext(
                "{n} entry not booked by the bank (pending or for information) left out.",
                "{n} entries not booked by the bank (pending or for information) left out.",
                statement.not_booked)
        console.print(f"{_('Imported')}: {outcome.file}: {text}", highlight=False, markup=False)
