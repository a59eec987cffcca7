"""`cobranza timeline CUSTOMER` and `cobranza audit verify`: the customer's activity log and the
check that nobody changed it (issue 3, item 9)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from cobranza.accounts import repository
from cobranza.accounts.errors import NotFound
from cobranza.cli.accounts import CustomerArg, Format, FormatOption, refuse, say
from cobranza.cli.app import app, console, errors, ledger
from cobranza.i18n import _, ngettext
from cobranza.timeline import render
from cobranza.timeline.log import verify

audit_app = typer.Typer(help="Check the activity log for changes.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@app.command("timeline")
def timeline_cmd(
    ctx: typer.Context, customer: CustomerArg, fmt: FormatOption = Format.TABLE,
    full: Annotated[bool, typer.Option("--full", help="Show each message's content.")] = False,
) -> None:
    """Show everything that happened to a customer, in order."""
    with ledger(ctx) as (session, org):
        found = repository.customer_by_code(session, org_id=org.id, code=customer)
        if found is None:
            refuse(NotFound("customer", _("unknown customer '{value}'", value=customer)))
        entries = repository.timeline_entries(session, org_id=org.id, customer_id=found.id)
        shown = render.lines(entries, zone=org.timezone, locale=org.locale)
    if fmt is Format.JSON:
        typer.echo(json.dumps([line.to_json() for line in shown], ensure_ascii=False, indent=1))
        return
    if not shown:
        say(_("Nothing has happened to {customer} yet.", customer=customer))
        return
    table = Table(header_style="bold", title=_("Timeline of {customer}", customer=customer))
    for head in ("#", _("When"), _("What"), _("Who"), _("Summary")):
        table.add_column(head)
    for line in shown:
        table.add_row(str(line.seq), line.at.strftime("%Y-%m-%d %H:%M"),
                      render.kind_label(line.kind), line.actor, line.summary)
        if full and line.content:
            table.add_row("", "", "", "", line.content)
    console.print(table)


@audit_app.command("verify")
def audit_verify(ctx: typer.Context) -> None:
    """Check every customer's hash chain; exit 1 if any entry was changed, removed or moved."""
    problems = {"hash": _("the entry was changed"),
                "link": _("the link to the previous entry is broken (an entry was removed, "
                          "changed or moved)"),
                "gap": _("an entry is missing or out of order")}
    with ledger(ctx) as (session, org):
        breaks = verify(session, org_id=org.id)
        entries, chains = repository.timeline_size(session, org_id=org.id)
        codes = repository.customer_codes(session, org_id=org.id,
                                          ids={b.customer_id for b in breaks})
    if not breaks:
        say(_("OK: {entries} entries in {chains} timelines verified.", entries=entries,
               chains=chains))
        return
    for b in breaks:
        errors.print(_("{customer} entry {seq}: {problem}",
                       customer=codes.get(b.customer_id, str(b.customer_id)), seq=b.seq,
                       problem=problems.get(b.problem, b.problem)),
                     highlight=False, markup=False)
    errors.print(ngettext("{n} problem found in the activity log.",
                          "{n} problems found in the activity log.", len(breaks)),
                 highlight=False, markup=False)
    raise typer.Exit(1)
