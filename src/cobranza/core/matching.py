"""Which customer and which invoices a bank line pays: evidence, amount fit and confidence.

Pure functions over plain values (integer minor units, day numbers); the reconciliation use case
gathers the candidates set-based and calls these once per line and candidate customer.

Confidence is a number in [0, 1]. Each piece of evidence that names a customer carries a
strength (how rarely it names the wrong one); strengths for one customer combine as independent
evidence (noisy-OR). The amount then says which invoices: a fit that pins them down (exact,
several invoices summing exactly, the early-payment discount or a bank fee deducted, a partial
payment of a named invoice) removes most of the remaining doubt; an amount that fits nothing
leaves the doubt where it was. A line is applied without review only above the threshold and
well ahead of the next customer (`decide`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from itertools import combinations as choose
from typing import NamedTuple

# How often each kind of evidence names the wrong customer, as a strength in [0, 1].
STRENGTH = {
    "rf_invoice": 0.995,  # ISO 11649 reference we printed on the invoice (check digits valid)
    "rf_customer": 0.995,  # the customer's fixed reference
    "clabe": 0.995,  # the customer's virtual CLABE received the transfer
    "tax_id": 0.97,  # RFC/RUT of the payer
    "account": 0.97,  # a bank account this customer paid from before (learnt)
    "alias": 0.95,  # a payer name confirmed for this customer before (learnt)
    "invoice_number": 0.93,  # an open invoice's full number in the remittance text
    "invoice_digits": 0.7,  # only the digits of an invoice number (F-000123 → 123)
    "amount_only": 0.3,  # no other evidence: an open invoice of exactly this amount
}
AUTO_THRESHOLD = 0.95
AUTO_MARGIN = 0.10  # the best customer must lead the next one by this much...
DOUBT_RATIO = Decimal(3)  # ...or be at least this many times less in doubt
# The same two as confidences are compared (Decimal, three places).
THRESHOLD = Decimal(str(AUTO_THRESHOLD))
MARGIN = Decimal(str(AUTO_MARGIN))
LOOSE = {"less_fee": 0.45, "partial": 0.9}  # doubt left by these fits when nothing names invoices
NAMING = frozenset({"rf_invoice", "invoice_number", "invoice_digits"})  # evidence naming invoices
SUBSET_ITEMS = 16  # subset-sum looks at this many oldest open invoices...
SUBSET_SIZE = 4  # ...combined up to this many at a time (bounded work per line)
_SMALL_POOL = 5  # up to this many, every combination's total is listed once per customer
# The combinations of 2..SUBSET_SIZE positions of a small pool, by pool size, in size order.
_COMBOS = {n: [c for size in range(2, SUBSET_SIZE + 1) for c in choose(range(n), size)]
           for n in range(_SMALL_POOL + 1)}


NAME_GROUP = 12  # more customers answering to one payer name than this: the name is weak


def name_strength(score: float, *, group: int = 1) -> float:
    """Strength of a fuzzy payer-name match (rapidfuzz score 0..100).

    `group` is how many customers match the name about as well. Up to NAME_GROUP they are all
    scored and the amount tells them apart (the margin rule in `decide`); beyond, only some
    could be looked at, so the name alone must not carry the line past review.
    """
    if group > NAME_GROUP:
        return min(0.5, name_strength(score))
    if score >= 97:
        return 0.9
    if score >= 92:
        return 0.85
    if score >= 87:
        return 0.72
    if score >= 80:
        return 0.5
    return 0.0


class OpenItem(NamedTuple):
    """An open document of a customer as the matcher sees it (amounts in minor units).

    A named tuple, not a dataclass: the matcher builds one per open invoice of the ledger.
    """

    invoice_id: int
    number: str
    customer_id: int
    open: int
    due: int  # day number
    issue: int
    discount: int = 0  # deductible when paid on or before `discount_until`
    discount_until: int = -1


class Fit(NamedTuple):
    """What the amount says about the invoices a payment settles (a named tuple, like the
    suggestion that holds it: a reconcile call makes one per line and candidate)."""

    kind: str  # exact|subset|all|oldest|discount|less_fee|partial|over|on_account|undetermined
    invoice_ids: tuple[int, ...]
    certain: bool
    write_off: int = 0  # a deducted bank fee written off (minor units)


@dataclass
class Candidate:
    """One customer a line may belong to, with the evidence that says so."""

    customer_id: int
    evidence: dict[str, float] = field(default_factory=dict)  # kind -> strength
    named: list[int] = field(default_factory=list)  # invoice ids named by reference or number
    _identity: float | None = field(default=None, repr=False, compare=False)

    def add(self, kind: str, strength: float, *, invoice_id: int | None = None) -> None:
        """Record evidence (the strongest of each kind counts once)."""
        if strength > self.evidence.get(kind, 0.0):
            self.evidence[kind] = strength
            self._identity = None
        if invoice_id is not None and invoice_id not in self.named:
            self.named.append(invoice_id)

    def identity(self) -> float:
        """How sure the evidence makes us of the customer (noisy-OR of the strengths)."""
        if self._identity is None:
            doubt = 1.0
            for strength in self.evidence.values():
                doubt *= 1.0 - strength
            self._identity = 1.0 - doubt
        return self._identity


class Suggestion(NamedTuple):
    """A scored answer for a line: customer, invoices in allocation order, confidence."""

    customer_id: int
    invoice_ids: tuple[int, ...]
    confidence: Decimal
    fit: Fit
    evidence: tuple[tuple[str, float], ...]
    identity: float = 0.0  # how sure the evidence alone makes us of the customer


def _oldest(items: Iterable[OpenItem]) -> list[OpenItem]:
    return sorted(items, key=lambda i: (i.due, i.issue, i.invoice_id))


def _discounted(item: OpenItem, day: int) -> int:
    return item.open - item.discount if item.discount and day <= item.discount_until else item.open


@dataclass(frozen=True)
class FeeTolerance:
    """How much short of the invoices a payment may be and still settle them: a bank's fee.

    Both bounds hold: at most `pct` % of the invoices' total and at most `cap` minor units
    (a transfer fee is a small fixed charge, not a share of the payment).
    """

    pct: Decimal = Decimal("1.5")
    cap: int | None = None

    def most(self, amount: int) -> int:
        """The largest shortfall a payment of `amount` may carry."""
        return _most(self.pct, self.cap, amount)

    def allows(self, shortfall: int, total: int) -> bool:
        """True when paying `total - shortfall` for `total` is a deducted fee."""
        if shortfall <= 0 or Decimal(shortfall) > Decimal(total) * self.pct / 100:
            return False
        return self.cap is None or shortfall <= self.cap


@lru_cache(maxsize=4096)
def _most(pct: Decimal, cap: int | None, amount: int) -> int:
    # Asked for every namesake of a line (the same amount): decimal arithmetic once.
    by_pct = int(Decimal(amount) * pct / (100 - pct))
    return by_pct if cap is None else min(by_pct, cap)


class Book:
    """One customer's open items, oldest first, with what the amount fits look up.

    Built once per customer and reconcile call (the index keeps it): a customer who owes a
    thousand invoices is a candidate for many lines, and each fit is then a few dictionary hits
    and bisections over running totals instead of scans of the whole list.
    """

    __slots__ = ("items", "total", "_first", "_prefix", "_discounted", "_by_open", "_by_id",
                 "_pairs", "_totals", "_sums", "_span", "_latest", "_as_of")

    def __init__(self, items: Iterable[OpenItem], *, ordered: bool = False) -> None:
        self.items = list(items) if ordered else _oldest(items)
        self._prefix = list(accumulate(i.open for i in self.items))
        self.total = self._prefix[-1] if self._prefix else 0
        self._first: dict[int, OpenItem] = {}
        for item in self.items:
            self._first.setdefault(item.open, item)
        self._discounted = [i for i in self.items if i.discount]
        self._by_open: list[tuple[int, int]] | None = None  # (open, position), sorted
        self._by_id: dict[int, OpenItem] | None = None
        self._pairs: list[tuple[int, int, int]] | None = None
        self._totals: list[int] = []
        self._sums: list[tuple[int, tuple[int, ...]]] | None = None  # small pools: every total
        self._span: tuple[int, int] | None = None  # least and greatest total of a combination
        self._latest = max((i.issue for i in self.items), default=-1)
        self._as_of: dict[int, Book] | None = None  # the items issued by a day, by day

    def as_of(self, day: int) -> Book:
        """The items issued on or before `day`: a payment applies only to those (DOMAIN.md,
        allocation). The whole book where none is issued later, as a rule."""
        if self._latest <= day:
            return self
        if self._as_of is None:
            self._as_of = {}
        found = self._as_of.get(day)
        if found is None:
            found = self._as_of[day] = Book([i for i in self.items if i.issue <= day],
                                            ordered=True)
        return found

    def first_of(self, amount: int) -> OpenItem | None:
        """The oldest item whose open amount is exactly `amount`."""
        return self._first.get(amount)

    def oldest_summing(self, amount: int) -> int:
        """n > 0 when the n oldest items add up to exactly `amount`, else 0."""
        at = bisect_left(self._prefix, amount)
        return at + 1 if at < len(self._prefix) and self._prefix[at] == amount else 0

    def running_between(self, low: int, high: int) -> range:
        """The n (number of oldest items) whose running total lies in [low, high]."""
        return range(bisect_left(self._prefix, low) + 1, bisect_right(self._prefix, high) + 1)

    def running(self, n: int) -> int:
        """Total of the n oldest items."""
        return self._prefix[n - 1]

    def discounted(self) -> list[OpenItem]:
        """Items carrying an early-payment discount, oldest first."""
        return self._discounted

    def opens_between(self, low: int, high: int) -> list[OpenItem]:
        """Items whose open amount lies in [low, high], oldest first."""
        if self._by_open is None:
            self._by_open = sorted((item.open, at) for at, item in enumerate(self.items))
        found = self._by_open[bisect_left(self._by_open, (low, -1)):
                              bisect_right(self._by_open, (high, len(self.items)))]
        return [self.items[at] for _open, at in sorted(found, key=lambda oa: oa[1])]

    def by_id(self) -> dict[int, OpenItem]:
        """Items by invoice id."""
        if self._by_id is None:
            self._by_id = {i.invoice_id: i for i in self.items}
        return self._by_id

    def allocate(self, amount: int) -> tuple[int, ...]:
        """The invoices the ledger's oldest-first rule would settle (DOMAIN.md, allocation)."""
        if amount <= 0:
            return ()
        n = bisect_left(self._prefix, amount) + 1
        return tuple(i.invoice_id for i in self.items[:n])

    def combinations(self, lo: int, hi: int) -> list[tuple[int, ...]]:
        """Up to two combinations (2..4) of the oldest open invoices whose total is in [lo, hi].

        Pair totals of the SUBSET_ITEMS oldest invoices are sorted once per customer, so
        pairs, triples and quadruples cost O(n²) range lookups instead of enumerating every
        combination. Two solutions mean the amount does not say which invoices, so the search
        stops there.
        """
        pool = self.items[:SUBSET_ITEMS]
        n = len(pool)
        if self._span is None:
            opens = sorted(i.open for i in pool)
            self._span = (sum(opens[:2]), sum(opens[-SUBSET_SIZE:]))
        if n < 2 or hi < self._span[0] or lo > self._span[1]:
            return []
        if n <= _SMALL_POOL:
            # A few invoices: every total of 2..SUBSET_SIZE of them, sorted once per customer.
            if self._sums is None:
                opens = [i.open for i in pool]
                sums = []
                for combo in _COMBOS[n]:
                    total = 0
                    for x in combo:
                        total += opens[x]
                    sums.append((total, combo))
                sums.sort()
                self._sums = sums
            at = bisect_left(self._sums, (lo, ()))
            listed: list[tuple[int, ...]] = []
            while at < len(self._sums) and self._sums[at][0] <= hi and len(listed) < 2:
                listed.append(self._sums[at][1])
                at += 1
            return [tuple(pool[x].invoice_id for x in combo) for combo in sorted(listed)]
        if self._pairs is None:
            opens = [i.open for i in pool]
            self._pairs = sorted([(opens[i] + opens[j], i, j)
                                  for i in range(n) for j in range(i + 1, n)])
            self._totals = [p[0] for p in self._pairs]
        pairs, totals = self._pairs, self._totals

        def between(low: int, high: int) -> list[tuple[int, int, int]]:
            return pairs[bisect_left(totals, low):bisect_right(totals, high)]

        found: set[tuple[int, ...]] = {(i, j) for _t, i, j in between(lo, hi)[:2]}
        for k in range(n):
            for _t, i, j in between(lo - pool[k].open, hi - pool[k].open):
                if len(found) > 1:
                    break
                if k not in (i, j):
                    found.add(tuple(sorted((i, j, k))))
        if len(found) <= 1 and SUBSET_SIZE >= 4 and pairs:
            # A quadruple is two pairs: only pairs up to half the range can be its first.
            for first, i, j in pairs[:bisect_right(totals, hi // 2 + 1)]:
                for _t, k, m in between(lo - first, hi - first):
                    if len(found) > 1:
                        break
                    if len({i, j, k, m}) == 4:
                        found.add(tuple(sorted((i, j, k, m))))
                if len(found) > 1:
                    break
        return [tuple(pool[x].invoice_id for x in combo) for combo in sorted(found)][:2]


    def may_fit(self, amount: int, day: int, fee: FeeTolerance) -> bool:
        """False when no fit of `amount` can be certain: a cheap test before the full search.

        Every certain fit of `_fit_free` needs one of these: an item, the oldest items, a
        discounted item, or (within the subset window) some items totalling the amount up to
        a bank fee more; or a customer's only invoice paid in part.
        """
        if amount > self.total:
            return False  # nothing owed adds up to it, even less a bank fee
        if (amount in self._first or self.oldest_summing(amount)
                or any(_discounted(i, day) == amount for i in self._discounted)):
            return True
        n = len(self.items)
        if n > SUBSET_ITEMS or n == 0:
            return False
        if n == 1:
            return amount < self.items[0].open
        high = amount + fee.most(amount)
        return bool(self.opens_between(amount + 1, high)
                    or len(self.running_between(amount + 1, high))
                    or self.combinations(amount, high))


def _fit_named(amount: int, named: list[OpenItem], book: Book, day: int,
               fee: FeeTolerance) -> Fit:
    ids = tuple(i.invoice_id for i in named)
    total = sum(i.open for i in named)
    if amount == total:
        return Fit("exact" if len(named) == 1 else "subset", ids, True)
    if amount == sum(_discounted(i, day) for i in named):
        return Fit("discount", ids, True)
    if fee.allows(total - amount, total):
        return Fit("less_fee", ids, True, write_off=total - amount)
    if amount < total:
        return Fit("partial", ids, True)
    # More than the named invoices: which others the rest is for is anyone's guess.
    wanted = set(ids)
    rest = Book((i for i in book.items if i.invoice_id not in wanted), ordered=True)
    return Fit("over", ids + rest.allocate(amount - total), False)


def _less_fee(amount: int, book: Book, fee: FeeTolerance) -> list[Fit]:
    """Every way the amount is some invoices' total less a bank fee (stops at two)."""
    most = fee.most(amount)
    fits = [Fit("less_fee", (i.invoice_id,), True, write_off=i.open - amount)
            for i in book.opens_between(amount + 1, amount + most)
            if fee.allows(i.open - amount, i.open)][:2]
    for n in book.running_between(amount + 1, amount + most):
        running = book.running(n)
        if n > 1 and fee.allows(running - amount, running):
            fits.append(Fit("less_fee", tuple(i.invoice_id for i in book.items[:n]), True,
                            write_off=running - amount))
    if len(fits) < 2:
        by_id = book.by_id()
        for combo in book.combinations(amount + 1, amount + most):
            total = sum(by_id[c].open for c in combo)
            if fee.allows(total - amount, total) and combo not in {f.invoice_ids for f in fits}:
                fits.append(Fit("less_fee", combo, True, write_off=total - amount))
    return fits


def _fit_free(amount: int, book: Book, day: int, fee: FeeTolerance) -> Fit:
    """The amount alone, against every open invoice of the customer (oldest first)."""
    items = book.items
    exact = book.first_of(amount)
    if exact is not None:
        # Invoices of equal amounts are interchangeable: money that names none of them settles
        # the oldest (DOMAIN.md, allocation), which is what this fit says.
        return Fit("exact", (exact.invoice_id,), True)
    n = book.oldest_summing(amount)
    if n:
        return Fit("all" if n == len(items) else "oldest",
                   tuple(i.invoice_id for i in items[:n]), True)
    discounted = [i for i in book.discounted() if _discounted(i, day) == amount]
    if len(discounted) == 1:
        return Fit("discount", (discounted[0].invoice_id,), True)
    # Combinations are searched among the SUBSET_ITEMS oldest invoices only: past that, the
    # invoices really paid may lie outside the window, so what is found there is not certain.
    exhaustive = len(items) <= SUBSET_ITEMS
    subsets = book.combinations(amount, amount)
    if len(subsets) == 1:
        return Fit("subset", subsets[0], exhaustive)
    short = _less_fee(amount, book, fee) if not subsets else []
    if len(short) == 1:
        return Fit(short[0].kind, short[0].invoice_ids, exhaustive, short[0].write_off)
    if len(items) == 1 and amount < items[0].open:
        return Fit("partial", (items[0].invoice_id,), True)
    if items and amount > book.total:
        return Fit("over", tuple(i.invoice_id for i in items), False)
    return Fit("on_account" if exhaustive and not subsets and not short else "undetermined",
               book.allocate(amount), False)


def fit_amount(amount: int, items: Sequence[OpenItem] | Book, *, day: int,
               named: Sequence[int] = (), fee: FeeTolerance = FeeTolerance(),
               ordered: bool = False) -> Fit:
    """Which of a customer's open invoices a payment of `amount` on `day` settles.

    `items` is the customer's open items, or their Book; `ordered` says a list is already
    oldest first (due date, issue date, id).
    """
    book = items if isinstance(items, Book) else Book(items, ordered=ordered)
    if named:
        by_id = book.by_id()
        named_items = [by_id[n] for n in dict.fromkeys(named) if n in by_id]
        if named_items:
            return _fit_named(amount, named_items, book, day, fee)
    # The amount alone chooses among the invoices issued by the payment's day only: money paid
    # in March settles no invoice of May (it waits as credit until that is issued).
    return _fit_free(amount, book.as_of(day), day, fee)


def score(candidate: Candidate, fit: Fit) -> Decimal:
    """Confidence that the line is this customer's payment of these invoices."""
    identity = candidate.identity()
    if fit.certain:
        # A fee deducted from an amount no reference or number tied to its invoice is a
        # looser certain fit: it removes less doubt. A partial payment of a customer's only
        # invoice removes almost none: any amount below it fits.
        factor = 0.3
        if not candidate.named and fit.kind in LOOSE:
            factor = LOOSE[fit.kind]
        value = 1.0 - (1.0 - identity) * factor
    else:
        # An overpayment, or a weakly identified payer: a person decides.
        value = identity * 0.9
    return Decimal(str(round(value, 3)))


def best_possible(candidate: Candidate, *, certain: bool = True) -> Decimal:
    """The highest confidence this candidate can reach, whatever the amount says
    (`certain=False`: when no fit of the amount can be certain)."""
    return _bound(candidate.identity(), certain)


@lru_cache(maxsize=4096)
def _bound(identity: float, certain: bool) -> Decimal:
    if not certain:
        return Decimal(str(round(identity * 0.9, 3)))
    return Decimal(str(round(1.0 - (1.0 - identity) * 0.3, 3)))


def suggest(candidate: Candidate, items: Sequence[OpenItem] | Book, *, amount: int, day: int,
            fee: FeeTolerance) -> Suggestion:
    """Score one candidate customer for a line (`items` oldest first, or their Book)."""
    fit = fit_amount(amount, items, day=day, named=candidate.named, fee=fee, ordered=True)
    evidence = tuple(sorted(candidate.evidence.items(), key=lambda kv: -kv[1]))
    return Suggestion(candidate.customer_id, fit.invoice_ids, score(candidate, fit), fit,
                      evidence, candidate.identity())


def decide(suggestions: Sequence[Suggestion]) -> tuple[str, list[Suggestion]]:
    """`applied` when the best suggestion is sure and clearly ahead, else `review`/`unmatched`."""
    ranked = sorted(suggestions, key=lambda s: (-s.confidence, s.customer_id))[:3]
    if not ranked:
        return "unmatched", []
    best = ranked[0]
    others = [s for s in suggestions if s.customer_id != best.customer_id]
    runner = max((s.confidence for s in others), default=Decimal(0))
    if (best.fit.kind == "on_account" and best.identity >= 0.9
            and all(best.identity - s.identity >= AUTO_MARGIN for s in others)):
        # Money surely this customer's, and no one else's, that names no invoice settles the
        # oldest first (DOMAIN.md, allocation): the amount neither helps nor hurts.
        sure = Decimal(str(round(1.0 - (1.0 - best.identity) * 0.5, 3)))
        return "applied", [best._replace(confidence=sure), *ranked[1:]]
    if best.confidence < THRESHOLD or not clear_of(best.confidence, runner):
        return "review", ranked
    if loose(best) and any(close_to(best, s.identity) for s in others):
        # Customers the evidence names about as well (namesakes) are told apart by the amount
        # only: an amount some invoices' total less a fee, a part of one, or the total of a
        # few found among many (a round amount, often), is no proof.
        return "review", ranked
    return "applied", ranked


def loose(suggestion: Suggestion) -> bool:
    """True when the amount fits only loosely (a fee deducted, a partial payment, a combination
    of invoices searched for) and nothing named the invoices (`score`): between namesakes, a
    fit another customer's invoices could make by chance."""
    return (suggestion.fit.kind in LOOSE or suggestion.fit.kind == "subset") and not (
        names_invoices(suggestion))


def names_invoices(suggestion: Suggestion) -> bool:
    """True when the line's own words named the suggestion's invoices (a reference or a
    number), not only its amount."""
    return any(kind in NAMING for kind, _strength in suggestion.evidence)


def close_to(best: Suggestion, identity: float) -> bool:
    """True when a customer named with `identity` is about as sure as the best's: only the
    amount tells them apart."""
    return best.identity - identity < AUTO_MARGIN


def clear_of(best: Decimal, runner: Decimal) -> bool:
    """True when a runner-up at `runner` does not stop `best` from being applied: it is
    behind by the margin, or much more in doubt. Close behind and not much more in doubt,
    the evidence does not tell the two apart (the line goes to review)."""
    return best - runner >= MARGIN or 1 - runner >= DOUBT_RATIO * (1 - best)
