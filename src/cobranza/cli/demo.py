"""`cobranza demo`: a realistic company in a fresh SQLite file, aged as of today."""

from __future__ import annotations

import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table as RichTable
from sqlalchemy.orm import Session

from cobranza.cli.app import EXIT_INVALID, app, console, fail, now
from cobranza.cli.reconcile import status_name
from cobranza.config import load_settings
from cobranza.customers.imports import prepare as prepare_customers
from cobranza.db import make_engine, migrate, unit_of_work
from cobranza.demo.bank import statement_csv
from cobranza.demo.generator import generate_company
from cobranza.dunning.planner import Plan
from cobranza.dunning.run import run
from cobranza.dunning.strategies import ensure_default_strategy
from cobranza.i18n import _
from cobranza.importers.run import Preparer, run_import
from cobranza.invoices.imports import prepare_credit_notes, prepare_invoices
from cobranza.models import Organisation
from cobranza.organisations.service import ensure
from cobranza.payments.imports import prepare_payments
from cobranza.reconciliation.service import Outcome, reconcile
from cobranza.reports import aging, render
from cobranza.statements.service import import_statement

STEPS: tuple[tuple[str, Preparer], ...] = (
    ("customers", prepare_customers),
    ("invoices", prepare_invoices),
    ("credit-notes", prepare_credit_notes),
    ("payments", prepare_payments),
)
NAMES = {"CL": "Comercial Demo SpA", "MX": "Comercializadora Demo S.A. de C.V."}


def imported_label(kind: str, n: int) -> str:
    """What one of the demo's imports (a `STEPS` kind) brought in, in the reader's language."""
    labels = {"customers": _("Customers imported: {n}", n=n),
              "invoices": _("Invoices imported: {n}", n=n),
              "credit-notes": _("Credit notes imported: {n}", n=n),
              "payments": _("Payments imported: {n}", n=n)}
    return labels.get(kind, f"{kind}: {n}")


@app.command()
def demo(
    country: Annotated[str, typer.Option(help="CL (Chile, CLP) or MX (Mexico, MXN).")] = "CL",
    seed: Annotated[int, typer.Option(help="Same seed, same company.")] = 7,
    file: Annotated[Path, typer.Option(help="SQLite file to create (replaced if it exists).")]
        = Path("cobranza-demo.db"),
    customers: Annotated[int, typer.Option(help="How many customers.")] = 300,
) -> None:
    """Create a demo company and show its aging as of today.

    A realistic company (12 months of invoices, every kind of payer) in a fresh SQLite file.
    Works offline in seconds."""
    code = country.upper()
    if code not in NAMES:
        fail(_("--country: '{value}' is not supported by the demo; expected CL or MX",
               value=country), EXIT_INVALID)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{file}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{file}"
    engine = make_engine(url)
    migrate(engine)
    stamp = now()
    with unit_of_work(engine) as session:
        org = ensure(session, now=stamp, name=NAMES[code], country=code, currency=None,
                     timezone=None, locale=None)
        today = stamp.astimezone(ZoneInfo(org.timezone)).date()
        data = generate_company(today=today, country=code, seed=seed, customers=customers)
        with tempfile.TemporaryDirectory() as tmp:
            paths = data.write_csvs(Path(tmp))
            for kind, prepare in STEPS:
                outcome = run_import(session, kind=kind, path=paths[kind], org=org, now=stamp,
                                     prepare=prepare, display_name=paths[kind].name)
                if not outcome.ok:  # a generator bug, never the user's: show it plainly
                    fail("\n".join(str(e) for e in outcome.errors[:20]))
                console.print(imported_label(kind, outcome.new))
        extract = _bank_statement(session, org=org, file=file, today=today, seed=seed,
                                  stamp=stamp)
        report = aging.compute(session, org_id=org.id, as_of=today)
        locale = org.locale
        base = org.base_currency
        ensure_default_strategy(session, org=org, now=stamp)
        plan = run(session, org=org, as_of=stamp, now=stamp, settings=load_settings(),
                   dry_run=True).plan
    engine.dispose()
    _reconciled(extract, locale=locale)
    _summary(report, locale=locale)
    _most_overdue(report, locale=locale, base=base)
    _collection_today(plan)
    _next_steps(url, today, extract.path)


@dataclass
class _Extract:
    """The demo's bank statement: where it was written and what reconciling it did."""

    path: Path
    outcome: Outcome


