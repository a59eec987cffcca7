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

Where that payment is a bank line's, made by reconciling it, and the complement's lines account
for all of it, the complement's payments take its place on the line's match (`Recorded.linked`):
the issuer's word then says which invoices the money paid, with its UUID and installments, and
reversing the line lets go of them rather than losing them (`reconciliation.apply`). The match
and its line's suggestions then say the complement settles the line (`FIT`, `restate`), not
the fit the matcher found for the bank's payment.

What the ledger holds (its payments not read from a CFDI, what they settled, what invoices
owe) is read in `held`; this module decides from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import cast

import orjson
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from cobranza.core.money import minor_to_str, to_minor
from cobranza.einvoices import held
from cobranza.einvoices.model import PaymentLine
from cobranza.i18n import _
from cobranza.models import BankTransaction, Customer, ReconciliationMatch

# The bank books a transfer on the day the complement's FechaPago gives, or a few days on for
# a cheque or a weekend; further apart it is another payment.
_DAYS = 5
_CHUNK = 1000
FIT = "complement"  # the fit of a bank line whose payment a complement's took the place of


@dataclass
class Recorded:
    """What `already_recorded` found."""

    to_record: list[PaymentLine]
    warnings: list[str]
    # The code of a line taking a bank line's payment's place -> that line's match.
    linked: dict[str, int] = field(default_factory=dict)
    replaced: list[tuple[int, int]] = field(default_factory=list)  # (payment id, customer id)


def already_recorded(session: Session, *, org_id: int, payments: Sequence[PaymentLine],
                     targets: Mapping[str, str]) -> Recorded:
    """The complement payments to record, and a located warning for each the ledger already
    holds; `targets`: each line's invoice number (`checks.payment_targets`)."""
    numbers = sorted({targets[p.code] for p in payments if p.code in targets})
    settled = held.settlements(session, org_id=org_id, numbers=numbers)
    stored = held.stored_codes(session, org_id=org_id, codes=sorted(p.code for p in payments))
    taken: set[tuple[int, str]] = set()
    kept: list[PaymentLine] = []
    claims: dict[int, list[tuple[PaymentLine, str, held.Settled]]] = {}
    for line in payments:
        # One the ledger holds from this complement already stays what it is.
        number = None if line.code in stored else targets.get(line.code)
        amount = to_minor(line.amount, line.currency)
        found = None if number is None else next(
            (s for s in settled.get((number, line.currency, amount), ())
             if (s.payment_id, number) not in taken and abs((s.day - line.day).days) <= _DAYS),
            None)
        if found is not None and number is not None:
            taken.add((found.payment_id, number))
            claims.setdefault(found.payment_id, []).append((line, number, found))
            continue
        kept.append(line)
    out = Recorded(kept, [])
    for payment_id, claimed in claims.items():
        found = claimed[0][2]
        # A Pago's credit (what its Monto brought beyond its documents, `credits`) is the same
        # money as the payments it goes with: a bank line of the whole Monto brought both.
        codes = {line.code for line, _n, _f in claimed}
        credits = [line for line in kept if line.credit_of and codes.issuperset(line.credit_of)]
        if found.match_id is not None and not found.fee and found.amount == sum(
                to_minor(line.amount, line.currency)
                for line in [*(line for line, _n, _f in claimed), *credits]):
            out.to_record += [line for line, _n, _f in claimed]
            _take_over(out, [*(line for line, _n, _f in claimed), *credits], found.match_id,
                       (payment_id, found.customer_id), found.code)
            continue
        out.warnings += [f"{line.at.file}:{line.at.line}: " + _(
            "the payment of {number} of {amount} {currency} on {day} is already recorded, "
            "by payment {code} of {paid}: the complement documents it; nothing added",
            number=number, amount=minor_to_str(to_minor(line.amount, line.currency),
                                               line.currency),
            currency=line.currency, day=line.day.isoformat(), code=found.code,
            paid=found.day.isoformat()) for line, number, found in claimed]
    return _elsewhere(session, org_id=org_id, out=out, targets=targets, stored=stored,
                      taken={payment for payment, _number in taken})


