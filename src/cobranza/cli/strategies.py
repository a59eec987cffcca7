"""`cobranza strategy`: list, show, export, import and assign collection strategies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.table import Table

from cobranza.cli.app import EXIT_INVALID, app, console, errors, fail, ledger, now
from cobranza.core.strategy import FIXED_CHANNEL, Action, Anchor, Step
from cobranza.dunning.strategies import (
    UnknownCustomer,
    UnknownStrategy,
    assign_strategy,
    export_strategy,
    get_strategy,
    import_strategy,
    list_strategies,
)
from cobranza.dunning.strategy_yaml import limits_document
from cobranza.i18n import _, ngettext

strategy_app = typer.Typer(
    help="Collection strategies: which reminders, letters, calls and postings, when and in "
         "what tone.", no_args_is_help=True)
app.add_typer(strategy_app, name="strategy")


@strategy_app.command("list")
def list_cmd(ctx: typer.Context) -> None:
    """List the strategies and how many customers follow each."""
    with ledger(ctx) as (session, org):
        rows = list_strategies(session, org_id=org.id)
    table = Table(header_style="bold")
    for head in (_("Code"), _("Name"), _("Default"), _("Segments"), _("Steps"), _("Customers")):
        table.add_column(head)
    for row in rows:
        table.add_row(row.code, row.name, _("yes") if row.is_default else "",
                      ", ".join(row.segments), str(row.steps), str(row.customers))
    console.print(table)


@strategy_app.command("show")
def show(ctx: typer.Context,
         code: Annotated[str, typer.Argument(help="The strategy's code.")]) -> None:
    """Show a strategy's steps: when, what, by which channel, in what tone."""
    with ledger(ctx) as (session, org):
        try:
            stored = get_strategy(session, org_id=org.id, code=code)
        except UnknownStrategy:
            _unknown_strategy(code)
    strategy = stored.strategy
    console.print(f"{strategy.name} ({strategy.code})", style="bold", highlight=False)
    if strategy.is_default:
        console.print(_("The default strategy of customers without one of their own."))
    if strategy.segments:
        console.print(_("Default for segments: {segments}", segments=", ".join(strategy.segments)))
    for key, value in limits_document(stored.limits).items():
        console.print(f"{key}: {value}", highlight=False)
    table = Table(header_style="bold")
    for head in ("#", _("Step"), _("When"), _("Action"), _("Channel"), _("Tone"), _("Template"),
                 _("Details")):
        table.add_column(head)
    for position, step in enumerate(strategy.steps, start=1):
        table.add_row(str(position), step.code, _when(step), step.action.value, _channel(step),
                      step.tone.value if step.tone else "", step.template or "", _details(step))
    console.print(table)


def _when(step: Step) -> str:
    n = abs(step.offset_days)
    if step.anchor is Anchor.PREVIOUS:
        return ngettext("{n} day after the previous step", "{n} days after the previous step", n)
    if step.anchor is Anchor.MONTH_END:
        return _("{offset:+d} days from the end of the due month", offset=step.offset_days)
    if step.offset_days < 0:
        return ngettext("{n} day before the due date", "{n} days before the due date", n)
    if step.offset_days == 0:
        return _("on the due date")
    return ngettext("{n} day after the due date", "{n} days after the due date", n)


def _channel(step: Step) -> str:
    if step.channel is not None:
        return step.channel.value
    if step.action is Action.MESSAGE:
        return _("preferred")
    fixed = FIXED_CHANNEL.get(step.action)
    return fixed.value if fixed else ""


