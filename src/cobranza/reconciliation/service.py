"""Reconciliation: match the pending bank lines, and record what the sure ones pay (the review
queue's decisions are `review`)."""

from __future__ import annotations

import marshal
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache

import orjson
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.batching import collector_paused, forked
from cobranza.core import references
from cobranza.core.matching import FeeTolerance, OpenItem, Suggestion, names_invoices
from cobranza.core.money import to_minor
from cobranza.ledger.replay import OpenItems
from cobranza.models import (
    BankStatement,
    BankTransaction,
)
from cobranza.reconciliation import paid, recorded
from cobranza.reconciliation import repository as repo
from cobranza.reconciliation.apply import (
    Application,
    Link,
    apply_all,
    link_all,
)
from cobranza.reconciliation.index import LedgerIndex, Spelled, spell
from cobranza.reconciliation.matcher import Verdict, match_lines, one_claim_each, references_in
from cobranza.reconciliation.repository import CustomerRow, LineRow

DEFAULT_FEE_PCT = Decimal("1.5")
# The largest transfer fee a bank deducts, per currency (major units): a shortfall above it is
# a partial payment, not a fee. Other currencies: the percentage alone.
FEE_CAPS = {"MXN": Decimal(50), "CLP": Decimal(5000), "USD": Decimal(50), "EUR": Decimal(50)}
FORK_LEAST = 10_000  # lines below which forking a process to read them costs more than it saves


@dataclass
class Outcome:
    """What a reconcile call did to each line it handled."""

    verdicts: list[Verdict] = field(default_factory=list)
    codes: dict[int, str] = field(default_factory=dict)  # customer id -> code
    numbers: dict[int, str] = field(default_factory=dict)  # suggested invoice id -> number
    seconds: dict[str, float] = field(default_factory=dict)  # load, index, match, record
    # Line id -> the payments recorded before it that it brought (`recorded`).
    recorded: dict[int, tuple[int, ...]] = field(default_factory=dict)


def reconcile(session: Session, *, org_id: int, now: datetime, auto: bool,
              fee_pct: Decimal = DEFAULT_FEE_PCT, user: str | None = None,
              workers: int = 1) -> Outcome:
    """Match every pending line; with `auto`, apply those above the threshold.

    `workers`: processes the matching may be split across (`batching.across_processes`);
    the verdicts are the same with any number.
    """
    with collector_paused():
        return _reconcile(session, org_id=org_id, now=now, auto=auto, fee_pct=fee_pct,
                          user=user, workers=workers)


def fee_tolerance(currency: str, fee_pct: Decimal = DEFAULT_FEE_PCT) -> FeeTolerance:
    """How far short of its invoices a line in `currency` may be for a deducted bank fee."""
    cap = FEE_CAPS.get(currency)
    return FeeTolerance(fee_pct, None if cap is None else to_minor(cap, currency))


def _reconcile(session: Session, *, org_id: int, now: datetime, auto: bool,
               fee_pct: Decimal, user: str | None, workers: int) -> Outcome:
    clock = time.perf_counter()
    repo.lock(session, org_id=org_id)
    lines = repo.pending_lines(session, org_id=org_id)
    outcome = Outcome()
    if not lines:
        return outcome
    customers = repo.customers(session, org_id=org_id)
    outcome.codes = {c.id: c.code for c in customers}
    # With a second CPU, the names and the lines' RF references are made plain by a forked
    # process while this one reads the open items.
    with forked(lambda: _spelled(customers, lines), pack=marshal.dumps, unpack=marshal.loads,
                fork=workers > 1 and len(lines) >= FORK_LEAST) as spelled:
        aliases = repo.aliases(session, org_id=org_id)
        clabes = repo.clabes(session, org_id=org_id)
        items = repo.open_items(session, org_id=org_id,
                                currencies={ln.currency for ln in lines})
        names, found = spelled()
    refs = {line: [references.Decoded(kind, id_) for kind, id_ in decoded]
            for line, decoded in found.items()}
    owners = _owners(session, org_id=org_id, refs=refs)
    clock = _lap(outcome, "load", clock)
    indexes: dict[str, LedgerIndex] = {}
    matched: dict[str, tuple[list[Verdict], FeeTolerance]] = {}
    for currency, open_ in items.items():
        indexes[currency] = LedgerIndex(customers=customers, items=open_, aliases=aliases,
                                        clabes=clabes, spelled=names)
        clock = _lap(outcome, "index", clock)
        fee = fee_tolerance(currency, fee_pct)
        mine = [ln for ln in lines if ln.currency == currency]
        matched[currency] = (match_lines(mine, indexes[currency], refs=refs, owners=owners,
                                         fee=fee, complete=not auto, workers=workers), fee)
        clock = _lap(outcome, "match", clock)
    taken_back = repo.reversed_lines(session, org_id=org_id)
    raw = [v for verdicts, _fee in matched.values() for v in verdicts]
    # A line that brought a payment recorded before it claims none of the open invoices.
    brought = _bring_recorded(session, org_id=org_id, outcome=outcome, lines=lines,
                              verdicts=raw, skip=taken_back)
    # A line whose match a person reversed waits for a person again, and so does one naming
    # a paid invoice of its customer (`paid`): neither claims an invoice another line fits.
    # So does one naming an invoice issued after it: the payment cannot settle it (DOMAIN.md,
    # allocation) and would go to another.
    again = taken_back | _naming_later(raw, items) | paid.naming_paid(
        session, org_id=org_id, verdicts=[v for v in raw if v.line.id not in brought],
        shaped=paid.shapes(items.values()),
        open_ids=frozenset().union(*(index.open_ids for index in indexes.values())))
    for currency, (verdicts, fee) in matched.items():
        outcome.verdicts.extend(one_claim_each(
            [v._replace(status="review") if v.status == "applied" and v.line.id in again
             else v for v in verdicts if v.line.id not in brought], indexes[currency], fee))
    outcome.verdicts.extend(brought.values())
    outcome.verdicts.sort(key=lambda v: v.line.id)
    clock = _lap(outcome, "match", clock)
    _name_invoices(session, org_id=org_id, outcome=outcome, indexes=indexes)
    if not auto:
        outcome.verdicts = [v._replace(status="review") if v.status == "applied" else v
                            for v in outcome.verdicts]
    # Recording allocates from the open items the matcher read (`apply.apply_all`).
    _record(session, org_id=org_id, outcome=outcome, now=now, user=user,
            open_items=lambda customer, currency: indexes[currency].owed_by(customer))
    _lap(outcome, "record", clock)
    return outcome


