"""`cobranza tasks list|log`: the collectors' queue of calls and visits (issue 3, item 4)."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from cobranza.accounts.schemas import parse_amount, parse_date, parse_moment
from cobranza.cli.accounts import By, Format, FormatOption, actor, refused, say, status_label
from cobranza.cli.app import app, console, ledger, now
from cobranza.i18n import _
from cobranza.reports.render import money
from cobranza.tasks import service
from cobranza.timeline.render import outcome_label

tasks_app = typer.Typer(help="Calls and visits for collectors: the work queue and outcomes.",
                        no_args_is_help=True)
app.add_typer(tasks_app, name="tasks")


class Status(StrEnum):
    """Which tasks to list."""

    OPEN = "open"
    DONE = "done"
    ALL = "all"


class Outcome(StrEnum):
    """How a call or visit went."""

    REACHED = "reached"
    NO_ANSWER = "no-answer"
    WRONG_NUMBER = "wrong-number"
    PROMISE = "promise"
    DISPUTE = "dispute"
    CALLBACK = "callback"


@tasks_app.command("list")
def tasks_list(
    ctx: typer.Context,
    collector: Annotated[str | None, typer.Option("--collector", help="Only this collector's.")]
        = None,
    status: Annotated[Status, typer.Option("--status", help="open, done or all.")]
        = Status.OPEN,
    fmt: FormatOption = Format.TABLE,
    script: Annotated[bool, typer.Option("--script", help="Show each call's script.")] = False,
) -> None:
    """List call and visit tasks, at the debtor's local time."""
    with ledger(ctx) as (session, org), refused():
        tasks = service.list_tasks(session, org=org, collector=collector, status=status.value)
        locale = org.locale
    if fmt is Format.JSON:
        typer.echo(json.dumps([t.to_json() for t in tasks], ensure_ascii=False, indent=1))
        return
    if not tasks:
        say(_("No tasks."))
        return
    table = Table(header_style="bold", show_lines=script)
    for head in ("#", _("When"), _("Customer"), _("Phone"), _("Kind"), _("Step"),
                 _("Invoices"), _("Amount"), _("Collector"), _("Status")):
        table.add_column(head)
    if script:
        table.add_column(_("Script"))
    for t in tasks:
        kind = _("call") if t.kind == "call" else _("visit")
        row = [str(t.id), t.scheduled_at.strftime("%Y-%m-%d %H:%M %z"),
               f"{t.customer_code} {t.customer_name}", t.phone or "", kind, t.step,
               ", ".join(t.invoices), money(t.amount, t.currency, locale), t.collector or "",
               status_label(t.status)]
        table.add_row(*row, *([t.script] if script else []))
    console.print(table)


@tasks_app.command("log")
def tasks_log(
    ctx: typer.Context,
    task: Annotated[int, typer.Argument(help="The task's number.", metavar="TASK")],
    outcome: Annotated[Outcome, typer.Option("--outcome", help="reached, no-answer, "
                                             "wrong-number, promise, dispute or callback.")],
    promise_date: Annotated[str | None, typer.Option(
        "--promise-date", metavar="YYYY-MM-DD", help="promise: the day promised.")] = None,
    amount: Annotated[str | None, typer.Option("--amount", help="promise: the amount.")] = None,
    reason: Annotated[str | None, typer.Option(
        "--reason", help="dispute: not_received, wrong_amount, quality, service, already_paid "
        "or other.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What was said.")] = None,
    at: Annotated[str | None, typer.Option(
        "--at", metavar="DATETIME", help="callback: when to call again, ISO 8601; without an "
        "offset, the debtor's local time.")] = None,
    by: By = None,
) -> None:
    """Log how a call or visit went; a promise, a dispute, a bad number or a call back follows."""
    with ledger(ctx) as (session, org), refused():
        zone = service.task_zone(session, org=org, task_id=task)
        service.log_outcome(
            session, org=org, now=now(), actor=actor(by), task_id=task, outcome=outcome.value,
            promise_date=None if promise_date is None else parse_date(promise_date,
                                                                      "promise_date"),
            amount=None if amount is None else parse_amount(amount, "amount"),
            reason=reason, note=note, at=None if at is None else parse_moment(at, "at", zone))
        say(_("Task {id}: {outcome}.", id=task, outcome=outcome_label(outcome.value)))
