"""`cobranza import ...`: load customers, invoices, payments and credit notes from files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cobranza.cli.app import EXIT_INVALID, app, console, errors, fail, ledger, now, refuse
from cobranza.cli.einvoices import import_path, is_einvoice_path
from cobranza.customers.imports import prepare as prepare_customers
from cobranza.i18n import _
from cobranza.importers.run import ImportOutcome, Preparer, run_import
from cobranza.importers.tabular import read_table
from cobranza.invoices.imports import prepare_credit_notes, prepare_invoices
from cobranza.ledger.pins import PinError, pin
from cobranza.payments.imports import prepare_payments
from cobranza.rates.imports import prepare_rates, write_rates

import_app = typer.Typer(
    help="Load data exported from your accounting system (CSV or XLSX). Canonical or Spanish "
         "headers, `,` or `;` delimiters, UTF-8 or Latin-1, decimal commas and dd-mm-yyyy "
         "dates are recognised. A file with any invalid row imports nothing (exit status 2) "
         "and every problem is listed as file:line: column: message.",
    no_args_is_help=True)
app.add_typer(import_app, name="import")

MapOption = Annotated[list[str] | None, typer.Option(
    "--map", metavar="COLUMN=HEADER",
    help="Read COLUMN from the file's HEADER, e.g. --map 'amount=Monto Neto'. Repeatable.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Check the file; write nothing.")]
FileArg = Annotated[Path, typer.Argument(help="CSV or XLSX file.", metavar="FILE")]


def _mapping(pairs: list[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs or []:
        for item in pair.split(","):
            column, sep, header = item.partition("=")
            if not sep or not column.strip() or not header.strip():
                fail(_("--map: '{value}' is not COLUMN=HEADER", value=item), EXIT_INVALID)
            mapping[column.strip()] = header.strip()
    return mapping


def _run(ctx: typer.Context, kind: str, path: Path, prepare: Preparer, pairs: list[str] | None,
         dry_run: bool) -> None:
    mapping = _mapping(pairs)
    with ledger(ctx) as (session, org):
        outcome = run_import(session, kind=kind, path=path, org=org, now=now(),
                             prepare=prepare, mapping=mapping, dry_run=dry_run,
                             display_name=str(path))
        if not outcome.ok:
            session.rollback()
    report(outcome)


def report(outcome: ImportOutcome) -> None:
    """Print the outcome; exit 2 when the file had errors (nothing was written)."""
    for warning in outcome.warnings:
        errors.print(f"{_('warning')}: {warning}", highlight=False, markup=False)
    refuse(outcome.errors, outcome.file)
    summary = _("{new} new, {updated} updated, {unchanged} unchanged.", new=outcome.new,
                updated=outcome.updated, unchanged=outcome.unchanged)
    prefix = _("Dry run, nothing written") if outcome.dry_run else _("Imported")
    console.print(f"{prefix}: {outcome.file}: {summary}", highlight=False, markup=False)


@import_app.command("customers")
def import_customers(ctx: typer.Context, file: FileArg, map_: MapOption = None,
                     dry_run: DryRun = False) -> None:
    """Import customers; RUTs and RFCs are checked.

    Columns: id,name,tax_id,email,phone,whatsapp,language,country,timezone,preferred_channel,
    segment,credit_limit[,preferred_payment_method,contact_hours,collector]."""
    _run(ctx, "customers", file, prepare_customers, map_, dry_run)


@import_app.command("invoices")
def import_invoices(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        help="CSV or XLSX file; or a CFDI 4.0 / SII DTE XML file, or a folder of them.",
        metavar="FILE|DIR")],
    map_: MapOption = None, dry_run: DryRun = False,
    terms: Annotated[str | None, typer.Option(
        help="E-invoices: terms (code) for invoices whose file gives no due date (CFDI PPD, "
             "DTE without FchVenc); default: the organisation's terms when it has one set.")]
    = None,
) -> None:
    """Import invoices, with named or inline payment terms; or e-invoices (CFDI, DTE).

    Columns: number,customer_id,issue_date,due_date,currency,amount[,terms]
    [,grace_days,late_interest_annual_pct,discount_pct,discount_days].
    XML: CFDI ingreso/egreso/pago (Pagos 2.0) and DTE 33/34/56/61; customers are found by tax
    id or created. Payroll receipts, traslados and dispatch guides beside them are skipped."""
    # E-invoices (XML, a folder, an SII RCV export) have their own reader: cli/einvoices.py.
    if is_einvoice_path(file):
        import_path(ctx, file, terms=terms, dry_run=dry_run)
        return
    _run(ctx, "invoices", file, prepare_invoices, map_, dry_run)


@import_app.command("payments")
def import_payments(ctx: typer.Context, file: FileArg, map_: MapOption = None,
                    dry_run: DryRun = False) -> None:
    """Import payments received; allocations are recomputed.

    Columns: id,customer_id,date,currency,amount[,invoice_numbers][,reference][,method];
    invoice_numbers is `;`-separated."""
    _run(ctx, "payments", file, prepare_payments, map_, dry_run)


@import_app.command("credit-notes")
def import_credit_notes(ctx: typer.Context, file: FileArg, map_: MapOption = None,
                        dry_run: DryRun = False) -> None:
    """Import credit notes.

    Columns: number,customer_id,invoice_number,date,currency,amount."""
    _run(ctx, "credit-notes", file, prepare_credit_notes, map_, dry_run)


@import_app.command("rates")
def import_rates(ctx: typer.Context, file: FileArg, map_: MapOption = None,
                 dry_run: DryRun = False) -> None:
    """Import daily UF, UDI or exchange rates.

    Columns: code,date,value[,quote], e.g. UF,2026-01-02,39730.75,CLP (quote defaults to the
    base currency). Values are kept exactly."""
    mapping = _mapping(map_)
    with ledger(ctx) as (session, org):
        table, found = read_table(file, "rates", mapping=mapping, display_name=str(file))
        outcome = ImportOutcome(kind="rates", file=str(file), dry_run=dry_run, errors=found)
        if table is not None and not found:
            prepared = prepare_rates(table, org)
            outcome.errors = prepared.errors
            if not prepared.errors:
                outcome.new, outcome.updated, outcome.unchanged = write_rates(
                    session, org=org, frame=prepared.frame, dry_run=dry_run)
        if not outcome.ok:
            session.rollback()
    report(outcome)


@app.command("allocate")
def allocate(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Payment id or credit note number.")],
    invoice: Annotated[str, typer.Argument(help="Invoice number it settles.")],
    amount: Annotated[str, typer.Argument(help="Amount, e.g. 150000 or 1234.50.")],
    note: Annotated[str | None, typer.Option(help="Why (kept with the allocation).")] = None,
) -> None:
    """Pin part of a payment or credit note to an invoice by hand. The automatic allocation
    respects it from then on."""
    with ledger(ctx) as (session, org):
        try:
            pin(session, org=org, source=source, invoice_number=invoice, amount=amount,
                note=note, now=now())
        except PinError as exc:
            session.rollback()
            fail(str(exc), EXIT_INVALID)
    console.print(_("Pinned {amount} of {source} to {invoice}.", amount=amount, source=source,
                    invoice=invoice), highlight=False)
