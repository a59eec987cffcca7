"""Per bank line: gather the evidence from the index, score each candidate customer, decide."""

from __future__ import annotations

import marshal
from collections.abc import Sequence
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from cobranza.batching import across_processes
from cobranza.core import references
from cobranza.core.matching import (
    MARGIN,
    STRENGTH,
    THRESHOLD,
    Candidate,
    FeeTolerance,
    Fit,
    OpenItem,
    Suggestion,
    best_possible,
    clear_of,
    close_to,
    decide,
    fit_amount,
    loose,
    name_strength,
    names_invoices,
    score,
    suggest,
)
from cobranza.reconciliation.index import LedgerIndex, compact, name_key
from cobranza.reconciliation.repository import LineRow

_MAX_CANDIDATES = 12
_MAX_NAMESAKES = 120  # customers answering to one payer name that are scored (amount decides)
PARALLEL_LEAST = 10_000  # lines per process below which forking costs more than it saves


class Verdict(NamedTuple):
    """What the matcher says about one line."""

    line: LineRow
    status: str  # applied | review | unmatched | ignored
    suggestions: list[Suggestion]


def _references(line: LineRow, index: LedgerIndex, refs: Sequence[references.Decoded],
                owners: dict[int, int], found: dict[int, Candidate]) -> None:
    for decoded in refs:
        if decoded.kind == "customer" and decoded.id in index.customers:
            _candidate(found, decoded.id).add("rf_customer", STRENGTH["rf_customer"])
        elif decoded.kind == "invoice":
            owner = owners.get(decoded.id)
            if owner is not None:
                named = decoded.id if decoded.id in index.open_ids else None
                _candidate(found, owner).add("rf_invoice", STRENGTH["rf_invoice"],
                                             invoice_id=named)
    accounts = references.find_clabes(line.text) + [line.account]
    if line.counterparty_account:
        accounts.append(line.counterparty_account)
    for clabe in accounts:
        customer = index.clabes.get(clabe)
        if customer is not None:
            _candidate(found, customer).add("clabe", STRENGTH["clabe"])


def references_in(line: LineRow) -> list[references.Decoded]:
    """The cobranza RF references (invoice or customer) in a line's text, in order."""
    if "RF" not in line.text:
        return []
    return [d for ref in references.find_rf(line.text)
            if (d := references.decode(ref)) is not None]


def _candidate(found: dict[int, Candidate], customer: int) -> Candidate:
    candidate = found.get(customer)
    if candidate is None:
        candidate = found[customer] = Candidate(customer)
    return candidate


def _numbers(numbers: Sequence[tuple[str, Sequence[OpenItem]]],
             found: dict[int, Candidate]) -> None:
    for kind, hits in numbers:
        owners = {h.customer_id for h in hits}
        strength = STRENGTH[kind] if len(owners) == 1 else STRENGTH[kind] / 2
        for hit in hits[:_MAX_CANDIDATES]:
            _candidate(found, hit.customer_id).add(kind, strength, invoice_id=hit.invoice_id)


def _parties(line: LineRow, index: LedgerIndex, found: dict[int, Candidate]) -> dict[int, float]:
    """Tax id, known accounts, learnt aliases and the payer's name.

    Returns the customers only the name points to, with the name's strength: most lines name
    one customer, or carry a number or reference that settles it, and their namesakes are then
    never scored, so they are made candidates only if the scoring reaches them (`match_line`).
    """
    tax = (line.counterparty_tax_id or "").upper().replace("-", "").replace(".", "")
    if tax and tax in index.by_tax:
        _candidate(found, index.by_tax[tax]).add("tax_id", STRENGTH["tax_id"])
    if line.counterparty_account:
        for customer in index.accounts.get(compact(line.counterparty_account), ()):
            _candidate(found, customer).add("account", STRENGTH["account"])
    if not line.counterparty_name:
        return {}
    resembling = index.names(line.counterparty_name)
    learnt = index.name_aliases.get(name_key(line.counterparty_name), set())
    for customer in learnt:
        _candidate(found, customer).add("alias", STRENGTH["alias"])
    if not resembling:
        return {}
    # Customers scoring within 3 points of the best answer to the name about as well.
    group = sum(1 for _c, score in resembling if score >= resembling[0][1] - 3)
    named = resembling
    if len(resembling) > 1:
        owes_it = index.owing(line.amount)
        # Of a large group, look first at those who owe exactly this amount.
        named = sorted(resembling, key=lambda cs: (-cs[1], cs[0] not in owes_it))
    only: dict[int, float] = {}
    for customer, similarity in named[:_MAX_NAMESAKES]:
        strength = name_strength(similarity, group=group)
        if not strength:
            continue
        candidate = found.get(customer)
        if candidate is not None:
            candidate.add("name", strength)
        elif strength > only.get(customer, 0.0):
            only[customer] = strength
    return only


