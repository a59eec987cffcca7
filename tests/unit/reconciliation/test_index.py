"""The ledger index: invoice numbers found in many lines' texts at once."""

from __future__ import annotations

from cobranza.core.matching import OpenItem
from cobranza.reconciliation.index import LedgerIndex
from cobranza.reconciliation.repository import CustomerRow, LineRow


def _index() -> LedgerIndex:
    customers = [CustomerRow(1, "C1", "Ferretería Olvera", None),
                 CustomerRow(2, "C2", "Papelería Ruiz", None)]
    items = [OpenItem(10, "F-0000010", 1, 116000, 100, 70),
             OpenItem(11, "F-0012345", 1, 5000, 90, 60),  # due first: the oldest
             OpenItem(20, "B-12345", 2, 58000, 120, 80)]
    return LedgerIndex(customers=customers, items=items, aliases=[], clabes={})


def _line(id_: int, text: str) -> LineRow:
    return LineRow(id_, 1, "012180001234567895", f"BNK{id_}", 120, 1000, "MXN", None, None,
                   None, text, "new")


def test_numbers_are_found_whole_split_or_by_their_digits_in_the_order_written() -> None:
    index = _index()
    found = index.numbers_in([
        _line(1, "PAGO F-0000010"),
        _line(2, "FACT F 0000010"),  # written in two words: the pair is the number
        _line(3, "FOLIO 12345 Y F0000010"),  # digits of two invoices, then a whole number
        _line(4, "PAGO 20 MARZO"),
        _line(5, ""),
        _line(6, "f-0000010 f-0000010"),  # lower case, twice: once
    ])
    ids = {line: [(kind, [i.invoice_id for i in hits]) for kind, hits in found[line]]
           for line in found}
    assert ids == {
        1: [("invoice_number", [10])],
        2: [("invoice_number", [10])],
        3: [("invoice_digits", [11, 20]), ("invoice_number", [10])],
        6: [("invoice_number", [10])],
    }


def test_no_lines_or_no_open_invoices_find_nothing() -> None:
    assert _index().numbers_in([]) == {}
    empty = LedgerIndex(customers=[], items=[], aliases=[], clabes={})
    assert empty.numbers_in([_line(1, "F-0000010")]) == {}
    assert empty.book(1).items == []
