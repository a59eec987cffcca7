"""`cobranza report aging` and `cobranza statement`: who owes what, and how late."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from cobranza.cli.app import EXIT_INVALID, app, console, fail, ledger, parse_day
from cobranza.core.aging import InvalidBuckets, parse_edges
from cobranza.i18n import _
from cobranza.reports import aging, render, statement

report_app = typer.Typer(help="Reports for the collections and finance team.",
                         no_args_is_help=True)
app.add_typer(report_app, name="report")


class Format(StrEnum):
    """Output formats of the aging report."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


@report_app.command("aging")
def report_aging(
    ctx: typer.Context,
    as_of: Annotated[str, typer.Option("--as-of", metavar="YYYY-MM-DD",
                                       help="Age the ledger as it stood at the end of this day.")],
    buckets: Annotated[str, typer.Option(help="Bucket edges in days past due.")]
        = "30,60,90,120",
    fmt: Annotated[Format, typer.Option("--format", help="table, json, csv or xlsx.")]
        = Format.TABLE,
    output: Annotated[Path | None, typer.Option(help="Write to this file (needed for xlsx).")]
        = None,
) -> None:
    """Age receivables as of a date, per customer and currency.

    Open amounts by days past due, with unapplied credit and accrued late interest."""
    day = parse_day(as_of, "--as-of")
    try:
        edges = parse_edges(buckets)
    except InvalidBuckets:
        fail(_("--buckets: '{value}' is not a list of increasing days; expected e.g. 30,60,90",
               value=buckets), EXIT_INVALID)
    if fmt is Format.XLSX and output is None:
        fail(_("--format xlsx needs --output FILE.xlsx"), EXIT_INVALID)
    with ledger(ctx) as (session, org):
        result = aging.compute(session, org_id=org.id, as_of=day, edges=edges,
                               cap_scaled=org.max_interest_scaled)
        locale = org.locale
    if fmt is Format.XLSX:
        assert output is not None
        render.write_xlsx(result, output)
        console.print(_("Wrote {path}", path=str(output)))
        return
    if fmt is Format.TABLE and output is None:
        render.render_table(result, locale=locale, console=console)
        return
    text = (json.dumps(aging.to_json(result), ensure_ascii=False, indent=1)
            if fmt is Format.JSON else render.render_csv(result))
    if output is not None:
        output.write_text(text if fmt is not Format.TABLE else "", encoding="utf-8")
    else:
        typer.echo(text.rstrip("\n"))


@app.command("statement")
def statement_cmd(
    ctx: typer.Context,
    customer_id: Annotated[str, typer.Argument(help="The customer's id.")],
    as_of: Annotated[str, typer.Option("--as-of", metavar="YYYY-MM-DD",
                                       help="The statement as it stood at the end of this day.")],
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Show one customer's statement as of a date.

    Documents, what settled them, open amounts, days past due and accrued interest."""
    day = parse_day(as_of, "--as-of")
    with ledger(ctx) as (session, org):
        try:
            result = statement.build(session, org=org, customer_code=customer_id, as_of=day)
        except statement.UnknownCustomer:
            fail(_("unknown customer '{value}'", value=customer_id), EXIT_INVALID)
        locale = org.locale
    if fmt == "json":
        typer.echo(json.dumps(statement.to_json(result), ensure_ascii=False, indent=1))
        return
    _print_statement(result, locale)


def _print_statement(result: statement.Statement, locale: str) -> None:
    console.print(_("Statement of {name} ({id}) as of {date}", name=result.name,
                    id=result.customer_id, date=result.as_of.isoformat()), style="bold")
    table = RichTable(header_style="bold")
    for head in (_("Document"), _("Issued"), _("Due"), _("Amount"), _("Settled by"),
                 _("Open"), _("Days past due"), _("Accrued interest")):
        table.add_column(head, justify="right" if head not in (_("Document"),) else "left")
    for ln in result.lines:
        settled = "\n".join(f"{a.date.isoformat()} {a.source_key} "
                            f"{render.money(a.amount, ln.currency, locale)}"
                            for a in ln.allocations)
        table.add_row(ln.number, ln.issue_date.isoformat(), ln.due_date.isoformat(),
                      render.money(ln.amount, ln.currency, locale), settled,
                      render.money(ln.open, ln.currency, locale), str(ln.days_past_due),
                      render.money(ln.accrued_interest, ln.currency, locale))
    console.print(table)
    for cur, summary in result.summary.items():
        console.print(_("{currency}: open {open}, unapplied credit {unapplied}, accrued interest "
                        "{interest}", currency=cur,
                        open=render.money(summary.total, cur, locale),
                        unapplied=render.money(summary.unapplied, cur, locale),
                        interest=render.money(summary.accrued_interest, cur, locale)))
