"""`cobranza promise|dispute|pause|unpause|extend|plan|contact|satisfaction`: the customer's
collection state, as a collector records it (issue 3, item 7).

Every refusal names the option that was wrong, in the user's language, writes nothing and exits
with status 2.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape
from rich.table import Table

from cobranza.accounts import service
from cobranza.accounts.errors import InvalidInput
from cobranza.accounts.schemas import parse_amount, parse_date, parse_instalment
from cobranza.cli.app import EXIT_INVALID, app, console, errors, ledger, now
from cobranza.core.money import minor_to_str
from cobranza.i18n import _, ngettext
from cobranza.models import Organisation
from cobranza.reports.render import money

promise_app = typer.Typer(help="Promises to pay: record them and see which were kept.",
                          no_args_is_help=True)
dispute_app = typer.Typer(help="Disputed invoices: their collection stops until resolved.",
                          no_args_is_help=True)
plan_app = typer.Typer(help="Payment plans: reminders stop while the plan is kept.",
                       no_args_is_help=True)
contact_app = typer.Typer(help="Stop or allow all contact with a customer.",
                          no_args_is_help=True)
app.add_typer(promise_app, name="promise")
app.add_typer(dispute_app, name="dispute")
app.add_typer(plan_app, name="plan")
app.add_typer(contact_app, name="contact")

# Fields that are positional arguments: their messages already name the customer or invoice.
_POSITIONAL = frozenset({"customer", "invoice", "task"})


class Format(StrEnum):
    """Output formats of the listings."""

    TABLE = "table"
    JSON = "json"


By = Annotated[str | None, typer.Option(
    "--by", help="Who did it (default: your login name); recorded on the timeline.")]
FormatOption = Annotated[Format, typer.Option("--format", help="table or json.")]
CustomerArg = Annotated[str, typer.Argument(help="The customer's id.", metavar="CUSTOMER")]
InvoiceArg = Annotated[str, typer.Argument(help="The invoice number.", metavar="INVOICE")]


def actor(by: str | None) -> str:
    """Who is acting: `--by`, else the login name."""
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment (e.g. a container)
        return "cli"


def refuse(error: InvalidInput, options: dict[str, str] | None = None) -> NoReturn:
    """Print a use case's refusal at the option it concerns and exit 2."""
    label = (options or {}).get(error.field)
    if label is None and error.field not in _POSITIONAL:
        label = "--" + error.field.replace("_", "-")
    text = f"{label}: {error.message}" if label else error.message
    # The message quotes what the user typed: print it literally (no markup, no `:emoji:`).
    errors.print(f"[bold red]{_('Error')}:[/] {escape(text)}", highlight=False, emoji=False)
    raise typer.Exit(EXIT_INVALID)


@contextmanager
def refused(**options: str) -> Iterator[None]:
    """Refusals inside the block exit 2 (the unit of work rolls back: nothing is written)."""
    try:
        yield
    except InvalidInput as error:
        refuse(error, options)


def stamp(org: Organisation, value: datetime | None) -> str:
    """A UTC timestamp as the organisation's local time, to the minute."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(org.timezone)).strftime("%Y-%m-%d %H:%M")


def say(text: str) -> None:
    """Print a plain line for the user."""
    console.print(text, highlight=False, markup=False)


# --- promises ---------------------------------------------------------------------------------

@promise_app.command("add")
def promise_add(
    ctx: typer.Context, customer: CustomerArg,
    date: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD",
                                      help="The day the customer promised to pay by.")],
    amount: Annotated[str, typer.Option("--amount", help="The amount promised, e.g. 150000.")],
    currency: Annotated[str | None, typer.Option(
        "--currency", help="Default: the only currency the customer owes in.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What was said.")] = None,
    by: By = None,
) -> None:
    """Record a promise to pay an amount by a date; reminders wait for it."""
    who = actor(by)
    with ledger(ctx) as (session, org), refused():
        promise = service.record_promise(
            session, org=org, now=now(), actor=who, customer_code=customer,
            promised_date=parse_date(date, "date"), amount=parse_amount(amount, "amount"),
            currency=currency, note=note)
        say(_("Promise {id} recorded: {customer} pays {amount} by {date}.", id=promise.id,
               customer=customer, amount=money(promise.amount, promise.currency, org.locale),
               date=promise.promised_date.isoformat()))


def status_label(status: str) -> str:
    """A status in the reader's language."""
    labels = {"open": _("open"), "kept": _("kept"), "broken": _("broken"),
              "cancelled": _("cancelled"), "resolved": _("resolved"), "done": _("done")}
    return labels.get(status, status)


