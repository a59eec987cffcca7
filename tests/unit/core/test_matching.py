"""What the amount says about which invoices a payment settles, and when a line is applied."""

from __future__ import annotations

from decimal import Decimal

from cobranza.core.matching import (
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
