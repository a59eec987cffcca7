"""Steps with conditions: decided invoice by invoice, with the customer's segment and overdue.

A strategy without conditions is decided once per distinct case (due date, progress); one with
conditions must still see each customer's own segment and overdue amount per currency.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from tests.support import cli, ok, write_csv

CUSTOMERS = ("id,name,tax_id,email,phone,whatsapp,language,country,timezone,preferred_channel,"
             "segment,credit_limit,contact_hours,collector")
INVOICES = "number,customer_id,issue_date,due_date,currency,amount"
STRATEGY = """\
code: conditional
name: Con condiciones
default: true
limits: {written_per_7_days: 2}
steps:
  - code: vip_note
    offset: 3
    action: message
    tone: friendly
    template: first_overdue
    when: {segments: [vip]}
  - code: large_debt
    offset: 5
    action: message
    tone: firm
    template: second_reminder
    when: {min_overdue: {CLP: 150000}}
"""


def build(tmp: Path, db: str) -> None:
    """Four customers: two VIPs and two others, one of each owing 150,000 CLP or more."""
    ok(db, "init", "--country", "CL", "--name", "Comercial Andes SpA")
    ok(db, "import", "customers", str(write_csv(
        tmp / "clientes.csv", CUSTOMERS,
        "C1,Uno VIP,,uno@vip.cl,,,es,CL,America/Santiago,email,vip,,,",
        "C2,Dos,,dos@pyme.cl,,,es,CL,America/Santiago,email,pyme,,,",
        "C3,Tres,,tres@pyme.cl,,,es,CL,America/Santiago,email,pyme,,,",
        "C4,Cuatro VIP,,cuatro@vip.cl,,,es,CL,America/Santiago,email,vip,,,")))
    ok(db, "import", "invoices", str(write_csv(
        tmp / "facturas.csv", INVOICES,
        "F1,C1,2026-02-08,2026-03-10,CLP,100000",
        "F2,C2,2026-02-08,2026-03-10,CLP,100000",
        "F3,C3,2026-02-08,2026-03-10,CLP,100000",
        "F4,C3,2026-02-08,2026-03-12,CLP,100000",
        "F5,C4,2026-02-08,2026-03-10,CLP,200000")))
    strategy = tmp / "conditional.yaml"
    strategy.write_text(STRATEGY, encoding="utf-8")
    ok(db, "strategy", "import", str(strategy))


def run(db: str, *extra: str) -> list[tuple[str, str, list[str]]]:
    result = cli(db, "run", "--as-of", "2026-03-20T07:00", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    actions: list[dict[str, Any]] = json.loads(result.stdout)
    return sorted((a["customer_id"], a["step"], a["invoices"]) for a in actions)


def test_each_customer_gets_only_the_steps_its_segment_and_overdue_allow(
        db_url: str, tmp_path: Path) -> None:
    build(tmp_path, db_url)
    assert run(db_url, "--dry-run") == [
        ("C1", "vip_note", ["F1"]),  # a VIP owing 100,000: the VIP note only
        # C2 owes 100,000 and is no VIP: nothing applies
        ("C3", "large_debt", ["F3", "F4"]),  # 200,000 overdue over two invoices, one message
        ("C4", "large_debt", ["F5"]),  # a VIP owing 200,000: the firmer step, not both
    ]


def test_the_written_run_records_the_step_the_catch_up_jumped(db_url: str,
                                                               tmp_path: Path) -> None:
    build(tmp_path, db_url)
    assert [a[:2] for a in run(db_url)] == [("C1", "vip_note"), ("C3", "large_debt"),
                                            ("C4", "large_debt")]
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        progress = conn.execute(text(
            "SELECT i.number, p.step_code, p.status FROM dunning_progress p "
            "JOIN invoices i ON i.id = p.invoice_id ORDER BY i.number, p.position")).all()
    engine.dispose()
    assert [tuple(row) for row in progress] == [
        ("F1", "vip_note", "done"), ("F3", "large_debt", "done"), ("F4", "large_debt", "done"),
        ("F5", "vip_note", "skipped"), ("F5", "large_debt", "done")]
    assert run(db_url) == []  # nothing new the same day
