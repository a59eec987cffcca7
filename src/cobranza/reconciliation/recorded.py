"""Bank lines whose money the ledger holds already: a payment recorded before its line came.

In Mexico the issuer may stamp the payment complement, and cobranza import it, before the
statement that shows the transfer; a business may import its payments from its accounts as
well as its bank statements. Either way the payment and the bank line are one sum of money.
Applied again, the line would pay another invoice of the customer, or sit as its credit: the
money counted twice (the mirror of `einvoices.recorded`, where the line came first).

A line is such a payment's where
- the payment is on no bank line yet (no match), in the line's currency, of exactly its
  amount (a complement's Pago paying several invoices: the sum of its documents), and dated
  within `DAYS` of the booking date;
- the line points to the payment's customer: the customer's RF reference, CLABE, tax id,
  account or confirmed alias, or the matcher would apply the line to it; or the line carries
  the payment's operation number (NumOperacion, often the SPEI clave de rastreo);
- where it names invoices (in its text, or a person's decision does), the payment paid one of
  them (`brings`): naming only others, it is another payment; naming one the payment paid and
  others besides, it is the payment, whose remittance listed more than the payment settled
  (applied again, the money would count twice);
- and it carries no clave de rastreo other than the payment's (then it is another transfer,
  and the one that paid it may be on another account's statement).
Each payment goes to one line: where several could take it, the one carrying its operation
number, else the nearest in days. The line is applied by linking it to the payment
(`apply.link_all`): nothing new is recorded, and reversing the link leaves the payment as it
was. A person's decision on a line brings the payment by the same rules (`for_person`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple, TypeVar

from sqlalchemy.orm import Session

from cobranza import bulk
from cobranza.core.matching import NAMING, Fit, Suggestion, names_invoices
from cobranza.reconciliation.matcher import Verdict
from cobranza.reconciliation.repository import LineRow, fetch

# The bank books a transfer on the day the payment is dated, or a few days on (a cheque, a
# weekend); further apart it is another payment. As `einvoices.recorded`.
DAYS = 5
# Evidence that names the customer whatever the amount (`core.matching.STRENGTH`).
_NAMES_CUSTOMER = frozenset({"rf_invoice", "rf_customer", "clabe", "tax_id", "account",
                             "alias"})
_SHORTEST_REFERENCE = 6  # an operation number shorter than this is found in any text
_TRACE_LEAST = 10  # the length from which a reference is a clave de rastreo (`_trace`)
_WORDS = re.compile(r"[0-9A-Z]+")
FIT = "recorded"  # the fit of a line that brought a payment recorded before it
T = TypeVar("T")


class Held(NamedTuple):
    """A payment the ledger holds that no bank line has brought yet (or one Pago of a
    complement: its documents' payments together)."""

    customer_id: int
    currency: str
    amount: int
    day: int  # day number
    payment_ids: tuple[int, ...]
    reference: str  # its operation number, compact and upper case ('' if none)


def held(session: Session, *, org_id: int, lines: Sequence[LineRow],
         ) -> dict[tuple[int, str, int], list[Held]]:
    """The payments on no bank line dated near the lines', by (customer, currency, amount):
    each alone, and each complement's Pago as the sum of its documents."""
    days = [ln.booking_day for ln in lines if ln.amount > 0]
    if not days:
        return {}
    rows = fetch(session, "SELECT id, customer_id, currency, amount, date, fiscal_id, reference "
                          "FROM payments WHERE org_id = {m} AND match_id IS NULL "
                          "AND date BETWEEN {m} AND {m} ORDER BY date, id",
                 (org_id, min(days) - DAYS, max(days) + DAYS))
    found: dict[tuple[int, str, int], list[Held]] = {}
    pagos: dict[tuple[int, str, int, str, str], list[tuple[int, int]]] = {}
    for pid, customer, currency, amount, day, fiscal_id, reference in rows:
        ref = "".join(_WORDS.findall((reference or "").upper()))
        found.setdefault((customer, currency, amount), []).append(
            Held(customer, currency, amount, day, (pid,), ref))
        if fiscal_id is not None:
            pagos.setdefault((customer, currency, day, fiscal_id, ref), []).append((pid, amount))
    for (customer, currency, day, _fiscal_id, ref), parts in pagos.items():
        if len(parts) > 1:
            total = sum(amount for _pid, amount in parts)
            found.setdefault((customer, currency, total), []).append(
                Held(customer, currency, total, day, tuple(pid for pid, _a in parts), ref))
    return found


def _pointed(v: Verdict) -> dict[int, tuple[tuple[str, float], ...]]:
    """The customers the line names whatever its amount, with that evidence."""
    pointed = {s.customer_id: tuple((k, w) for k, w in s.evidence if k in _NAMES_CUSTOMER)
               for s in v.suggestions}
    pointed = {c: e for c, e in pointed.items() if e}
    if v.status == "applied" and v.suggestions:
        best = v.suggestions[0]
        pointed.setdefault(best.customer_id, tuple(
            (k, w) for k, w in best.evidence if k not in NAMING))
    return pointed


def _named(v: Verdict) -> set[int]:
    """The open invoices the line names (by reference or number in its text)."""
    best = v.suggestions[0] if v.suggestions else None
    if best is None or not names_invoices(best):
        return set()
    return set(best.invoice_ids)


def links(verdicts: Sequence[Verdict], found: dict[tuple[int, str, int], list[Held]], *,
          paid: dict[int, tuple[int, ...]],
          ) -> dict[int, tuple[Held, tuple[tuple[str, float], ...]]]:
    """Line id -> the held payment it brought and the evidence naming its customer; each
    payment to one line, and each line to one payment. Where several lines could take a
    payment, the one carrying its operation number takes it, else the nearest in days (then
    the first booked): the others are other transfers of the customer. `paid`: the invoices
    each payment settled (`settled`)."""
    if not found:
        return {}
    by_reference: dict[str, list[Held]] = {}
    for each in found.values():
        for h in each:
            if len(h.reference) >= _SHORTEST_REFERENCE:
                by_reference.setdefault(h.reference, []).append(h)
    pairs: list[tuple[tuple[bool, int, int, int, tuple[int, ...]], int, Held,
                      tuple[tuple[str, float], ...]]] = []
    for v in verdicts:
        line = v.line
        if line.amount <= 0 or v.status == "ignored":
            continue
        options: list[tuple[Held, tuple[tuple[str, float], ...]]] = [
            (h, (("reference", 1.0),)) for word in _words(line)
            for h in by_reference.get(word, ())
            if h.currency == line.currency and h.amount == line.amount]
        agrees = bool(options)
        if not options:
            options = [(h, evidence) for customer, evidence in _pointed(v).items()
                       for h in found.get((customer, line.currency, line.amount), ())]
        named = _named(v)
        options = [(h, e) for h, e in options if abs(h.day - line.booking_day) <= DAYS
                   and not _another_transfer(h, line)
                   and brings(named, (i for p in h.payment_ids for i in paid.get(p, ())))]
        if len({h.customer_id for h, _e in options}) != 1:
            continue  # none, or two customers' payments: the matcher's verdict stands
        pairs += [((not agrees, abs(h.day - line.booking_day), line.booking_day, line.id,
                    h.payment_ids), line.id, h, e) for h, e in options]
    taken: set[int] = set()
    out: dict[int, tuple[Held, tuple[tuple[str, float], ...]]] = {}
    for _rank, line_id, h, evidence in sorted(pairs, key=lambda pair: pair[0]):
        if line_id in out or not taken.isdisjoint(h.payment_ids):
            continue
        taken.update(h.payment_ids)
        out[line_id] = (h, evidence)
    return out


def _words(line: LineRow) -> set[str]:
    """The words of a line an operation number is looked up by (its text's and its id)."""
    return set(_WORDS.findall(line.text)) | {line.transaction_id or ""}


def _trace(reference: str) -> str:
    """`reference` (compact, upper case) when it has the form of a SPEI clave de rastreo, as
    the statement import reads one (`statements.service`: ten or more letters and digits; a
    referencia numérica has at most seven digits), else ''."""
    return reference if len(reference) >= _TRACE_LEAST else ""


def _another_transfer(h: Held, line: LineRow) -> bool:
    """The payment carries one clave de rastreo and the line another: two transfers, though
    of one customer and amount on near days (the one that paid it may be on another
    account's statement)."""
    mine = _trace(h.reference)
    theirs = _trace("".join(_WORDS.findall((line.spei_reference or "").upper())))
    return bool(mine and theirs) and mine != theirs


def brings(named: Iterable[T], settled: Iterable[T]) -> bool:
    """Whether a line (or a person's part) naming the invoices `named` may be the held payment
    that settled `settled` (ids, or numbers upper case): it names none, or one of those. The
    one rule of the matcher (`links`) and of a person's decision (`review`)."""
    wanted = set(named)
    return not wanted or not wanted.isdisjoint(settled)


def for_person(found: dict[tuple[int, str, int], list[Held]], *, line: LineRow,
               customer_id: int, amount: int, taken: set[int]) -> list[Held]:
    """The held payments a person's decision to apply `amount` of `line` to `customer_id`
    brings, best first: the customer's of exactly that amount within `DAYS`, on no other
    line (nor in `taken`), not another transfer's (`_another_transfer`); the one whose
    operation number the line carries first, then the nearest. A person who assigns a line a
    match took back would else record its money again."""
    words = _words(line)
    options = [h for h in found.get((customer_id, line.currency, amount), ())
               if abs(h.day - line.booking_day) <= DAYS and taken.isdisjoint(h.payment_ids)
               and not _another_transfer(h, line)]
    return sorted(options, key=lambda h: (
        not (len(h.reference) >= _SHORTEST_REFERENCE and h.reference in words),
        abs(h.day - line.booking_day), h.payment_ids))


def suggestion(held_: Held, evidence: tuple[tuple[str, float], ...],
               invoice_ids: tuple[int, ...]) -> Suggestion:
    """The link as the line's best suggestion: the payment's customer and the invoices it
    settled. Sure as the evidence naming the customer with the amount and day agreeing."""
    doubt = 0.1  # an unlinked payment of exactly this amount within days: one in ten by chance
    for _kind, strength in evidence:
        doubt *= 1.0 - strength
    identity = 1.0 - doubt
    return Suggestion(held_.customer_id, invoice_ids,
                      Decimal(str(round(identity, 3))).min(Decimal(1)),
                      Fit(FIT, invoice_ids, True), ((FIT, 1.0), *evidence), identity)


def settled(session: Session, *, org_id: int,
            held_: Sequence[Held]) -> dict[int, tuple[int, ...]]:
    """Payment id -> the invoices it settled, in allocation order (read through the
    customer's index: `allocations` has none on the payment)."""
    out: dict[int, list[int]] = {}
    pairs = sorted({(h.customer_id, pid) for h in held_ for pid in h.payment_ids})
    for start in range(0, len(pairs), 400):
        chunk = pairs[start:start + 400]
        customers = sorted({c for c, _p in chunk})
        payments = [p for _c, p in chunk]
        conn = session.connection()
        rows = bulk.fetch(conn,
                          "SELECT payment_id, invoice_id FROM allocations WHERE org_id = {m} "
                          "AND customer_id IN ({cs}) AND payment_id IN ({ps}) ORDER BY id",
                          (org_id, *customers, *payments),
                          cs=", ".join([bulk.mark(conn)] * len(customers)),
                          ps=", ".join([bulk.mark(conn)] * len(payments)))
        for payment, invoice in rows:
            if invoice not in out.setdefault(payment, []):
                out[payment].append(invoice)
    return {p: tuple(ids) for p, ids in out.items()}
