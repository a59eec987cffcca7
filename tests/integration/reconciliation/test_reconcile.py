"""Reconciling bank lines: what is applied without a person, what waits for review, what the
review decides, what a confirmed match teaches, and that reversing restores invoices exactly."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cobranza.core.allocation import Credit
from cobranza.core.references import invoice_reference, printed
from cobranza.ledger import replay as replay_module
from cobranza.ledger.replay import replay_customers
from cobranza.models import (
    Allocation,
    BankStatement,
    BankTransaction,
    CustomerAlias,
    Invoice,
    PaymentReference,
)
from cobranza.reconciliation import matcher, service
from cobranza.reconciliation.review import (
    Part,
    ReviewError,
    confirm,
    decide_line,
    ignore,
    reverse,
)
from cobranza.reconciliation.service import reconcile
from tests.integration.reconciliation.helpers import (
    INVOICES,
    NOW,
    add_lines,
    invoice_id,
    open_amounts,
    seed_ledger,
    uow,
)
from tests.support import cli, ok, write_csv


@pytest.fixture
def db(tmp_path: Path, db_url: str) -> str:
    """Three Mexican customers with open invoices in MXN."""
    return seed_ledger(tmp_path, db_url)


def run(db: str, *, auto: bool = True) -> dict[int, tuple[str, str | None, list[str]]]:
    with uow(db) as (session, org):
        out = reconcile(session, org_id=org.id, now=NOW, auto=auto)
        result = {}
        for v in out.verdicts:
            best = v.suggestions[0] if v.suggestions else None
            result[v.line.id] = (v.status,
                                 out.codes[best.customer_id] if best else None,
                                 [out.numbers[i] for i in best.invoice_ids] if best else [])
        return result


def _paid_three_ways(db: str, *more: dict[str, Any]) -> list[int]:
    ref = printed(invoice_reference(invoice_id(db, "A-1002")))
    return add_lines(
        db,
        # an RF reference, paid in full
        {"amount": 232050, "remittance": f"PAGO {ref}", "counterparty_name": "X"},
        # an invoice number in the text, paid by a third party
        {"amount": 999999, "remittance": "PAGO FACTURA B-2001", "counterparty_name": "JUAN P"},
        # the name with a typo, and the exact amount of one invoice
        {"amount": 750000, "counterparty_name": "DISTRIBUIDORA DEL BAJIO SA DE CV"},
        *more)


def test_references_invoice_numbers_and_names_with_amounts_are_applied(db: str) -> None:
    ids = _paid_three_ways(db)
    before = open_amounts(db)
    result = run(db)
    assert result[ids[0]] == ("applied", "M001", ["A-1002"])
    assert result[ids[1]] == ("applied", "M002", ["B-2001"])
    assert result[ids[2]] == ("applied", "M003", ["C-3001"])
    after = open_amounts(db)
    assert (after["A-1002"], after["B-2001"], after["C-3001"]) == (0, 0, 0)
    assert after["A-1001"] == before["A-1001"]


def test_split_across_processes_a_call_decides_as_in_one(
        db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Forked even for a few lines: names and references made plain by one process while this
    # one reads the ledger, the lines matched by two.
    monkeypatch.setattr(service, "FORK_LEAST", 1)
    monkeypatch.setattr(matcher, "PARALLEL_LEAST", 1)
    ids = _paid_three_ways(db, {"amount": 123, "counterparty_name": "NADIE CONOCIDO"})

    def verdicts(workers: int) -> list[tuple[object, ...]]:
        with uow(db) as (session, org):
            out = reconcile(session, org_id=org.id, now=NOW, auto=False, workers=workers)
            return [(v.line.id, v.status, v.suggestions) for v in out.verdicts]

    alone = verdicts(1)
    assert verdicts(2) == alone
    assert [status for _id, status, _s in alone] == ["review", "review", "review", "unmatched"]
    with uow(db) as (session, org):
        out = reconcile(session, org_id=org.id, now=NOW, auto=True, workers=2)
        assert {v.line.id: (v.status, out.codes[v.suggestions[0].customer_id])
                for v in out.verdicts if v.status == "applied"} == {
            ids[0]: ("applied", "M001"), ids[1]: ("applied", "M002"),
            ids[2]: ("applied", "M003")}


def test_one_payment_for_several_invoices_and_a_deducted_bank_fee(db: str) -> None:
    ids = add_lines(
        db,
        # A-1001 + A-1003 = 1,740.00 (a subset, not the oldest two)
        {"amount": 174000, "counterparty_name": "ABARROTES LA ESPERANZA"},
        # 9,999.99 less a 15.00 wire fee, with the invoice number
        {"amount": 998499, "remittance": "FACT B 2001", "counterparty_name": "FERRETERIA HDZ"},
    )
    result = run(db)
    assert result[ids[0]] == ("applied", "M001", ["A-1001", "A-1003"])
    assert result[ids[1]] == ("applied", "M002", ["B-2001"])
    after = open_amounts(db)
    assert (after["A-1001"], after["A-1003"], after["B-2001"]) == (0, 0, 0)


def test_the_early_payment_discount_taken_in_time_settles_the_invoice(db: str) -> None:
    # B-2002: 5,000.00 on 2/10 terms, issued 2026-03-25: 4,900.00 until 2026-04-04.
    ids = add_lines(db, {"amount": 490000, "remittance": "PAGO FACTURA B-2002",
                         "counterparty_name": "FERRETERIA HERNANDEZ HERMANOS"})
    with uow(db) as (session, org):
        out = reconcile(session, org_id=org.id, now=NOW, auto=True)
        (verdict,) = [v for v in out.verdicts if v.line.id == ids[0]]
        assert verdict.status == "applied"
        assert verdict.suggestions[0].fit.kind == "discount"
        assert [out.numbers[i] for i in verdict.suggestions[0].invoice_ids] == ["B-2002"]
    assert open_amounts(db)["B-2002"] == 0  # the replay forgave the 100.00 discount


def test_amount_or_name_alone_waits_for_review_with_suggestions(db: str) -> None:
    ids = add_lines(
        db,
        {"amount": 750000, "counterparty_name": "PAGOS VARIOS SA"},  # amount only
        {"amount": 12345, "counterparty_name": "Abarotes La Esperansa"},  # a name like it
        {"amount": 5000, "counterparty_name": "BANCO COMISION"},  # nothing
        {"amount": -25000, "remittance": "COMISION MANEJO CUENTA"},  # money out
    )
    before = open_amounts(db)
    result = run(db)
    assert result[ids[0]] == ("review", "M003", ["C-3001"])
    assert result[ids[1]][:2] == ("review", "M001")
    assert result[ids[2]] == ("unmatched", None, [])
    assert result[ids[3]] == ("ignored", None, [])
    assert open_amounts(db) == before


def test_money_from_exactly_the_customer_s_name_goes_on_account_oldest_first(db: str) -> None:
    # 1,500.00 from the customer's own name matches no invoice: the payer is the customer,
    # and money that names no invoice settles the oldest first (DOMAIN.md, allocation).
    line, = add_lines(db, {"amount": 150000, "counterparty_name": "ABARROTES LA ESPERANZA"})
    assert run(db)[line] == ("applied", "M001", ["A-1001", "A-1002"])
    after = open_amounts(db)
    assert (after["A-1001"], after["A-1002"]) == (0, 232050 - 34000)


def test_without_auto_nothing_is_applied(db: str) -> None:
    ref = printed(invoice_reference(invoice_id(db, "A-1002")))
    ids = add_lines(db, {"amount": 232050, "remittance": ref})
    before = open_amounts(db)
    assert run(db, auto=False)[ids[0]] == ("review", "M001", ["A-1002"])
    assert open_amounts(db) == before


def test_confirming_learns_the_payer_and_the_next_payment_is_applied(db: str) -> None:
    first, = add_lines(db, {"amount": 116000, "counterparty_name": "JUAN PEREZ LOPEZ",
                            "counterparty_account": "021180040012345678"})
    assert run(db)[first][0] == "review"
    with uow(db) as (session, org):
        decide_line(session, org_id=org.id, line_id=first, parts=[Part("M001", ("A-1001",))],
                    method="manual", now=NOW, user="ana")
    with uow(db) as (session, _org):
        taught = {(a.kind, a.value) for a in session.scalars(select(CustomerAlias))}
    assert taught == {("name", "JUAN PEREZ LOPEZ"), ("account", "021180040012345678")}
    second, = add_lines(db, {"amount": 58000, "counterparty_name": "JUAN PEREZ LOPEZ",
                             "counterparty_account": "021180040012345678"})
    assert run(db)[second] == ("applied", "M001", ["A-1003"])


def test_the_accounts_own_number_given_as_the_payers_is_not_learnt(db: str) -> None:
    line, = add_lines(db, {"amount": 116000, "counterparty_name": "JUAN PEREZ LOPEZ",
                           "counterparty_account": "0121 8000 1234 5678 97"})
    with uow(db) as (session, org):
        decide_line(session, org_id=org.id, line_id=line, parts=[Part("M001", ("A-1001",))],
                    method="manual", now=NOW, user="ana")
    with uow(db) as (session, _org):
        taught = {(a.kind, a.value) for a in session.scalars(select(CustomerAlias))}
    assert taught == {("name", "JUAN PEREZ LOPEZ")}


def test_reversing_restores_the_invoices_exactly(db: str) -> None:
    before = open_amounts(db)
    line, = add_lines(db, {"amount": 998499, "remittance": "B-2001", "counterparty_name": "X"})
    assert run(db)[line][0] == "applied"
    assert open_amounts(db) != before
    with uow(db) as (session, org):
        assert reverse(session, org_id=org.id, line_id=line, now=NOW, user="ana") == 1
    assert open_amounts(db) == before
    with uow(db) as (session, _org):
        assert session.get(BankTransaction, line).status == "review"  # type: ignore[union-attr]


def test_review_decisions_split_pick_and_ignore(db: str) -> None:
    split, other = add_lines(db, {"amount": 1116000, "counterparty_name": "GRUPO"},
                             {"amount": 750000, "counterparty_name": "PAGOS SA"})
    run(db)
    with uow(db) as (session, org):
        with pytest.raises(ReviewError, match="add up"):
            decide_line(session, org_id=org.id, line_id=split,
                        parts=[Part("M002", ("B-2001",), Decimal("9999.99"))],
                        method="split", now=NOW, user="ana")
        decide_line(session, org_id=org.id, line_id=split,
                    parts=[Part("M002", ("B-2001",), Decimal("9999.99")),
                           Part("M001", ("A-1001",), Decimal("1160.01"),
                                rest_on_account=True)],
                    method="split", now=NOW, user="ana")
        confirm(session, org_id=org.id, line_id=other, pick=1, now=NOW, user="ana")
    after = open_amounts(db)
    assert (after["B-2001"], after["A-1001"], after["C-3001"]) == (0, 0, 0)
    noise, = add_lines(db, {"amount": 100, "counterparty_name": "INTERESES"})
    run(db)
    with uow(db) as (session, org):
        ignore(session, org_id=org.id, line_id=noise, now=NOW, user="ana")
        assert session.get(BankTransaction, noise).status == "ignored"  # type: ignore[union-attr]


def test_a_virtual_clabe_names_the_customer(db: str) -> None:
    with uow(db) as (session, org):
        m3 = session.scalar(select(Invoice.customer_id).where(Invoice.number == "C-3001"))
        session.add(PaymentReference(org_id=org.id, kind="clabe", value="646180000000000423",
                                     customer_id=m3, created_at=NOW))
    line, = add_lines(db, {"amount": 300000, "counterparty_name": "SPEI",
                           "remittance": "646180000000000423"})
    assert run(db)[line] == ("applied", "M003", ["C-3001"])
    assert open_amounts(db)["C-3001"] == 450000


def test_statements_are_reconciled_once_nothing_waits(db: str) -> None:
    ref = printed(invoice_reference(invoice_id(db, "A-1002")))
    add_lines(db, {"amount": 232050, "remittance": ref})
    run(db)
    with uow(db) as (session, _org):
        assert all(s.reconciled_at is not None for s in session.scalars(select(BankStatement)))
    add_lines(db, {"amount": 1, "counterparty_name": "Abarotes La Esperansa"})
    run(db)
    with uow(db) as (session, _org):
        assert [s.reconciled_at is None for s in session.scalars(
            select(BankStatement).order_by(BankStatement.id))] == [False, True]
    # Money in that nothing points to waits for a person too, until they say whose it is.
    stranger, = add_lines(db, {"amount": 5000, "counterparty_name": "ZZ QQ",
                               "remittance": "DEPOSITO"})
    assert run(db)[stranger][0] == "unmatched"
    with uow(db) as (session, org):
        statuses = [s.reconciled_at is None for s in session.scalars(
            select(BankStatement).order_by(BankStatement.id))]
        assert statuses == [False, True, True]
        ignore(session, org_id=org.id, line_id=stranger, now=NOW, user="ana")
        assert [s.reconciled_at is None for s in session.scalars(
            select(BankStatement).order_by(BankStatement.id))] == [False, True, False]


def test_allocations_recorded_are_those_a_full_replay_gives(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # M001 paid before the bank's date: its new payment extends its ledger from the open
    # amounts. M003 has a payment dated after its bank line, and M002 an invoice issued after
    # its line: their ledgers are replayed whole (`ledger.replay.Extension`).
    ok(db, "import", "invoices", str(write_csv(
        tmp_path / "i.csv", INVOICES, "C-3002,M003,2026-03-01,2026-03-31,MXN,2000.00,,")))
    ok(db, "import", "payments", str(write_csv(
        tmp_path / "p.csv", "id,customer_id,date,currency,amount,invoice_numbers,reference,method",
        "P1,M001,2026-03-10,MXN,500.00,A-1001,,transfer",
        "P2,M003,2026-03-31,MXN,7000.00,,,transfer")))
    extended: list[tuple[str, tuple[str, ...]]] = []
    real_extend, real_whole = replay_module.extend, replay_module.paid_whole

    def spy(**kw: Any) -> list[Any]:
        extended.append(("extend", tuple(sorted(d.key for d in kw["documents"]))))
        return real_extend(**kw)

    def spy_whole(credits: list[Credit], opens: dict[str, int]) -> list[Any] | None:
        extended.append(("paid_whole", tuple(sorted(opens))))
        return real_whole(credits, opens)

    monkeypatch.setattr(replay_module, "extend", spy)
    monkeypatch.setattr(replay_module, "paid_whole", spy_whole)
    ids = add_lines(
        db,
        {"amount": 232050, "remittance": "PAGO FACTURA A-1002", "counterparty_name": "X"},
        {"amount": 98499, "remittance": "FACT B 2001", "counterparty_name": "FERRETERIA HDZ",
         "booking_date": date(2026, 3, 20)},
        # What P2 left open of C-3001 and C-3002: a day earlier, this line comes first, and
        # P2 then pays the rest of C-3001 and all of C-3002.
        {"amount": 250000, "counterparty_name": "DISTRIBUIDORA DEL BAJIO SA DE CV"})
    result = run(db)
    assert [result[i] for i in ids] == [("applied", "M001", ["A-1002"]),
                                        ("applied", "M002", ["B-2001"]),
                                        ("applied", "M003", ["C-3001", "C-3002"])]
    # Only M001's, and only from the invoice it names: the payment pays exactly that.
    assert extended == [("paid_whole", ("A-1002",))]

    def allocations() -> list[tuple[object, ...]]:
        with uow(db) as (session, _org):
            return sorted(session.execute(select(
                Allocation.customer_id, Allocation.invoice_id, Allocation.source_kind,
                Allocation.payment_id, Allocation.credit_note_id, Allocation.date,
                Allocation.amount)).tuples().all())

    recorded = allocations()
    with uow(db) as (session, org):
        replay_customers(session, org_id=org.id)
    assert allocations() == recorded
    after = open_amounts(db)
    assert (after["A-1001"], after["A-1002"], after["C-3001"], after["C-3002"]) == (66000, 0, 0, 0)


def test_two_payments_of_one_invoice_in_one_call_apply_the_first_only(db: str) -> None:
    # The same invoice paid twice (a customer's duplicate transfer), and two partials that
    # together owe more than is open: the later line waits for a person.
    first, twice, part, too_much = add_lines(
        db, {"amount": 999999, "remittance": "PAGO FACTURA B-2001", "counterparty_name": "X"},
        {"amount": 999999, "remittance": "PAGO FACTURA B-2001", "counterparty_name": "X",
         "booking_date": date(2026, 3, 31)},
        {"amount": 500000, "remittance": "ABONO FACTURA C-3001", "counterparty_name": "Y"},
        {"amount": 500000, "remittance": "ABONO FACTURA C-3001", "counterparty_name": "Y"})
    result = run(db)
    assert result[first] == ("applied", "M002", ["B-2001"])
    assert result[twice][0] == "review"
    assert result[part] == ("applied", "M003", ["C-3001"])
    assert result[too_much][0] == "review"
    after = open_amounts(db)
    assert (after["B-2001"], after["C-3001"]) == (0, 250000)


def test_a_reference_to_a_paid_invoice_waits_for_review(db: str) -> None:
    ref = printed(invoice_reference(invoice_id(db, "A-1002")))
    paid, = add_lines(db, {"amount": 232050, "remittance": f"PAGO {ref}",
                           "counterparty_name": "X"})
    assert run(db)[paid][0] == "applied"
    # The same reference again, for another amount: not put on another of M001's invoices.
    again, = add_lines(db, {"amount": 58000, "remittance": f"PAGO {ref}",
                            "counterparty_name": "X"})
    status, customer, _invoices = run(db)[again]
    assert (status, customer) == ("review", "M001")
    assert open_amounts(db)["A-1003"] == 58000


def test_a_reversed_line_is_not_applied_again_unasked(db: str) -> None:
    line, = add_lines(db, {"amount": 999999, "remittance": "B-2001", "counterparty_name": "X"})
    assert run(db)[line][0] == "applied"
    with uow(db) as (session, org):
        reverse(session, org_id=org.id, line_id=line, now=NOW, user="ana")
    assert run(db)[line][0] == "review"
    assert open_amounts(db)["B-2001"] == 999999
    with uow(db) as (session, org):  # a person may still confirm it
        confirm(session, org_id=org.id, line_id=line, pick=1, now=NOW, user="ana")
    assert open_amounts(db)["B-2001"] == 0


def test_a_line_a_person_ignored_and_took_back_is_not_applied_unasked(db: str) -> None:
    line, = add_lines(db, {"amount": 999999, "remittance": "B-2001", "counterparty_name": "X"})
    assert run(db, auto=False)[line][0] == "review"
    with uow(db) as (session, org):
        ignore(session, org_id=org.id, line_id=line, now=NOW, user="ana")
        reverse(session, org_id=org.id, line_id=line, now=NOW, user="ana")
    assert run(db)[line][0] == "review"
    assert open_amounts(db)["B-2001"] == 999999


def test_reversing_a_decision_unteaches_what_it_taught(db: str) -> None:
    first, second = add_lines(
        db, {"amount": 116000, "counterparty_name": "INVERSIONES ZETA",
             "counterparty_account": "021180040012345678"},
        {"amount": 58000, "counterparty_name": "INVERSIONES ZETA"})
    run(db)
    with uow(db) as (session, org):
        decide_line(session, org_id=org.id, line_id=first, parts=[Part("M001", ("A-1001",))],
                    method="manual", now=NOW, user="ana")
        decide_line(session, org_id=org.id, line_id=second, parts=[Part("M001", ("A-1003",))],
                    method="manual", now=NOW, user="ana")
        reverse(session, org_id=org.id, line_id=first, now=NOW, user="ana")
    with uow(db) as (session, _org):
        # The name is still taught by the second decision; the account by none.
        assert {(a.kind, a.value) for a in session.scalars(select(CustomerAlias))} == {
            ("name", "INVERSIONES ZETA")}
    with uow(db) as (session, org):
        reverse(session, org_id=org.id, line_id=second, now=NOW, user="ana")
    with uow(db) as (session, _org):
        assert session.scalars(select(CustomerAlias)).all() == []
    # Nothing taught is left to apply either line by.
    assert {status for status, _c, _i in run(db).values()} == {"review"}


@pytest.mark.parametrize(("parts", "message"), [
    ([Part("M002", ("B-2001",), Decimal("10000.00")), Part("M001", (), Decimal("-0.01"))],
     "not a positive amount"),
    ([Part("M002", ("B-2001",), Decimal("9999.995")), Part("M001", (), Decimal("0.005"))],
     "more decimals than MXN allows"),
    ([Part("M002", ("NOPE",))], "no invoice NOPE"),
    ([Part("M002", ("A-1001",))], "invoice A-1001 is not customer M002's"),
])
def test_a_person_s_decision_is_refused_where_money_would_land_elsewhere(
        db: str, parts: list[Part], message: str) -> None:
    line, = add_lines(db, {"amount": 999999, "counterparty_name": "GRUPO"})
    before = open_amounts(db)
    with uow(db) as (session, org), pytest.raises(ReviewError, match=message):
        decide_line(session, org_id=org.id, line_id=line, parts=parts, method="split",
                    now=NOW, user="ana")
    assert open_amounts(db) == before


def test_an_invoice_paid_meanwhile_is_refused_for_a_decision(db: str) -> None:
    paid, other = add_lines(db, {"amount": 116000, "remittance": "A-1001",
                                 "counterparty_name": "X"},
                            {"amount": 116000, "counterparty_name": "Y"})
    assert run(db)[paid][0] == "applied"
    with uow(db) as (session, org), pytest.raises(ReviewError, match="A-1001 is paid already"):
        decide_line(session, org_id=org.id, line_id=other, parts=[Part("M001", ("A-1001",))],
                    method="manual", now=NOW, user="ana")


def test_two_equal_payments_of_two_equal_invoices_settle_one_each(
        db: str, tmp_path: Path) -> None:
    ok(db, "import", "invoices", str(write_csv(
        tmp_path / "eq.csv", INVOICES, "C-3002,M003,2026-02-01,2026-03-03,MXN,420.00,,",
        "C-3003,M003,2026-02-15,2026-03-17,MXN,420.00,,")))
    first, second = add_lines(
        db, {"amount": 42000, "counterparty_name": "DISTRIBUIDORA DEL BAJIO SA DE CV"},
        {"amount": 42000, "counterparty_name": "DISTRIBUIDORA DEL BAJIO SA DE CV"})
    result = run(db)
    # Each fitted to what the line before it left open: the second settles the second invoice.
    assert result[first] == ("applied", "M003", ["C-3002"])
    assert result[second] == ("applied", "M003", ["C-3003"])
    after = open_amounts(db)
    assert (after["C-3002"], after["C-3003"], after["C-3001"]) == (0, 0, 750000)


def test_review_does_not_offer_an_invoice_another_line_of_the_call_paid(db: str) -> None:
    # Two payments of M001's 580.00: the first, from its exact name, settles A-1003; the
    # second, from a shorter name, waits for a person, who is not offered A-1003 again.
    first, second = add_lines(
        db, {"amount": 58000, "counterparty_name": "ABARROTES LA ESPERANZA SA DE CV"},
        {"amount": 58000, "counterparty_name": "ABARROTES ESPERANZA"})
    with uow(db) as (session, org):
        out = reconcile(session, org_id=org.id, now=NOW, auto=True)
        verdicts = {v.line.id: v for v in out.verdicts}
        assert verdicts[first].status == "applied"
        assert verdicts[second].status == "review"
        offered = [(out.codes[s.customer_id], [out.numbers[i] for i in s.invoice_ids])
                   for s in verdicts[second].suggestions]
    assert offered[0][0] == "M001"
    assert all("A-1003" not in numbers for _customer, numbers in offered)
    line, = (r for r in json.loads(ok(db, "reconcile", "review", "--format", "json").stdout)
             if r["line"] == second)
    ok(db, "reconcile", "confirm", str(line["line"]))  # what is offered can be confirmed
    assert open_amounts(db)["A-1001"] == 116000 - 58000


def test_a_confirmed_suggestion_less_a_bank_fee_writes_the_fee_off(db: str) -> None:
    # 9,999.99 less a 15.00 wire fee, left for a person (no --auto), then reversed and
    # confirmed again: each time as the matcher would apply it, the invoice settled.
    line, = add_lines(db, {"amount": 998499, "remittance": "FACT B 2001",
                           "counterparty_name": "FERRETERIA HDZ"})
    before = open_amounts(db)
    assert run(db, auto=False)[line] == ("review", "M002", ["B-2001"])
    for _ in range(2):
        with uow(db) as (session, org):
            confirm(session, org_id=org.id, line_id=line, pick=1, now=NOW, user="ana")
        assert open_amounts(db)["B-2001"] == 0
        with uow(db) as (session, org):
            reverse(session, org_id=org.id, line_id=line, now=NOW, user="ana")
        assert open_amounts(db) == before


def test_an_invoice_issued_after_the_line_is_refused_for_a_decision(db: str) -> None:
    # A payment settles only invoices issued by its date (DOMAIN.md): A-1003 of March named
    # for a January transfer, the money would go to A-1001 and move what another line paid.
    paid, early = add_lines(
        db, {"amount": 116000, "remittance": "A-1001", "counterparty_name": "X"},
        {"amount": 58000, "counterparty_name": "Y", "booking_date": date(2026, 1, 15)})
    assert run(db)[paid][0] == "applied"
    before = open_amounts(db)
    with uow(db) as (session, org), pytest.raises(
            ReviewError, match="A-1003 is dated 2026-03-01, after bank line .* 2026-01-15"):
        decide_line(session, org_id=org.id, line_id=early, parts=[Part("M001", ("A-1003",))],
                    method="manual", now=NOW, user="ana")
    assert open_amounts(db) == before


def test_split_on_the_command_line_reads_amounts_as_the_api_does(db: str) -> None:
    line, = add_lines(db, {"amount": 1116000, "counterparty_name": "GRUPO"})
    # Not an amount: said so, not that it has too many decimals.
    refused = cli(db, "reconcile", "split", str(line), "--part", "M002:NaN", lang="es")
    assert refused.exit_code == 2
    assert "--part M002:NaN: 'NaN' no es un monto" in refused.output
    shapeless = cli(db, "reconcile", "split", str(line), "--part", "M002", lang="es")
    assert "'M002' no es CLIENTE:MONTO[:FACT;FACT]" in shapeless.output
    # A lone comma before three digits may group thousands or mark decimals: refused.
    either = cli(db, "reconcile", "split", str(line), "--part", "M002:11,160")
    assert either.exit_code == 2 and "may be 11160 or 11.16" in either.output
    # A line number no database holds is refused as the option is, not a traceback.
    beyond = cli(db, "reconcile", "ignore", "99999999999999999999")
    assert beyond.exit_code == 2 and "Traceback" not in beyond.output
    # A decimal comma, as the API takes it.
    done = ok(db, "reconcile", "split", str(line), "--part", "M002:9999,99:B-2001",
              "--part", "M001:1160,01:A-1001", "--rest-on-account")
    assert "M001: 0.01 MXN went to other open invoices: A-1002 (0.01)" in done.output
    after = open_amounts(db)
    assert (after["B-2001"], after["A-1001"]) == (0, 0)


def test_a_part_typed_ten_times_too_large_is_refused_with_what_the_invoice_owes(
        db: str) -> None:
    # 5,800 typed for 580: A-1003 owes 580.00; the rest would pay A-1001 and A-1002 unsaid.
    line, = add_lines(db, {"amount": 580000, "counterparty_name": "ABARROTES"})
    before = open_amounts(db)
    refused = cli(db, "reconcile", "split", str(line), "--part", "M001:5800:A-1003")
    assert refused.exit_code == 2
    assert ("5800.00 MXN for customer M001 is more than A-1003 owe (580.00 MXN); correct the "
            "amount, or ask for the rest, 5220.00 MXN, to go on account") in " ".join(
        refused.output.split())
    assert open_amounts(db) == before
    # Asked for, the rest goes to the customer's other open invoices, oldest due first, and
    # what they do not owe stays as credit; each said.
    done = ok(db, "reconcile", "split", str(line), "--part", "M001:5800:A-1003",
              "--rest-on-account")
    said = [" ".join(x.split()) for x in done.output.splitlines()]
    assert said[1:] == [
        "M001: 5800.00 MXN to A-1003 (580.00)",
        "M001: 3480.50 MXN went to other open invoices: A-1001 (1160.00), A-1002 (2320.50)",
        "M001: 1739.50 MXN stays as the customer's unapplied credit"]
    assert (open_amounts(db)["A-1001"], open_amounts(db)["A-1002"]) == (0, 0)


def test_confirming_a_suggestion_whose_invoice_was_paid_in_part_meanwhile_is_refused(
        db: str) -> None:
    # Suggested for A-1002 (2,320.50), which another line then pays 1,000.00 of: confirmed as
    # it stood, 1,000.00 would pay A-1001 and A-1003, which the suggestion did not name.
    line, other = add_lines(db, {"amount": 232050, "remittance": "FACTURA A-1002",
                                 "counterparty_name": "X"},
                            {"amount": 100000, "counterparty_name": "Y"})
    assert run(db, auto=False)[line] == ("review", "M001", ["A-1002"])
    with uow(db) as (session, org):
        decide_line(session, org_id=org.id, line_id=other, parts=[Part("M001", ("A-1002",))],
                    method="manual", now=NOW, user="ana")
    before = open_amounts(db)
    with uow(db) as (session, org), pytest.raises(
            ReviewError, match=r"more than A-1002 owe \(1320.50 MXN\)"):
        confirm(session, org_id=org.id, line_id=line, pick=1, now=NOW, user="ana")
    assert open_amounts(db) == before


def test_confirming_a_line_without_suggestions_says_what_to_do(db: str) -> None:
    line, = add_lines(db, {"amount": 123400, "counterparty_name": "NADIE"})
    assert run(db)[line][0] == "unmatched"
    refused = cli(db, "reconcile", "confirm", str(line), lang="es")
    assert refused.exit_code == 2
    assert (f"la línea bancaria {line} no tiene sugerencias que confirmar; asígnela, divídala "
            "o ignórela") in " ".join(refused.output.split())


def test_a_line_naming_an_invoice_issued_after_it_waits_for_a_person(db: str) -> None:
    # A transfer of February naming A-1003 of March: applied, the money would pay A-1001.
    line, = add_lines(db, {"amount": 58000, "remittance": "FACTURA A-1003",
                           "counterparty_name": "ABARROTES LA ESPERANZA",
                           "booking_date": date(2026, 2, 20)})
    before = open_amounts(db)
    assert run(db)[line] == ("review", "M001", ["A-1003"])
    assert open_amounts(db) == before


@pytest.mark.parametrize("parts", [
    # A-1001 (1,160.00) named by two parts: the second's money would go to A-1002.
    [Part("M001", ("A-1001",), Decimal("1160.00")), Part("M001", ("A-1001",), Decimal("500.00"))],
    # The first part, naming none, settles the oldest, A-1001, which the second names.
    [Part("M001", (), Decimal("1160.00")), Part("M001", ("A-1001",), Decimal("500.00"))],
])
def test_parts_of_one_decision_do_not_send_each_other_s_money_elsewhere_unasked(
        db: str, parts: list[Part]) -> None:
    line, = add_lines(db, {"amount": 166000, "counterparty_name": "GRUPO"})
    before = open_amounts(db)
    # Refused once allocated: what the decision wrote is taken back, even by a caller that
    # goes on and commits its unit of work.
    with uow(db) as (session, org):
        with pytest.raises(ReviewError,
                           match=r"500.00 MXN for customer M001 is more than A-1001 owe \(0.00"):
            decide_line(session, org_id=org.id, line_id=line, parts=parts, method="split",
                        now=NOW, user="ana")
    assert open_amounts(db) == before
    with uow(db) as (session, org):
        assert session.get(BankTransaction, line).status == "new"  # type: ignore[union-attr]


def test_a_suggestion_less_a_bank_fee_says_the_fee_it_writes_off(db: str) -> None:
    line, other = add_lines(db, {"amount": 998499, "remittance": "FACT B 2001",
                                 "counterparty_name": "FERRETERIA HDZ"},
                            {"amount": 500, "counterparty_name": "Y"})
    assert run(db, auto=False)[line] == ("review", "M002", ["B-2001"])
    done = ok(db, "reconcile", "confirm", str(line))
    assert "M002: 15.00 MXN written off on B-2001 as the bank's fee" in done.output
    ok(db, "reconcile", "reverse", str(line))
    # B-2001 paid 5.00 meanwhile: the fee written off is what it still owes beyond the line.
    ok(db, "reconcile", "assign", str(other), "--customer", "M002", "--invoices", "B-2001")
    again = ok(db, "reconcile", "confirm", str(line))
    assert "M002: 10.00 MXN written off on B-2001 as the bank's fee" in again.output
    assert open_amounts(db)["B-2001"] == 0
