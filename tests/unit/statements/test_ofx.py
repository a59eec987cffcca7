"""OFX/QFX: bank and card statements become statement lines; anything else is refused clearly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cobranza.i18n import language
from cobranza.statements.checks import check_statement
from cobranza.statements.formats import ofx
from cobranza.statements.model import StatementError
from cobranza.statements.service import dedupe_keys

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "ofx"

SGML = b"""OFXHEADER:100
DATA:OFXSGML
VERSION:102
SECURITY:NONE

ENCODING:USASCII
CHARSET:1252

<OFX>
<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>
<STMTRS><CURDEF>MXN
<BANKACCTFROM><BANKID>0123456789<ACCTID>012180001234567890<ACCTTYPE>CHECKING</BANKACCTFROM>
<BANKTRANLIST><DTSTART>20260301<DTEND>20260331
<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260302120000[-6:CST]<DTAVAIL>20260303<TRNAMT>1234.50
<FITID>F-1<NAME>Cliente Uno &amp; Cia<MEMO>Pago RF18 5390 0754 7034
<BANKACCTTO><BANKID>002<ACCTID>002180009876543210<ACCTTYPE>CHECKING</BANKACCTTO>
</STMTTRN>
<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260305<TRNAMT>-34,50<FITID>F-2<NAME>Comision</STMTTRN>
</BANKTRANLIST>
<LEDGERBAL><BALAMT>5200.00<DTASOF>20260331</LEDGERBAL>
</STMTRS></STMTTRNRS></BANKMSGSRSV1>
</OFX>
"""


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English, so the tests can quote them."""
    with language("en"):
        yield


def test_an_sgml_statement_reads_lines_references_and_the_ledger_balance() -> None:
    [statement] = ofx.extract(SGML, file="s.ofx")
    assert (statement.account, statement.currency) == ("012180001234567890", "MXN")
    assert statement.opening_balance is None and statement.closing_balance == Decimal("5200.00")
    assert (statement.period_start, statement.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    credit, debit = statement.lines
    assert (credit.amount, debit.amount) == (Decimal("1234.50"), Decimal("-34.50"))
    assert (credit.booking_date, credit.value_date) == (date(2026, 3, 2), date(2026, 3, 3))
    assert (credit.transaction_id, credit.bank_code) == ("F-1", "CREDIT")
    assert credit.counterparty_name == "Cliente Uno & Cia"
    assert credit.counterparty_account == "002180009876543210"
    assert credit.creditor_reference == "RF18539007547034"
    assert (credit.line, debit.line) == (14, 18)


def test_xml_ofx_never_resolves_entities() -> None:
    secret = Path(__file__)
    data = (b'<?xml version="1.0"?>\n<?OFX OFXHEADER="200" VERSION="211"?>\n'
            b'<!DOCTYPE OFX [<!ENTITY x SYSTEM "file://' + str(secret).encode() + b'">]>\n'
            + SGML[SGML.index(b"<OFX>"):].replace(b"<NAME>Comision", b"<NAME>&x;"))
    debit = ofx.extract(data, file="x.ofx")[0].lines[1]
    assert debit.counterparty_name == "&x;"


@pytest.mark.parametrize(("data", "field", "words"), [
    (SGML.replace(b"<TRNAMT>1234.50", b"<TRNAMT>$1234"), "TRNAMT", "not an amount"),
    (SGML.replace(b"<DTPOSTED>20260305", b"<DTPOSTED>20260231"), "DTPOSTED", "not a date"),
    (SGML.replace(b"<CURDEF>MXN", b""), "CURDEF", "no currency"),
    (SGML[:SGML.index(b"</BANKTRANLIST>")], "", "truncated"),
    (b"OFXHEADER:100\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
     b"</SONRS></SIGNONMSGSRSV1><INVSTMTMSGSRSV1><INVSTMTTRNRS><INVSTMTRS><CURDEF>USD"
     b"</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>", "", "no bank statement"),
])
def test_unreadable_files_are_rejected_with_a_reason(data: bytes, field: str, words: str) -> None:
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="bad.ofx")
    assert caught.value.field == field and words in caught.value.message