def _amount_only(line: LineRow, index: LedgerIndex, found: dict[int, Candidate],
                 fee: FeeTolerance) -> None:
    """Nothing names the payer: the customers owed exactly this amount, or this amount and a
    bank fee, are suggestions for a person (never applied on the amount alone)."""
    hits = index.by_amount.get(line.amount)
    if len(hits) > 3:
        # A common amount: the invoices falling due nearest the payment are likeliest.
        hits = sorted(hits, key=lambda h: abs(h.due - line.booking_day))[:3] if len(
            hits) <= 50 else []
    for hit in hits:
        _candidate(found, hit.customer_id).add("amount_only", STRENGTH["amount_only"])
    if not hits:
        near = index.amounts_between(line.amount + 1, line.amount + fee.most(line.amount))
        for hit in near[:3] if len(near) <= 5 else []:
            _candidate(found, hit.customer_id).add("amount_only", STRENGTH["amount_only"] / 2)


def _beaten(best: Decimal, bound: Decimal) -> bool:
    """True when a candidate that can reach at most `bound` neither overtakes nor ties `best`,
    nor stops it from being applied (`decide`)."""
    return bound < best and clear_of(best, bound)


def _keep_best(best3: list[Decimal], confidence: Decimal) -> None:
    """Insert a confidence into the three best so far (best first), keeping three."""
    at = len(best3)
    while at and best3[at - 1] < confidence:
        at -= 1
    if at < 3:
        best3.insert(at, confidence)
        del best3[3:]


def _settled(top: list[Decimal], bound: Decimal) -> bool:
    """True when a candidate that can reach at most `bound` changes nothing: it would not enter
    the top 3 (`top`: the three best confidences so far, best first), and it could not come
    within the margin of the best."""
    return bound <= top[2] and top[0] - bound >= MARGIN


def match_line(line: LineRow, index: LedgerIndex, *, refs: Sequence[references.Decoded],
               owners: dict[int, int], numbers: Sequence[tuple[str, Sequence[OpenItem]]],
               fee: FeeTolerance, complete: bool = False) -> Verdict:
    """Score every customer the line's evidence points to; applied, review or unmatched.

    `refs` are the cobranza RF references found in the line's text (`references_in`), and
    `owners` the customer of every invoice they name; `numbers` the open invoices its text
    names (`LedgerIndex.numbers_in`: a join, so for all lines at once, not line by line). A
    line that will be applied lists only the runners-up scored before the best was certain,
    unless `complete` (every line goes to a person: its top 3 must be the true top 3).
    """
    if line.amount <= 0:
        return Verdict(line, "ignored", [])  # money out is not a customer's payment
    found: dict[int, Candidate] = {}
    _references(line, index, refs, owners, found)
    _numbers(numbers, found)
    by_name: dict[int, float] = {}
    sure = max((c.identity() for c in found.values()), default=0.0)
    if sure < 0.99:
        by_name = _parties(line, index, found)  # a reference already names the customer
        sure = max((c.identity() for c in found.values()), default=0.0)
    if not by_name and sure < 0.5:
        _amount_only(line, index, found, fee)  # (a name's strength is 0.5 at least)
    # Who owes exactly this amount only breaks ties among several candidates.
    owes_it = index.owing(line.amount) if len(found) + len(by_name) > 1 else set()
    # Best identity first; a name-only candidate's identity is its name's strength.
    ranked = sorted([*((-c.identity(), c.customer_id not in owes_it, c.customer_id, c)
                       for c in found.values()),
                     *((-(1.0 - (1.0 - strength)), customer not in owes_it, customer, None)
                       for customer, strength in by_name.items())])[:_MAX_NAMESAKES]
    suggestions: list[Suggestion] = []
    best3: list[Decimal] = []  # the three best confidences so far, best first
    leader: Suggestion | None = None  # the best suggestion so far
    for _identity, _owes, customer, known in ranked:
        candidate = known or Candidate(customer, {"name": by_name[customer]})
        # A namesake of a loosely fitting leader sends the line to review (`decide`): it must
        # be scored. Ranked by identity, so once one is not, none further down is.
        namesake = leader is not None and loose(leader) and close_to(leader,
                                                                      candidate.identity())
        if (not complete and best3 and best3[0] >= THRESHOLD and not namesake
                and (len(best3) < 2 or clear_of(best3[0], best3[1]))
                and _beaten(best3[0], best_possible(candidate))):
            # The best is applied whatever the rest say: none can reach it, or come close
            # enough to send the line to review (the runners-up of an applied line are not
            # worth their amount search). Ranked by identity, so neither can any further down.
            break
        if len(best3) >= 3 and not namesake and _settled(best3, best_possible(candidate)):
            break  # no customer further down can change the decision or the top 3
        book = index.book(candidate.customer_id)
        if (len(best3) >= 3 and not candidate.named and not namesake
                and _settled(best3, best_possible(candidate, certain=False))
                and not book.may_fit(line.amount, line.booking_day, fee)):
            continue  # the amount fits none of this one's invoices: it cannot either
        suggestion = suggest(candidate, book, amount=line.amount, day=line.booking_day, fee=fee)
        suggestions.append(suggestion)
        _keep_best(best3, suggestion.confidence)
        if leader is None or (suggestion.confidence, -suggestion.customer_id) > (
                leader.confidence, -leader.customer_id):
            leader = suggestion
    status, top = decide(suggestions)
    if status == "applied" and any(d.kind == "invoice" and d.id in owners
                                   and d.id not in index.open_ids for d in refs):
        # The reference names one of our invoices that is paid already: a second payment of
        # it, or money for something else. A person decides; it is never put on another
        # invoice of the customer unseen.
        status = "review"
    return Verdict(line, status, top)