def _bank_statement(session: Session, *, org: Organisation, file: Path, today: date, seed: int,
                    stamp: datetime) -> _Extract:
    """The last days' bank statement (`demo.bank`) written beside the database, imported as
    `cobranza import statement` would, and reconciled as `cobranza reconcile --auto`: the
    payments it applies are on the ledger before the aging and the collection run."""
    path = file.with_name(f"{file.stem}-extracto.csv")
    data = statement_csv(session, org_id=org.id, currency=org.base_currency,
                         country=org.country, today=today, seed=seed)
    path.write_bytes(data)
    imported = import_statement(session, org_id=org.id, data=data, file=str(path), now=stamp,
                                default_currency=org.base_currency)
    if not imported.ok:  # a generator bug, never the user's: show it plainly
        fail("\n".join(str(e) for e in imported.errors[:20]))
    return _Extract(path, reconcile(session, org_id=org.id, now=stamp, auto=True))


def _reconciled(extract: _Extract, *, locale: str) -> None:
    """What reconciling the bank statement did: lines and money by status."""
    console.print(_("Bank statement {file}, reconciled", file=extract.path.name), style="bold")
    table = RichTable(header_style="bold")
    for head in (_("Status"), _("Lines"), _("Amount")):
        table.add_column(head, justify="left" if head == _("Status") else "right")
    lines: Counter[str] = Counter()
    money: Counter[tuple[str, str]] = Counter()
    for verdict in extract.outcome.verdicts:
        lines[verdict.status] += 1
        money[(verdict.status, verdict.line.currency)] += verdict.line.amount
    for status in ("applied", "review", "unmatched", "ignored"):
        if lines[status]:
            table.add_row(status_name(status), str(lines[status]), ", ".join(
                render.money(amount, currency, locale)
                for (kind, currency), amount in sorted(money.items()) if kind == status))
    console.print(table)


def _summary(report: aging.AgingReport, *, locale: str) -> None:
    table = RichTable(title=_("Aging as of {date}", date=report.as_of.isoformat()),
                      header_style="bold")
    table.add_column(_("Currency"))
    for name in report.bucket_names:
        table.add_column(_("current") if name == "current" else name, justify="right")
    table.add_column(_("Total"), justify="right")
    table.add_column(_("Customers"), justify="right")
    for cur, group in report.currencies.items():
        totals = group.totals()
        table.add_row(cur, *[render.money(v, cur, locale) for v in totals.buckets],
                      render.money(totals.total, cur, locale), str(len(group.customers)))
    console.print(table)


def _most_overdue(report: aging.AgingReport, *, locale: str, base: str) -> None:
    group = report.currencies.get(base)
    if group is None:
        return
    ranked = sorted(group.customers, key=lambda ln: (-(ln.total - ln.buckets[0]), ln.customer_id))
    table = RichTable(title=_("10 most overdue customers ({currency})", currency=base),
                      header_style="bold")
    for head in (_("Customer"), _("Name"), _("Overdue"), _("Over 90 days"),
                 _("Accrued interest")):
        table.add_column(head, justify="left" if head in (_("Customer"), _("Name")) else "right")
    for line in ranked[:10]:
        table.add_row(line.customer_id, line.name,
                      render.money(line.total - line.buckets[0], base, locale),
                      render.money(sum(line.buckets[4:]), base, locale),
                      render.money(line.accrued_interest, base, locale))
    console.print(table)


def _collection_today(plan: Plan) -> None:
    """What today's collection run would do, step by step (nothing is sent by the demo)."""
    counts: Counter[tuple[str, str, str]] = Counter(
        (p.action.step.code, p.action.channel.value, p.status) for p in plan.actions)
    table = RichTable(title=_("Today's collection run (dry run: nothing is sent)"),
                      header_style="bold")
    for head in (_("Step"), _("Channel"), _("Status"), _("Customers")):
        table.add_column(head, justify="right" if head == _("Customers") else "left")
    for (step, channel, status), n in sorted(counts.items()):
        table.add_row(step, channel, status, str(n))
    console.print(table)


def _next_steps(url: str, today: date, extract: Path) -> None:
    db = f"--db {url}"
    console.print(_("What to try next:"), style="bold")
    for line in (
        f"cobranza {db} reconcile review",
        f"cobranza {db} import statement {extract}   # "
        + _("imported already: nothing changes"),
        f"cobranza {db} report aging --as-of {today.isoformat()}",
        f"cobranza {db} report aging --as-of {today.isoformat()} --format xlsx --output aging.xlsx",
        f"cobranza {db} statement C0001 --as-of {today.isoformat()}",
        f"cobranza {db} report aging --as-of {today.replace(day=1).isoformat()} --buckets 30,60,90",
        f"cobranza {db} run --dry-run --format json",
        f"cobranza {db} run && cobranza {db} tasks list --script",
        f"cobranza {db} timeline C0001",
        f"cobranza {db} serve   # " + _("JSON API, docs at http://127.0.0.1:8000/docs"),
    ):
        console.print(f"  {line}", highlight=False, markup=False)