@pytest.mark.parametrize(("data", "line"), [
    # A converter that closed every SGML element where the next one ended (an Amex download
    # re-indented by a tool): its end tags close <OFX> before the sign-on is over.
    (b"OFXHEADER:100\n\n<OFX>\n<SIGNONMSGSRSV1><SONRS><STATUS><CODE>0\n<SEVERITY>INFO\n"
     b"</MESSAGE>\n</CODE>\n</STATUS>\n</SONRS>\n<DTSERVER>20260301\n"
     b"</SIGNONMSGSRSV1>\n</OFX>\n", 10),
    (b"OFXHEADER:100\n\n<OFX>\n<CODE>0\n</OFX>\n</SONRS>\n", 6),
])
def test_end_tags_that_close_the_ofx_element_early_are_located(data: bytes, line: int) -> None:
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="nested.ofx")
    assert caught.value.line == line and "not properly nested" in caught.value.message


@pytest.mark.parametrize(("written", "amount"), [
    ("R$ 5.326,43", "5326.43"),
    ("R$\u00a098.589,12", "98589.12"),  # PagBank separates the symbol with a no-break space
    ("R$ -0,50", "-0.50"),
    ("R$ 0,00", "0.00"),
])
def test_a_balance_written_in_reais_is_read(written: str, amount: str) -> None:
    # PagBank (PagSeguro) writes LEDGERBAL for people: currency symbol, dot groups, comma decimals.
    data = SGML.replace(b"<BALAMT>5200.00", b"<BALAMT>" + written.encode())
    [statement] = ofx.extract(data, file="pagbank.ofx")
    assert statement.closing_balance == Decimal(amount)


@pytest.mark.parametrize(("written", "day"), [
    ("30/06/2026", date(2026, 6, 30)),  # PagBank's LEDGERBAL: day first
    ("06/30/2026", date(2026, 6, 30)),  # month first: the only reading that is a date
    ("5/5/2026", date(2026, 5, 5)),  # either way the same day
])
def test_a_date_written_with_slashes_is_read_where_only_one_reading_is_a_date(
        written: str, day: date) -> None:
    data = SGML.replace(b"<BANKTRANLIST><DTSTART>20260301<DTEND>20260331", b"<BANKTRANLIST>")
    [statement] = ofx.extract(data.replace(b"<DTASOF>20260331", b"<DTASOF>" + written.encode()),
                              file="pagbank.ofx")
    assert statement.period_end == day


@pytest.mark.parametrize(("written", "words"), [
    ("01/06/2026", "'01/06/2026' may be day/month/year or month/day/year; expected YYYYMMDD"),
    ("31/31/2026", "'31/31/2026' is not a date; expected YYYYMMDD"),
])
def test_a_slashed_date_that_cannot_be_told_is_refused(written: str, words: str) -> None:
    with pytest.raises(StatementError) as raised:
        ofx.extract(SGML.replace(b"<DTASOF>20260331", b"<DTASOF>" + written.encode()),
                    file="s.ofx")
    assert (raised.value.field, raised.value.message) == ("DTASOF", words)


def test_a_memo_names_the_payer_where_the_transaction_has_no_name() -> None:
    data = SGML.replace(b"<NAME>Cliente Uno &amp; Cia<MEMO>Pago RF18 5390 0754 7034",
                        b"<MEMO>TRANSF DE COMERCIAL ANDES SPA FACTURA F-1001")
    credit, debit = ofx.extract(data, file="s.ofx")[0].lines
    assert (credit.counterparty_name, debit.counterparty_name) == ("COMERCIAL ANDES SPA",
                                                                   "Comision")


def test_an_ach_name_with_its_nacha_fields_is_the_company_before_des() -> None:
    # Bank of America's download: "BLUE RIDGE HARDWARE DES:ACH PMT" in NAME.
    data = SGML.replace(b"<NAME>Cliente Uno &amp; Cia", b"<NAME>BLUE RIDGE HARDWARE DES:ACH PMT")
    credit, _debit = ofx.extract(data, file="s.ofx")[0].lines
    assert credit.counterparty_name == "BLUE RIDGE HARDWARE"


def test_a_ledger_balance_after_an_unclosed_transaction_list_is_read() -> None:
    # SGML that never closes BANKTRANLIST (a Brazilian card issuer's export): the lexer nests
    # LEDGERBAL inside the list.
    data = SGML.replace(b"</BANKTRANLIST>\n", b"")
    [statement] = ofx.extract(data, file="card.ofx")
    assert statement.closing_balance == Decimal("5200.00") and len(statement.lines) == 2