def _naming_later(verdicts: list[Verdict], items: dict[str, list[OpenItem]]) -> set[int]:
    """The applied lines whose best suggestion names an invoice issued after their booking day
    (the amount alone fits only invoices issued by then: `core.matching.Book.as_of`)."""
    named = {v.line.id: (v.line.booking_day, v.suggestions[0].invoice_ids) for v in verdicts
             if v.status == "applied" and v.suggestions
             and names_invoices(v.suggestions[0])}
    wanted = {i for _day, ids in named.values() for i in ids}
    issued = {i.invoice_id: i.issue for open_ in items.values() for i in open_
              if i.invoice_id in wanted}
    return {line for line, (day, ids) in named.items()
            if any(issued.get(i, day) > day for i in ids)}



def _bring_recorded(session: Session, *, org_id: int, outcome: Outcome, lines: list[LineRow],
                    verdicts: list[Verdict], skip: set[int]) -> dict[int, Verdict]:
    """The lines that brought a payment the ledger holds already, by id: that payment their
    best suggestion, applied (`recorded`), no new money. `skip`: the lines a person took
    back wait for them again, the payment first among their suggestions (put elsewhere, the
    money would count twice)."""
    held = recorded.held(session, org_id=org_id, lines=lines)
    if not held:
        return {}
    paid = recorded.settled(session, org_id=org_id,
                            held_=[h for options in held.values() for h in options])
    links = recorded.links(verdicts, held, paid=paid)
    brought = {}
    for v in verdicts:
        if v.line.id not in links:
            continue
        h, evidence = links[v.line.id]
        ids = tuple(dict.fromkeys(i for p in h.payment_ids for i in paid.get(p, ())))
        best = recorded.suggestion(h, evidence, ids)
        others = [s for s in v.suggestions if s.customer_id != best.customer_id]
        brought[v.line.id] = v._replace(status="review" if v.line.id in skip else "applied",
                                        suggestions=[best, *others][:3])
        outcome.recorded[v.line.id] = h.payment_ids
    return brought


def _spelled(customers: list[CustomerRow], lines: list[LineRow]) -> tuple[
        Spelled, dict[int, list[tuple[str, int]]]]:
    """The customers' names made plain, and the RF references in each line (kind, id), as
    plain values (they cross from a forked process)."""
    return spell(customers), {ln.id: [(d.kind, d.id) for d in found] for ln in lines
                              if (found := references_in(ln))}


def _lap(outcome: Outcome, stage: str, since: float) -> float:
    now = time.perf_counter()
    outcome.seconds[stage] = outcome.seconds.get(stage, 0.0) + now - since
    return now


def _owners(session: Session, *, org_id: int,
            refs: dict[int, list[references.Decoded]]) -> dict[int, int]:
    """Invoice id -> customer, for every invoice an RF reference in the lines names (open or
    not: a reference to a paid invoice still names its customer)."""
    ids = {d.id for found in refs.values() for d in found if d.kind == "invoice"}
    return repo.invoice_owners(session, org_id=org_id, ids=sorted(ids))


