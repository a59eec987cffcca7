"""`cobranza outbox` (what is waiting, sent or stuck) and `cobranza worker` (sending it)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table as RichTable
from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.cli.app import EXIT_INVALID, Context, app, console, fail, ledger, now
from cobranza.cli.run import parse_moment
from cobranza.config import load_settings
from cobranza.i18n import _
from cobranza.messaging.outbox import LEASE_SECONDS, sendable
from cobranza.models import CollectionAction, Customer, Organisation

STATUSES = ("queued", "sending", "sent", "delivered", "bounced", "failed", "cancelled",
            "skipped", "done", "planned")


class Format(StrEnum):
    """Output formats of the outbox listing."""

    TABLE = "table"
    JSON = "json"


def outbox_rows(session: Session, *, org: Organisation, status: str | None,
                customer: str | None) -> list[dict[str, Any]]:
    """The outbox as JSON objects, `scheduled_at` in the debtor's time zone with its offset."""
    query = (select(CollectionAction, Customer.code, Customer.timezone)
             .join(Customer, Customer.id == CollectionAction.customer_id)
             .where(CollectionAction.org_id == org.id, sendable())
             .order_by(CollectionAction.scheduled_at, CollectionAction.id))
    if status is not None:
        query = query.where(CollectionAction.status == status)
    if customer is not None:
        query = query.where(Customer.code == customer)
    return [{"id": action.id, "customer_id": code, "step": action.step_code,
             "channel": action.channel,
             "scheduled_at": _local(action.scheduled_at, timezone or org.timezone),
             "status": action.status, "reason": action.reason}
            for action, code, timezone in session.execute(query).tuples()]


def _local(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).isoformat()


@app.command("outbox")
def outbox_cmd(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(
        help="Only messages in this status: queued, sending, sent, delivered, bounced, failed, "
             "cancelled.")] = None,
    customer: Annotated[str | None, typer.Option(help="Only this customer's messages.")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.TABLE,
) -> None:
    """List messages, letters and webhooks: waiting, sent, or stuck and why."""
    if status is not None and status not in STATUSES:
        fail(_("--status: unknown status '{value}'; expected one of {expected}", value=status,
               expected=", ".join(STATUSES)), EXIT_INVALID)
    with ledger(ctx) as (session, org):
        if customer is not None and session.scalar(select(Customer.id).where(
                Customer.org_id == org.id, Customer.code == customer)) is None:
            fail(_("unknown customer '{value}'", value=customer), EXIT_INVALID)
        rows = outbox_rows(session, org=org, status=status, customer=customer)
    if fmt is Format.JSON:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        console.print(_("The outbox is empty."))
        return
    table = RichTable(header_style="bold")
    for head in (_("Id"), _("Customer"), _("Step"), _("Channel"), _("Scheduled"), _("Status"),
                 _("Reason")):
        table.add_column(head)
    for row in rows:
        table.add_row(str(row["id"]), row["customer_id"], row["step"], row["channel"],
                      row["scheduled_at"], row["status"], row["reason"] or "")
    console.print(table)


def _clock(start: datetime | None) -> Callable[[], datetime]:
    """The system clock, or one that started at `start` and runs at the real pace."""
    if start is None:
        return now
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


@app.command("worker")
def worker_cmd(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option(
        "--once", help="Send everything due up to now, then exit (for cron).")] = False,
    workers: Annotated[int, typer.Option(min=1, help="Worker threads of the queue consumer.")]
        = 1,
    lease: Annotated[float, typer.Option(
        min=0, help="Seconds a claimed message is held before a sweep may send it again.")]
        = LEASE_SECONDS,
    batch: Annotated[int, typer.Option(min=1, help="Messages claimed at a time.")] = 50,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATETIME",
        help="Act as if the clock read this ISO 8601 moment when the worker started, and run "
             "on from it (replays and tests); default now.")] = None,
) -> None:
    """Send queued reminders, letters and webhooks: once, or as a service (Ctrl-C stops it)."""
    context: Context = ctx.obj
    with ledger(ctx) as (_session, org):  # refuse an uninitialised database before anything
        start = parse_moment(as_of, org) if as_of is not None else None
    settings = load_settings()
    if once:
        # Imported here: the worker loads the PDF and mail machinery, which other commands
        # do not need at start-up.
        from cobranza.messaging.worker import run_once

        report = run_once(context.db_url, now_fn=_clock(start), settings=settings,
                          batch=batch, lease_seconds=lease)
        console.print(_(
            "Sent {sent}, retried later {retried}, failed {failed}, bounced {bounced}, "
            "cancelled {cancelled}, deferred {deferred}, waiting for a provider "
            "{not_configured}, recovered {recovered}.", **report.as_dict()))
        return
    from cobranza.messaging.queue import make_huey, run_consumer  # see run_once above

    console.print(_("Worker started ({workers} threads); sending every minute. Ctrl-C stops it.",
                    workers=workers))
    run_consumer(make_huey(settings, context.db_url, now_fn=_clock(start), batch=batch,
                           lease_seconds=lease), workers=workers)