def _take_over(out: Recorded, lines: list[PaymentLine], match_id: int,
               replaced: tuple[int, int], code: str) -> None:
    """The complement's lines (recorded) take the place of the bank line's payment `code`."""
    out.replaced.append(replaced)
    for line in lines:
        out.linked[line.code] = match_id
        out.warnings.append(f"{line.at.file}:{line.at.line}: " + _(
            "the payment of {amount} {currency} on {day} came in on a bank line, as payment "
            "{code}: the complement's payment takes its place there, on the invoices it names",
            amount=minor_to_str(to_minor(line.amount, line.currency), line.currency),
            currency=line.currency, day=line.day.isoformat(), code=code))


def restate(session: Session, *, org_id: int, named: Mapping[int, Sequence[str]]) -> None:
    """The matches whose payment a complement's took the place of (match id -> the invoices
    the complement paid) say so, and so does their line's first suggestion: the review, the
    statement and a reversed line's queue show the complement settling the line, not the fit
    the matcher found for the bank's payment (the oldest invoice, say)."""
    ids = sorted(named)
    matches: list[tuple[int, int, str | None, int, str]] = []
    for start in range(0, len(ids), _CHUNK):
        matches += [tuple(r) for r in session.execute(
            select(ReconciliationMatch.id, ReconciliationMatch.transaction_id,
                   ReconciliationMatch.evidence, ReconciliationMatch.confidence, Customer.code)
            .join(Customer, Customer.id == ReconciliationMatch.customer_id)
            .where(ReconciliationMatch.org_id == org_id,
                   ReconciliationMatch.id.in_(ids[start:start + _CHUNK])))]
    if not matches:
        return
    evidence = {mid: {k: v for k, v in orjson.loads(stored or "{}").items() if k != "fit"}
                for mid, _line, stored, _c, _code in matches}
    conn = session.connection()
    table = cast(Table, ReconciliationMatch.__table__)
    conn.execute(update(table).where(table.c.id == bindparam("b_id")).values(
        evidence=bindparam("b_evidence")), [
        {"b_id": mid, "b_evidence": orjson.dumps({"fit": FIT, **evidence[mid]},
                                                option=orjson.OPT_SORT_KEYS).decode()}
        for mid, *_rest in matches])
    lines: dict[int, list[dict[str, object]]] = {}
    for mid, line, _stored, confidence, code in sorted(matches):
        lines.setdefault(line, []).append({
            "customer_id": code, "invoice_numbers": list(dict.fromkeys(named[mid])),
            "confidence": str(Decimal(confidence).scaleb(-3)), "fit": FIT,
            "evidence": evidence[mid]})
    stored: dict[int, str | None] = {}
    wanted = sorted(lines)
    for start in range(0, len(wanted), _CHUNK):
        stored.update((line, text) for line, text in session.execute(
            select(BankTransaction.id, BankTransaction.suggestions).where(
                BankTransaction.org_id == org_id,
                BankTransaction.id.in_(wanted[start:start + _CHUNK]))))
    table = cast(Table, BankTransaction.__table__)
    conn.execute(update(table).where(table.c.id == bindparam("b_id")).values(
        suggestions=bindparam("b_suggestions")), [
        {"b_id": line, "b_suggestions": orjson.dumps(_first(settled, stored.get(line))).decode()}
        for line, settled in lines.items()])


def _first(settled: list[dict[str, object]], stored: str | None) -> list[dict[str, object]]:
    """The complement's settlement first among a line's suggestions, in place of the others
    of its customers (three at most, as reconciling stores them)."""
    customers = {s["customer_id"] for s in settled}
    others = [s for s in orjson.loads(stored or "[]") if s.get("customer_id") not in customers]
    return [*settled, *others][:3]


