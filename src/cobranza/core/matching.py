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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

# How often each kind of evidence names the wrong customer, as a strength in [0, 1].
STRENGTH = {
    "rf_invoice": 0.995,  # ISO 11649 reference we printed on the invoice (check digits valid)
    "rf_customer": 0.995,  # the customer's fixed reference
    "clabe": 0.995,  # the customer's virtual CLABE received the transfer
    "end_to_end": 0.97,  # an end-to-end id equal to one of our invoice references or numbers
    "tax_id": 0.97,  # RFC/RUT of the payer
    "account": 0.97,  # a bank account this customer paid from before (learnt)
    "alias": 0.95,  # a payer name confirmed for this customer before (learnt)
    "invoice_number": 0.93,  # an open invoice's full number in the remittance text
    "invoice_digits": 0.7,  # only the digits of an invoice number (F-000123 → 123)
    "amount_only": 0.3,  # no other evidence: an open invoice of exactly this amount
}
AUTO_THRESHOLD = 0.95
AUTO_MARGIN = 0.10  # the best customer must lead the next one by this much
SUBSET_ITEMS = 16  # subset-sum looks at this many oldest open invoices...
SUBSET_SIZE = 4  # ...combined up to this many at a time (bounded work per line)


def name_strength(score: float) -> float:
    """Strength of a fuzzy payer-name match (rapidfuzz score 0..100)."""
    if score >= 97:
        return 0.9
    if score >= 92:
        return 0.85
    if score >= 87:
        return 0.72
    if score >= 80:
        return 0.5
    return 0.0


@dataclass(frozen=True)
class OpenItem:
    """An open document of a customer as the matcher sees it (amounts in minor units)."""

    invoice_id: int
    number: str
    customer_id: int
    open: int
    due: int  # day number
    issue: int
    discount: int = 0  # deductible when paid on or before `discount_until`
    discount_until: int = -1


@dataclass(frozen=True)
class Fit:
    """What the amount says about the invoices a payment settles."""

    kind: str  # exact|subset|all|oldest|discount|less_fee|partial|over|on_account|ambiguous
    invoice_ids: tuple[int, ...]
    certain: bool
    write_off: int = 0  # a deducted bank fee written off (minor units)


@dataclass
class Candidate:
    """One customer a line may belong to, with the evidence that says so."""

    customer_id: int
    evidence: dict[str, float] = field(default_factory=dict)  # kind -> strength
    named: list[int] = field(default_factory=list)  # invoice ids named by reference or number

    def add(self, kind: str, strength: float, *, invoice_id: int | None = None) -> None:
        """Record evidence (the strongest of each kind counts once)."""
        if strength > self.evidence.get(kind, 0.0):
            self.evidence[kind] = strength
        if invoice_id is not None and invoice_id not in self.named:
            self.named.append(invoice_id)

    def identity(self) -> float:
        """How sure the evidence makes us of the customer (noisy-OR of the strengths)."""
        doubt = 1.0
        for strength in self.evidence.values():
            doubt *= 1.0 - strength
        return 1.0 - doubt


@dataclass(frozen=True)
class Suggestion:
    """A scored answer for a line: customer, invoices in allocation order, confidence."""

    customer_id: int
    invoice_ids: tuple[int, ...]
    confidence: Decimal
    fit: Fit
    evidence: tuple[tuple[str, float], ...]


def _oldest(items: Iterable[OpenItem]) -> list[OpenItem]:
    return sorted(items, key=lambda i: (i.due, i.issue, i.invoice_id))


def _discounted(item: OpenItem, day: int) -> int:
    return item.open - item.discount if item.discount and day <= item.discount_until else item.open


def _fee_ok(shortfall: int, amount: int, fee_pct: Decimal) -> bool:
    return 0 < shortfall and Decimal(shortfall) <= Decimal(amount + shortfall) * fee_pct / 100


def _fit_named(amount: int, named: list[OpenItem], rest: list[OpenItem], day: int,
               fee_pct: Decimal) -> Fit:
    ids = tuple(i.invoice_id for i in named)
    total = sum(i.open for i in named)
    if amount == total:
        return Fit("exact" if len(named) == 1 else "subset", ids, True)
    if amount == sum(_discounted(i, day) for i in named):
        return Fit("discount", ids, True)
    if _fee_ok(total - amount, amount, fee_pct):
        return Fit("less_fee", ids, True, write_off=total - amount)
    if amount < total:
        return Fit("partial", ids, True)
    return Fit("over", ids + _allocate(amount - total, rest), True)


