"""A collections day as a user runs it: `cobranza run`, then `cobranza worker --once` delivering
to a real SMTP server; nothing goes twice."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.smtp_server import SmtpServer
from tests.support import ok, write_csv

CUSTOMERS = ("id,name,tax_id,email,phone,whatsapp,language,country,timezone,preferred_channel,"
             "segment,credit_limit")


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    for name, value in server.settings_env().items():
        monkeypatch.setenv(name, value)
    yield server
    server.stop()


def _ledger(tmp: Path, db: str) -> None:
    ok(db, "init", "--country", "CL", "--name", "Comercial Andes SpA", "--tax-id", "76.086.428-5",
       "--email", "cobranza@andes.cl", "--payment-instructions",
       "Transferencia a Banco Estado, cuenta corriente 123456, RUT 76.086.428-5")
    ok(db, "import", "customers", str(write_csv(
        tmp / "clientes.csv", CUSTOMERS,
        "C1,Ferretería Uno,,pagos@uno.cl,,,es,CL,America/Santiago,email,pyme,",
        "C2,Two Imports,,ap@two.com,,,en,CL,America/Santiago,email,pyme,")))
    ok(db, "import", "invoices", str(write_csv(
        tmp / "facturas.csv", "number,customer_id,issue_date,due_date,currency,amount",
        "F-101,C1,2026-02-01,2026-03-10,CLP,1234567",
        "F-102,C1,2026-02-05,2026-03-10,CLP,250000",
        "F-201,C2,2026-02-05,2026-03-10,CLP,99000")))


def test_a_run_and_the_worker_deliver_one_consolidated_email_per_customer(
        smtp: SmtpServer, db_url: str, tmp_path: Path) -> None:
    _ledger(tmp_path, db_url)
    planned = json.loads(ok(db_url, "run", "--as-of", "2026-03-03T07:00", "--format",
                            "json").stdout)
    assert [(a["customer_id"], a["step"], a["invoices"]) for a in planned] == [
        ("C1", "before_due", ["F-101", "F-102"]), ("C2", "before_due", ["F-201"])]
    # Before 10:00 (the mid-morning hour the run chose) nothing is due yet.
    ok(db_url, "worker", "--once", "--as-of", "2026-03-03T09:00:00-03:00")
    assert smtp.received == []
    ok(db_url, "worker", "--once", "--as-of", "2026-03-03T10:01:00-03:00")
    ok(db_url, "worker", "--once", "--as-of", "2026-03-03T10:05:00-03:00")  # nothing twice
    assert sorted(r.rcpt_tos for r in smtp.received) == [("ap@two.com",), ("pagos@uno.cl",)]
    mail = next(r.message for r in smtp.received if r.rcpt_tos == ("pagos@uno.cl",))
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    for body in (text, html):
        assert "F-101" in body and "F-102" in body
        assert "1.484.567" in body  # the total of both, written as in Chile
        assert "Banco Estado" in body  # how to pay
    assert "Ferretería Uno" in text
    assert mail["List-Unsubscribe"]
    assert mail["Content-Language"] == "es"
    pdfs = [part for part in mail.iter_attachments()
            if part.get_content_type() == "application/pdf"]
    assert len(pdfs) == 1 and pdfs[0].get_content().startswith(b"%PDF")
    english = next(r.message for r in smtp.received if r.rcpt_tos == ("ap@two.com",))
    assert "F-201" in english.get_body(("plain",)).get_content()
    outbox = json.loads(ok(db_url, "outbox", "--format", "json").stdout)
    assert {(o["customer_id"], o["status"]) for o in outbox} == {("C1", "sent"), ("C2", "sent")}
    for entry in outbox:
        assert set(entry) == {"id", "customer_id", "step", "channel", "scheduled_at", "status",
                              "reason"}
        assert entry["scheduled_at"].endswith("-03:00")
    # The message-id is the action's key: a resend after a crash is recognisably the same mail.
    assert all(r.message["Message-ID"].endswith("@cobranza>") for r in smtp.received)
    keys = {o["customer_id"]: o["id"] for o in outbox}
    assert len({r.message["Message-ID"] for r in smtp.received}) == len(keys) == 2
    timeline = json.loads(ok(db_url, "timeline", "C1", "--format", "json").stdout)
    kinds = [entry["kind"] for entry in timeline]
    assert "action_planned" in kinds and "message_sent" in kinds
    assert ok(db_url, "audit", "verify").stdout.startswith("OK:")
