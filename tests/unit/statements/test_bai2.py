"""BAI2: each account of a balance report becomes a statement with its ledger balances."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cobranza.i18n import language
from cobranza.statements.formats import bai2
from cobranza.statements.model import StatementError

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "bai2"

REPORT = b"""01,BANKID,CUSTID,260302,0700,FILE1,,,2/
02,CUSTID,BANKID,1,260301,2400,USD,2/
03,123456789,,010,100000,,,015,112500,,/
16,195,15000,0,BANKREF1,CUSTREF1,WIRE FROM ACME INC RF18539007547034/
16,475,2500,V,260302,,CHK42,,CHECK PAID/
88,CHECK NUMBER 42
49,230000,5/
98,230000,1,7/
99,230000,1,9/
"""


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English, so the tests can quote them."""
    with language("en"):
        yield


def test_an_account_reads_balances_and_signed_details() -> None:
    [statement] = bai2.extract(REPORT, file="r.bai")
    assert (statement.account, statement.currency) == ("123456789", "USD")
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000.00"), Decimal("1125.00"))
    wire, check = statement.lines
    assert (wire.amount, check.amount) == (Decimal("150.00"), Decimal("-25.00"))
    assert wire.booking_date == date(2026, 3, 1) and check.value_date == date(2026, 3, 2)
    assert (wire.transaction_id, wire.bank_code) == ("BANKREF1", "195")
    assert wire.creditor_reference == "RF18539007547034"
    assert "CHECK NUMBER 42" in check.remittance
    assert (wire.line, check.line) == (4, 5)
    assert statement.opening_balance + wire.amount + check.amount == statement.closing_balance


def test_several_records_on_a_line_and_account_continuations_are_read() -> None:
    data = (b"01,B,C,260302,0700,F2,,,2/\n02,C,B,1,260301,2400,,2/\n"
            b"03,42,,010,-500,,,100,700,1,/\n88,015,200,,/  16,108,700,Z,,,IN/\n"
            b"49,1100,4/ 98,1100,1,6/\n99,1100,1,8/\n")
    [statement] = bai2.extract(data, file="m.bai")
    assert statement.currency == "USD"  # a group without a currency reports US dollars
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("-5.00"), Decimal("2.00"))
    assert [x.amount for x in statement.lines] == [Decimal("7.00")]


@pytest.mark.parametrize(("data", "words"), [
    (REPORT[:REPORT.index(b"98,")], "truncated"),
    (REPORT.replace(b"49,230000,5/", b"49,230001,5/"), "cannot be read"),
    (b"hello\n", "not a BAI2 file"),
])
def test_damaged_files_are_rejected(data: bytes, words: str) -> None:
    with pytest.raises(StatementError) as caught:
        bai2.extract(data, file="bad.bai")
    assert words in caught.value.message


def test_identify() -> None:
    assert bai2.identify(REPORT) and not bai2.identify(b":20:X\n:25:Y\n")


# sample2 is the BAI2 specification's example; its 16 record leaves the immediate availability
# of an "S" funds type empty, which the bai2 library cannot read (it expects a number).
_LIBRARY_LIMITS = {"test__testdata__sample2.txt"}
# The citi example's balances are the same while a 0.01 credit is detailed.
_UNBALANCED = {"tests__data__citi_example.bai2"}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus/bai2 is not present")
@pytest.mark.parametrize("path", sorted(CORPUS.glob("*/*")) if CORPUS.is_dir() else [],
                         ids=lambda p: p.name)
def test_corpus_file_is_read_fully_or_rejected_clearly(path: Path) -> None:
    data = path.read_bytes()
    assert bai2.identify(data[:256])
    if path.name in _LIBRARY_LIMITS:
        with pytest.raises(StatementError):
            bai2.extract(data, file=path.name)
        return
    statements = bai2.extract(data, file=path.name)
    text = data.decode()
    assert sum(len(s.lines) for s in statements) == len(re.findall(r"(?m)(?:^|/\s+)16,", text))
    assert len(statements) == len(re.findall(r"(?m)(?:^|/\s+)03,", text))
    for statement in statements:
        assert statement.opening_balance is not None and statement.closing_balance is not None
        if path.name not in _UNBALANCED:
            total = statement.opening_balance + sum(x.amount for x in statement.lines)
            assert total == statement.closing_balance
