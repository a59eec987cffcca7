"""OFX/QFX transactions as banks not seen before write them: a NAME cut at 32 characters, the
bank's corrections, the transaction id (FITID, else SRVRTID) and what the lexer must not misread."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from cobranza.i18n import language
from cobranza.statements.formats import ofx
from cobranza.statements.model import StatementError
from cobranza.statements.service import dedupe_keys
from tests.unit.statements.test_ofx import CORPUS, SGML, _trn, _with


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English, so the tests can quote them."""
    with language("en"):
        yield


# --- NAME cut at 32 characters ------------------------------------------------------------------

@pytest.mark.parametrize(("name", "memo"), [
    # The payer's name cut between words, its legal form going on in MEMO with the remittance.
    ("COMERCIALIZADORA DEL NORTE SA DE", "CV PAGO FACTURA 123"),
    # Cut inside a reference: where the cut falls cannot be told, so nothing is joined.
    ("PAGO FACTURAS F-2026-0012 Y F-12", "345 ACME"),
    # MEMO repeating the whole text NAME was cut from (ofxparse's checking.ofx).
    ("DIVIDEND EARNED FOR PERIOD OF 03", "DIVIDEND EARNED FOR PERIOD OF 03/01/2011 THROUGH"),
])
def test_a_name_cut_at_32_characters_is_kept_as_given_and_the_memo_whole(
        name: str, memo: str) -> None:
    assert len(name) == 32  # OFX NAME is A-32
    data = SGML.replace(b"<NAME>Cliente Uno &amp; Cia<MEMO>Pago RF18 5390 0754 7034",
                        f"<NAME>{name}<MEMO>{memo}".encode())
    credit = ofx.extract(data, file="cut.ofx")[0].lines[0]
    assert (credit.counterparty_name, credit.remittance) == (name, memo)


def test_a_payees_name_cut_at_32_characters_keeps_the_memo_first_in_the_remittance() -> None:
    data = SGML.replace(
        b"<NAME>Cliente Uno &amp; Cia<MEMO>Pago RF18 5390 0754 7034",
        b"<PAYEE><NAME>COMERCIALIZADORA DEL NORTE SA DE<ADDR1>Av. Uno 1<CITY>Monterrey"
        b"<STATE>NL<POSTALCODE>64000<PHONE>8180000000</PAYEE><MEMO>CV PAGO FACTURA 123"
        b"<CHECKNUM>1001")
    credit = ofx.extract(data, file="cut.ofx")[0].lines[0]
    assert credit.counterparty_name == "COMERCIALIZADORA DEL NORTE SA DE"
    assert credit.remittance == "CV PAGO FACTURA 123 / 1001"


# --- corrections (CORRECTFITID, CORRECTACTION) --------------------------------------------------

def test_a_correction_applies_to_the_one_transaction_it_names_and_chains() -> None:
    data = _with(
        _trn("B", "-20.00"), _trn("C", "-20.00"),
        _trn("B2", "-21.00", "<CORRECTFITID>B<CORRECTACTION>REPLACE"),
        _trn("B3", "-22.00", "<CORRECTFITID>B2<CORRECTACTION>REPLACE"),  # corrects the correction
        _trn("D", "-5.00"), _trn("D", "-5.00", "<CORRECTFITID>D<CORRECTACTION>DELETE"))
    [statement] = ofx.extract(data, file="corr.ofx")
    assert [(x.transaction_id, x.amount, x.line) for x in statement.lines] == [
        ("C", Decimal("-20.00"), 15), ("B3", Decimal("-22.00"), 17)]


@pytest.mark.parametrize("action", ["REPLACE", "DELETE"])
def test_a_correction_of_a_fitid_the_file_gives_twice_is_refused_where_it_is(action: str) -> None:
    # Before, both transactions named B were dropped: money gone without a word.
    data = _with(_trn("B", "-20.00"), _trn("B", "-20.00").replace(b"20260310", b"20260311"),
                 _trn("B2", "-21.00", f"<CORRECTFITID>B<CORRECTACTION>{action}"))
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="corr.ofx")
    error = caught.value
    assert (error.file, error.line, error.field) == ("corr.ofx", 16, "CORRECTFITID")
    assert error.message.startswith(
        f"this transaction corrects ({action}) transaction B, but 2 transactions of this file "
        "have that FITID (lines 14, 15) and which one it corrects cannot be told")


