"""`cobranza reconcile`: match bank lines to customers and invoices, and the review queue."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from cobranza.batching import usable_cpus
from cobranza.cli.app import EXIT_INVALID, app, console, fail, ledger, now
from cobranza.config import load_settings
from cobranza.i18n import _
from cobranza.reconciliation.landed import Landed, told
from cobranza.reconciliation.review import (
    Part,
    ReviewError,
    confirm,
    decide_line,
    ignore,
    line_currency,
    part_amount,
    reverse,
    review_queue,
)
from cobranza.reconciliation.schemas import lines_json, review_line
from cobranza.reconciliation.service import reconcile

reconcile_app = typer.Typer(
    help="Match the imported bank lines to customers and invoices. Lines above the confidence "
         "threshold are applied with --auto; the rest wait in `cobranza reconcile review`.",
    invoke_without_command=True)
app.add_typer(reconcile_app, name="reconcile")


class Format(StrEnum):
    """Output formats."""

    TABLE = "table"
    JSON = "json"


FormatOption = Annotated[Format, typer.Option("--format", help="table or json.")]
UserOption = Annotated[str | None, typer.Option("--user", help="Who decides (recorded).")]
RestOption = Annotated[bool, typer.Option("--rest-on-account", help=(
    "Apply what exceeds the open amount of the invoices named to the customer's other open "
    "invoices, or keep it as their credit; without it, such an amount is refused."))]
LineArg = Annotated[int, typer.Argument(help="The bank line's number (from `review`).",
                                        min=1, max=2**63 - 1)]


@reconcile_app.callback()
def reconcile_cmd(ctx: typer.Context,
                  auto: Annotated[bool, typer.Option("--auto", help=(
                      "Apply the matches above the threshold (payments and allocations)."))]
                  = False,
                  format_: FormatOption = Format.TABLE) -> None:
    """Match every pending bank line; with --auto apply the sure ones."""
    if ctx.invoked_subcommand is not None:
        return
    with ledger(ctx) as (session, org):
        outcome = reconcile(session, org_id=org.id, now=now(), auto=auto,
                            workers=load_settings().workers or usable_cpus())
        data = lines_json(outcome)
    if format_ is Format.JSON:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    _table(data["lines"])


def status_name(status: str) -> str:
    """A line's status as the user reads it (applied, review, unmatched, ignored)."""
    return {"applied": _("applied"), "review": _("review"), "unmatched": _("unmatched"),
            "ignored": _("ignored")}.get(status, status)


def _table(lines: list[dict[str, Any]]) -> None:
    table = RichTable(_("Date"), _("Transaction"), _("Amount"), _("Status"), _("Customer"),
                      _("Invoices"), _("Confidence"))
    for line in lines:
        table.add_row(line["date"], line["transaction_id"],
                      f"{line['amount']} {line['currency']}", status_name(line["status"]),
                      line["customer_id"] or "", ", ".join(line["invoice_numbers"]),
                      line["confidence"] or "")
    console.print(table)
    counts: dict[str, int] = {}
    for line in lines:
        counts[line["status"]] = counts.get(line["status"], 0) + 1
    console.print(_("{applied} applied, {review} to review, {unmatched} unmatched, "
                    "{ignored} ignored.", applied=counts.get("applied", 0),
                    review=counts.get("review", 0), unmatched=counts.get("unmatched", 0),
                    ignored=counts.get("ignored", 0)))


def evidence_label(kind: str) -> str:
    """A piece of a suggestion's evidence as the user reads it (`name` -> payer's name)."""
    return {
        "rf_invoice": _("RF reference of the invoice"),
        "rf_customer": _("RF reference of the customer"),
        "clabe": _("customer's CLABE"),
        "tax_id": _("payer's tax ID"),
        "account": _("payer's account, paid from before"),
        "alias": _("payer's name, confirmed before"),
        "invoice_number": _("invoice number in the remittance"),
        "invoice_digits": _("invoice number's digits in the remittance"),
        "name": _("payer's name"),
        "amount_only": _("only the amount of an open invoice"),
        "recorded": _("a payment of this amount on the ledger already, near this day"),
        "reference": _("the payment's operation number"),
    }.get(kind, kind.replace("_", " "))


def fit_label(kind: str) -> str:
    """How a suggestion's amount fits the invoices, as the user reads it."""
    return {
        "exact": _("exact amount"),
        "subset": _("sum of invoices"),
        "all": _("all open invoices"),
        "oldest": _("oldest invoices"),
        "discount": _("with early-payment discount"),
        "less_fee": _("less a bank fee"),
        "partial": _("partial payment"),
        "over": _("more than owed"),
        "on_account": _("on account"),
        "undetermined": _("invoices not determined"),
        "recorded": _("the payment already recorded (nothing added)"),
        "complement": _("settled by the payment complement, whose payments took the place of "
                        "the line's"),
    }.get(kind, kind.replace("_", " "))


def _reasons(suggestion: dict[str, Any]) -> str:
    """The evidence and the amount's fit behind a suggestion, in the user's language."""
    evidence = ", ".join(evidence_label(kind) for kind in suggestion["evidence"])
    fit = fit_label(suggestion["fit"]) if suggestion.get("fit") else ""
    return "; ".join(x for x in (evidence, fit) if x)


