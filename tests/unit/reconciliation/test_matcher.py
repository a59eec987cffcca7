"""The matcher on a small ledger in memory: which customers it scores, and what it lists."""

from __future__ import annotations

from decimal import Decimal

from cobranza.core.matching import FeeTolerance, OpenItem
from cobranza.reconciliation.index import LedgerIndex
from cobranza.reconciliation.matcher import match_line, references_in
from cobranza.reconciliation.repository import CustomerRow, LineRow

FEE = FeeTolerance(Decimal("1.5"), 5000)


def _index() -> LedgerIndex:
    customers = [CustomerRow(1, "C1", "Ferretería Hernández Olvera", None),
                 CustomerRow(2, "C2", "Ferretería Hernández Olivares", None),
                 CustomerRow(3, "C3", "Papelería Ruiz", None)]
    items = [OpenItem(10, "F-0000010", 1, 116000, 100, 70),
             OpenItem(20, "F-0000020", 2, 58000, 100, 70),
             OpenItem(30, "F-0000030", 3, 20000, 100, 70)]
    return LedgerIndex(customers=customers, items=items, aliases=[], clabes={})


def _line(name: str, amount: int, text: str = "PAGO") -> LineRow:
    return LineRow(1, 1, "012180001234567895", "BNK1", 120, amount, "MXN", name, None, None,
                   text, "new")


def test_an_applied_line_skips_runners_up_that_cannot_matter_unless_asked() -> None:
    index = _index()
    line = _line("FERRETERIA HERNANDES OLVERA", 116000)  # misspelt: both resemble it
    quick = match_line(line, index, refs=references_in(line), owners={}, numbers=(), fee=FEE)
    full = match_line(line, index, refs=references_in(line), owners={}, numbers=(), fee=FEE,
                      complete=True)
    assert quick.status == full.status == "applied"
    assert quick.suggestions[0] == full.suggestions[0]
    assert quick.suggestions[0].customer_id == 1
    # The namesake owes nothing of this amount: it can neither win nor come close, so only a
    # complete listing (every line for a person) scores it.
    assert [s.customer_id for s in full.suggestions] == [1, 2]
    assert [s.customer_id for s in quick.suggestions] == [1]


def test_a_close_namesake_sends_the_line_to_review_with_both() -> None:
    index = _index()
    # Both Ferreterías answer to the name cut short. Olivares owes exactly this amount, and
    # Olvera's only invoice paid in part is nearly as likely: close behind, so a person
    # decides, and sees both (the best is not certain enough to stop looking).
    line = _line("FERRETERIA HERNANDEZ OLVE", 58000)
    verdict = match_line(line, index, refs=references_in(line), owners={}, numbers=(), fee=FEE)
    assert verdict.status == "review"
    assert [(s.customer_id, s.fit.kind) for s in verdict.suggestions] == [
        (2, "exact"), (1, "partial")]