def test_an_empty_currency_is_the_transactions_and_an_empty_balance_is_none() -> None:
    # An Australian bank's export: <CURDEF></CURDEF>, each STMTTRN naming its CURSYM, and a
    # LEDGERBAL with empty BALAMT and DTASOF.
    data = (SGML.replace(b"<CURDEF>MXN", b"<CURDEF></CURDEF>")
            .replace(b"</STMTTRN>", b"<CURRENCY><CURRATE>1.0<CURSYM>AUD</CURRENCY></STMTTRN>")
            .replace(b"<BALAMT>5200.00<DTASOF>20260331", b"<BALAMT></BALAMT><DTASOF></DTASOF>"))
    [statement] = ofx.extract(data, file="au.ofx")
    assert statement.currency == "AUD" and statement.closing_balance is None
    assert [line.currency for line in statement.lines] == ["AUD", "AUD"]


def test_a_sign_on_error_is_reported_as_the_banks_error() -> None:
    data = (b"OFXHEADER:100\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>15500<SEVERITY>ERROR"
            b"<MESSAGE>Wrong password</STATUS><DTSERVER>20260101</SONRS></SIGNONMSGSRSV1></OFX>")
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="signon.ofx")
    assert "Wrong password (code 15500)" in caught.value.message


def test_a_statement_naming_no_account_is_read_for_the_account_option() -> None:
    # An Australian bank's export with no BANKACCTFROM: the shared checks ask for --account.
    data = re.sub(rb"<BANKACCTFROM>.*?</BANKACCTFROM>\n", b"", SGML)
    [statement] = ofx.extract(data, file="au.ofx")
    assert statement.account == "" and len(statement.lines) == 2


def _trn(fitid: str, amount: str, correction: str = "") -> bytes:
    return (f"<STMTTRN><TRNTYPE>OTHER<DTPOSTED>20260310<TRNAMT>{amount}<FITID>{fitid}"
            f"{correction}<NAME>N</STMTTRN>\n").encode()


def _with(*transactions: bytes) -> bytes:
    start, end = SGML.index(b"<STMTTRN>"), SGML.index(b"</BANKTRANLIST>")
    return SGML[:start] + b"".join(transactions) + SGML[end:]


def test_the_banks_corrections_within_the_file_are_applied() -> None:
    data = _with(
        _trn("A", "-10.00", "<CORRECTFITID>A<CORRECTACTION>REPLACE"),  # names itself: a line
        _trn("B", "-20.00"), _trn("B2", "-21.00", "<CORRECTFITID>B<CORRECTACTION>REPLACE"),
        _trn("C", "-30.00"), _trn("C-DEL", "-30.00", "<CORRECTFITID>C<CORRECTACTION>DELETE"))
    [statement] = ofx.extract(data, file="corr.ofx")
    assert [(x.transaction_id, x.amount) for x in statement.lines] == [
        ("A", Decimal("-10.00")), ("B2", Decimal("-21.00"))]


def test_a_correction_of_a_transaction_not_in_the_file_is_refused_where_it_is() -> None:
    data = _with(_trn("N", "5.00"),
                 _trn("D", "-30.00", "<CORRECTFITID>OLD<CORRECTACTION>DELETE"))
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="corr.ofx")
    error = caught.value
    assert (error.field, error.line) == ("CORRECTFITID", 15)
    assert "corrects (DELETE) transaction OLD, which is not in this file" in error.message


def _corpus() -> list[Path]:
    return sorted(CORPUS.glob("*/*")) if CORPUS.is_dir() else []


# Corpus files that hold no bank statement: sign-on, profile, account list and investment
# responses, and an empty <OFX></OFX>.
_NO_STATEMENT = {"account_listing_aggregation", "bank_small", "fidelity", "investment_medium",
                 "signon_success", "signon_success_no_message", "vanguard", "vanguard401k",
                 "profrs"}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus/ofx is not present")
