"""`cobranza run`: the daily collection run."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table as RichTable

from cobranza.cli.app import EXIT_INVALID, app, console, errors, fail, ledger, now
from cobranza.config import load_settings
from cobranza.core.money import minor_to_str
from cobranza.dunning.planner import Planned
from cobranza.dunning.run import RunResult, run
from cobranza.i18n import _
from cobranza.models import Organisation


class RunFormat(StrEnum):
    """Output formats of the run."""

    TABLE = "table"
    JSON = "json"


def parse_moment(value: str | None, org: Organisation) -> datetime:
    """An ISO 8601 date or date-time; without an offset, the organisation's local time."""
    if value is None:
        return now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(_("--as-of: '{value}' is not a date or time; expected ISO 8601 such as "
               "2026-03-10 or 2026-03-10T09:00 or 2026-03-10T09:00-03:00", value=value),
             EXIT_INVALID)
    if isinstance(moment, datetime) and moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(org.timezone))
    return moment


def action_json(planned: Planned) -> dict[str, Any]:
    """The documented JSON shape of one action."""
    act = planned.action
    return {
        "customer_id": planned.customer.code, "step": act.step.code,
        "action": act.step.action.value, "channel": act.channel.value,
        "tone": act.step.tone.value if act.step.tone else None,
        "invoices": act.invoice_numbers, "amount": minor_to_str(act.amount, act.currency),
        "currency": act.currency, "scheduled_at": planned.scheduled_at.isoformat(),
        "deferred_by": planned.deferred_by, "status": planned.status, "reason": planned.reason,
    }


def warning_lines(result: RunResult) -> list[str]:
    """The warnings the run's output starts with, translated."""
    lines = []
    if result.plan.unreconciled_statements:
        lines.append(_("{n} bank statements wait to be reconciled: fee and interest posting is "
                       "held back until they are", n=result.plan.unreconciled_statements))
    for held in result.held:
        if held.reason != "unreconciled_statements":
            lines.append(_("{customer}: {step} waits: {reason}", customer=held.customer,
                           step=held.step, reason=held.explanation or held.reason))
    return lines


@app.command("run")
def run_cmd(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATETIME",
        help="ISO 8601; without an offset, the organisation's local time. Default: now.")]
        = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan only; write nothing.")]
        = False,
    fmt: Annotated[RunFormat, typer.Option("--format", help="table or json.")]
        = RunFormat.TABLE,
) -> None:
    """Run the day's collection: reminders, letters, calls, fees and hand-offs that are due.

    Safe to run again: what was already planned is never planned twice."""
    with ledger(ctx) as (session, org):
        moment = parse_moment(as_of, org)
        locale = org.locale
        result = run(session, org=org, as_of=moment, now=now(), settings=load_settings(),
                     dry_run=dry_run)
        if dry_run:
            session.rollback()  # promises settled while planning are not kept either
    warnings = warning_lines(result)
    if fmt is RunFormat.JSON:
        for line in warnings:
            errors.print(f"{_('warning')}: {line}", highlight=False, markup=False)
        typer.echo(json.dumps([action_json(p) for p in result.plan.actions],
                              ensure_ascii=False, indent=1))
        return
    for line in warnings:
        console.print(f"[bold yellow]{_('warning')}:[/] {line}", highlight=False)
    _table(result, locale)


def _table(result: RunResult, locale: str) -> None:
    from cobranza.reports.render import money

    plan = result.plan
    title = (_("Dry run as of {moment}: nothing was written", moment=plan.as_of.isoformat())
             if result.dry_run else _("Run as of {moment}", moment=plan.as_of.isoformat()))
    table = RichTable(title=title, header_style="bold")
    for head in (_("Customer"), _("Step"), _("Action"), _("Channel"), _("Tone"),
                 _("Invoices"), _("Amount"), _("Scheduled"), _("Deferred by"), _("Status")):
        table.add_column(head)
    for planned in plan.actions:
        act = planned.action
        table.add_row(planned.customer.code, act.step.code, act.step.action.value,
                      act.channel.value, act.step.tone.value if act.step.tone else "",
                      ", ".join(act.invoice_numbers), money(act.amount, act.currency, locale),
                      planned.scheduled_at.isoformat(timespec="minutes"),
                      planned.deferred_by or "", planned.status)
    console.print(table)
    if not result.dry_run:
        console.print(_("{created} new actions written; {skipped} steps skipped by the catch-up.",
                        created=result.created, skipped=len(plan.skipped)))