def _name_invoices(session: Session, *, org_id: int, outcome: Outcome,
                   indexes: dict[str, LedgerIndex]) -> None:
    """The number of every invoice a suggestion names: from the index, or read (a reference
    may name an invoice no longer open)."""
    wanted = {i for v in outcome.verdicts for s in v.suggestions for i in s.invoice_ids}
    for index in indexes.values():
        outcome.numbers.update(index.numbers_of(wanted))
    outcome.numbers.update(repo.invoice_numbers(session, org_id=org_id, ids=sorted(
        wanted.difference(outcome.numbers))))


def suggestion_json(s: Suggestion, outcome: Outcome) -> dict[str, object]:
    """A suggestion as stored and shown: customer code, invoice numbers, confidence, evidence."""
    return {"customer_id": outcome.codes.get(s.customer_id, str(s.customer_id)),
            "invoice_numbers": [outcome.numbers.get(i, str(i)) for i in s.invoice_ids],
            "confidence": str(s.confidence), "fit": s.fit.kind,
            "evidence": dict(_rounded(s.evidence))}


@lru_cache(maxsize=4096)
def _rounded(evidence: tuple[tuple[str, float], ...]) -> tuple[tuple[str, float], ...]:
    # Most lines carry one of a few kinds of evidence at the usual strengths.
    return tuple((k, round(v, 3)) for k, v in evidence)


def _record(session: Session, *, org_id: int, outcome: Outcome, now: datetime,
            user: str | None, open_items: OpenItems) -> None:
    applied = [v for v in outcome.verdicts if v.status == "applied"]
    applications = [_application(v, outcome) for v in applied if v.line.id not in
                    outcome.recorded]
    # Written before the rest is read (a few lines: those whose payment came first).
    link_all(session, org_id=org_id, links=[
        _link(v, outcome.recorded[v.line.id], outcome) for v in applied
        if v.line.id in outcome.recorded], now=now, user=user)
    # The rows are written by a thread while the next ones are made (`bulk.behind`).
    with bulk.behind(session.connection()) as writes:
        apply_all(session, org_id=org_id, applications=applications, now=now, user=user,
                  open_items=open_items, writes=writes)
        # Made a chunk at a time as the thread writes the previous ones.
        writes.update("bank_transactions", ("status", "customer_id", "confidence", "suggestions"),
                      "id", (_line_row(v, outcome) for v in outcome.verdicts))
    mark_statements(session, org_id=org_id, now=now)


def _line_row(v: Verdict, outcome: Outcome) -> tuple[object, ...]:
    """A line's status, customer, confidence and stored suggestions, and its id."""
    best = v.suggestions[0] if v.suggestions else None
    return (v.status, best.customer_id if best and v.status == "applied" else None,
            int(best.confidence * 1000) if best else None,
            orjson.dumps([suggestion_json(s, outcome) for s in v.suggestions]).decode(), v.line.id)


def _application(v: Verdict, outcome: Outcome, method: str = "auto",
                 pick: int = 0) -> Application:
    s = v.suggestions[pick]
    return Application(line=v.line, customer_id=s.customer_id, amount=v.line.amount,
                       invoice_numbers=tuple(outcome.numbers[i] for i in s.invoice_ids),
                       confidence=s.confidence, method=method,
                       evidence={"fit": s.fit.kind, **dict(s.evidence)},
                       write_off=s.fit.write_off)


def _link(v: Verdict, payments: tuple[int, ...], outcome: Outcome,
          method: str = "auto") -> Link:
    s = v.suggestions[0]
    return Link(line=v.line, customer_id=s.customer_id, amount=v.line.amount,
                payment_ids=payments,
                invoice_numbers=tuple(outcome.numbers[i] for i in s.invoice_ids),
                confidence=s.confidence, method=method,
                evidence={"fit": s.fit.kind, **dict(s.evidence)})


def mark_statements(session: Session, *, org_id: int, now: datetime) -> None:
    """A statement is reconciled once none of its lines is new or waits for a person (in
    review, or money in nothing pointed to: `review_queue`)."""
    waiting = (select(BankTransaction.statement_id)
               .where(BankTransaction.org_id == org_id,
                      BankTransaction.status.in_(("new", "review", "unmatched"))))
    session.execute(update(BankStatement)
                    .where(BankStatement.org_id == org_id, BankStatement.reconciled_at.is_(None),
                           BankStatement.id.not_in(waiting))
                    .values(reconciled_at=now), execution_options={"synchronize_session": False})
    session.execute(update(BankStatement)
                    .where(BankStatement.org_id == org_id,
                           BankStatement.reconciled_at.is_not(None),
                           BankStatement.id.in_(waiting))
                    .values(reconciled_at=None), execution_options={"synchronize_session": False})