@promise_app.command("list")
def promise_list(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option("--customer", help="Only this customer.")]
        = None,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """List promises to pay and whether each was kept, with each customer's kept rate."""
    with ledger(ctx) as (session, org), refused():
        rows = service.list_promises(session, org=org, customer_code=customer)
        rates = service.promise_kept_rate(session, org_id=org.id)
        if fmt is Format.JSON:
            typer.echo(json.dumps([{
                "id": r.promise.id, "customer_id": r.customer_code,
                "date": r.promise.promised_date.isoformat(),
                "amount": minor_to_str(r.promise.amount, r.promise.currency),
                "currency": r.promise.currency, "status": r.promise.status,
                "taken_by": r.promise.taken_by, "note": r.promise.note} for r in rows],
                ensure_ascii=False, indent=1))
            return
        table = Table(header_style="bold")
        for head in ("#", _("Customer"), _("Date"), _("Amount"), _("Status"), _("Taken by"),
                     _("Kept rate"), _("Note")):
            table.add_column(head)
        for r in rows:
            rate = rates.get(r.customer_code)
            table.add_row(str(r.promise.id), r.customer_code, r.promise.promised_date.isoformat(),
                          money(r.promise.amount, r.promise.currency, org.locale),
                          status_label(r.promise.status), r.promise.taken_by,
                          "" if rate is None else f"{rate[2] * 100:.0f}%", r.promise.note or "")
        console.print(table)


# --- disputes ---------------------------------------------------------------------------------

@dispute_app.command("open")
def dispute_open(
    ctx: typer.Context, invoice: InvoiceArg,
    reason: Annotated[str, typer.Option("--reason", help="not_received, wrong_amount, quality, "
                                        "service, already_paid or other.")],
    note: Annotated[str | None, typer.Option("--note", help="What the customer said.")] = None,
    by: By = None,
) -> None:
    """Open a dispute on an invoice: its collection stops until the dispute is resolved."""
    with ledger(ctx) as (session, org), refused():
        dispute = service.open_dispute(session, org=org, now=now(), actor=actor(by),
                                       invoice_number=invoice, reason=reason, note=note)
        say(_("Dispute {id} opened on {invoice}: {reason}.", id=dispute.id, invoice=invoice,
               reason=service.dispute_reason_label(dispute.reason)))


@dispute_app.command("resolve")
def dispute_resolve(
    ctx: typer.Context, invoice: InvoiceArg,
    resolution: Annotated[str, typer.Option("--resolution", help="How it was resolved.")],
    by: By = None,
) -> None:
    """Resolve an invoice's open dispute; its collection resumes."""
    with ledger(ctx) as (session, org), refused():
        service.resolve_dispute(session, org=org, now=now(), actor=actor(by),
                                invoice_number=invoice, resolution=resolution)
        say(_("Dispute on {invoice} resolved.", invoice=invoice))


@dispute_app.command("list")
def dispute_list(
    ctx: typer.Context,
    customer: Annotated[str | None, typer.Option("--customer", help="Only this customer.")]
        = None,
    all_: Annotated[bool, typer.Option("--all", help="Include resolved disputes.")] = False,
    fmt: FormatOption = Format.TABLE,
) -> None:
    """List open disputes (or all of them)."""
    with ledger(ctx) as (session, org), refused():
        rows = service.list_disputes(session, org=org, customer_code=customer,
                                     include_resolved=all_)
        data = [{"id": r.dispute.id, "invoice": r.invoice_number, "customer_id": r.customer_code,
                 "reason": r.dispute.reason, "note": r.dispute.note,
                 "opened_by": r.dispute.opened_by,
                 "status": "open" if r.dispute.resolved_at is None else "resolved",
                 "resolution": r.dispute.resolution} for r in rows]
        if fmt is Format.JSON:
            typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
            return
        table = Table(header_style="bold")
        for head in ("#", _("Invoice"), _("Customer"), _("Reason"), _("Opened"), _("By"),
                     _("Status"), _("Note")):
            table.add_column(head)
        for r, d in zip(rows, data, strict=True):
            table.add_row(str(d["id"]), r.invoice_number, r.customer_code,
                          service.dispute_reason_label(r.dispute.reason),
                          stamp(org, r.dispute.opened_at), r.dispute.opened_by,
                          status_label(str(d["status"])),
                          r.dispute.resolution or r.dispute.note or "")
        console.print(table)


# --- pauses, extensions, plans, contact, satisfaction ----------------------------------------

