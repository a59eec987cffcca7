"""The words of a bank line that are written as the ledger writes its invoice numbers."""

from __future__ import annotations

import re

from cobranza.core.matching import OpenItem
from cobranza.reconciliation.paid import _pattern, shapes


def test_the_shapes_of_a_ledgers_numbers_leave_out_those_all_digits() -> None:
    items = [OpenItem(i, number, 1, 1000, 100, 50) for i, number in
             enumerate(["F-0000012", "f-0000013", "NC-12", "33-1005", "1005"])]
    assert shapes([items]) == {"A-9999999", "AA-99", "99-9999"}


def test_a_shape_finds_whole_words_of_it_only() -> None:
    pattern = re.compile(r"\b(?:" + _pattern("A-9999999") + r")\b")
    assert pattern.findall("PAGO F-0000012 Y F-00000123 O 20260301") == ["F-0000012"]