@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_corpus_file_is_read_fully_or_rejected_clearly(path: Path) -> None:
    stem = path.stem.rsplit("__", 1)[-1]
    # ofxparse's fail_nice/empty_balance reads: an empty BALAMT states no balance.
    rejected = any(w in path.name for w in ("invalid", "error", "wrong", "bad", "fail")) and \
        "empty_balance" not in path.name
    if rejected or stem in _NO_STATEMENT:
        with pytest.raises(StatementError) as caught:
            ofx.extract(path.read_bytes(), file=path.name)
        assert caught.value.message
        if stem in _NO_STATEMENT:
            assert "no bank statement" in caught.value.message
        return
    data = path.read_bytes()
    assert ofx.identify(data[:1024])
    statements = ofx.extract(data, file=path.name)
    raw = data.upper()
    assert sum(len(s.lines) for s in statements) == raw.count(b"<STMTTRN>")
    for statement in statements:
        assert statement.account and statement.currency and len(statement.currency) == 3
        for line in statement.lines:
            assert line.transaction_id and line.line > 0
            assert f"<FITID>{line.transaction_id}".encode() in data.replace(b"\n", b"").replace(
                b" ", b"") or line.transaction_id.encode() in data


def test_an_original_currency_is_not_the_currency_the_amount_is_in() -> None:
    # ORIGCURRENCY names what a movement was converted from; TRNAMT is in the statement's
    # currency (OFX 2.1.1, 5.2). An ofxstatement plugin (PayPal) writes it on converted legs.
    converted = b"<ORIGCURRENCY><CURRATE>17.2<CURSYM>USD</ORIGCURRENCY></STMTTRN>"
    data = SGML.replace(b"</STMTTRN>", converted)
    [statement] = ofx.extract(data, file="fx.ofx")
    assert [line.currency for line in statement.lines] == ["MXN", "MXN"]
    with pytest.raises(StatementError) as caught:
        ofx.extract(data.replace(b"<CURDEF>MXN", b"<CURDEF></CURDEF>"), file="fx.ofx")
    assert caught.value.field == "CURDEF"


@pytest.mark.parametrize(("written", "amount"), [
    ("1,234.56", "1234.56"), ("-1.234,56", "-1234.56"), ("+12.50", "12.50"),
    ("12,345,678.90", "12345678.90"),
])
def test_an_amount_with_grouped_thousands_is_read(written: str, amount: str) -> None:
    data = SGML.replace(b"<TRNTYPE>CREDIT", b"<TRNTYPE>OTHER").replace(
        b"<TRNAMT>1234.50", b"<TRNAMT>" + written.encode())
    assert ofx.extract(data, file="g.ofx")[0].lines[0].amount == Decimal(amount)


@pytest.mark.parametrize("written", ["1,23.45", "1.234.56", "1,234,56", "1 234,56"])
def test_an_amount_grouped_ambiguously_is_refused(written: str) -> None:
    data = SGML.replace(b"<TRNAMT>1234.50", b"<TRNAMT>" + written.encode())
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="g.ofx")
    assert (caught.value.field, caught.value.line) == ("TRNAMT", 14)


@pytest.mark.parametrize(("written", "currency"), [
    ("1,160", "MXN"), ("-30,000", "USD"), ("-15.000", "CLP"), ("+1.000", "CLP")])
def test_a_lone_mark_before_three_digits_that_may_group_thousands_is_refused(
        written: str, currency: str) -> None:
    # "1,160" is 1160 with its thousands grouped as well as 1.160: read as 1.16 it would lose
    # a thousand times the money without a word, where "1,234" is refused as too precise. A
    # peso amount has no fraction, so "15.000" CLP is fifteen thousand grouped, or nothing.
    data = SGML.replace(b"<CURDEF>MXN", b"<CURDEF>" + currency.encode()).replace(
        b"<TRNAMT>1234.50", b"<TRNAMT>" + written.encode())
    with pytest.raises(StatementError, match=r"may be .* with its thousands grouped") as caught:
        ofx.extract(data, file="g.ofx")
    assert (caught.value.field, caught.value.line) == ("TRNAMT", 14)


@pytest.mark.parametrize(("written", "amount"), [
    ("-30.000", "-30.00"), ("-3.77000", "-3.77"), ("+1.000", "1.00"), ("1160.500", "1160.50")])
