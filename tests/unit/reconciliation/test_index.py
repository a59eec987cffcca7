"""The ledger index: invoice numbers found in many lines' texts at once."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_a_dte_is_found_by_its_folio_alone() -> None:
    items = [OpenItem(1, "33-1005", 1, 119000, 100, 70), OpenItem(2, "34-1005", 2, 5000, 90, 60),
             OpenItem(3, "33-2005", 1, 9000, 90, 60)]
    index = LedgerIndex(customers=[], items=items, aliases=[], clabes={})
    found = index.numbers_in([_line(1, "PAGO FACTURA 1005"), _line(2, "FACT 33-2005"),
                              _line(3, "FOLIO 331005")])
    ids = {line: [(kind, [i.invoice_id for i in hits]) for kind, hits in found[line]]
           for line in found}
    assert ids == {1: [("invoice_digits", [2, 1])],  # both types' folio 1005, oldest first
                   2: [("invoice_number", [3])],
                   3: [("invoice_number", [1])]}


def test_no_lines_or_no_open_invoices_find_nothing() -> None:
    assert _index().numbers_in([]) == {}
    empty = LedgerIndex(customers=[], items=[], aliases=[], clabes={})
    assert empty.numbers_in([_line(1, "F-0000010")]) == {}
    assert empty.book(1).items == []


# --- the join against a plain reading of the same rule -----------------------------------------

_WORD = re.compile(r"[A-Z0-9]+(?:[-/.][A-Z0-9]+)*")


def _plainly(index_numbers: list[tuple[int, str]], text: str) -> list[tuple[str, list[int]]]:
    """The rule `numbers_in` implements, line by line with dictionaries: each word of the text
    and each two neighbours joined, without separators; an invoice's whole number, else (all
    digits) the digits of invoice numbers with four or more, or of their last group of digits;
    each token once, in that order."""
    whole: dict[str, list[int]] = {}
    digits: dict[str, list[int]] = {}
    for invoice, number in index_numbers:  # already oldest first
        whole.setdefault(re.sub("[^0-9A-Z]", "", number.upper()), []).append(invoice)
        run = re.sub("[^0-9]", "", number).lstrip("0")
        tail = re.search(r"([0-9]+)[^0-9]*$", number)  # the last group: a DTE's folio
        for key in dict.fromkeys([run, tail.group(1).lstrip("0") if tail else ""]):
            if len(key) >= 4:
                digits.setdefault(key, []).append(invoice)
    words = _WORD.findall(text.upper())
    tokens = [re.sub("[^0-9A-Z]", "", w) for w in words]
    tokens += [re.sub("[^0-9A-Z]", "", a + b) for a, b in zip(words, words[1:], strict=False)]
    found: list[tuple[str, list[int]]] = []
    for token in dict.fromkeys(tokens):
        if token in whole:
            found.append(("invoice_number", whole[token]))
        elif token.isdigit() and token.lstrip("0") in digits:
            found.append(("invoice_digits", digits[token.lstrip("0")]))
    return found


_NUMBERS = st.builds(lambda prefix, sep, n, pad: f"{prefix}{sep}{str(n).zfill(pad)}",
                     st.sampled_from(["F", "A", "FAC", "B", "", "33", "2026", "F7"]),
                     st.sampled_from(["-", "/", ".", "", " "]),
                     st.integers(1, 99_999), st.integers(0, 7))
_PIECES = st.one_of(_NUMBERS, st.sampled_from(
    ["PAGO", "FACT", "factura", "folio", "Y", ",", "SPEI", "N°", "#", "12", "0000", "ñandú"]))


@given(numbers=st.lists(_NUMBERS, min_size=1, max_size=8),
       texts=st.lists(st.lists(_PIECES, max_size=6).map(" ".join), min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_the_join_finds_what_a_plain_reading_finds(numbers: list[str],
                                                   texts: list[str]) -> None:
    items = [OpenItem(i + 1, number, 1 + i % 2, 1000, 100 + i, 50) for i, number in
             enumerate(numbers)]
    index = LedgerIndex(customers=[], items=items, aliases=[], clabes={})
    found = index.numbers_in([_line(k + 1, text) for k, text in enumerate(texts)])
    ordered = [(i.invoice_id, i.number) for i in sorted(items, key=lambda i: (i.due, i.issue))]
    for k, text in enumerate(texts):
        assert [(kind, [i.invoice_id for i in hits]) for kind, hits in
                found.get(k + 1, [])] == _plainly(ordered, text), text


def test_a_name_under_another_legal_form_is_a_namesake_not_the_payer() -> None:
    customers = [CustomerRow(1, "C1", "Grupo Díaz Las Lomas S.A.P.I. de C.V.", None),
                 CustomerRow(2, "C2", "Grupo Díaz Las Lomas S.C.", None),
                 CustomerRow(3, "C3", "Comercial Andes Limitada", None)]
    index = LedgerIndex(customers=customers, items=[], aliases=[], clabes={})
    assert list(index.names("GRUPO DIAZ LAS LOMAS S.C.")) == [(2, 100.0), (1, 88.0)]
    assert list(index.names("GRUPO DIAZ LAS LOMAS SAPI DE CV")) == [(1, 100.0), (2, 88.0)]
    # No legal form, or one the bank cut short, says nothing against either.
    assert sorted(index.names("GRUPO DIAZ LAS LOMAS")) == [(1, 100.0), (2, 100.0)]
    assert sorted(index.names("GRUPO DIAZ LAS LOMAS S.A.P")) == [(1, 100.0), (2, 88.0)]
    assert list(index.names("COMERCIAL ANDES LTDA.")) == [(3, 100.0)]