@reconcile_app.command("review")
def review_cmd(ctx: typer.Context, format_: FormatOption = Format.TABLE) -> None:
    """The lines waiting for a person, each with its top 3 suggestions and their evidence."""
    with ledger(ctx) as (session, org):
        # As the API's review queue (`reconciliation.api.review`), the line's id as "line".
        rows: list[dict[str, Any]] = [
            {"line": r.id, "status": r.status, "transaction_id": r.transaction_id,
             "date": r.date, "amount": r.amount, "currency": r.currency,
             "counterparty": r.counterparty_name, "account": r.counterparty_account,
             "remittance": r.remittance, "suggestions": [s.model_dump() for s in r.suggestions]}
            for r in map(review_line, review_queue(session, org_id=org.id))]
    if format_ is Format.JSON:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not rows:
        console.print(_("No bank line is waiting for review."))
        return
    table = RichTable(_("Line"), _("Date"), _("Amount"), _("Payer"), _("Remittance"),
                      _("Suggestions"))
    for row in rows:
        shown = "\n".join(
            f"{n}. {s['customer_id']} {', '.join(s['invoice_numbers'])} ({s['confidence']}: "
            f"{_reasons(s)})" for n, s in enumerate(row["suggestions"], 1)) or _(
            "none: nothing points to a customer (assign, split or ignore it)")
        table.add_row(str(row["line"]), row["date"], f"{row['amount']} {row['currency']}",
                      row["counterparty"] or "", (row["remittance"] or "")[:40], shown)
    console.print(table)


def _decide(ctx: typer.Context, action: str, line: int, **kwargs: Any) -> None:
    parts: list[Landed] = []
    with ledger(ctx) as (session, org):
        try:
            if action == "confirm":
                parts = confirm(session, org_id=org.id, line_id=line, now=now(), **kwargs)
            elif action == "ignore":
                ignore(session, org_id=org.id, line_id=line, now=now(), **kwargs)
            elif action == "reverse":
                reverse(session, org_id=org.id, line_id=line, now=now(), **kwargs)
            else:
                parts = decide_line(session, org_id=org.id, line_id=line, now=now(), **kwargs)
        except ReviewError as exc:
            session.rollback()
            fail(str(exc), EXIT_INVALID)
    console.print(_("Bank line {line}: done.", line=line))
    # Where the money went, part by part (`reconciliation.landed`): the user's own codes and
    # numbers, not markup.
    for sentence in (s for part in parts for s in told(part)):
        console.print(sentence, markup=False, highlight=False, emoji=False)


@reconcile_app.command("confirm")
def confirm_cmd(ctx: typer.Context, line: LineArg,
                pick: Annotated[int, typer.Option("--pick", help="Suggestion number.")] = 1,
                user: UserOption = None) -> None:
    """Apply the line's suggestion (the best, or --pick N); the match teaches its aliases."""
    _decide(ctx, "confirm", line, pick=pick, user=user)


@reconcile_app.command("assign")
def assign_cmd(ctx: typer.Context, line: LineArg,
               customer: Annotated[str, typer.Option("--customer", help="Customer code.")],
               invoices: Annotated[str, typer.Option(
                   "--invoices", help="Invoice numbers, comma-separated (else oldest first).")]
               = "", rest_on_account: RestOption = False, user: UserOption = None) -> None:
    """Apply the line to a customer (and invoices) you choose."""
    numbers = tuple(n.strip() for n in invoices.split(",") if n.strip())
    _decide(ctx, "assign", line, parts=[Part(customer, numbers, rest_on_account=rest_on_account)],
            method="manual", user=user)


@reconcile_app.command("split")
def split_cmd(ctx: typer.Context, line: LineArg,
              part: Annotated[list[str], typer.Option(
                  "--part", metavar="CUSTOMER:AMOUNT[:INV;INV]",
                  help="One part of the line; repeat. The parts must add up to the line.")],
              rest_on_account: RestOption = False, user: UserOption = None) -> None:
    """Split one bank line among customers (e.g. a group paying for its companies)."""
    pieces = [spec.split(":") for spec in part]
    for spec, written in zip(part, pieces, strict=True):
        if len(written) < 2:
            fail(_("--part: '{value}' is not CUSTOMER:AMOUNT[:INV;INV]", value=spec),
                 EXIT_INVALID)
    with ledger(ctx) as (session, org):
        currency = line_currency(session, org_id=org.id, line_id=line)
    parts = []
    for spec, written in zip(part, pieces, strict=True):
        try:
            # Read as the API reads a part's amount (`review.part_amount`).
            amount = part_amount(written[1], currency)
        except ReviewError as exc:
            fail(f"--part {spec}: {exc}", EXIT_INVALID)
        numbers = tuple(n for n in (written[2] if len(written) > 2 else "").split(";") if n)
        parts.append(Part(written[0], numbers, amount, rest_on_account=rest_on_account))
    _decide(ctx, "split", line, parts=parts, method="split", user=user)


@reconcile_app.command("ignore")
def ignore_cmd(ctx: typer.Context, line: LineArg, user: UserOption = None) -> None:
    """Mark the line as not a customer's payment."""
    _decide(ctx, "ignore", line, user=user)


@reconcile_app.command("reverse")
def reverse_cmd(ctx: typer.Context, line: LineArg, user: UserOption = None) -> None:
    """Take back what the line paid; the invoices are exactly as before, the line in review."""
    _decide(ctx, "reverse", line, user=user)