def _details(step: Step) -> str:
    parts: list[str] = []
    if step.requires_previous:
        parts.append(_("once the previous step is done"))
    when = step.conditions
    if when.segments:
        parts.append(_("segments: {value}", value=", ".join(when.segments)))
    if when.countries:
        parts.append(_("countries: {value}", value=", ".join(when.countries)))
    for currency, amount in when.min_overdue:
        parts.append(_("overdue at least {currency} {amount}", currency=currency, amount=amount))
    for currency, amount in step.fee_fixed:
        parts.append(_("fee {currency} {amount}", currency=currency, amount=amount))
    if step.fee_pct:
        parts.append(_("fee {pct}% of the overdue principal, within the legal cap",
                       pct=step.fee_pct))
    parts.extend(f"{name}: {value}" for name, value in step.params)
    return "; ".join(parts)


@strategy_app.command("export")
def export(ctx: typer.Context,
           code: Annotated[str, typer.Argument(help="The strategy's code.")],
           output: Annotated[Path | None, typer.Option(help="Write to this file.")] = None,
           ) -> None:
    """Print a strategy as YAML (with its templates' texts), to edit and import again."""
    with ledger(ctx) as (session, org):
        try:
            text = export_strategy(session, org=org, code=code)
        except UnknownStrategy:
            _unknown_strategy(code)
    if output is None:
        typer.echo(text.rstrip("\n"))
        return
    output.write_text(text, encoding="utf-8")
    console.print(_("Wrote {path}", path=str(output)), highlight=False)


@strategy_app.command("import")
def import_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A strategy YAML file.", metavar="FILE.yaml")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")]
        = False,
) -> None:
    """Create or replace a strategy from YAML; any error rejects the whole file."""
    try:
        text = file.read_text(encoding="utf-8-sig")  # a BOM is not part of the YAML
    except (OSError, UnicodeDecodeError) as exc:
        fail(_("cannot read {file}: {problem}", file=str(file), problem=str(exc)), EXIT_INVALID)
    with ledger(ctx) as (session, org):
        result = import_strategy(session, org=org, text=text, source=str(file), now=now(),
                                 dry_run=dry_run)
        if isinstance(result, list):
            session.rollback()
            for error in result:
                errors.print(str(error), highlight=False, markup=False, soft_wrap=True)
            errors.print(ngettext("{n} error in {file}; nothing was imported.",
                                  "{n} errors in {file}; nothing was imported.", len(result),
                                  file=str(file)), highlight=False, markup=False)
            raise typer.Exit(EXIT_INVALID)
    summary = _("strategy {code}: {steps} steps, {templates} template texts of its own",
                code=result.code, steps=result.steps, templates=result.templates_stored)
    prefix = _("Dry run, nothing written") if dry_run else (
        _("Created") if result.created else _("Replaced"))
    console.print(f"{prefix}: {summary}", highlight=False, markup=False)


@strategy_app.command("assign")
def assign(ctx: typer.Context,
           customer: Annotated[str, typer.Argument(help="The customer's id.")],
           code: Annotated[str, typer.Argument(help="The strategy's code.")]) -> None:
    """Make a customer follow a strategy instead of its segment's or the default."""
    _assign(ctx, customer, code)
    console.print(_("Customer {customer} now follows strategy {code}.", customer=customer,
                    code=code), highlight=False)


@strategy_app.command("unassign")
def unassign(ctx: typer.Context,
             customer: Annotated[str, typer.Argument(help="The customer's id.")]) -> None:
    """Return a customer to its segment's strategy, or the default."""
    _assign(ctx, customer, None)
    console.print(_("Customer {customer} follows its segment's strategy, or the default, "
                    "again.", customer=customer), highlight=False)


def _assign(ctx: typer.Context, customer: str, code: str | None) -> None:
    with ledger(ctx) as (session, org):
        try:
            assign_strategy(session, org=org, customer_code=customer, strategy_code=code,
                            now=now(), actor="cli")
        except UnknownCustomer:
            fail(_("unknown customer '{value}'", value=customer), EXIT_INVALID)
        except UnknownStrategy:
            _unknown_strategy(code or "")


def _unknown_strategy(code: str) -> NoReturn:
    fail(_("unknown strategy '{value}'; `cobranza strategy list` shows the strategies",
           value=code), EXIT_INVALID)