def test_a_point_is_the_decimal_point_whatever_zeros_follow(written: str, amount: str) -> None:
    # OFX writes no thousands grouping (3.2.9.1): Bank of America writes "-30.000" for -30.00.
    data = SGML.replace(b"<TRNTYPE>CREDIT", b"<TRNTYPE>OTHER").replace(
        b"<CURDEF>MXN", b"<CURDEF>USD").replace(b"<TRNAMT>1234.50", b"<TRNAMT>" + written.encode())
    [statement] = ofx.extract(data, file="b.ofx")
    assert statement.lines[0].amount == Decimal(amount)
    assert check_statement(statement, file="b.ofx") == []


def test_a_point_before_decimals_the_currency_has_not_is_refused_as_too_precise() -> None:
    data = SGML.replace(b"<TRNAMT>1234.50", b"<TRNAMT>100.125")
    [statement] = ofx.extract(data, file="p.ofx")
    [error] = check_statement(statement, file="p.ofx")
    assert (error.line, error.field) == (14, "amount")
    assert "100.125 has more decimals than MXN allows (2)" in error.message


def test_a_lone_mark_before_three_digits_is_a_decimal_one_in_a_currency_of_three() -> None:
    data = SGML.replace(b"<CURDEF>MXN", b"<CURDEF>KWD").replace(
        b"<TRNAMT>1234.50", b"<TRNAMT>1,160").replace(b"-34,50", b"-34,500")
    assert [line.amount for line in ofx.extract(data, file="k.ofx")[0].lines] == [
        Decimal("1.160"), Decimal("-34.500")]


def test_a_zero_written_with_three_decimals_is_zero() -> None:
    data = SGML.replace(b"<TRNTYPE>CREDIT", b"<TRNTYPE>OTHER").replace(
        b"<TRNAMT>1234.50", b"<TRNAMT>0,000")
    assert ofx.extract(data, file="z.ofx")[0].lines[0].amount == 0


def test_of_several_ledger_balances_the_one_struck_last_closes_the_statement() -> None:
    # A card issuer's file of two billing cycles: the earlier cycle's balance comes second.
    data = SGML.replace(b"</LEDGERBAL>", b"</LEDGERBAL>\n<LEDGERBAL><BALAMT>-99.00"
                        b"<DTASOF>20260228</LEDGERBAL>")
    assert ofx.extract(data, file="c.ofx")[0].closing_balance == Decimal("5200.00")


def test_a_card_statement_beside_a_bank_statement_keeps_the_holders_sign() -> None:
    # OFX signs card movements for the holder, as bank ones: a charge is money out (negative),
    # a payment to the card money in (positive); the balance owed is negative.
    card = (b"<CREDITCARDMSGSRSV1><CCSTMTTRNRS><TRNUID>2<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
            b"<CCSTMTRS><CURDEF>MXN<CCACCTFROM><ACCTID>4111</CCACCTFROM><BANKTRANLIST>"
            b"<DTSTART>20260301<DTEND>20260331\n"
            b"<STMTTRN><TRNTYPE>DEBIT<DTPOSTED>20260304<TRNAMT>-80.00<FITID>C-1<NAME>Tienda"
            b"</STMTTRN>\n<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260310<TRNAMT>50.00<FITID>C-2"
            b"<NAME>Pago</STMTTRN>\n</BANKTRANLIST><LEDGERBAL><BALAMT>-30.00<DTASOF>20260331"
            b"</LEDGERBAL></CCSTMTRS></CCSTMTTRNRS></CREDITCARDMSGSRSV1>\n")
    data = SGML.replace(b"</OFX>", card + b"</OFX>")
    bank, cards = ofx.extract(b"\xef\xbb\xbf\n\n" + data, file="both.ofx")
    assert [line.amount for line in bank.lines] == [Decimal("1234.50"), Decimal("-34.50")]
    assert cards.account == "4111" and cards.closing_balance == Decimal("-30.00")
    assert [(line.amount, line.line) for line in cards.lines] == [
        (Decimal("-80.00"), 25), (Decimal("50.00"), 26)]


def test_a_fitid_the_bank_gives_again_on_another_day_keeps_both_payments() -> None:
    data = _with(_trn("REUSED-77", "100.00"),
                 _trn("REUSED-77", "100.00").replace(b"20260310", b"20260317"))
    [statement] = ofx.extract(data, file="dup.ofx")
    keys = [key[0] for key in dedupe_keys(statement)]
    assert len(statement.lines) == 2 and len(set(keys)) == 2
