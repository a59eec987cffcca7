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


def test_an_availability_amount_left_empty_is_zero() -> None:
    # Funds type S: immediate, one-day and two-or-more-day availability add up to the amount.
    data = REPORT.replace(b"16,195,15000,0,BANKREF1,", b"16,195,15000,S,,5000,10000,BANKREF1,")
    [statement] = bai2.extract(data, file="s.bai")  # control totals leave availability out
    wire, _check = statement.lines
    assert (wire.amount, wire.transaction_id, wire.line) == (Decimal("150.00"), "BANKREF1", 4)
    assert statement.opening_balance + sum(x.amount for x in statement.lines) \
        == statement.closing_balance


def test_identify() -> None:
    assert bai2.identify(REPORT) and not bai2.identify(b":20:X\n:25:Y\n")


# Files the reader refuses although they are valid, because of the bai2 library: none left.
# (sample2, the BAI2 specification's example, leaves an S detail's immediate availability
# empty; the reader writes it as 0 before the library sees it.)
_LIBRARY_LIMITS: set[str] = set()
# The citi example's balances are the same while a 0.01 credit is detailed.
_UNBALANCED = {"tests__data__citi_example.bai2"}
# The specification's example states each account's 010 opening ledger but no 015 closing
# ledger, so opening + movements = closing cannot be checked; its control totals (49, 98, 99,
# which the library checks) hold.
_NO_CLOSING = {"test__testdata__sample2.txt"}


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
        assert statement.opening_balance is not None
        if path.name in _NO_CLOSING:
            assert statement.closing_balance is None
            continue
        assert statement.closing_balance is not None
        if path.name not in _UNBALANCED:
            total = statement.opening_balance + sum(x.amount for x in statement.lines)
            assert total == statement.closing_balance


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus/bai2 is not present")
def test_the_specification_example_is_read_fully() -> None:
    data = (CORPUS / "moov-io" / "test__testdata__sample2.txt").read_bytes()
    statements = bai2.extract(data, file="sample2.txt")
    assert [(s.account, s.currency, s.opening_balance, s.period_start, s.statement_ref, s.line)
            for s in statements] == [
        ("0123456789", "USD", Decimal("43500.00"), date(2004, 6, 20), "1", 3),
        ("9876543210", "USD", Decimal("-5000.00"), date(2004, 6, 20), "1", 7),
        ("4589761203", "USD", Decimal("100000.00"), date(2004, 6, 20), "1", 14),
        ("0975312468", "USD", Decimal("5000.00"), date(2004, 6, 20), "1", 22),
        ("7890654321", "USD", Decimal("8000.00"), date(2004, 6, 20), "1", 27)]
    lines = [(s.account, x.amount, x.bank_code, x.value_date, x.transaction_id, x.line)
             for s in statements for x in s.lines]
    assert lines == [
        ("0123456789", Decimal("4500.00"), "115", None, None, 5),
        # 16,115,500000,S,,200000,300000: nothing immediately, 2000 in a day, 3000 later.
        ("9876543210", Decimal("5000.00"), "115", None, None, 10),
        ("4589761203", Decimal("200000.00"), "218", date(2004, 6, 22), "SP4738", 16),
        ("4589761203", Decimal("100000.00"), "195", None, None, 18)]
    letter_of_credit = statements[2].lines[0]
    assert "PROCEEDS OF LETTER OF CREDIT FROM THE ARAMCO OIL CO" in letter_of_credit.remittance
    assert "YRC065321" in letter_of_credit.remittance
    assert "LOCK BOX NO.68751" in statements[1].lines[0].remittance


def test_an_account_record_ending_in_an_empty_field_is_continued_in_step() -> None:
    # A US bank writes "015,<amount>,,,/": an empty field after the last whole summary, then the
    # summaries go on in 88 records; they must not shift by one field.
    data = (b"01,B,C,260302,0700,F3,,,2/\n02,C,B,1,260301,,USD,2/\n"
            b"03,42,USD,010,100000,,,015,112500,,,/\n88,040,90000,,,045,112500,,,/\n"
            b"88,100,12500,1,,400,000,0,/\n16,142,12500,,BANKREF9,/\n88,ACH OFFSET\n"
            b"49,440000,6/\n98,440000,1,8/\n99,440000,1,10/\n")
    [statement] = bai2.extract(data, file="svb.bai")
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000.00"), Decimal("1125.00"))
    [line] = statement.lines
    assert (line.amount, line.transaction_id, line.remittance) == (
        Decimal("125.00"), "BANKREF9", "ACH OFFSET")


def test_a_btrs_version_3_file_is_refused_at_its_header() -> None:
    with pytest.raises(StatementError) as caught:
        bai2.extract(REPORT.replace(b",,,2/\n02", b",,,3/\n02", 1), file="v3.bai")
    assert (caught.value.line, caught.value.field) == (1, "01")
    assert "BAI version 3" in caught.value.message