@app.command("pause")
def pause_cmd(
    ctx: typer.Context, customer: CustomerArg,
    reason: Annotated[str, typer.Option("--reason", help="Why collection is paused.")],
    until: Annotated[str, typer.Option("--until", metavar="YYYY-MM-DD",
                                       help="The last day of the pause.")],
    by: By = None,
) -> None:
    """Pause a customer's collection until a date, with a reason."""
    with ledger(ctx) as (session, org), refused():
        row = service.pause(session, org=org, now=now(), actor=actor(by), customer_code=customer,
                            reason=reason, until=parse_date(until, "until"))
        say(_("{customer} paused until {until}.", customer=customer,
               until=row.until.isoformat()))


@app.command("unpause")
def unpause_cmd(ctx: typer.Context, customer: CustomerArg, by: By = None) -> None:
    """Lift a customer's pause now; collection resumes."""
    with ledger(ctx) as (session, org), refused():
        service.lift_pause(session, org=org, now=now(), actor=actor(by), customer_code=customer)
        say(_("{customer}: pause lifted.", customer=customer))


@app.command("extend")
def extend_cmd(
    ctx: typer.Context, invoice: InvoiceArg,
    due_date: Annotated[str, typer.Option("--due-date", metavar="YYYY-MM-DD",
                                          help="The new due date.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it was granted.")],
    by: By = None,
) -> None:
    """Grant an invoice a later due date; collection restarts from it."""
    with ledger(ctx) as (session, org), refused():
        row = service.grant_extension(session, org=org, now=now(), actor=actor(by),
                                      invoice_number=invoice,
                                      new_due_date=parse_date(due_date, "due_date"),
                                      reason=reason)
        say(_("{invoice} is now due {date}.", invoice=invoice,
               date=row.new_due_date.isoformat()))


@plan_app.command("add")
def plan_add(
    ctx: typer.Context, customer: CustomerArg,
    instalment: Annotated[list[str], typer.Option(
        "--instalment", metavar="DATE:AMOUNT",
        help="One instalment, e.g. 2026-04-30:150000. Repeat for each.")],
    currency: Annotated[str | None, typer.Option(
        "--currency", help="Default: the only currency the customer owes in.")] = None,
    by: By = None,
) -> None:
    """Record a payment plan; reminders stop while it is kept."""
    options = {"instalments": "--instalment"}
    with ledger(ctx) as (session, org), refused(**options):
        schedule = [parse_instalment(value, "instalments") for value in instalment]
        plan = service.record_payment_plan(session, org=org, now=now(), actor=actor(by),
                                           customer_code=customer, instalments=schedule,
                                           currency=currency)
        say(ngettext("Payment plan {id} recorded: {total} in {n} instalment.",
                     "Payment plan {id} recorded: {total} in {n} instalments.", len(schedule),
                     id=plan.id, total=money(plan.total, plan.currency, org.locale)))


@contact_app.command("stop")
def contact_stop(
    ctx: typer.Context, customer: CustomerArg,
    reason: Annotated[str, typer.Option("--reason", help="A cease request, an opt-out...")],
    by: By = None,
) -> None:
    """Stop all contact with a customer (a cease request or an opt-out)."""
    with ledger(ctx) as (session, org), refused():
        service.set_do_not_contact(session, org=org, now=now(), actor=actor(by),
                                   customer_code=customer, on=True, reason=reason)
        say(_("{customer} will not be contacted.", customer=customer))


@contact_app.command("allow")
def contact_allow(ctx: typer.Context, customer: CustomerArg, by: By = None) -> None:
    """Allow contact with a customer again."""
    with ledger(ctx) as (session, org), refused():
        service.set_do_not_contact(session, org=org, now=now(), actor=actor(by),
                                   customer_code=customer, on=False)
        say(_("{customer} may be contacted again.", customer=customer))


@app.command("satisfaction")
def satisfaction_cmd(
    ctx: typer.Context, customer: CustomerArg,
    answer: Annotated[str, typer.Argument(help="What the customer answered, e.g. 4 or 'bien'.")],
    action: Annotated[int | None, typer.Option("--action", help="The reminder that asked.")]
        = None,
    by: By = None,
) -> None:
    """Record the customer's answer to "how was our service?"."""
    with ledger(ctx) as (session, org), refused(action_id="--action"):
        row = service.record_satisfaction(session, org=org, now=now(), actor=actor(by),
                                          customer_code=customer, answer=answer,
                                          action_id=action)
        score = "?" if row.score is None else str(row.score)
        say(_("Answer recorded for {customer} (score {score}).", customer=customer,
               score=score))
