"""`cobranza import statement FILE|DIR`: load bank statements (camt, MT940, OFX, BAI2, CSV, CEP)."""

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
    file: Annotated[Path, typer.Argument(
        help="Bank statement file, or a folder of them (a bank's daily downloads).",
        metavar="FILE|DIR")],
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
    date_order: Annotated[str | None, typer.Option(
        "--date-order", metavar="DMY|MDY",
        help="CSV or Excel: how the file writes its dates, where none shows it (an export of "
             "one day, 03/02/2026 only): DMY day first, MDY month first.")] = None,
    max_mb: Annotated[int, typer.Option(
        "--max-mb", min=1, help="Refuse files larger than this many megabytes.")]
        = MAX_BYTES // (1024 * 1024),
) -> None:
    """Import bank statement lines; each bank transaction is stored once, however many files
    bring it. Format and encoding are recognised; balances must add up. A file with any error
    imports nothing (exit status 2) and every problem is listed as file:line: field: message.
    A folder is imported whole or not at all: every file in it and its subfolders (hidden files,
    PDFs and images left out), in name order."""
    if format_ != "auto" and format_ not in FORMATS:
        fail(_("--format: '{value}' is not a format cobranza reads; expected {formats}",
               value=format_, formats="auto, " + ", ".join(FORMATS)), EXIT_INVALID)
    mapping = _mapping(map_)
    paths, skipped = _statement_files(file)
    for path in skipped:
        console.print(_("{file}: skipped, not a bank statement", file=path), highlight=False,
                      markup=False)
    outcomes = []
    with ledger(ctx) as (session, org):
        for path in paths:
            try:
                data = read_file(path, file=str(path), max_bytes=max_mb * 1024 * 1024)
            except StatementError as error:
                outcomes.append(StatementImport(file=str(path), errors=[error]))
                continue
            # Each file in the same transaction: a transaction two files bring is stored once.
            outcomes.append(import_statement(
                session, org_id=org.id, data=data, file=str(path), now=now(), format=format_,
                account=account, mapping=mapping, currency=currency,
                default_currency=org.base_currency, date_order=date_order))
        if not outcomes:
            outcomes.append(StatementImport(file=str(file), errors=[StatementError(
                str(file), 0, "", _("the folder holds no file to import"))]))
        if not all(outcome.ok for outcome in outcomes):
            session.rollback()
    refuse([error for outcome in outcomes for error in outcome.errors], str(file))
    for outcome in outcomes:
        report(outcome)


# What a bank's download folder may hold beside its statements: never one.
_NOT_STATEMENTS = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".gif", ".html", ".htm", ".md"})


def _statement_files(path: Path) -> tuple[list[Path], list[Path]]:
    """The files to import (`path`, or the files of the folder and its subfolders in name
    order) and those of the folder left out (hidden, or documents no statement is in)."""
    if not path.is_dir():
        return [path], []
    found = sorted(p for p in path.rglob("*") if p.is_file())
    hidden = [p for p in found if any(part.startswith(".") for part in
                                      p.relative_to(path).parts)]
    skipped = [p for p in found if p not in hidden and p.suffix.lower() in _NOT_STATEMENTS]
    return [p for p in found if p not in hidden and p not in skipped], skipped


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
        if statement.zero:
            text += " " + ngettext("{n} movement of no amount skipped.",
                                   "{n} movements of no amount skipped.", statement.zero)
        console.print(f"{_('Imported')}: {outcome.file}: {text}", highlight=False, markup=False)
