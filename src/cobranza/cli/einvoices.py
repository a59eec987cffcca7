"""`cobranza import invoices FILE.xml|DIR`: Mexican CFDI 4.0 and Chilean DTE e-invoices."""

from __future__ import annotations

from pathlib import Path

import typer

from cobranza.cli.app import console, errors, ledger, now, refuse
from cobranza.einvoices.read import is_einvoice_path
from cobranza.einvoices.service import KINDS, EInvoiceOutcome, import_einvoices
from cobranza.i18n import _

__all__ = ["import_path", "is_einvoice_path"]



def _kind_name(kind: str) -> str:
    return {"customers": _("customers"), "invoices": _("invoices"),
            "credit-notes": _("credit notes"), "payments": _("payments")}[kind]


def import_path(ctx: typer.Context, path: Path, *, terms: str | None, dry_run: bool) -> None:
    """Import one e-invoice file or a folder of them, all or nothing, and report."""
    with ledger(ctx) as (session, org):
        outcome = import_einvoices(session, path=path, org=org, now=now(), terms=terms,
                                   dry_run=dry_run, display_name=str(path))
        if not outcome.ok:
            session.rollback()
    report(outcome)


def report(outcome: EInvoiceOutcome) -> None:
    """Print what was imported per kind of row; exit 2 with every error when nothing was.

    The warnings of a refused import are not printed: they say what the import does (a credit
    note settling the first of its invoices, a payment taking a bank line's place), and it did
    none of it; the errors alone say why nothing was imported.
    """
    for warning in outcome.warnings if outcome.ok else ():
        errors.print(f"{_('warning')}: {warning}", highlight=False, markup=False)
    refuse(outcome.errors, outcome.file)
    prefix = _("Dry run, nothing written") if outcome.dry_run else _("Imported")
    for kind in KINDS:
        new, updated, unchanged = outcome.counts.get(kind, (0, 0, 0))
        summary = _("{new} new, {updated} updated, {unchanged} unchanged.", new=new,
                    updated=updated, unchanged=unchanged)
        console.print(f"{prefix}: {outcome.file}: {_kind_name(kind)}: {summary}",
                      highlight=False, markup=False)
