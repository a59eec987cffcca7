"""The review queue's decisions: a person confirms, picks, assigns, splits, ignores or takes
back a bank line, and the matcher learns from what a person confirms."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cobranza.core.money import exponent, fits_currency, minor_to_str, to_minor
from cobranza.i18n import _, ngettext
from cobranza.models import (
    BankTransaction,
    Customer,
    CustomerAlias,
    ReconciliationMatch,
)
from cobranza.models.base import day_number, from_day_number
from cobranza.reconciliation import landed, recorded
from cobranza.reconciliation import repository as repo
from cobranza.reconciliation.apply import (
    Application,
    Link,
    apply_all,
    link_all,
    reverse_line,
)
from cobranza.reconciliation.index import compact, name_key
from cobranza.reconciliation.landed import Landed
from cobranza.reconciliation.repository import LineRow
from cobranza.reconciliation.service import fee_tolerance, mark_statements


class ReviewError(ValueError):
    """A review decision that cannot be carried out (unknown line, amounts that don't add up)."""


class UnknownLine(ReviewError):
    """The bank line does not exist in this organisation."""


class Decided(ReviewError):
    """The bank line is decided already (applied or ignored): a person takes it back first.
    Two people deciding one line at once: the second finds it so."""


# A person's amount: digits, and decimals after one point or comma; no sign, exponent or
# grouping ("1e7", "-5", "1.500,50" are refused: a person who types them means something the
# figures do not say plainly). At most 15 digits before the decimals: more than any line holds.
_AMOUNT = re.compile(r"(\d{1,15})(?:([.,])(\d+))?")


def line_currency(session: Session, *, org_id: int, line_id: int) -> str | None:
    """The currency of a line, to read a person's amounts in; None for an unknown line (which
    the decision then refuses)."""
    return session.scalar(select(BankTransaction.currency).where(
        BankTransaction.id == line_id, BankTransaction.org_id == org_id))


def part_amount(text: str, currency: str | None) -> Decimal:
    """The amount a person wrote for part of a line (the CLI's --part, the API's split).

    `3,400` in a currency of two decimals or none may be 3400 or 3.40 (a thousands comma, or a
    decimal one): refused, as the imports refuse it, rather than read either way."""
    written = text.strip()
    match = _AMOUNT.fullmatch(written)
    if match is None:
        raise ReviewError(_("'{value}' is not an amount; expected a number such as 1500 or "
                            "1500.50", value=text))
    whole, mark, decimals = match.groups()
    if mark == "," and len(decimals) == 3 and currency is not None and exponent(currency) < 3:
        raise ReviewError(_("'{value}' may be {large} or {small}; write the amount without a "
                            "thousands mark", value=text, large=whole + decimals,
                            small=Decimal(f"{whole}.{decimals}").normalize()))
    amount = Decimal(f"{whole}.{decimals}" if decimals else whole)
    # The use case rounds a part to the currency's minor unit; a person's extra decimals are
    # a mistake to refuse, not to round away.
    if currency is not None and not fits_currency(amount, currency):
        raise ReviewError(_("'{value}' has more decimals than {currency} allows",
                            value=text, currency=currency))
    if amount <= 0:
        raise ReviewError(_("'{value}' is not a positive amount", value=text))
    return amount


def _line(session: Session, *, org_id: int, line_id: int) -> BankTransaction:
    repo.lock(session, org_id=org_id)
    line = session.get(BankTransaction, line_id, populate_existing=True)
    if line is None or line.org_id != org_id:
        raise UnknownLine(_("no bank line {line}", line=line_id))
    return line


def _row(t: BankTransaction) -> LineRow:
    text = " ".join(x or "" for x in (t.remittance, t.end_to_end_id, t.creditor_reference,
                                      t.spei_reference)).upper()
    return LineRow(t.id, t.statement_id, t.account, t.transaction_id,
                   day_number(t.booking_date), t.amount, t.currency, t.counterparty_name,
                   t.counterparty_account, t.counterparty_tax_id, text, t.status,
                   t.spei_reference)


@dataclass(frozen=True)
class Part:
    """A user's decision for (part of) a line: a customer, optionally invoices, an amount."""

    customer: str  # customer code
    invoices: tuple[str, ...] = ()
    amount: Decimal | None = None  # None: the whole line
    # The shortfall below the invoices' open amounts is the bank's deducted fee, written off
    # as the matcher does (a confirmed `less_fee` suggestion), where the tolerance allows it.
    fee: bool = False
    # The person asks for what exceeds the named invoices' open amount to go to the customer's
    # other open invoices or stay as their credit (DOMAIN.md, allocation); else such a part is
    # refused (`_within_named`): 5,000 typed for 500 would pay invoices nobody named.
    rest_on_account: bool = False


def decide_line(session: Session, *, org_id: int, line_id: int, parts: Sequence[Part],
                method: str, now: datetime, user: str | None) -> list[Landed]:
    """Apply a line as the user says (confirm, pick, assign or split), and learn from it;
    returns where each part's money went (`landed`), to tell the person.

    A part naming invoices for more than they owe is refused unless it asks for the rest on
    account (`Part.rest_on_account`). A part that brings a payment the ledger holds already,
    waiting for its bank line (a line whose link to it was reversed, say), is linked to it:
    nothing new is recorded (`recorded.for_person`)."""
    t = _line(session, org_id=org_id, line_id=line_id)
    if t.amount <= 0:
        raise ReviewError(_("bank line {line} is money out, not a customer's payment",
                            line=line_id))
    _undecided(t)
    row = _row(t)
    decided: list[tuple[Part, int, int]] = []  # (part, customer id, amount)
    for part in parts:
        customer = session.scalar(select(Customer).where(Customer.org_id == org_id,
                                                         Customer.code == part.customer))
        if customer is None:
            raise ReviewError(_("unknown customer '{code}'", code=part.customer))
        if part.amount is not None and not fits_currency(part.amount, t.currency):
            raise ReviewError(_("'{value}' has more decimals than {currency} allows",
                                value=part.amount, currency=t.currency))
        amount = t.amount if part.amount is None else to_minor(part.amount, t.currency)
        if amount <= 0:
            raise ReviewError(_("'{value}' is not a positive amount", value=part.amount))
        decided.append((part, customer.id, amount))
    if sum(amount for _p, _c, amount in decided) != t.amount:
        raise ReviewError(_("the parts add up to {parts}, the line is {line} {currency}",
                            parts=minor_to_str(sum(a for _p, _c, a in decided), t.currency),
                            line=minor_to_str(t.amount, t.currency), currency=t.currency))
    links = _brought(session, org_id=org_id, line=row, decided=decided, method=method)
    apps = []
    for n, (part, customer_id, amount) in enumerate(decided):
        if n in links:
            continue
        owed = _check_invoices(session, org_id=org_id, part=part, customer_id=customer_id,
                               line=row)
        _within_named(session, org_id=org_id, part=part, customer_id=customer_id, amount=amount,
                      line=row)
        apps.append(Application(line=row, customer_id=customer_id, amount=amount,
                                invoice_numbers=part.invoices, confidence=Decimal(1),
                                method=method, write_off=_fee(part, amount=amount, owed=owed,
                                                              currency=t.currency)))
    # A savepoint: a refusal once allocated (`_as_named`) takes back what this decision wrote,
    # whatever the caller then does with its unit of work.
    with session.begin_nested():
        apply_all(session, org_id=org_id, applications=apps, now=now, user=user)
        link_all(session, org_id=org_id, links=list(links.values()), now=now, user=user)
        t.status, t.handled_at, t.handled_by = "applied", now, user
        t.customer_id = decided[0][1] if len(decided) == 1 else None
        for _part, customer_id, _amount in decided:
            learn(session, org_id=org_id, line=t, customer_id=customer_id, now=now)
        session.flush()
        mark_statements(session, org_id=org_id, now=now)
        fees = iter(a.write_off for a in apps)
        out = landed.of_line(session, org_id=org_id, line_id=t.id, currency=t.currency, parts=[
            landed.Asked(part.customer, customer_id, amount, part.invoices, n in links,
                         0 if n in links else next(fees))
            for n, (part, customer_id, amount) in enumerate(decided)])
        _as_named(decided, out)
    return out


def _fee(part: Part, *, amount: int, owed: int, currency: str) -> int:
    """The bank's fee a part less a fee writes off: what its invoices owe beyond it. Where
    they were paid in part since it was suggested and the shortfall is no longer a fee
    (`service.fee_tolerance`), refused: applied, it would leave them owing, not settled."""
    if not part.fee or owed <= amount:
        return 0
    if not fee_tolerance(currency).allows(owed - amount, owed):
        raise ReviewError(_(
            "{invoices} owe {owed} {currency}: {amount} {currency} is no longer short of them by "
            "a bank fee; assign or split the line", invoices=", ".join(part.invoices),
            owed=minor_to_str(owed, currency), amount=minor_to_str(amount, currency),
            currency=currency))
    return owed - amount


def _within_named(session: Session, *, org_id: int, part: Part, customer_id: int, amount: int,
                  line: LineRow) -> None:
    """Refuse a part naming invoices for more than they owe (their late charges included),
    unless the person asked for the rest on account: the excess would pay invoices they did
    not name, or sit as credit, unsaid (DOMAIN.md, allocation)."""
    if not part.invoices or part.rest_on_account:
        return
    owed = repo.owed_by_named(session, org_id=org_id, customer_id=customer_id,
                              numbers=sorted(set(part.invoices)), day=line.booking_day)
    if amount > owed:
        raise _beyond(part, amount=amount, owed=owed, currency=line.currency)


def _beyond(part: Part, *, amount: int, owed: int, currency: str) -> ReviewError:
    return ReviewError(_(
        "{amount} {currency} for customer {code} is more than {invoices} owe "
        "({owed} {currency}); correct the amount, or ask for the rest, {rest} {currency}, "
        "to go on account (to the customer's other open invoices, or as credit)",
        amount=minor_to_str(amount, currency), currency=currency,
        code=part.customer, invoices=", ".join(dict.fromkeys(part.invoices)),
        owed=minor_to_str(owed, currency), rest=minor_to_str(amount - owed, currency)))


def _as_named(decided: Sequence[tuple[Part, int, int]], landed_: Sequence[Landed]) -> None:
    """Refuse, after allocating, a part naming invoices whose money went elsewhere unasked:
    what the parts of one decision do to each other (two naming one invoice, or one naming
    none taking, oldest first, an invoice another names) the check before cannot see. The
    caller's transaction is rolled back with the refusal."""
    for (part, _customer, amount), where in zip(decided, landed_, strict=True):
        if (part.invoices and not part.rest_on_account and not where.recorded
                and (where.others or where.unapplied)):
            raise _beyond(part, amount=amount, owed=sum(a for _n, a in where.named),
                          currency=where.currency)


def _brought(session: Session, *, org_id: int, line: LineRow,
             decided: Sequence[tuple[Part, int, int]], method: str) -> dict[int, Link]:
    """Part number -> the link to the held payment it brings (`recorded.for_person`), each
    payment to one part. A part naming invoices brings only a payment that settled one of
    them, by the matcher's rule (`recorded.brings`): one naming only others is another
    payment."""
    found = recorded.held(session, org_id=org_id, lines=[line])
    options = {n: each for n, (_part, customer_id, amount) in enumerate(decided)
               if (each := recorded.for_person(found, line=line, customer_id=customer_id,
                                               amount=amount, taken=set()))}
    if not options:
        return {}
    paid = recorded.settled(session, org_id=org_id,
                            held_=[h for each in options.values() for h in each])
    numbers = repo.invoice_numbers(session, org_id=org_id, ids=sorted(
        {i for ids in paid.values() for i in ids}))
    taken: set[int] = set()
    links = {}
    for n, each in sorted(options.items()):
        part, customer_id, _amount = decided[n]
        for h in each:
            ids = tuple(dict.fromkeys(i for p in h.payment_ids for i in paid.get(p, ())))
            if not taken.isdisjoint(h.payment_ids) or not recorded.brings(
                    (number.upper() for number in part.invoices),
                    (numbers[i].upper() for i in ids if i in numbers)):
                continue
            taken.update(h.payment_ids)
            links[n] = _link(line, customer_id, h, ids, numbers, method)
            break
    return links


def _link(line: LineRow, customer_id: int, held: recorded.Held, ids: tuple[int, ...],
          numbers: dict[int, str], method: str) -> Link:
    """A person's link of (part of) a line to the held payment it brought."""
    best = recorded.suggestion(held, (), ids)
    return Link(line=line, customer_id=customer_id, amount=held.amount,
                payment_ids=held.payment_ids, invoice_numbers=tuple(numbers[i] for i in ids),
                confidence=Decimal(1), method=method,
                evidence={"fit": recorded.FIT, **dict(best.evidence)})


def _undecided(t: BankTransaction) -> None:
    """Refuse a decision on a line already applied or ignored: it is taken back first."""
    if t.status == "applied":
        raise Decided(_("bank line {line} is already applied; reverse it first", line=t.id))
    if t.status == "ignored":
        raise Decided(_("bank line {line} is already ignored; reverse it first", line=t.id))


def _check_invoices(session: Session, *, org_id: int, part: Part, customer_id: int,
                    line: LineRow) -> int:
    """Every invoice a person names for a part is the part's customer's, in the line's
    currency, issued by its booking date (DOMAIN.md: a payment settles only those) and still
    owes something: else the money would land elsewhere than they said. Returns what they owe
    together."""
    if not part.invoices:
        return 0
    currency = line.currency
    found = {number: (customer, doc_currency, open_, issued) for number, customer, doc_currency,
             open_, issued in repo.invoices_named(session, org_id=org_id,
                                                  numbers=sorted(set(part.invoices)))}
    for number in part.invoices:
        if number not in found:
            raise ReviewError(_("no invoice {number}", number=number))
        customer, doc_currency, open_, issued = found[number]
        if customer != customer_id:
            raise ReviewError(_("invoice {number} is not customer {code}'s", number=number,
                                code=part.customer))
        if doc_currency != currency:
            raise ReviewError(_("invoice {number} is in {invoice_currency}, the line in "
                                "{currency}", number=number, invoice_currency=doc_currency,
                                currency=currency))
        if issued > line.booking_day:
            raise ReviewError(_("invoice {number} is dated {issued}, after bank line {line} of "
                                "{booked}: a payment settles only invoices issued by its date",
                                number=number, issued=from_day_number(issued).isoformat(),
                                line=line.id,
                                booked=from_day_number(line.booking_day).isoformat()))
        if open_ <= 0:
            raise ReviewError(_("invoice {number} is paid already", number=number))
    return sum(found[number][2] for number in set(part.invoices))


# The fits whose suggestion says the money goes beyond its invoices (`core.matching.Fit`):
# confirming one asks for the rest on account. Any other whose invoices owe less than the line
# now (paid meanwhile) no longer says what the money does, and is refused.
_BEYOND = frozenset({"over", "on_account", "undetermined"})


def confirm(session: Session, *, org_id: int, line_id: int, pick: int, now: datetime,
            user: str | None) -> list[Landed]:
    """Apply the line's suggestion number `pick` (1 = the best); returns where the money
    went (`landed`)."""
    t = _line(session, org_id=org_id, line_id=line_id)
    stored = json.loads(t.suggestions or "[]")
    if not stored:
        raise ReviewError(_("bank line {line} has no suggestion to confirm; assign, split or "
                            "ignore it", line=line_id))
    if not 1 <= pick <= len(stored):
        raise ReviewError(ngettext("bank line {line} has {n} suggestion, not {pick}",
                                   "bank line {line} has {n} suggestions, not {pick}",
                                   len(stored), line=line_id, pick=pick))
    chosen = stored[pick - 1]
    if chosen.get("fit") == recorded.FIT:
        return [_confirm_recorded(session, org_id=org_id, t=t, code=chosen["customer_id"],
                                  now=now, user=user)]
    return decide_line(session, org_id=org_id, line_id=line_id,
                       parts=[Part(chosen["customer_id"], tuple(chosen["invoice_numbers"]),
                                   fee=chosen.get("fit") == "less_fee",
                                   rest_on_account=chosen.get("fit") in _BEYOND)],
                       method="confirmed" if pick == 1 else "picked", now=now, user=user)


def _confirm_recorded(session: Session, *, org_id: int, t: BankTransaction, code: str,
                      now: datetime, user: str | None) -> Landed:
    """A person says the line brought the customer's payment recorded before it: linked,
    nothing added (`recorded`)."""
    _undecided(t)
    customer = session.scalar(select(Customer.id).where(Customer.org_id == org_id,
                                                        Customer.code == code))
    row = _row(t)
    found = recorded.held(session, org_id=org_id, lines=[row])
    options = recorded.for_person(found, line=row, customer_id=customer or 0, amount=t.amount,
                                  taken=set())
    if customer is None or not options:
        raise ReviewError(_("the payment of customer {code} that bank line {line} brought is "
                            "no longer waiting for its bank line (another line has it, or it "
                            "was changed); pick another suggestion", code=code, line=t.id))
    h = options[0]
    paid = recorded.settled(session, org_id=org_id, held_=[h])
    ids = tuple(dict.fromkeys(i for p in h.payment_ids for i in paid.get(p, ())))
    numbers = repo.invoice_numbers(session, org_id=org_id, ids=ids)
    link_all(session, org_id=org_id, now=now, user=user,
             links=[_link(row, customer, h, ids, numbers, "confirmed")])
    t.status, t.customer_id, t.handled_at, t.handled_by = "applied", customer, now, user
    learn(session, org_id=org_id, line=t, customer_id=customer, now=now)
    session.flush()
    mark_statements(session, org_id=org_id, now=now)
    return landed.applied(session, org_id=org_id, customer=code, customer_id=customer,
                          currency=t.currency, amount=t.amount, named=(),
                          payment_ids=h.payment_ids, recorded=True)


def ignore(session: Session, *, org_id: int, line_id: int, now: datetime,
           user: str | None) -> None:
    """Mark a line as not a customer payment."""
    t = _line(session, org_id=org_id, line_id=line_id)
    if t.status == "applied":
        raise Decided(_("bank line {line} is applied; reverse it first", line=line_id))
    t.status, t.handled_at, t.handled_by = "ignored", now, user
    session.flush()
    mark_statements(session, org_id=org_id, now=now)


def reverse(session: Session, *, org_id: int, line_id: int, now: datetime,
            user: str | None) -> int:
    """Take back a line's matches exactly; the line returns to the review queue."""
    t = _line(session, org_id=org_id, line_id=line_id)
    if t.amount <= 0:
        # Money out is left out by the matcher and cannot be decided: nothing to take back.
        raise ReviewError(_("bank line {line} is money out, not a customer's payment",
                            line=line_id))
    taught = _taught_by(session, org_id=org_id, line=t)
    undone = reverse_line(session, org_id=org_id, line_id=line_id, now=now, user=user)
    _unlearn(session, org_id=org_id, taught=taught)
    if not undone and t.status != "ignored":
        raise ReviewError(_("bank line {line} has no match to reverse", line=line_id))
    # Back where the matcher left it: in review with its suggestions, or, with none, money
    # in nothing pointed to a customer (`unmatched`).
    waits = "review" if json.loads(t.suggestions or "[]") else "unmatched"
    t.status, t.customer_id, t.handled_at, t.handled_by = waits, None, now, user
    session.flush()
    mark_statements(session, org_id=org_id, now=now)
    return undone


def _teaches(line: BankTransaction) -> list[tuple[str, str]]:
    """The (kind, value) aliases a person's decision on this line teaches: the payer's name and
    account."""
    taught = []
    if line.counterparty_name and name_key(line.counterparty_name):
        taught.append(("name", name_key(line.counterparty_name)))
    payer = compact(line.counterparty_account or "")
    # A file that gives the account's own number as the payer's (in every row) must not tie
    # every line of the account to this customer.
    if payer and payer != compact(line.account):
        taught.append(("account", payer))
    return taught


def learn(session: Session, *, org_id: int, line: BankTransaction, customer_id: int,
          now: datetime) -> None:
    """A confirmed match teaches the payer's name and account as this customer's aliases."""
    for kind, value in _teaches(line):
        known = session.scalar(select(CustomerAlias.id).where(
            CustomerAlias.org_id == org_id, CustomerAlias.kind == kind,
            CustomerAlias.value == value, CustomerAlias.customer_id == customer_id))
        if known is None:
            session.add(CustomerAlias(org_id=org_id, customer_id=customer_id, kind=kind,
                                      value=value, source="confirmed", created_at=now))


_BY_PERSON = ("confirmed", "picked", "split", "manual")  # the methods that `learn`


def _taught_by(session: Session, *, org_id: int,
               line: BankTransaction) -> list[tuple[int, str, str]]:
    """(customer, kind, value) of the aliases the line's active matches taught (those a person
    decided)."""
    customers = session.scalars(select(ReconciliationMatch.customer_id).where(
        ReconciliationMatch.org_id == org_id, ReconciliationMatch.transaction_id == line.id,
        ReconciliationMatch.reversed_at.is_(None),
        ReconciliationMatch.method.in_(_BY_PERSON))).all()
    return [(customer, kind, value) for customer in sorted(set(customers))
            for kind, value in _teaches(line)]


def _unlearn(session: Session, *, org_id: int, taught: list[tuple[int, str, str]]) -> None:
    """A reversed decision unteaches its aliases, unless another decision a person still
    stands by taught the customer the same (the reversed match is marked reversed first)."""
    for customer in sorted({c for c, _kind, _value in taught}):
        standing = session.scalars(select(BankTransaction).join(
            ReconciliationMatch, ReconciliationMatch.transaction_id == BankTransaction.id).where(
            ReconciliationMatch.org_id == org_id, ReconciliationMatch.customer_id == customer,
            ReconciliationMatch.reversed_at.is_(None),
            ReconciliationMatch.method.in_(_BY_PERSON))).all()
        kept = {pair for t in standing for pair in _teaches(t)}
        for kind, value in {(k, v) for c, k, v in taught if c == customer} - kept:
            session.execute(delete(CustomerAlias).where(
                CustomerAlias.org_id == org_id, CustomerAlias.customer_id == customer,
                CustomerAlias.kind == kind, CustomerAlias.value == value,
                CustomerAlias.source == "confirmed"), execution_options={
                "synchronize_session": False})


def review_queue(session: Session, *, org_id: int) -> list[BankTransaction]:
    """Lines waiting for a person, oldest first: those in review, and the money in that nothing
    pointed to a customer (unmatched: only a person can say whose it is, or that it is no
    customer's payment)."""
    return list(session.scalars(select(BankTransaction).where(
        BankTransaction.org_id == org_id, BankTransaction.status.in_(("review", "unmatched")))
        .order_by(BankTransaction.booking_date, BankTransaction.id)))
