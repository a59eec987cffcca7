"""What the amount says about which invoices a payment settles, and when a line is applied."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

from cobranza.core.matching import (
    SUBSET_ITEMS,
    SUBSET_SIZE,
    Book,
    Candidate,
    FeeTolerance,
    Fit,
    OpenItem,
    Suggestion,
    decide,
    fit_amount,
    suggest,
)

FEE = FeeTolerance(Decimal("1.5"), 5000)  # at most 1.5 % and 50.00


def items(*amounts: int) -> list[OpenItem]:
    """Open invoices 1..n of customer 7, due one day apart, oldest first."""
    return [OpenItem(n, f"F-{n}", 7, amount, 100 + n, 70 + n)
            for n, amount in enumerate(amounts, 1)]


def _pair(fit: Fit) -> tuple[str, tuple[int, ...]]:
    return fit.kind, fit.invoice_ids


def test_exact_oldest_subset_and_all() -> None:
    open_ = items(116000, 232050, 58000, 999999)
    assert _pair(fit_amount(232050, open_, day=120, fee=FEE)) == ("exact", (2,))
    assert _pair(fit_amount(348050, open_, day=120, fee=FEE)) == ("oldest", (1, 2))
    assert _pair(fit_amount(174000, open_, day=120, fee=FEE)) == ("subset", (1, 3))
    assert _pair(fit_amount(1406049, open_, day=120, fee=FEE)) == ("all", (1, 2, 3, 4))


def test_equal_invoices_settle_the_oldest() -> None:
    fit = fit_amount(58000, items(58000, 10000, 58000), day=120, fee=FEE)
    assert (fit.kind, fit.invoice_ids, fit.certain) == ("exact", (1,), True)


def test_a_bank_fee_is_written_off_within_both_bounds() -> None:
    fit = fit_amount(998499, items(999999, 5000), day=120, fee=FEE)
    assert (fit.kind, fit.invoice_ids, fit.write_off) == ("less_fee", (1,), 1500)
    # 60.00 short is more than any transfer fee: not a fee, so the amount says nothing.
    assert fit_amount(993999, items(999999, 5000), day=120, fee=FEE).kind == "on_account"


def test_the_amount_alone_chooses_among_invoices_issued_by_the_payment_s_day() -> None:
    # Invoices 1..3 issued on days 71..73: a payment of day 72 cannot settle the third, even
    # of its exact amount (DOMAIN.md: a payment applies only to documents issued by its date).
    open_ = items(116000, 232050, 58000)
    assert _pair(fit_amount(58000, open_, day=73, fee=FEE)) == ("exact", (3,))
    before = fit_amount(58000, open_, day=72, fee=FEE)
    assert before.kind != "exact" and 3 not in before.invoice_ids
    assert _pair(fit_amount(348050, open_, day=72, fee=FEE)) == ("all", (1, 2))
    # Before any was issued, money from a customer settles none: it is credit, on account.
    none = fit_amount(116000, open_, day=70, fee=FEE)
    assert (none.kind, none.invoice_ids) == ("on_account", ())
    # An invoice the payment names is the payer's word: it is fitted whatever its date.
    assert _pair(fit_amount(58000, open_, day=72, named=[3], fee=FEE)) == ("exact", (3,))


def test_named_invoices_are_paid_partly_or_in_full() -> None:
    open_ = items(116000, 232050)
    assert _pair(fit_amount(100000, open_, day=120, named=[2], fee=FEE)) == ("partial", (2,))
    assert _pair(fit_amount(232050, open_, day=120, named=[2], fee=FEE)) == ("exact", (2,))
    over = fit_amount(400000, open_, day=120, named=[2], fee=FEE)
    assert (over.kind, over.certain) == ("over", False)


def test_the_early_payment_discount_is_a_fit_in_time_only() -> None:
    open_ = [OpenItem(1, "F-1", 7, 100000, 130, 100, 2000, 110)]
    assert fit_amount(98000, open_, day=110, fee=FEE).kind == "discount"
    assert fit_amount(98000, open_, day=111, fee=FEE).kind != "discount"


def _suggestion(customer: int, kind: str, strength: float, amount: int,
                open_: list[OpenItem]) -> Suggestion:
    candidate = Candidate(customer)
    candidate.add(kind, strength)
    return suggest(candidate, open_, amount=amount, day=120, fee=FEE)


def test_a_line_is_applied_only_when_sure_and_ahead() -> None:
    mine = items(116000)
    sure = _suggestion(1, "name", 0.9, 116000, mine)
    assert decide([sure])[0] == "applied"
    # Two customers of the same name, both owing exactly this: a person decides.
    twin = _suggestion(2, "name", 0.9, 116000, mine)
    assert decide([sure, twin])[0] == "review"
    # The amount alone is never enough.
    assert decide([_suggestion(3, "amount_only", 0.3, 116000, mine)])[0] == "review"
    assert decide([]) == ("unmatched", [])


def test_namesakes_are_not_told_apart_by_a_loose_fit() -> None:
    # Two customers answer to the payer's name equally. One owes 1,160.00, the other 500.00:
    # 1,159.50 is the first's invoice less a bank fee, or a part of the second's.
    first = _suggestion(1, "name", 0.9, 115950, items(116000))
    second = _suggestion(2, "name", 0.9, 115950, items(50000, 90000))
    assert (first.fit.kind, first.confidence) == ("less_fee", Decimal("0.955"))
    assert decide([first, second])[0] == "review"
    # Alone, or far ahead of the next customer, the same fit is applied.
    assert decide([first])[0] == "applied"
    far = _suggestion(2, "name", 0.5, 115950, items(50000, 90000))
    assert decide([first, far])[0] == "applied"
    # An exact amount does tell namesakes apart.
    exact = _suggestion(1, "name", 0.9, 116000, items(116000))
    assert decide([exact, _suggestion(2, "name", 0.9, 116000, items(50000, 90000))])[0] == (
        "applied")


def test_namesakes_are_not_told_apart_by_a_combination_found_by_search() -> None:
    # 17,400.00 is two of one namesake's invoices by chance (round amounts often are); the
    # other, the real payer, owes it in invoices the search does not reach.
    lucky = _suggestion(1, "name", 0.9, 1740000, items(50000, 900000, 840000))
    other = _suggestion(2, "name", 0.9, 1740000, items(70000, 90000))
    assert lucky.fit.kind == "subset" and lucky.confidence >= Decimal("0.95")
    assert decide([lucky, other])[0] == "review"
    assert decide([lucky])[0] == "applied"  # no one else answers to the name


def _brute_subsets(lo: int, hi: int, open_: list[OpenItem]) -> set[tuple[int, ...]]:
    pool = open_[:SUBSET_ITEMS]
    return {tuple(i.invoice_id for i in combo) for size in range(2, SUBSET_SIZE + 1)
            for combo in itertools.combinations(pool, size)
            if lo <= sum(i.open for i in combo) <= hi}


def test_a_customers_book_finds_the_same_combinations_as_trying_them_all() -> None:
    rng = random.Random(7)
    for _ in range(300):
        open_ = items(*(rng.choice((1000, 2500, 4000)) if rng.random() < 0.3
                        else rng.randint(100, 9000) for _ in range(rng.randint(1, 20))))
        book = Book(open_, ordered=True)
        lo = rng.randint(100, 30000)
        hi = lo + rng.choice((0, 0, 50, 400))
        found = book.combinations(lo, hi)
        truth = _brute_subsets(lo, hi, open_)
        # At most two are returned (two say the amount does not pin the invoices down).
        assert set(found) <= truth
        assert len(found) == min(2, len(truth))


def test_no_certain_fit_is_missed_by_the_cheap_test() -> None:
    rng = random.Random(11)
    for _ in range(500):
        open_ = items(*(rng.randint(100, 9000) for _ in range(rng.randint(1, 18))))
        book = Book(open_, ordered=True)
        amount = rng.choice((sum(i.open for i in rng.sample(open_, min(3, len(open_)))) - 20,
                             rng.randint(50, 20000), open_[0].open - 1))
        fit = fit_amount(amount, book, day=120, fee=FEE)
        if fit.certain:
            assert book.may_fit(amount, 120, FEE), (amount, open_)