def match_lines(lines: Sequence[LineRow], index: LedgerIndex, *,
                refs: dict[int, list[references.Decoded]], owners: dict[int, int],
                fee: FeeTolerance, complete: bool = False, workers: int = 1) -> list[Verdict]:
    """`match_line` for every line, in order, split across `workers` processes.

    Each line is matched on its own (the index only caches what any line would compute the
    same way), so the verdicts are the same however the lines are split. The invoice numbers
    in the lines' text are found by a polars join (`LedgerIndex.numbers_in`): here, for a
    worker's lines before it is forked, and for this process's own while the workers run.
    """
    numbers: dict[int, list[tuple[str, Sequence[OpenItem]]]] = {}
    found: set[tuple[int, int]] = set()

    def find_numbers(start: int, stop: int) -> None:
        numbers.update(index.numbers_in(lines[start:stop]))
        found.add((start, stop))

    def work(start: int, stop: int) -> list[Verdict]:
        if (start, stop) not in found:
            find_numbers(start, stop)
        return [match_line(ln, index, refs=refs.get(ln.id, ()), owners=owners, fee=fee,
                           complete=complete, numbers=numbers.get(ln.id, ()))
                for ln in lines[start:stop]]

    def unpack(packed: bytes) -> list[Verdict]:
        by_id = {ln.id: ln for ln in lines}
        return [_verdict(by_id[line_id], status, suggestions)
                for line_id, status, suggestions in marshal.loads(packed)]

    parts = across_processes(work, len(lines), workers=workers, pack=_pack, unpack=unpack,
                             least=PARALLEL_LEAST, ahead=find_numbers)
    return [v for part in parts for v in part]


# Fits that settle their invoices whole (a partial leaves the rest open; on account names none).
_SETTLES = frozenset({"exact", "subset", "all", "oldest", "discount", "less_fee", "over"})


def one_claim_each(verdicts: Sequence[Verdict], index: LedgerIndex,
                   fee: FeeTolerance) -> list[Verdict]:
    """The verdicts, with each applied line fitted to what the lines applied before it in the
    same call (by booking day, then id) left open.

    Each line is matched against the ledger as it stood before the call: two payments of one
    invoice would both fit it. Where an earlier line took the invoices a later one fits, the
    later one's amount is fitted again to the customer's invoices still open (two equal
    payments of two equal invoices: the second settles the second invoice). If it fits none the
    same way, or it named the taken invoice (by reference or number: a customer paying twice),
    it goes to a person, instead of the money landing as an unexplained credit.
    """
    taken: dict[int, int] = {}  # invoice id -> taken by the lines applied so far
    changed: dict[int, Verdict] = {}
    for v in sorted((v for v in verdicts if v.status == "applied"),
                    key=lambda v: (v.line.booking_day, v.line.id)):
        best = v.suggestions[0]
        if not best.fit.invoice_ids:
            continue
        items = index.owed_by(best.customer_id)
        fit = best.fit
        if _clashes(fit, v.line.amount, items, taken):
            named = names_invoices(best)
            left = _left(items, taken)
            again = fit_amount(v.line.amount, left, day=v.line.booking_day, fee=fee,
                               ordered=True)
            if named or not again.certain or again.kind != fit.kind:
                changed[v.line.id] = v._replace(status="review")
                continue
            fit = again
            changed[v.line.id] = v._replace(suggestions=[
                best._replace(invoice_ids=again.invoice_ids, fit=again), *v.suggestions[1:]])
        _take(fit, v.line.amount, items, taken)
    for v in (changed.get(v.line.id, v) for v in verdicts):
        if v.status == "review" and any(taken.get(i, 0) for s in v.suggestions
                                        for i in s.invoice_ids):
            changed[v.line.id] = v._replace(suggestions=_refitted(v, index, taken, fee))
    return [changed.get(v.line.id, v) for v in verdicts]


