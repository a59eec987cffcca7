"""The matcher on a small ledger in memory: which customers it scores, and what it lists."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cobranza.core.matching import FeeTolerance, OpenItem
from cobranza.reconciliation import matcher
from cobranza.reconciliation.index import LedgerIndex
from cobranza.reconciliation.matcher import Verdict, match_line, match_lines, references_in
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


def test_a_namesake_is_scored_and_heard_when_only_a_loose_fit_leads() -> None:
    customers = [CustomerRow(1, "C1", "Abarrotes Torres del Sureste S.A. de C.V.", None),
                 CustomerRow(2, "C2", "Abarrotes Torres del Sureste S.C.", None)]
    items = [OpenItem(10, "F-10", 1, 116000, 100, 70), OpenItem(20, "F-20", 2, 50000, 100, 70),
             OpenItem(21, "F-21", 2, 90000, 101, 71)]
    index = LedgerIndex(customers=customers, items=items, aliases=[], clabes={})
    # 1,159.50: the first's invoice less a fee, or the second's paid in part.
    line = _line("ABARROTES TORRES DEL SURESTE", 115950)
    verdict = match_line(line, index, refs=(), owners={}, numbers=(), fee=FEE)
    assert verdict.status == "review"
    assert [(s.customer_id, s.fit.kind) for s in verdict.suggestions] == [
        (1, "less_fee"), (2, "on_account")]


def test_an_exact_amount_of_another_legal_entity_of_the_name_is_not_applied() -> None:
    customers = [CustomerRow(1, "C1", "Grupo Díaz Las Lomas S.A.P.I. de C.V.", None),
                 CustomerRow(2, "C2", "Grupo Díaz Las Lomas S.C.", None)]
    items = [OpenItem(10, "F-10", 1, 2600000, 100, 70), OpenItem(20, "F-20", 2, 990000, 100, 70)]
    index = LedgerIndex(customers=customers, items=items, aliases=[], clabes={})
    # The S.C. pays: the S.A.P.I.'s invoice of exactly this amount is a coincidence.
    line = _line("GRUPO DIAZ LAS LOMAS S.C.", 2600000)
    verdict = match_line(line, index, refs=(), owners={}, numbers=(), fee=FEE)
    assert verdict.status == "review"
    assert {s.customer_id for s in verdict.suggestions} == {1, 2}


def test_lines_matched_in_several_processes_get_the_same_verdicts(
        monkeypatch: pytest.MonkeyPatch) -> None:
    index = _index()
    payers = ["FERRETERIA HERNANDES OLVERA", "FERRETERIA HERNANDEZ OLVE", "PAPELERIA RUIZ",
              "NADIE", ""]
    lines = [LineRow(n, 1, "012180001234567895", f"BNK{n}", 120, amount, "MXN",
                     payers[n % len(payers)], None, None, text, "new")
             for n, (amount, text) in enumerate(
                 [(116000, "PAGO"), (58000, "F-0000020"), (20000, "FACT 30"), (19800, "PAGO"),
                  (-500, "COMISION"), (174000, "F-0000010 F-0000020")] * 7)]
    refs = {ln.id: found for ln in lines if (found := references_in(ln))}

    def run(workers: int) -> list[Verdict]:
        return match_lines(lines, index, refs=refs, owners={}, fee=FEE, workers=workers)

    serial = run(1)
    assert {v.status for v in serial} >= {"applied", "review", "ignored"}
    monkeypatch.setattr(matcher, "PARALLEL_LEAST", 5)
    assert run(3) == serial
