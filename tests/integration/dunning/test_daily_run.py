"""The daily run over a sequence of days: DOMAIN.md's default strategy and contact rules."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from cobranza.accounts.service import open_dispute, pause, record_promise
from cobranza.db import make_engine, unit_of_work
from cobranza.organisations.service import current
from tests.support import cli, ok, snapshot, write_csv

SANTIAGO = ZoneInfo("America/Santiago")
CUSTOMERS = ("id,name,tax_id,email,phone,whatsapp,language,country,timezone,preferred_channel,"
             "segment,credit_limit,contact_hours,collector")
INVOICES = "number,customer_id,issue_date,due_date,currency,amount"
PAYMENTS = "id,customer_id,date,currency,amount,invoice_numbers"
WRITTEN = {"email", "sms", "whatsapp", "letter"}


def build(tmp: Path, db: str) -> None:
    """Five Chilean debtors, each with one kind of situation."""
    ok(db, "init", "--country", "CL", "--name", "Comercial Andes SpA")
    ok(db, "import", "customers", str(write_csv(
        tmp / "clientes.csv", CUSTOMERS,
        "C1,Ferretería Uno,,pagos@uno.cl,+56911111111,,es,CL,America/Santiago,email,pyme,,,ana",
        "C2,Panadería Dos,,,+56922222222,,es,CL,America/Santiago,sms,pyme,,09:00-13:00,ana",
        "C3,Taller Tres,,tres@taller.cl,,+56933333333,en,CL,America/Santiago,whatsapp,pyme,,,",
        "C4,Cuatro Ltda,,cuatro@ltda.cl,,,es,CL,America/Santiago,email,pyme,,,",
        "C5,Sin Contacto,,,,,es,CL,America/Santiago,,pyme,,,")))
    ok(db, "import", "invoices", str(write_csv(
        tmp / "facturas.csv", INVOICES,
        "F1,C1,2026-02-08,2026-03-10,CLP,100000",
        "F2,C2,2026-02-08,2026-03-10,CLP,200000",
        "F3,C2,2026-02-08,2026-03-10,CLP,50000",
        "F4,C3,2026-02-08,2026-03-10,CLP,70000",
        "F5,C4,2026-02-08,2026-03-10,CLP,90000",
        "F6,C5,2026-02-08,2026-03-10,CLP,10000")))
    ok(db, "import", "payments", str(write_csv(
        tmp / "pagos.csv", PAYMENTS, "P1,C4,2026-02-25,CLP,90000,F5")))
    # The Chilean fee cap needs each day's UF value (DOMAIN.md, late fees).
    days = [date(2026, 3, 1) + timedelta(days=n) for n in range(120)]
    ok(db, "import", "rates", str(write_csv(
        tmp / "uf.csv", "code,date,value", *(f"UF,{d.isoformat()},39750.25" for d in days))))


def run(db: str, as_of: str, *extra: str) -> list[dict[str, Any]]:
    result = cli(db, "run", "--as-of", as_of, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    actions: list[dict[str, Any]] = json.loads(result.stdout)
    return actions


def by_customer(actions: list[dict[str, Any]]) -> dict[str, list[tuple[str, str, str | None]]]:
    found: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for a in actions:
        found[a["customer_id"]].append((a["step"], a["channel"], a["tone"]))
    return found


def test_a_dry_run_lists_the_due_actions_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    build(tmp_path, db_url)
    before = snapshot(db_url)
    actions = run(db_url, "2026-03-03T07:00", "--dry-run")
    assert snapshot(db_url) == before
    assert by_customer(actions) == {
        "C1": [("before_due", "email", "friendly")],
        "C2": [("before_due", "sms", "friendly")],  # F2 and F3 in one message
        "C3": [("before_due", "whatsapp", "friendly")],
        "C5": [("before_due", "none", "friendly")],
    }
    c2 = next(a for a in actions if a["customer_id"] == "C2")
    assert c2["invoices"] == ["F2", "F3"] and c2["amount"] == "250000"
    assert c2["currency"] == "CLP" and c2["action"] == "message"
    # Mid-morning by default; C2 takes calls and messages only from 09:00 to 13:00.
    c1 = next(a for a in actions if a["customer_id"] == "C1")
    assert c1["scheduled_at"] == "2026-03-03T10:00:00-03:00" and c1["deferred_by"] is None
    c5 = next(a for a in actions if a["customer_id"] == "C5")
    assert c5["status"] == "skipped" and c5["reason"] == "no_usable_contact"
    # The same dry run again gives the same answer: nothing was recorded.
    assert run(db_url, "2026-03-03T07:00", "--dry-run") == actions


def test_a_run_late_in_the_evening_defers_to_the_next_allowed_morning(
        db_url: str, tmp_path: Path) -> None:
    build(tmp_path, db_url)
    # Friday 2026-03-06 at 21:30: Chile allows contact until 20:00; Saturday is no business day.
    actions = run(db_url, "2026-03-06T21:30-03:00", "--dry-run")
    c1 = next(a for a in actions if a["customer_id"] == "C1")
    assert c1["scheduled_at"] == "2026-03-09T10:00:00-03:00"
    assert c1["deferred_by"] == "cl.window"


def test_running_twice_creates_nothing_new(db_url: str, tmp_path: Path) -> None:
    build(tmp_path, db_url)
    first = run(db_url, "2026-03-03T07:00")
    assert len(first) == 4
    before = snapshot(db_url)
    assert run(db_url, "2026-03-03T07:00") == []
    assert run(db_url, "2026-03-03T15:00") == []  # an overlapping run later the same day
    assert snapshot(db_url) == before


def test_catch_up_after_days_without_a_run_sends_only_the_latest_step(
        db_url: str, tmp_path: Path) -> None:
    build(tmp_path, db_url)
    actions = run(db_url, "2026-03-21T07:00")
    assert by_customer(actions)["C1"] == [("second_reminder", "email", "firm")]
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        skipped = conn.execute(text(
            "SELECT p.step_code FROM dunning_progress p JOIN invoices i ON i.id = p.invoice_id "
            "WHERE i.number = 'F1' AND p.status = 'skipped' ORDER BY p.position")).scalars().all()
    engine.dispose()
    assert skipped == ["before_due", "due_today", "first_overdue"]


def test_nothing_goes_to_disputed_promised_or_paused_accounts(db_url: str,
                                                              tmp_path: Path) -> None:
    build(tmp_path, db_url)
    when = datetime(2026, 3, 2, 12, tzinfo=SANTIAGO)
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        org = current(session)
        open_dispute(session, org=org, now=when, actor="ana", invoice_number="F4",
                     reason="quality")
        record_promise(session, org=org, now=when, actor="ana", customer_code="C1",
                       promised_date=date(2026, 3, 25), amount=Decimal(100000))
        pause(session, org=org, now=when, actor="ana", customer_code="C2",
              reason="owner in hospital", until=date(2026, 4, 30))
    engine.dispose()
    actions = run(db_url, "2026-03-12T07:00", "--dry-run")
    assert {a["customer_id"] for a in actions} == {"C5"}


def test_a_broken_promise_moves_the_customer_to_the_next_step(db_url: str,
                                                              tmp_path: Path) -> None:
    build(tmp_path, db_url)
    assert by_customer(run(db_url, "2026-03-13T07:00"))["C1"] == [
        ("first_overdue", "email", "friendly")]
    engine = make_engine(db_url)
    with unit_of_work(engine) as session:
        record_promise(session, org=current(session), now=datetime(2026, 3, 14, 11,
                       tzinfo=SANTIAGO), actor="ana", customer_code="C1",
                       promised_date=date(2026, 3, 16), amount=Decimal(100000))
    engine.dispose()
    assert "C1" not in by_customer(run(db_url, "2026-03-17T07:00"))  # promise + 2 days' grace
    # The promise is broken on the 19th: the second reminder goes then, not on the 20th.
    assert by_customer(run(db_url, "2026-03-19T07:00"))["C1"] == [
        ("second_reminder", "email", "firm")]


def _sequence(db: str, start: date, days: int) -> list[dict[str, Any]]:
    """Real runs at 07:00 every day; letters are printed (sent) as a worker would."""
    engine = create_engine(db.replace("postgresql://", "postgresql+psycopg://"))
    everything: list[dict[str, Any]] = []
    for n in range(days):
        everything += run(db, f"{(start + timedelta(days=n)).isoformat()}T07:00")
        with engine.begin() as conn:
            conn.execute(text("UPDATE collection_actions SET status = 'sent' "
                              "WHERE channel = 'letter' AND status = 'queued'"))
    engine.dispose()
    return everything


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_season_of_daily_runs_follows_the_default_strategy_within_chilean_law(
        db_url: str, tmp_path: Path) -> None:
    build(tmp_path, db_url)
    actions = _sequence(db_url, date(2026, 3, 1), 110)
    c1 = [(a["step"], a["channel"], a["tone"]) for a in actions if a["customer_id"] == "C1"]
    assert c1 == [
        ("before_due", "email", "friendly"), ("due_today", "email", "friendly"),
        ("first_overdue", "email", "friendly"), ("second_reminder", "email", "firm"),
        ("call", "call", "firm"), ("letter_1", "letter", "formal"),
        ("letter_2", "letter", "formal"), ("late_fee", "none", None),
        ("letter_3", "letter", "final"), ("agency", "none", None)]
    assert not any(a["customer_id"] == "C4" for a in actions)  # paid before the first step
    written: dict[str, list[date]] = defaultdict(list)
    for a in actions:
        moment = datetime.fromisoformat(a["scheduled_at"]).astimezone(SANTIAGO)
        if a["channel"] in WRITTEN and a["status"] != "skipped":
            written[a["customer_id"]].append(moment.date())
        if a["channel"] in ("call", "visit"):
            assert moment.weekday() < 6 and time(8) <= moment.time() < time(20)
    for days in written.values():
        days.sort()
        assert all((b - a).days >= 2 for a, b in zip(days, days[1:], strict=False))
        for first in days:
            assert sum(1 for d in days if first <= d < first + timedelta(days=7)) <= 2


def test_a_dry_run_shows_the_fees_the_law_lets_through_and_posts_none(
        db_url: str, tmp_path: Path) -> None:
    build(tmp_path, db_url)
    before = snapshot(db_url)
    actions = run(db_url, "2026-04-09T07:00", "--dry-run")
    fee = next(a for a in actions if a["customer_id"] == "C1" and a["step"] == "late_fee")
    assert fee["status"] == "done" and "F1-F-late_fee-0" in fee["reason"]
    assert snapshot(db_url) == before  # the fee document was not kept
    real = run(db_url, "2026-04-09T07:00")
    assert next(a for a in real if a["customer_id"] == "C1" and a["step"] == "late_fee") == fee


def test_without_the_days_uf_value_the_chilean_fee_waits_and_the_run_says_so(
        db_url: str, tmp_path: Path) -> None:
    build(tmp_path, db_url)
    result = cli(db_url, "run", "--as-of", "2026-07-20T07:00", "--format", "json")
    assert result.exit_code == 0, result.output
    assert not any(a["step"] == "late_fee" for a in json.loads(result.stdout))
    assert "C1: late_fee waits: no UF value in CLP for 2026-07-20" in result.stderr


def test_the_organisations_closed_days_are_no_business_days(db_url: str, tmp_path: Path) -> None:
    build(tmp_path, db_url)
    ok(db_url, "calendar", "close", "2026-03-03")
    c1 = next(a for a in run(db_url, "2026-03-03T07:00", "--dry-run") if a["customer_id"] == "C1")
    assert c1["scheduled_at"] == "2026-03-04T10:00:00-03:00" and c1["deferred_by"] == "cl.holiday"
    ok(db_url, "calendar", "open", "2026-03-03")
    c1 = next(a for a in run(db_url, "2026-03-03T07:00", "--dry-run") if a["customer_id"] == "C1")
    assert c1["scheduled_at"] == "2026-03-03T10:00:00-03:00"
    assert ok(db_url, "calendar", "list").stdout.split() == ["2026-03-03", "open", "for",
                                                              "collection"]