def _refitted(v: Verdict, index: LedgerIndex, taken: dict[int, int],
              fee: FeeTolerance) -> list[Suggestion]:
    """A review line's suggestions with what the applied lines took out of the way: one whose
    invoices only its amount chose is fitted again to what its customer still owes (a person
    is not offered an invoice another line of the call just paid). One naming the invoice in
    its text or reference is kept: it says the customer paid it twice."""
    out = []
    for s in v.suggestions:
        if (not any(taken.get(i, 0) for i in s.invoice_ids)
                or names_invoices(s)):
            out.append(s)
            continue
        fit = fit_amount(v.line.amount, _left(index.owed_by(s.customer_id), taken), day=v.line.booking_day, fee=fee, ordered=True)
        out.append(s._replace(invoice_ids=fit.invoice_ids, fit=fit,
                              confidence=score(Candidate(s.customer_id, dict(s.evidence)), fit)))
    return sorted(out, key=lambda s: (-s.confidence, s.customer_id))


def _left(items: Sequence[OpenItem], taken: dict[int, int]) -> list[OpenItem]:
    """A customer's open items (oldest first) less what the lines applied so far took."""
    return [item._replace(open=item.open - taken.get(item.invoice_id, 0))
            for item in items if item.open > taken.get(item.invoice_id, 0)]


def _clashes(fit: Fit, amount: int, items: Sequence[OpenItem], taken: dict[int, int]) -> bool:
    """True when earlier lines took what this fit needs: any of the invoices it settles whole
    or puts money on account of (oldest first: the next ones are then the oldest), or more of
    a partial's invoices than they still owe."""
    if fit.kind != "partial":
        return any(taken.get(i, 0) for i in fit.invoice_ids)
    owed = {item.invoice_id: item.open for item in items}
    return amount > sum(owed.get(i, 0) - taken.get(i, 0) for i in fit.invoice_ids)


def _take(fit: Fit, amount: int, items: Sequence[OpenItem], taken: dict[int, int]) -> None:
    """Mark what the line's fit takes: its invoices whole, or its amount oldest first (a
    partial payment, money on account)."""
    owed = {item.invoice_id: item.open for item in items}
    if fit.kind in _SETTLES:
        for i in fit.invoice_ids:
            taken[i] = owed.get(i, 0)
        return
    left = amount
    for i in fit.invoice_ids:
        part = min(left, owed.get(i, 0) - taken.get(i, 0))
        taken[i] = taken.get(i, 0) + part
        left -= part


def _pack(verdicts: list[Verdict]) -> bytes:
    """Verdicts as plain values (marshal: a tenth of pickling the objects), the line by id."""
    return marshal.dumps([
        (v.line.id, v.status, [(s.customer_id, s.invoice_ids, str(s.confidence), s.fit.kind,
                                s.fit.invoice_ids, s.fit.certain, s.fit.write_off, s.evidence,
                                s.identity) for s in v.suggestions])
        for v in verdicts])


@cache
def _decimal(text: str) -> Decimal:
    return Decimal(text)  # confidences have three places: a thousand values at most


def _verdict(line: LineRow, status: str, suggestions: list[Any]) -> Verdict:
    # marshal gives tuples back as tuples: the ids and the evidence need no conversion.
    return Verdict(line, status, [
        Suggestion(customer, ids, _decimal(confidence), Fit(kind, fit_ids, certain, write_off),
                   evidence, identity)
        for customer, ids, confidence, kind, fit_ids, certain, write_off, evidence, identity
        in suggestions])
