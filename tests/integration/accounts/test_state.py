"""Disputes, pauses, extensions, do-not-contact and satisfaction answers: their rules, their
refusals (which write nothing), and the sets the daily run reads to leave customers alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cobranza.accounts import repository, service
from cobranza.accounts.errors import InvalidInput
from cobranza.i18n import language
from cobranza.models import Invoice
from tests.integration.accounts.helpers import (
    NOW,
    counts,
    customer_id,
    make_task,
    timeline_kinds,
    uow,
)

TODAY = date(2026, 4, 1)


def _invoice_id(session: Session, number: str) -> int:
    return session.execute(select(Invoice.id).where(Invoice.number == number)).scalar_one()


def _refused(session: Session, field: str, message: str, call: Callable[..., object],
             **kwargs: object) -> None:
    """`call` refuses at `field` with `message`, and nothing is written."""
    before = counts(session)
    with language("en"), pytest.raises(InvalidInput) as refused:
        call(session, now=NOW, actor="ana", **kwargs)
    assert refused.value.field == field
    assert message in refused.value.message
    assert counts(session) == before


def test_a_dispute_stops_its_invoice_until_resolved(db: str) -> None:
    with uow(db) as (session, org):
        dispute = service.open_dispute(session, org=org, now=NOW, actor="ana",
                                       invoice_number="F001", reason="wrong-amount",
                                       note="dice que eran 35.000")
        assert dispute.reason == "wrong_amount" and dispute.opened_by == "ana"
        assert repository.disputed_invoices(session, org_id=org.id) == {
            _invoice_id(session, "F001")}
        _refused(session, "invoice", "F001 already has an open dispute", service.open_dispute,
                 org=org, invoice_number="F001", reason="quality")
        later = NOW + timedelta(days=3)
        service.resolve_dispute(session, org=org, now=later, actor="jefe", invoice_number="F001",
                                resolution="nota de crédito por 5.000")
        assert (dispute.resolved_at, dispute.resolved_by) == (later, "jefe")
        assert repository.disputed_invoices(session, org_id=org.id) == set()
        assert [p["event"] for k, p in timeline_kinds(session, "C001")] == ["opened", "resolved"]
        # Resolved, the invoice may be disputed again.
        service.open_dispute(session, org=org, now=later, actor="ana", invoice_number="F001",
                             reason="other")


def test_dispute_refusals(db: str) -> None:
    with uow(db) as (session, org):
        _refused(session, "reason", "'late' is not a dispute reason; expected one of "
                 "not_received, wrong_amount, quality, service, already_paid, other",
                 service.open_dispute, org=org, invoice_number="F001", reason="late")
        _refused(session, "invoice", "unknown invoice 'F404'", service.open_dispute, org=org,
                 invoice_number="F404", reason="quality")
        _refused(session, "invoice", "F001 has no open dispute", service.resolve_dispute,
                 org=org, invoice_number="F001", resolution="ok")
        service.open_dispute(session, org=org, now=NOW, actor="ana", invoice_number="F001",
                             reason="quality")
        _refused(session, "resolution", "missing value", service.resolve_dispute, org=org,
                 invoice_number="F001", resolution="  ")


def test_reason_labels_are_translated() -> None:
    with language("es"):
        assert service.dispute_reason_label("not_received") == "no recibido"
    with language("en"):
        assert service.dispute_reason_label("already_paid") == "already paid"


def test_a_pause_lasts_through_its_end_date_and_can_be_lifted(db: str) -> None:
    with uow(db) as (session, org):
        first = service.pause(session, org=org, now=NOW, actor="ana", customer_code="C001",
                              reason="cliente en vacaciones", until=date(2026, 4, 10))
        c001 = customer_id(session, "C001")
        assert repository.paused_customers(session, org_id=org.id,
                                           today=date(2026, 4, 10)) == {c001}
        assert repository.paused_customers(session, org_id=org.id,
                                           today=date(2026, 4, 11)) == set()
        # A new pause replaces the one in force.
        second = service.pause(session, org=org, now=NOW, actor="ana", customer_code="C001",
                               reason="reestructuración", until=date(2026, 5, 1))
        assert first.lifted_at == NOW and second.lifted_at is None
        lifted = service.lift_pause(session, org=org, now=NOW, actor="ana", customer_code="C001")
        assert lifted == [second] and second.lifted_at == NOW
        assert repository.paused_customers(session, org_id=org.id, today=TODAY) == set()
        assert [p["event"] for _k, p in timeline_kinds(session, "C001")] == [
            "paused", "paused", "lifted"]


def test_pause_refusals(db: str) -> None:
    with uow(db) as (session, org):
        _refused(session, "reason", "missing value", service.pause, org=org,
                 customer_code="C001", reason=" ", until=date(2026, 5, 1))
        _refused(session, "until", "2026-04-01 is not in the future", service.pause, org=org,
                 customer_code="C001", reason="x", until=TODAY)
        _refused(session, "customer", "unknown customer 'X'", service.pause, org=org,
                 customer_code="X", reason="x", until=date(2026, 5, 1))
        _refused(session, "customer", "C001 is not paused", service.lift_pause, org=org,
                 customer_code="C001")


def test_extensions_move_the_effective_due_date_and_count_cycles(db: str) -> None:
    with uow(db) as (session, org):
        service.grant_extension(session, org=org, now=NOW, actor="ana", invoice_number="F001",
                                new_due_date=date(2026, 4, 15), reason="espera un pago")
        _refused(session, "due_date", "2026-04-15 is not after the current due date 2026-04-15",
                 service.grant_extension, org=org, invoice_number="F001",
                 new_due_date=date(2026, 4, 15), reason="otra vez")
        second = service.grant_extension(session, org=org, now=NOW, actor="jefe",
                                         invoice_number="F001", new_due_date=date(2026, 4, 30),
                                         reason="otra vez", granted_by="gerencia")
        assert second.granted_by == "gerencia"
        assert repository.effective_due_dates(session, org_id=org.id) == {
            _invoice_id(session, "F001"): (date(2026, 4, 30), 2)}
        assert timeline_kinds(session, "C001")[-1][1] == {
            "extension_id": second.id, "invoice": "F001", "due_date": "2026-04-30",
            "previous_due_date": "2026-04-15", "cycle": 2, "reason": "otra vez",
            "by": "gerencia"}


def test_extension_refusals(db: str) -> None:
    with uow(db) as (session, org):
        _refused(session, "due_date", "2026-01-20 is not after the current due date 2026-01-31",
                 service.grant_extension, org=org, invoice_number="F001",
                 new_due_date=date(2026, 1, 20), reason="x")
        _refused(session, "due_date", "2026-03-01 is in the past", service.grant_extension,
                 org=org, invoice_number="F001", new_due_date=date(2026, 3, 1), reason="x")
        _refused(session, "invoice", "F002 is paid", service.grant_extension, org=org,
                 invoice_number="F002", new_due_date=date(2026, 5, 1), reason="x")
        _refused(session, "reason", "missing value", service.grant_extension, org=org,
                 invoice_number="F001", new_due_date=date(2026, 5, 1), reason="")


def test_do_not_contact_needs_a_reason_and_can_be_undone(db: str) -> None:
    with uow(db) as (session, org):
        _refused(session, "reason", "missing value", service.set_do_not_contact, org=org,
                 customer_code="C002", on=True, reason=None)
        customer = service.set_do_not_contact(session, org=org, now=NOW, actor="ana",
                                              customer_code="C002", on=True,
                                              reason="pidió no ser contactado (cese)")
        assert customer.do_not_contact_reason == "pidió no ser contactado (cese)"
        assert repository.do_not_contact_customers(session, org_id=org.id) == {customer.id}
        service.set_do_not_contact(session, org=org, now=NOW, actor="ana",
                                   customer_code="C002", on=False)
        assert repository.do_not_contact_customers(session, org_id=org.id) == set()
        assert customer.do_not_contact_reason is None


def test_the_run_gets_every_reason_to_leave_a_customer_alone_in_one_set(db: str) -> None:
    with uow(db) as (session, org):
        service.set_do_not_contact(session, org=org, now=NOW, actor="ana", customer_code="C001",
                                   on=True, reason="opt-out")
        service.pause(session, org=org, now=NOW, actor="ana", customer_code="C001",
                      reason="x", until=date(2026, 4, 20))
        service.record_promise(session, org=org, now=NOW, actor="ana", customer_code="C002",
                               promised_date=date(2026, 4, 3), amount=Decimal(20000))
        service.record_payment_plan(session, org=org, now=NOW, actor="ana",
                                    customer_code="M001",
                                    instalments=[(date(2026, 4, 30), Decimal("1660.25"))])
        ids = {code: customer_id(session, code) for code in ("C001", "C002", "M001")}
        assert repository.suppressed_customers(session, org_id=org.id, today=TODAY) == {
            ids["C001"]: "do_not_contact", ids["C002"]: "promise", ids["M001"]: "payment_plan"}
        # After the promise's date plus its grace, only the promise stops protecting C002.
        later = repository.suppressed_customers(session, org_id=org.id, today=date(2026, 4, 6))
        assert ids["C002"] not in later and later[ids["M001"]] == "payment_plan"
        assert repository.planned_customers(session, org_id=org.id) == {ids["M001"]}


@pytest.mark.parametrize(("answer", "score"), [
    ("5", 5), ("4/5", 4), (" 3 / 5 ", 3), ("5 estrellas", 5), ("Bien", 4), ("bien, gracias", 4),
    ("Muy bien!", 5), ("MAL", 2), ("muy mal", 1), ("Pésimo servicio", 1), ("good", 4),
    ("bad", 2), ("very good", 5), ("más o menos", 3), ("no muy bien", None), ("7", None),
    ("¿quién habla?", None),
])
def test_satisfaction_scores(answer: str, score: int | None) -> None:
    assert service.parse_score(answer) == score


def test_a_satisfaction_answer_keeps_the_raw_text(db: str) -> None:
    with uow(db) as (session, org):
        row = service.record_satisfaction(session, org=org, now=NOW, actor="cliente",
                                          customer_code="C001", answer="  Bien, gracias  ")
        assert (row.answer, row.score) == ("Bien, gracias", 4)
        unclear = service.record_satisfaction(session, org=org, now=NOW, actor="cliente",
                                              customer_code="C001", answer="llámenme")
        assert (unclear.answer, unclear.score) == ("llámenme", None)
        _refused(session, "answer", "missing value", service.record_satisfaction, org=org,
                 customer_code="C001", answer=" ")


def test_a_satisfaction_answer_names_an_action_of_the_same_customer(db: str) -> None:
    with uow(db) as (session, org):
        task = make_task(session, org, "C002", invoices=["F004"], scheduled_at=NOW)
        _refused(session, "action_id", f"{task.action_id} is not an action of C001",
                 service.record_satisfaction, org=org, customer_code="C001", answer="5",
                 action_id=task.action_id)
        row = service.record_satisfaction(session, org=org, now=NOW, actor="cliente",
                                          customer_code="C002", answer="5",
                                          action_id=task.action_id)
        assert row.action_id == task.action_id

