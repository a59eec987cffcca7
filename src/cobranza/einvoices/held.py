"""What the ledger holds that a Pagos complement's payment may document already: the payments
not read from a CFDI, what each settled of which invoice, and what each invoice still owes.

The ledger's reads behind `recorded`, which decides from them what a complement adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from cobranza.einvoices.model import Party
from cobranza.einvoices.parties import stored_customers
from cobranza.i18n import _
from cobranza.models import Allocation, CreditNote, Invoice, Payment, ReconciliationMatch

_CHUNK = 1000


@dataclass(frozen=True)
class Settled:
    """What a payment not read from a CFDI settled of an invoice."""

    payment_id: int
    code: str
    day: date
    customer_id: int
    amount: int  # the whole payment's
    match_id: int | None  # the bank line's match that made it
    fee: int  # a bank fee written off beside it, counted in the settlement


@dataclass(frozen=True)
class HeldPayment:
    """A payment not read from a CFDI, with where it was applied."""

    payment_id: int
    code: str
    day: date
    currency: str
    amount: int
    applied: str  # the invoices it settles, as the ledger names them
    customer_id: int
    match_id: int | None  # the bank line's match that made it


def unclaimed(session: Session, *, org_id: int, numbers: list[str], since: date,
               until: date) -> dict[str, list[HeldPayment]]:
    """By invoice number, the payments not read from a CFDI of that invoice's customer, dated
    from `since` to `until`, that settle none of it, oldest first."""
    found: dict[str, list[HeldPayment]] = {}
    for start in range(0, len(numbers), _CHUNK):
        target = Invoice.__table__.alias("target")
        settled = Invoice.__table__.alias("settled")
        rows = session.execute(
            select(target.c.number, Payment.id, Payment.code, Payment.date, Payment.currency,
                   Payment.amount, func.min(settled.c.number), func.count(settled.c.id),
                   func.sum(case((settled.c.id == target.c.id, 1), else_=0)),
                   Payment.customer_id, Payment.match_id, ReconciliationMatch.transaction_id)
            .join(Payment, Payment.customer_id == target.c.customer_id)
            .outerjoin(Allocation, Allocation.payment_id == Payment.id)
            .outerjoin(settled, settled.c.id == Allocation.invoice_id)
            .outerjoin(ReconciliationMatch, ReconciliationMatch.id == Payment.match_id)
            .where(target.c.org_id == org_id,
                   target.c.number.in_(numbers[start:start + _CHUNK]),
                   Payment.fiscal_id.is_(None), Payment.installment.is_(None),
                   Payment.date.between(since, until))
            .group_by(target.c.number, Payment.id, Payment.code, Payment.date,
                      Payment.currency, Payment.amount, Payment.customer_id, Payment.match_id,
                      ReconciliationMatch.transaction_id)
            .order_by(Payment.date, Payment.id)).all()
        for (number, payment_id, code, day, currency, amount, first, count, own, customer,
             match_id, line) in rows:
            if not own:
                found.setdefault(number, []).append(_payment(
                    payment_id, code, day, currency, amount, first, count, customer, match_id,
                    line))
    return found


def invoiced(session: Session, *, org_id: int, numbers: list[str]) -> set[str]:
    """Those of these invoice numbers the ledger holds."""
    found: set[str] = set()
    for start in range(0, len(numbers), _CHUNK):
        found.update(session.scalars(select(Invoice.number).where(
            Invoice.org_id == org_id, Invoice.number.in_(numbers[start:start + _CHUNK]))))
    return found


def unclaimed_of(session: Session, *, org_id: int, parties: list[Party], since: date,
                  until: date) -> dict[str, list[HeldPayment]]:
    """By party code, the payments not read from a CFDI of the customer the import finds for
    it (by tax id, else by code: `parties.stored_customers`), dated from `since` to `until`,
    oldest first."""
    customers = stored_customers(session, org_id=org_id, parties=parties)
    ids = sorted(set(customers.values()))
    party_of = {cid: code for code, cid in customers.items()}
    found: dict[str, list[HeldPayment]] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(Payment.customer_id, Payment.id, Payment.code, Payment.date,
                   Payment.currency, Payment.amount, func.min(Invoice.number),
                   func.count(Invoice.id), Payment.match_id,
                   ReconciliationMatch.transaction_id)
            .outerjoin(Allocation, Allocation.payment_id == Payment.id)
            .outerjoin(Invoice, Invoice.id == Allocation.invoice_id)
            .outerjoin(ReconciliationMatch, ReconciliationMatch.id == Payment.match_id)
            .where(Payment.org_id == org_id, Payment.customer_id.in_(ids[start:start + _CHUNK]),
                   Payment.fiscal_id.is_(None), Payment.installment.is_(None),
                   Payment.date.between(since, until))
            .group_by(Payment.customer_id, Payment.id, Payment.code, Payment.date,
                      Payment.currency, Payment.amount, Payment.match_id,
                      ReconciliationMatch.transaction_id)
            .order_by(Payment.date, Payment.id)).all()
        for (customer, payment_id, code, day, currency, amount, first, count, match_id,
             line) in rows:
            found.setdefault(party_of[customer], []).append(_payment(
                payment_id, code, day, currency, amount, first, count, customer, match_id,
                line))
    return found


def _payment(payment_id: int, code: str, day: date, currency: str, amount: int,
             first: str | None, count: int, customer: int, match_id: int | None,
             line: int | None) -> HeldPayment:
    """A payment read with the first of the invoices it settles and how many (`first`,
    `count`): where it was applied, said as a person reads it."""
    applied = (str(first) if count == 1 else f"{first}, ..." if count
               else _("the customer's credit"))
    return HeldPayment(payment_id, code, day, currency, amount, applied, customer,
                    _made_by(code, match_id, line))


def _made_by(code: str, match_id: int | None, line: int | None) -> int | None:
    """The match that made this payment when reconciling bank line `line` (its code is
    `reconciliation.apply`'s), else None: one from the accounts that a line was linked to is
    the accounts' to keep."""
    return match_id if match_id is not None and code == f"BANK-{line}-{match_id}" else None


def stored_codes(session: Session, *, org_id: int, codes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(codes), _CHUNK):
        found.update(session.scalars(select(Payment.code).where(
            Payment.org_id == org_id, Payment.code.in_(codes[start:start + _CHUNK]))))
    return found


def settlements(session: Session, *, org_id: int,
                 numbers: list[str]) -> dict[tuple[str, str, int], list[Settled]]:
    """What each payment not read from a CFDI settled of each invoice, by (number, currency,
    amount), oldest first."""
    found: dict[tuple[str, str, int], list[Settled]] = {}
    for start in range(0, len(numbers), _CHUNK):
        rows = session.execute(
            select(Invoice.number, Allocation.currency, func.sum(Allocation.amount), Payment.id,
                   Payment.code, Payment.date, Payment.match_id, Payment.customer_id,
                   Payment.amount, ReconciliationMatch.transaction_id)
            .join(Allocation, Allocation.invoice_id == Invoice.id)
            .join(Payment, Payment.id == Allocation.payment_id)
            .outerjoin(ReconciliationMatch, ReconciliationMatch.id == Payment.match_id)
            .where(Invoice.org_id == org_id, Invoice.number.in_(numbers[start:start + _CHUNK]),
                   Allocation.source_kind == "payment", Payment.fiscal_id.is_(None),
                   Payment.installment.is_(None))  # a draft complement's has its installment
            .group_by(Invoice.number, Allocation.currency, Payment.id, Payment.code,
                      Payment.date, Payment.match_id, Payment.customer_id, Payment.amount,
                      ReconciliationMatch.transaction_id)
            .order_by(Payment.date, Payment.id)).all()
        written_off = _written_off(session, org_id=org_id,
                                   numbers=numbers[start:start + _CHUNK])
        for (number, currency, amount, payment_id, code, day, match_id, customer, whole,
             line) in rows:
            # A bank fee written off beside the payment settled the rest of what was paid
            # (`reconciliation.apply`: WO-BANK-<match>): the complement counts both.
            fee = written_off.get((number, match_id), 0) if match_id is not None else 0
            for settled in {amount, amount + fee}:
                found.setdefault((number, currency, settled), []).append(
                    Settled(payment_id, code, day, customer, whole,
                             _made_by(code, match_id, line), fee))
    return found


def _written_off(session: Session, *, org_id: int,
                 numbers: list[str]) -> dict[tuple[str, int], int]:
    """What bank fees written off at reconciliation settled of each invoice, by (number, the
    match that wrote them off)."""
    rows = session.execute(
        select(Invoice.number, CreditNote.number, func.sum(Allocation.amount))
        .join(Allocation, Allocation.invoice_id == Invoice.id)
        .join(CreditNote, CreditNote.id == Allocation.credit_note_id)
        .where(Invoice.org_id == org_id, Invoice.number.in_(numbers),
               CreditNote.number.like("WO-BANK-%"))
        .group_by(Invoice.number, CreditNote.number)).all()
    found = {}
    for number, note, amount in rows:
        match = note.removeprefix("WO-BANK-")
        if match.isdigit():
            found[(number, int(match))] = int(amount)
    return found


def owed(session: Session, *, org_id: int,
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