def _allocate(amount: int, items: list[OpenItem]) -> tuple[int, ...]:
    """The invoices the ledger's oldest-first rule would settle (DOMAIN.md, allocation)."""
    out = []
    for item in items:
        if amount <= 0:
            break
        out.append(item.invoice_id)
        amount -= item.open
    return tuple(out)


def _subset(amount: int, items: list[OpenItem]) -> list[tuple[int, ...]]:
    """Combinations (2..SUBSET_SIZE) of the oldest open invoices summing exactly to `amount`."""
    pool = items[:SUBSET_ITEMS]
    found: list[tuple[int, ...]] = []
    for size in range(2, min(SUBSET_SIZE, len(pool)) + 1):
        for combo in combinations(pool, size):
            if sum(i.open for i in combo) == amount:
                found.append(tuple(i.invoice_id for i in combo))
                if len(found) > 1:
                    return found
    return found


def _fit_free(amount: int, items: list[OpenItem], day: int, fee_pct: Decimal) -> Fit:
    """The amount alone, against every open invoice of the customer (oldest first)."""
    exact = [i for i in items if i.open == amount]
    if len(exact) == 1:
        return Fit("exact", (exact[0].invoice_id,), True)
    if exact:
        return Fit("ambiguous", (exact[0].invoice_id,), False)
    running = 0
    for n, item in enumerate(items, 1):
        running += item.open
        if running == amount:
            return Fit("all" if n == len(items) else "oldest",
                       tuple(i.invoice_id for i in items[:n]), True)
        if running > amount:
            break
    discounted = [i for i in items if _discounted(i, day) == amount and i.discount]
    if len(discounted) == 1:
        return Fit("discount", (discounted[0].invoice_id,), True)
    fee = [i for i in items if _fee_ok(i.open - amount, amount, fee_pct)]
    if len(fee) == 1:
        return Fit("less_fee", (fee[0].invoice_id,), True, write_off=fee[0].open - amount)
    subsets = _subset(amount, items)
    if len(subsets) == 1:
        return Fit("subset", subsets[0], True)
    if len(items) == 1 and amount < items[0].open:
        return Fit("partial", (items[0].invoice_id,), True)
    total = sum(i.open for i in items)
    if items and amount > total:
        return Fit("over", tuple(i.invoice_id for i in items), True)
    return Fit("on_account", _allocate(amount, items), False)


def fit_amount(amount: int, items: Sequence[OpenItem], *, day: int, named: Sequence[int] = (),
               fee_pct: Decimal = Decimal("1.5")) -> Fit:
    """Which of a customer's open invoices a payment of `amount` on `day` settles."""
    ordered = _oldest(items)
    by_id = {i.invoice_id: i for i in ordered}
    named_items = [by_id[n] for n in named if n in by_id]
    if named_items:
        rest = [i for i in ordered if i.invoice_id not in set(named)]
        return _fit_named(amount, named_items, rest, day, fee_pct)
    return _fit_free(amount, ordered, day, fee_pct)


def score(candidate: Candidate, fit: Fit) -> Decimal:
    """Confidence that the line is this customer's payment of these invoices."""
    identity = candidate.identity()
    if fit.certain:
        value = 1.0 - (1.0 - identity) * 0.3
    elif fit.kind == "on_account" and identity >= 0.99:
        # The money is surely this customer's; un-targeted money settles oldest first by
        # DOMAIN.md's allocation rule, which is what the ledger does with it.
        value = 0.96
    else:
        value = identity * 0.9
    return Decimal(str(round(value, 3)))


def suggest(candidate: Candidate, items: Sequence[OpenItem], *, amount: int, day: int,
            fee_pct: Decimal) -> Suggestion:
    """Score one candidate customer for a line."""
    fit = fit_amount(amount, items, day=day, named=candidate.named, fee_pct=fee_pct)
    evidence = tuple(sorted(candidate.evidence.items(), key=lambda kv: -kv[1]))
    return Suggestion(candidate.customer_id, fit.invoice_ids, score(candidate, fit), fit,
                      evidence)


def decide(suggestions: Sequence[Suggestion]) -> tuple[str, list[Suggestion]]:
    """`applied` when the best suggestion is sure and clearly ahead, else `review`/`unmatched`."""
    ranked = sorted(suggestions, key=lambda s: (-s.confidence, s.customer_id))[:3]
    if not ranked:
        return "unmatched", []
    best = ranked[0]
    runner = next((s.confidence for s in ranked[1:] if s.customer_id != best.customer_id),
                  Decimal(0))
    if (best.confidence >= Decimal(str(AUTO_THRESHOLD))
            and best.confidence - runner >= Decimal(str(AUTO_MARGIN))):
        return "applied", ranked
    return "review", ranked