def test_a_replace_naming_its_own_fitid_beside_another_of_that_fitid_is_refused() -> None:
    # The bank gave the replacement the id of what it replaces: it, or an id given again?
    data = _with(_trn("B", "-20.00"),
                 _trn("B", "-21.00", "<CORRECTFITID>B<CORRECTACTION>REPLACE"))
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="corr.ofx")
    assert (caught.value.line, caught.value.field) == (15, "CORRECTFITID")
    assert "2 transactions of this file have that FITID (lines 14, 15)" in caught.value.message


def test_lines_that_all_name_their_own_fitid_given_again_are_all_read() -> None:
    again = "<CORRECTFITID>R<CORRECTACTION>REPLACE"
    data = _with(_trn("R", "7.00", again), _trn("R", "7.00", again).replace(b"0310", b"0317"))
    [statement] = ofx.extract(data, file="corr.ofx")
    assert [(x.booking_date, x.amount) for x in statement.lines] == [
        (date(2026, 3, 10), Decimal("7.00")), (date(2026, 3, 17), Decimal("7.00"))]


def test_a_transaction_corrected_twice_is_refused_at_the_second_correction() -> None:
    data = _with(_trn("B", "-20.00"),
                 _trn("B2", "-21.00", "<CORRECTFITID>B<CORRECTACTION>REPLACE"),
                 _trn("B3", "-22.00", "<CORRECTFITID>B<CORRECTACTION>REPLACE"))
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="corr.ofx")
    assert (caught.value.line, caught.value.field) == (16, "CORRECTFITID")
    assert ("corrects (REPLACE) transaction B, which the transaction on line 15 already "
            "corrects") in caught.value.message


def test_a_correction_action_other_than_replace_or_delete_is_refused() -> None:
    data = _with(_trn("B", "-20.00"),
                 _trn("B2", "-21.00", "<CORRECTFITID>B<CORRECTACTION>UPDATE"))
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="corr.ofx")
    assert (caught.value.line, caught.value.field) == (15, "CORRECTACTION")
    assert caught.value.message == (
        "'UPDATE' is not a correction action; expected REPLACE or DELETE")


# --- the transaction id: FITID, else SRVRTID ----------------------------------------------------

@pytest.mark.parametrize(("written", "transaction_id"), [
    (b"<FITID>F-2<SRVRTID>S-2", "F-2"),  # FITID is the id whenever the bank gives one
    (b"<SRVRTID>S-2", "S-2"),
    (b"<FITID></FITID><SRVRTID>S-2", "S-2"),
    (b"<FITID> <SRVRTID>S-2", "S-2"),
    (b"", None),
])
def test_srvrtid_identifies_a_transaction_only_without_a_fitid(
        written: bytes, transaction_id: str | None) -> None:
    data = SGML.replace(b"<FITID>F-2", written)
    [statement] = ofx.extract(data, file="ids.ofx")
    debit = statement.lines[1]
    assert debit.transaction_id == transaction_id
    assert dedupe_keys(statement)[1][0][:2] == ("t:" if transaction_id else "f:")


# The keys the reader gave these corpus files' lines before SRVRTID was read, as stored by an
# import then (a short FITID's second key is its fingerprint: the remittance is pinned too).
_KEYS_BEFORE = {
    "ofxtools/tests__data__stmtrs.ofx": [
        ("t:c32df0dceacfbb0d99c58d7d6d49480c758bf608875ade094ecfc7c9d88643e2",
         "f:02e0a6f1c5bf4e82eea434a4400a1726129a34533dbb62bd5d60acd71ce50052"),
        ("t:90cd3fe0c8271ba21364b5c2d155e08d03e86d2c964353e0222ad0eec04d7532",
         "f:a8b51e2821aee5f174278680c3e70f90bb364264f757f4ebd2a861596ef90802")],
    "ofxparse/tests__fixtures__checking.ofx": [
        ("t:be383acc89686f07647c9bd2eaba68b0c228eecdf3ec3e213e1839ae9060db2c",),
        ("t:b1ceb41a079d80b7e7ec2c0a27b3af23230c14da82264a8b245f3ca5a8cd37dd",),
        ("t:8f3fc18854d6ca98f753314f916aa060bbdf814aa8cbaa86f8a8600684b31de2",)],
}


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus/ofx is not present")
@pytest.mark.parametrize("srvrtid", [b"", b"<SRVRTID>SRV-1</SRVRTID>"], ids=["as is", "srvrtid"])
@pytest.mark.parametrize("name", sorted(_KEYS_BEFORE))
def test_a_file_with_fitids_imports_again_under_the_keys_it_was_imported_under(
        name: str, srvrtid: bytes) -> None:
    data = (CORPUS / name).read_bytes().replace(b"<STMTTRN>", b"<STMTTRN>" + srvrtid)
    [statement] = ofx.extract(data, file=name)
    # Each line keeps those keys, first to last (a line with an id has its fingerprint too).
    assert [keys[:len(before)] for keys, before in zip(
        dedupe_keys(statement), _KEYS_BEFORE[name], strict=True)] == _KEYS_BEFORE[name]