def _elsewhere(session: Session, *, org_id: int, out: Recorded, targets: Mapping[str, str],
               stored: set[str], taken: set[int]) -> Recorded:
    """The lines left, less those whose money a payment of the same customer brought in on
    another of its invoices: a transfer of exactly the complement's amount, within `_DAYS` of
    it, that the matcher put on an invoice of the same amount. Recorded again, the money would
    count twice. Which invoice it paid is the issuer's word: the complement's payment takes
    the place of a bank line's; one from the accounts is for a person to set right."""
    lines = out.to_record
    wanted = {line.code for line in lines if line.code not in stored and line.code in targets
              and line.installment is not None and line.code not in out.linked}
    if not wanted:
        return out
    days = [line.day for line in lines if line.code in wanted]
    since, until = min(days) - timedelta(days=_DAYS), max(days) + timedelta(days=_DAYS)
    numbers = sorted({targets[code] for code in wanted})
    payments = held.unclaimed(session, org_id=org_id, numbers=numbers, since=since, until=until)
    # A line whose invoice the ledger does not hold yet (named by its UUID until it arrives,
    # or in this import) looks among its customer's payments: none of them settles it.
    invoiced = held.invoiced(session, org_id=org_id, numbers=numbers)
    waiting = {line.customer.code: line.customer for line in lines
               if line.code in wanted and targets[line.code] not in invoiced}
    of_customer = held.unclaimed_of(session, org_id=org_id, parties=list(waiting.values()),
                                     since=since, until=until)
    kept = []
    for line in lines:
        number = targets.get(line.code)
        amount = to_minor(line.amount, line.currency)
        candidates = payments.get(number or "", ()) if number in invoiced \
            else of_customer.get(line.customer.code, ())
        found = None if line.code not in wanted or number is None else next(
            (p for p in candidates if p.payment_id not in taken
             and p.currency == line.currency and p.amount == amount
             and abs((p.day - line.day).days) <= _DAYS), None)
        if found is None:
            kept.append(line)
            continue
        taken.add(found.payment_id)
        if found.match_id is not None:
            kept.append(line)
            _take_over(out, [line], found.match_id, (found.payment_id, found.customer_id),
                       found.code)
            continue
        if number == line.target and number not in invoiced:
            out.warnings.append(f"{line.at.file}:{line.at.line}: " + _(
                "the payment of CFDI {uuid} of {amount} {currency} on {day} is already "
                "recorded, by payment {code} of {paid}, applied to {applied}: the complement "
                "documents it; nothing added", uuid=number,
                amount=minor_to_str(amount, line.currency), currency=line.currency,
                day=line.day.isoformat(), code=found.code, paid=found.day.isoformat(),
                applied=found.applied))
            continue
        out.warnings.append(f"{line.at.file}:{line.at.line}: " + _(
            "the payment of {number} of {amount} {currency} on {day} is already recorded, by "
            "payment {code} of {paid}, applied to {applied}: the complement says it paid "
            "{number}; nothing added (to move it, reverse the bank line and assign it to "
            "{number})", number=number, amount=minor_to_str(amount, line.currency),
            currency=line.currency, day=line.day.isoformat(), code=found.code,
            paid=found.day.isoformat(), applied=found.applied))
    out.to_record = kept
    return out


def balance_disagreements(session: Session, *, org_id: int, payments: Sequence[PaymentLine],
                          targets: Mapping[str, str], settled: set[str]) -> list[str]:
    """A located warning for each new complement payment whose balance before it (ImpSaldoAnt)
    is not what the ledger says the invoice owes: a payment the ledger holds that the issuer
    does not count (recorded twice?), or one the issuer counts that the ledger lacks.

    Only where the comparison means something: a payment not stored yet, the only one of its
    invoice in the import, not taking over another's (`settled`: the codes of lines that
    replace a draft's or a cancelled complement's payments, whose money the ledger holds).
    """
    stored = held.stored_codes(session, org_id=org_id, codes=sorted(p.code for p in payments))
    per_invoice: dict[str, int] = {}
    for line in payments:
        if line.code in targets:
            per_invoice[targets[line.code]] = per_invoice.get(targets[line.code], 0) + 1
    lines = [line for line in payments
             if line.balance_before is not None and line.code in targets
             and line.code not in stored and line.code not in settled and not line.replaces
             and per_invoice[targets[line.code]] == 1]
    owed = held.owed(session, org_id=org_id, numbers=sorted({targets[p.code] for p in lines}))
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
