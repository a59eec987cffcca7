"""Payments a Pagos complement documents that the ledger already holds from the bank.

In Mexico the money comes first: the customer's transfer shows on the bank statement and is
reconciled onto the invoice, and the issuer then stamps the payment complement for it (by the
fifth day of the next month). Both are the same money. Recorded again from the complement, a
payment would be counted twice: the invoice paid once, and as much again left over as the
customer's unapplied credit.

A complement's payment of an invoice is already recorded where a payment not read from a CFDI
(reconciled from the bank, or imported from the accounts) settled exactly that amount of that
invoice, in its currency, within `_DAYS` of the complement's FechaPago (a draft complement's
payment, unstamped, is a CFDI's too: it has its installment, and its stamped XML takes it
over). Each such settlement stands for one complement payment; the complement's others are
recorded as usual. Nothing is stored to say so: importing the complement again finds the same
settlement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cobranza.core.money import minor_to_str, to_minor
from cobranza.einvoices.model import PaymentLine
from cobranza.i18n import _
from cobranza.models import Allocation, Invoice, Payment

# The bank books a transfer on the day the complement's FechaPago gives, or a few days on for
# a cheque or a weekend; further apart it is another payment.
_DAYS = 5
_CHUNK = 1000


@dataclass(frozen=True)
class _Settled:
    payment_id: int
    code: str
    day: date


def already_recorded(session: Session, *, org_id: int, payments: Sequence[PaymentLine],
                     targets: Mapping[str, str]) -> tuple[list[PaymentLine], list[str]]:
    """The complement payments to record, and a located warning for each the ledger already
    holds; `targets`: each line's invoice number (`checks.payment_targets`)."""
    numbers = sorted({targets[p.code] for p in payments if p.code in targets})
    settled = _settlements(session, org_id=org_id, numbers=numbers)
    stored = _stored(session, org_id=org_id, codes=sorted(p.code for p in payments))
    taken: set[tuple[int, str]] = set()
    kept: list[PaymentLine] = []
    warnings: list[str] = []
    for line in payments:
        # One the ledger holds from this complement already stays what it is.
        number = None if line.code in stored else targets.get(line.code)
        amount = to_minor(line.amount, line.currency)
        found = None if number is None else next(
            (s for s in settled.get((number, line.currency, amount), ())
             if (s.payment_id, number) not in taken and abs((s.day - line.day).days) <= _DAYS),
            None)
        if found is None or number is None:
            kept.append(line)
            continue
        taken.add((found.payment_id, number))
        warnings.append(f"{line.at.file}:{line.at.line}: " + _(
            "the payment of {number} of {amount} {currency} on {day} is already recorded, "
            "by payment {code} of {paid}: the complement documents it; nothing added",
            number=number, amount=minor_to_str(amount, line.currency), currency=line.currency,
            day=line.day.isoformat(), code=found.code, paid=found.day.isoformat()))
    return kept, warnings


def _stored(session: Session, *, org_id: int, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), _CHUNK):
        found.update(session.scalars(select(Payment.code).where(
            Payment.org_id == org_id, Payment.code.in_(codes[start:start + _CHUNK]))))
    return found


def _settlements(session: Session, *, org_id: int,
                 numbers: list[str]) -> dict[tuple[str, str, int], list[_Settled]]:
    """What each payment not read from a CFDI settled of each invoice, by (number, currency,
    amount), oldest first."""
    found: dict[tuple[str, str, int], list[_Settled]] = {}
    for start in range(0, len(numbers), _CHUNK):
        rows = session.execute(
            select(Invoice.number, Allocation.currency, func.sum(Allocation.amount), Payment.id,
                   Payment.code, Payment.date)
            .join(Allocation, Allocation.invoice_id == Invoice.id)
            .join(Payment, Payment.id == Allocation.payment_id)
            .where(Invoice.org_id == org_id, Invoice.number.in_(numbers[start:start + _CHUNK]),
                   Allocation.source_kind == "payment", Payment.fiscal_id.is_(None),
                   Payment.installment.is_(None))  # a draft complement's has its installment
            .group_by(Invoice.number, Allocation.currency, Payment.id, Payment.code,
                      Payment.date)
            .order_by(Payment.date, Payment.id)).all()
        for number, currency, amount, payment_id, code, day in rows:
            found.setdefault((number, currency, amount), []).append(
                _Settled(payment_id, code, day))
    return found


def balance_disagreements(session: Session, *, org_id: int, payments: Sequence[PaymentLine],
                          targets: Mapping[str, str], settled: set[str]) -> list[str]:
    """A located warning for each new complement payment whose balance before it (ImpSaldoAnt)
    is not what the ledger says the invoice owes: a payment the ledger holds that the issuer
    does not count (recorded twice?), or one the issuer counts that the ledger lacks.

    Only where the comparison means something: a payment not stored yet, the only one of its
    invoice in the import, not taking over another's (`settled`: the codes of lines that
    replace a draft's or a cancelled complement's payments, whose money the ledger holds).
    """
    stored = _stored(session, org_id=org_id, codes=sorted(p.code for p in payments))
    per_invoice: dict[str, int] = {}
    for line in payments:
        if line.code in targets:
            per_invoice[targets[line.code]] = per_invoice.get(targets[line.code], 0) + 1
    lines = [line for line in payments
             if line.balance_before is not None and line.code in targets
             and line.code not in stored and line.code not in settled and not line.replaces
             and per_invoice[targets[line.code]] == 1]
    owed = _owed(session, org_id=org_id, numbers=sorted({targets[p.code] for p in lines}))
    warnings = []
    for line in lines:
        number = targets[line.code]
        ledger = owed.get((number, line.currency))
        assert line.balance_before is not None
        stated = to_minor(line.balance_before, line.currency)
        if ledger is None or ledger == stated:
            continue
        warnings.append(f"{line.at.file}:{line.at.line}: DoctoRelacionado/ImpSaldoAnt: " + _(
            "the complement says {number} owed {stated} {currency} before this payment, and "
            "the ledger says {ledger} {currency}: check for a payment recorded twice, or one "
            "the ledger lacks", number=number, stated=minor_to_str(stated, line.currency),
            ledger=minor_to_str(ledger, line.currency), currency=line.currency))
    return warnings


def _owed(session: Session, *, org_id: int,
          numbers: list[str]) -> dict[tuple[str, str], int]:
    """What each invoice still owes, by (number, currency), in minor units."""
    found: dict[tuple[str, str], int] = {}
    for start in range(0, len(numbers), _CHUNK):
        rows = session.execute(
            select(Invoice.number, Invoice.currency,
                   Invoice.amount - func.coalesce(func.sum(Allocation.amount), 0))
            .outerjoin(Allocation, Allocation.invoice_id == Invoice.id)
            .where(Invoice.org_id == org_id,
                   Invoice.number.in_(numbers[start:start + _CHUNK]))
            .group_by(Invoice.id, Invoice.number, Invoice.currency, Invoice.amount)).all()
        found.update({(number, currency): int(owed) for number, currency, owed in rows})
    return found