# --- files from banks not seen before -----------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "field", "value"), [
    # OFX 2 XML closes every element.
    (b"<TRNAMT>-34,50<FITID>F-2<NAME>Comision",
     b"<TRNAMT>-34,50</TRNAMT><FITID>F-2</FITID><NAME>Comision</NAME>", "amount", Decimal("-34.50")),
    (b"<TRNAMT>-34,50", b"<TRNAMT>-12,50", "amount", Decimal("-12.50")),  # a decimal comma
    (b"<TRNAMT>-34,50", b"<TRNAMT>-1.234,56", "amount", Decimal("-1234.56")),
    # The calendar day the bank booked it on, not the day in UTC (which is the 6th).
    (b"<DTPOSTED>20260305", b"<DTPOSTED>20260305235959.999[-5:EST]", "booking_date",
     date(2026, 3, 5)),
    (b"<DTPOSTED>20260305", b"<DTPOSTED>20260305<DTUSER>20260304", "booking_date",
     date(2026, 3, 5)),
    (b"<FITID>F-2", b"<FITID>F-2<CHECKNUM>1001", "remittance", "1001"),
])
def test_what_banks_write_differently_is_read(old: bytes, new: bytes, field: str,
                                               value: object) -> None:
    debit = ofx.extract(SGML.replace(old, new), file="v.ofx")[0].lines[1]
    assert getattr(debit, field) == value and debit.line == 18


@pytest.mark.parametrize("empty", [b"<MEMO>", b"<MEMO/>", b"<MEMO />", b"<MEMO></MEMO>"])
def test_an_empty_element_keeps_the_elements_after_it_in_the_transaction(empty: bytes) -> None:
    # A bank's SGML with nothing to say in MEMO and no end tag (or an XML-style "<MEMO/>"): the
    # FITID and NAME after it are still the transaction's, and the account after the credit's.
    data = (SGML.replace(b"<TRNAMT>-34,50", b"<TRNAMT>-34,50" + empty)
            .replace(b"<MEMO>Pago RF18 5390 0754 7034\n", empty + b"\n"))
    credit, debit = ofx.extract(data, file="empty.ofx")[0].lines
    assert (credit.counterparty_account, credit.remittance) == ("002180009876543210", "")
    assert (debit.transaction_id, debit.counterparty_name, debit.line) == ("F-2", "Comision", 18)


def test_tags_in_small_letters_are_read_as_sgml_reads_them() -> None:
    body = SGML.index(b"<OFX>")
    lower = SGML[:body] + re.sub(rb"</?[A-Z0-9.]+>", lambda m: m.group(0).lower(), SGML[body:])
    assert ofx.extract(lower, file="lower.ofx") == ofx.extract(SGML, file="lower.ofx")


def test_a_garbled_charset_header_falls_back_to_detecting_the_encoding() -> None:
    data = SGML.replace(b"CHARSET:1252", b"CHARSET:1252\x00").replace(b"Comision", b"Comisi\xf3n")
    assert ofx.extract(data, file="nul.ofx")[0].lines[1].counterparty_name == "Comisi\u00f3n"


def test_lines_ended_by_a_carriage_return_alone_are_located() -> None:
    [statement] = ofx.extract(SGML.replace(b"\n", b"\r"), file="mac.ofx")
    assert [line.line for line in statement.lines] == [14, 18]


