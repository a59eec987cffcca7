"""A customer's statement (estado de cuenta) as of a date: documents, allocations, interest."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cobranza.core.aging import DEFAULT_EDGES, CustomerAging, InterestTerms, age_customer
from cobranza.core.allocation import Allocation as CoreAllocation
from cobranza.core.allocation import Credit, Document, DocumentKind, SourceKind
from cobranza.core.money import minor_to_str
from cobranza.core.taxid import tax_key
from cobranza.models import Allocation, CreditNote, Customer, Invoice, Organisation, Payment


class UnknownCustomer(LookupError):
    """No customer with that id in this organisation."""


@dataclass
class StatementLine:
    """One document on the statement."""

    number: str
    kind: str
    issue_date: date
    due_date: date
    currency: str
    amount: int
    open: int
    days_past_due: int
    accrued_interest: int
    allocations: list[CoreAllocation] = field(default_factory=list)
    interest_capped: bool = False  # a legal maximum rate lowered this invoice's interest


@dataclass
class Statement:
    """Everything a customer owes and has paid, as of the end of `as_of`."""

    customer_id: str
    name: str
    tax_id: str | None
    as_of: date
    lines: list[StatementLine]
    credits: list[tuple[str, Credit]]  # (currency, payment or credit note)
    summary: dict[str, CustomerAging]


def build(session: Session, *, org: Organisation, customer_code: str, as_of: date) -> Statement:
    """Load one customer's ledger and compute its statement with the pure core."""
    # The customer's code, else its tax id however written ("77.176.785-0"), held by one only.
    found = list(session.scalars(select(Customer).where(
        Customer.org_id == org.id,
        or_(Customer.code == customer_code, Customer.tax_key == tax_key(customer_code)))
        .order_by(Customer.code != customer_code, Customer.id).limit(2)))
    customer = (found[0] if found and (found[0].code == customer_code or len(found) == 1)
                else None)
    if customer is None:
        raise UnknownCustomer(customer_code)
    invoices = list(session.scalars(select(Invoice).where(
        Invoice.org_id == org.id, Invoice.customer_id == customer.id,
        Invoice.issue_date <= as_of).order_by(Invoice.due_date, Invoice.issue_date,
                                              Invoice.number)))
    numbers = {i.id: i.number for i in invoices}
    payments = session.scalars(select(Payment).where(
        Payment.org_id == org.id, Payment.customer_id == customer.id, Payment.date <= as_of))
    notes = session.scalars(select(CreditNote).where(
        CreditNote.org_id == org.id, CreditNote.customer_id == customer.id,
        CreditNote.date <= as_of))
    credits: list[tuple[str, Credit]] = [
        (p.currency, Credit(SourceKind.PAYMENT, p.code, p.date, p.amount)) for p in payments]
    credits += [(n.currency, Credit(SourceKind.CREDIT_NOTE, n.number, n.date, n.amount))
                for n in notes]
    sources = _source_keys(session, customer.id)
    allocs: dict[str, list[CoreAllocation]] = defaultdict(list)
    for a in session.scalars(select(Allocation).where(
            Allocation.org_id == org.id, Allocation.customer_id == customer.id,
            Allocation.date <= as_of).order_by(Allocation.date, Allocation.id)):
        key = sources[(a.payment_id, a.credit_note_id)]
        allocs[a.currency].append(CoreAllocation(SourceKind(a.source_kind), key,
                                                 numbers.get(a.invoice_id, "?"), a.date,
                                                 a.amount))
    return _assemble(customer, org, invoices, credits, allocs, as_of)


def _source_keys(session: Session, customer_id: int) -> dict[tuple[int | None, int | None], str]:
    keys: dict[tuple[int | None, int | None], str] = {}
    for pid, code in session.execute(select(Payment.id, Payment.code).where(
            Payment.customer_id == customer_id)):
        keys[(pid, None)] = code
    for nid, number in session.execute(select(CreditNote.id, CreditNote.number).where(
            CreditNote.customer_id == customer_id)):
        keys[(None, nid)] = number
    return keys


def _assemble(customer: Customer, org: Organisation, invoices: list[Invoice],
              credits: list[tuple[str, Credit]], allocs: dict[str, list[CoreAllocation]],
              as_of: date) -> Statement:
    by_doc: dict[str, list[CoreAllocation]] = defaultdict(list)
    for group in allocs.values():
        for a in group:
            by_doc[a.document_key].append(a)
    lines: list[StatementLine] = []
    summary: dict[str, CustomerAging] = {}
    currencies = sorted({i.currency for i in invoices} | {c for c, _ in credits})
    for cur in currencies:
        docs = [i for i in invoices if i.currency == cur]
        core_docs = [Document(i.number, i.issue_date, i.due_date, i.amount, DocumentKind(i.kind))
                     for i in docs]
        terms = {i.number: InterestTerms(i.grace_days, i.late_interest_scaled, i.day_basis)
                 for i in docs}
        summary[cur] = age_customer(documents=core_docs, credits=[c for k, c in credits if k == cur],
                                    allocations=allocs.get(cur, []), interest=terms, as_of=as_of,
                                    edges=DEFAULT_EDGES, cap_scaled=org.max_interest_scaled)
        for inv in docs:
            accrual = summary[cur].interest_by_document.get(inv.number)
            still_open = summary[cur].by_document[inv.number]
            late = max((as_of - inv.due_date).days, 0) if still_open else 0
            lines.append(StatementLine(inv.number, inv.kind, inv.issue_date, inv.due_date, cur,
                                       inv.amount, still_open, late,
                                       accrual.amount if accrual else 0,
                                       by_doc.get(inv.number, []),
                                       bool(accrual and accrual.capped)))
    return Statement(customer.code, customer.name, customer.tax_id, as_of, lines, credits,
                     summary)


def to_json(statement: Statement) -> dict[str, Any]:
    """The statement as JSON: amounts as decimal strings with the currency's exponent."""
    def amount(value: int, cur: str) -> str:
        return minor_to_str(value, cur)

    return {
        "customer_id": statement.customer_id, "name": statement.name,
        "tax_id": statement.tax_id, "as_of": statement.as_of.isoformat(),
        "documents": [{
            "number": ln.number, "kind": ln.kind, "issue_date": ln.issue_date.isoformat(),
            "due_date": ln.due_date.isoformat(), "currency": ln.currency,
            "amount": amount(ln.amount, ln.currency), "open": amount(ln.open, ln.currency),
            "days_past_due": ln.days_past_due,
            "accrued_interest": amount(ln.accrued_interest, ln.currency),
            "interest_capped": ln.interest_capped,
            "allocations": [{"date": a.date.isoformat(), "source": a.source_kind.value,
                             "source_id": a.source_key,
                             "amount": amount(a.amount, ln.currency)} for a in ln.allocations],
        } for ln in statement.lines],
        "credits": [{"kind": c.kind.value, "id": c.key, "date": c.date.isoformat(),
                     "currency": cur, "amount": amount(c.amount, cur)}
                    for cur, c in sorted(statement.credits, key=lambda x: (x[1].date, x[1].key))],
        "totals": {cur: {"open": amount(s.total, cur), "unapplied": amount(s.unapplied, cur),
                         "accrued_interest": amount(s.accrued_interest, cur)}
                   for cur, s in statement.summary.items()},
    }