def test_an_empty_detail_text_continued_on_an_88_reads_without_join_commas() -> None:
    # "16,...,CUSTREF,/" leaves the text empty; the 88 carries it, ending ",/" as the whole
    # file's records do.
    data = REPORT.replace(b"16,475,2500,V,260302,,CHK42,,CHECK PAID/\n88,CHECK NUMBER 42",
                          b"16,475,2500,V,260302,,CHK42,,/\n88,CHECK NUMBER 42,/")
    [statement] = bai2.extract(data, file="t.bai")
    assert statement.lines[1].remittance == "CHECK NUMBER 42"


@pytest.mark.parametrize(("old", "new", "line", "field", "reason"), [
    # The BAI specification's printed example: an extra comma shifts every field of the detail.
    (b"16,195,15000,0,", b"16,,195,15000,0,", 4, "16", "not a valid FundsType"),
    (b"49,230000,5/", b"77,UNKNOWN/\n49,230000,5/", 7, "77", "not a valid RecordCode"),
])
def test_a_record_the_library_cannot_read_is_located(
        old: bytes, new: bytes, line: int, field: str, reason: str) -> None:
    with pytest.raises(StatementError) as raised:
        bai2.extract(REPORT.replace(old, new), file="r.bai")
    assert (raised.value.line, raised.value.field) == (line, field)
    assert reason in raised.value.message


@pytest.mark.parametrize(("wrong", "line", "field", "what"), [
    (b"49,230000,6/", 7, "49", "number of records for Account"),
    (b"49,230001,5/", 7, "49", "account control total"),
    (b"98,230000,1,8/", 8, "98", "number of records for Group"),
    (b"99,230000,1,10/", 9, "99", "number of records for Bai2File"),
])
def test_counts_and_control_totals_that_do_not_add_up_are_located_at_their_trailer(
        wrong: bytes, line: int, field: str, what: str) -> None:
    data = re.sub(rb"(?m)^" + re.escape(wrong[:3]) + rb".*$", wrong, REPORT)
    with pytest.raises(StatementError) as raised:
        bai2.extract(data, file="t.bai")
    assert (raised.value.line, raised.value.field) == (line, field)
    assert what in raised.value.message


@pytest.mark.parametrize("code", [b"890", b"906"])
def test_a_detail_of_information_is_not_a_movement(code: bytes) -> None:
    # 890 carries non-monetary information, 906 a float figure: whatever amount they state, no
    # money moved. The control totals still count them.
    data = (REPORT.replace(b"88,CHECK NUMBER 42\n", b"88,CHECK NUMBER 42\n16," + code
                           + b",5000,,REF9,,NOTE/\n")
            .replace(b"49,230000,5/\n98,230000,1,7/\n99,230000,1,9/",
                     b"49,235000,6/\n98,235000,1,8/\n99,235000,1,10/"))
    [statement] = bai2.extract(data, file="info.bai")
    assert [line.bank_code for line in statement.lines] == ["195", "475"]


@pytest.mark.parametrize("code", [b"", b"015"])
def test_a_detail_whose_type_code_has_no_direction_is_refused_where_it_is(code: bytes) -> None:
    # Read as a credit, a detail without a type code (or with a balance code) would invent money.
    with pytest.raises(StatementError) as caught:
        bai2.extract(REPORT.replace(b"16,195,", b"16," + code + b","), file="r.bai")
    assert (caught.value.line, caught.value.field) == (4, "16")
    assert "credit (100-399) or debit (400-699)" in caught.value.message


def test_amounts_have_the_decimals_their_currency_has() -> None:
    data = REPORT.replace(b",USD,", b",JPY,")
    [statement] = bai2.extract(data, file="jpy.bai")
    assert [line.amount for line in statement.lines] == [Decimal(15000), Decimal(-2500)]
    assert statement.closing_balance == Decimal(112500)


def test_a_canadian_report_with_signed_zero_padded_amounts_and_no_references() -> None:
    # A Canadian bank's layout (moov-io/bai2 test data): "+" signed, zero-padded summaries in an
    # 88, value-dated details without bank or customer reference.
    data = (b"01,0004,12345,060321,0829,001,80,1,2/\n02,12345,0004,1,060317,,CAD,/\n"
            b"03,10200123456,CAD,040,+000000000000,,,045,+000000000000,,/\n"
            b"88,100,000000000002500,00001,V,060316,,400,000000000000500,00001,V,060316,/\n"
            b"16,409,000000000000500,V,060316,,,,RTD CHQ SERVICE CHRG/\n"
            b"16,108,000000000002500,V,060316,,,,MACLEOD MALL        /\n"
            b"49,+00000000000006000,5/\n98,+00000000000006000,1,7/\n99,+00000000000006000,1,9/\n")
    [statement] = bai2.extract(data, file="ca.bai")
    fee, deposit = statement.lines
    assert (fee.amount, fee.value_date, fee.transaction_id) == (
        Decimal("-5.00"), date(2006, 3, 16), None)
    assert (deposit.amount, deposit.remittance) == (Decimal("25.00"), "MACLEOD MALL")
