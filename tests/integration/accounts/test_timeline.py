"""The customer's timeline in order, and `cobranza audit verify` catching an edited payload, a
deleted entry and a reordered pair (tampered with plain SQL, as an intruder would)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text

import cobranza.cli.timeline  # noqa: F401  (registers `timeline` and `audit`)
from cobranza.accounts import service
from cobranza.db import make_engine
from cobranza.i18n import language
from cobranza.timeline import render
from cobranza.timeline.log import Event, append
from tests.integration.accounts.helpers import NOW, customer_id, uow
from tests.support import cli, ok


@pytest.fixture
def history(db: str) -> str:
    """C001: a promise, a dispute, a sent message and a pause, an hour apart; C002: one entry."""
    with uow(db) as (session, org):
        service.record_promise(session, org=org, now=NOW, actor="ana", customer_code="C001",
                               promised_date=date(2026, 4, 10), amount=Decimal(40000))
        service.open_dispute(session, org=org, now=NOW + timedelta(hours=1), actor="ana",
                             invoice_number="F001", reason="quality")
        append(session, org_id=org.id, events=[Event(
            customer_id(session, "C001"), NOW + timedelta(hours=2), "message_sent", "worker",
            {"channel": "email", "step": "overdue_3", "invoices": ["F001"],
             "subject": "Factura F001 vencida", "text": "Estimado cliente: su factura F001..."})])
        service.pause(session, org=org, now=NOW + timedelta(hours=3), actor="jefe",
                      customer_code="C001", reason="viaje", until=date(2026, 4, 20))
        service.set_do_not_contact(session, org=org, now=NOW, actor="ana", customer_code="C002",
                                   on=True, reason="cese")
    return db


def _sql(db: str, *statements: str) -> None:
    engine = make_engine(db)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    engine.dispose()


def test_the_timeline_lists_entries_in_order_at_local_time(history: str) -> None:
    entries = json.loads(ok(history, "timeline", "C001", "--format", "json").stdout)
    assert [(e["seq"], e["kind"], e["actor"]) for e in entries] == [
        (1, "promise", "ana"), (2, "dispute", "ana"), (3, "message_sent", "worker"),
        (4, "pause", "jefe")]
    assert [e["at"] for e in entries] == [
        "2026-04-01T12:00:00-03:00", "2026-04-01T13:00:00-03:00", "2026-04-01T14:00:00-03:00",
        "2026-04-01T15:00:00-03:00"]
    assert entries[0]["summary"] == "promised 40000 CLP by 2026-04-10, taken by ana"
    assert entries[2]["payload"]["subject"] == "Factura F001 vencida"


def test_the_table_shows_message_content_only_on_request(history: str) -> None:
    short = ok(history, "timeline", "C001").stdout
    assert "email · overdue_3 · F001: Factura F001 vencida" in short
    assert "Estimado cliente" not in short
    assert "Estimado cliente" in ok(history, "timeline", "C001", "--full").stdout
    spanish = cli(history, "timeline", "C001", lang="es").stdout
    assert "disputa sobre F001 abierta por ana: calidad" in spanish


def test_an_untouched_log_verifies(history: str) -> None:
    assert ok(history, "audit", "verify").stdout.strip() == (
        "OK: 5 entries in 2 timelines verified.")


def test_an_edited_payload_is_detected(history: str) -> None:
    _sql(history, "UPDATE activity_log SET payload = REPLACE(payload, '40000', '4000') "
                  "WHERE seq = 1 AND kind = 'promise'")
    result = cli(history, "audit", "verify")
    assert result.exit_code == 1
    assert "C001 entry 1: the entry was changed" in result.stderr
    assert "1 problem found" in result.stderr


def test_a_deleted_middle_entry_is_detected(history: str) -> None:
    _sql(history, "DELETE FROM activity_log WHERE seq = 2 AND kind = 'dispute'")
    result = cli(history, "audit", "verify", lang="es")
    assert result.exit_code == 1
    assert "C001 entrada 3: falta una entrada o está fuera de orden" in result.stderr


def test_a_reordered_pair_is_detected(history: str) -> None:
    # Swap entries 2 and 3 (through a free seq, as the unique index demands).
    c001 = "(SELECT id FROM customers WHERE code = 'C001')"
    _sql(history,
         f"UPDATE activity_log SET seq = 99 WHERE seq = 2 AND customer_id = {c001}",
         f"UPDATE activity_log SET seq = 2 WHERE seq = 3 AND customer_id = {c001}",
         f"UPDATE activity_log SET seq = 3 WHERE seq = 99 AND customer_id = {c001}")
    result = cli(history, "audit", "verify")
    assert result.exit_code == 1
    assert "C001 entry 2: the link to the previous entry is broken" in result.stderr
    assert "C002" not in result.stderr


def test_an_unknown_customer_is_refused(history: str) -> None:
    result = cli(history, "timeline", "C404")
    assert result.exit_code == 2 and "unknown customer 'C404'" in result.stderr


def test_summaries_of_entries_other_parts_write() -> None:
    posting = {"document": "F001-FEE-1", "kind": "fee", "invoice": "F001", "amount": "3600",
               "currency": "CLP"}
    bounced = {"channel": "email", "step": "overdue_3", "invoices": ["F001", "F002"],
               "reason": "550 no such user"}
    with language("es"):
        assert render.summary("posting", posting) == "F001-FEE-1 cargado a F001: 3600 CLP"
        assert render.kind_label("message_bounced") == "mensaje rebotado"
        assert render.summary("payment_plan", {"event": "agreed", "total": "20000",
                                               "currency": "CLP", "by": "ana",
                                               "instalments": [[1, 2]]}) == (
            "plan de pago de 20000 CLP en 1 cuota acordado con ana")
    with language("en"):
        assert render.summary("message_bounced", bounced) == (
            "email · overdue_3 · F001, F002: 550 no such user")
        assert render.summary("credit_block", {"blocked": True, "big": "x" * 100}) == (
            "blocked=True")
        assert render.content("message_bounced", bounced) is None
        assert render.content("message_sent", {"subject": "S", "text": "T"}) == "S\nT"


def test_a_reconciled_payment_reads_as_money_in_both_languages() -> None:
    # As reconciliation.apply stores it: the amount in minor units, the confidence a string.
    matched = {"transaction": "T7", "date": "2026-03-30", "amount": 98010, "currency": "USD",
               "invoices": ["F001", "F002"], "method": "auto", "confidence": "0.97"}
    with language("en"):
        assert render.kind_label("payment_matched") == "payment applied"
        assert render.summary("payment_matched", matched) == (
            "$980.10 received on 2026-03-30 (bank transaction T7) applied to invoices F001, "
            "F002; matched automatically with confidence 0.970")
        assert render.summary("payment_unmatched", {"line": 7}) == (
            "the match of bank line 7 was reversed; its invoices owe again what it paid")
    with language("es"):
        assert render.kind_label("payment_matched") == "pago aplicado"
        assert render.kind_label("payment_unmatched") == "pago revertido"
        assert render.summary("payment_matched", matched, locale="es_CL") == (
            "US$980,10 recibido el 2026-03-30 (transacción bancaria T7) aplicado a las facturas "
            "F001, F002; conciliado automáticamente con confianza 0.970")
        one = matched | {"invoices": ["F001"], "method": "manual", "amount": 1500000,
                         "currency": "CLP"}
        assert render.summary("payment_matched", one, locale="en_US") == (
            "1.500.000\u00a0CLP recibido el 2026-03-30 (transacción bancaria T7) aplicado a la "
            "factura F001; asignado por una persona")  # an English locale: the reader's
        assert render.summary("payment_matched", one | {"invoices": []}).endswith(
            "aplicado a cuenta; asignado por una persona")