def test_a_bank_statement_after_an_investment_statement_locates_its_own_lines() -> None:
    # A brokerage's file: the investment account's cash movements are STMTTRN too.
    investment = (
        b"<INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS>"
        b"<INVSTMTRS><DTASOF>20260331<CURDEF>USD<INVACCTFROM><BROKERID>b<ACCTID>9</INVACCTFROM>\n"
        b"<INVTRANLIST><DTSTART>20260301<DTEND>20260331\n"
        b"<INVBANKTRAN><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260302<TRNAMT>1.00<FITID>I-1"
        b"</STMTTRN><SUBACCTFUND>CASH</INVBANKTRAN>\n"
        b"</INVTRANLIST></INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1>\n")
    at = SGML.index(b"<BANKMSGSRSV1>")
    [statement] = ofx.extract(SGML[:at] + investment + SGML[at:], file="broker.ofx")
    assert [(line.transaction_id, line.line) for line in statement.lines] == [
        ("F-1", 18), ("F-2", 22)]


def test_several_bank_statements_in_one_file_are_each_read_and_located() -> None:
    second = (b"<STMTTRNRS><TRNUID>2<STATUS><CODE>0<SEVERITY>INFO</STATUS>\n"
              b"<STMTRS><CURDEF>USD<BANKACCTFROM><BANKID>1<ACCTID>777<ACCTTYPE>SAVINGS"
              b"</BANKACCTFROM>\n<BANKTRANLIST><DTSTART>20260301<DTEND>20260331\n"
              + _trn("U-1", "12.00") + b"</BANKTRANLIST>\n<LEDGERBAL><BALAMT>12.00"
              b"<DTASOF>20260331</LEDGERBAL></STMTRS></STMTTRNRS>\n")
    data = SGML.replace(b"</STMTTRNRS>", b"</STMTTRNRS>\n" + second)
    first, savings = ofx.extract(data, file="two.ofx")
    assert (first.account, first.line, len(first.lines)) == ("012180001234567890", 11, 2)
    assert (savings.account, savings.currency, savings.line) == ("777", "USD", 23)
    assert [(x.transaction_id, x.amount, x.line) for x in savings.lines] == [
        ("U-1", Decimal("12.00"), 25)]
    assert savings.closing_balance == Decimal("12.00")


@pytest.mark.parametrize(("old", "new", "line", "words"), [
    # A bank writing amounts without their sign: a debit would read as money in.
    (b"<TRNAMT>-34,50", b"<TRNAMT>34.50", 18, "'34.50' is the amount of a DEBIT"),
    (b"<TRNAMT>1234.50", b"<TRNAMT>-1234.50", 14, "'-1234.50' is the amount of a CREDIT"),
])
def test_an_amount_signed_against_its_debit_or_credit_type_is_refused(
        old: bytes, new: bytes, line: int, words: str) -> None:
    with pytest.raises(StatementError) as caught:
        ofx.extract(SGML.replace(old, new), file="unsigned.ofx")
    error = caught.value
    assert (error.line, error.field) == (line, "TRNAMT")
    assert error.message.startswith(words + " but has the other sign")


def test_a_zero_amount_and_other_types_of_either_sign_are_read() -> None:
    data = _with(_trn("O-1", "5.00"), _trn("O-2", "-5.00"),
                 _trn("Z", "0.00").replace(b"OTHER", b"DEBIT"))
    [statement] = ofx.extract(data, file="signs.ofx")
    assert [x.amount for x in statement.lines] == [Decimal("5.00"), Decimal("-5.00"), Decimal(0)]


# --- several downloads in one file -------------------------------------------------------------

def test_downloads_saved_one_after_another_in_one_file_are_each_read() -> None:
    second = (SGML.replace(b"012180001234567890", b"012180009999999999")
              .replace(b"<FITID>F-1", b"<FITID>G-1").replace(b"<FITID>F-2", b"<FITID>G-2"))
    first, other = ofx.extract(SGML + b"\n" + second, file="two.ofx")
    assert (first.account, other.account) == ("012180001234567890", "012180009999999999")
    assert [line.transaction_id for line in (*first.lines, *other.lines)] == [
        "F-1", "F-2", "G-1", "G-2"]
    # Lines are located in the file as a whole: the second download starts after the first.
    assert other.lines[0].line == first.lines[0].line + SGML.count(b"\n") + 1


def test_a_second_download_cut_short_is_refused_where_the_file_ends() -> None:
    data = SGML + SGML[:SGML.index(b"</BANKTRANLIST>")]
    with pytest.raises(StatementError) as caught:
        ofx.extract(data, file="cut.ofx")
    assert caught.value.line == data.count(b"\n") + 1
    assert "not properly closed" in caught.value.message
