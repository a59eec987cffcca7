"""MT940/MT942: what a statement file says becomes statement lines, or a located error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cobranza.i18n import language
from cobranza.statements.checks import check_statement
from cobranza.statements.formats import mt940
from cobranza.statements.model import StatementError, StatementLine

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "mt940"



@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English, so the tests can quote them."""
    with language("en"):
        yield


SEPA = b"""{1:F01BANKDEFFXXXX0000000000}{2:O940BANKDEFFXXXXN}{4:
:20:STARTUMS
:25:10020030/1234567890
:28C:00012/001
:60F:C260301EUR1000,00
:61:2603020302CR250,50NTRFNONREF//BANKREF-1
:86:166?00GUTSCHRIFT?109310?20EREF+E2E-4711?21SVWZ+Factura F-1001 RF1
?228539007547034?30BYLADEMM?31DE02100100100006820101?32ACME Comercial
?33 SpA
:61:2603030303DR50,00NMSCNONREF
:86:805?00ENTGELT?20Kontofuehrung
:62F:C260303EUR1200,50
-}
"""


def test_a_sepa_statement_reads_balances_lines_and_structured_details() -> None:
    [statement] = mt940.extract(SEPA, file="s.sta")
    assert (statement.account, statement.currency) == ("10020030/1234567890", "EUR")
    assert (statement.opening_balance, statement.closing_balance) == (
        Decimal("1000.00"), Decimal("1200.50"))
    assert (statement.period_start, statement.period_end) == (date(2026, 3, 1), date(2026, 3, 3))
    credit, debit = statement.lines
    assert credit.amount == Decimal("250.50") and debit.amount == Decimal("-50.00")
    assert (credit.booking_date, credit.value_date) == (date(2026, 3, 2), date(2026, 3, 2))
    assert credit.transaction_id == "BANKREF-1" and debit.transaction_id is None
    assert credit.end_to_end_id == "E2E-4711"
    assert credit.counterparty_name == "ACME Comercial SpA"
    assert credit.counterparty_account == "DE02100100100006820101"
    assert "Factura F-1001" in credit.remittance
    assert credit.creditor_reference == "RF18539007547034"
    assert (credit.line, debit.line) == (6, 10)
    assert statement.opening_balance + sum(x.amount for x in statement.lines) == (
        statement.closing_balance)


def test_an_mt942_report_has_lines_and_no_balances() -> None:
    data = (b":20:INTRADAY\n:25:PL29114010810000267002001002\n:28C:1/1\n:34F:PLN0,\n"
            b":13D:2603021815+0100\n:61:2603020302CN10,00NTRFNONREF//MB1\n:86:Payment\n")
    [statement] = mt940.extract(data, file="i.sta")
    assert statement.currency == "PLN" and statement.opening_balance is None
    assert [x.amount for x in statement.lines] == [Decimal("10.00")]


def test_dutch_key_value_details_give_name_reference_and_text() -> None:
    data = (b":20:940S\n:25:NL71RABO0123456789\n:28C:0\n:60F:C260101EUR100,00\n"
            b":61:260102C25,00N102NONREF\n:86:/EREF/INV-77/NAME/Cliente Uno/REMI/USTD//Pago"
            b" factura 77/\n:62F:C260102EUR125,00\n")
    [line] = mt940.extract(data, file="r.sta")[0].lines
    assert (line.end_to_end_id, line.counterparty_name) == ("INV-77", "Cliente Uno")
    assert line.remittance.startswith("Pago factura 77")


@pytest.mark.parametrize(("data", "line", "field"), [
    (b"1\n2\n3\n", 1, ":20:"),
    (b":20:X\n:60F:C260101EUR1,00\n:62F:C260101EUR1,00\n", 1, ":25:"),
    (b":20:X\n:25:A\n:60F:C260101EUR1,00\n:61:260102C1,00NTRFNONREF\n", 4, ":62F:"),
    (b":20:X\n:25:A\n:60F:C2601011,00\n:62F:C260101EUR1,00\n", 3, ":60F:"),
    (b":20:X\n:25:A\n:60F:C260101EUR1,00\n:61:261302C1,00NTRFNONREF\n:62F:C260101EUR2,00\n",
     4, ":61:"),
    (b":20:X\n:25:A\n:60F:C260101EUR1,00\n:61:260102CXX\n:62F:C260101EUR2,00\n", 4, ":61:"),
    # A :28C: left out (only informative) is not what is blamed for the :61: after it.
    (b":20:X\n:25:A\n:28C:0000\n0\n:60F:C260101EUR1,00\n:61:261302C1,00NTRFNONREF\n"
     b":62F:C260101EUR2,00\n", 6, ":61:"),
    (b":20:X\n:25:A\n:25:B\n:60F:C260101EUR1,00\n:62F:C260101EUR1,00\n", 3, ":25:"),
    # A :90: without its D or C: the library's own reader fails on it.
    (b":20:X\n:25:A\n:28C:1/1\n:34F:EUR0\n:13D:2601011815+0100\n:90:0EUR0,00\n", 6, ":90:"),
    # A :61: the library passes over without a word (its amount runs into the reference).
    (b":20:X\n:25:A\n:60F:C170119PLN0,40\n:61:1701190119CN0,01NTRFNONREF//MB1\n911-X\n"
     b":86:a\n:61:1701190119CN0,119012085\n911-Y\n:86:b\n"
     b":61:1701190119CN0,01NTRFNONREF//MB3\n911-Z\n:86:c\n:62F:C170119PLN0,43\n", 1, ":61:"),
])
def test_malformed_files_are_rejected_where_they_go_wrong(data: bytes, line: int,
                                                          field: str) -> None:
    with pytest.raises(StatementError) as caught:
        mt940.extract(data, file="bad.sta")
    assert (caught.value.line, caught.value.field) == (line, field)


def test_an_mt942_report_whose_totals_disagree_is_read_and_refused_where_it_states_them() -> None:
    # wolph/mt940 self-provided/mt942.sta: debits of 2.30 stated for one movement of 0.42.
    data = (b":20:CGNGHKLI0290980\n:25:GJB0291077111\n:28C:03917/00001\n:34F:EURD0,00\n"
            b":34F:EURC0,00\n:13D:1610301730+0000\n:61:1610301031D0,42MCI0NONREF//055001022000001\n"
            b"YAY MT942 CHG\n:86:REMIT:Costs\n:90D:1EUR2,30\n")
    [statement] = mt940.extract(data, file="i.sta")
    assert [x.amount for x in statement.lines] == [Decimal("-0.42")]
    [error] = check_statement(statement, file="i.sta")
    assert (error.line, error.field) == (10, ":90D:")
    assert "1 debit entries of 2.30 EUR" in error.message and "differ by 1.88" in error.message


def test_an_mt942_report_whose_totals_agree_passes() -> None:
    # wolph/mt940 mBank/mt942.sta.
    data = (b":20:ST170119CYC/0001\n:25:PL29114010810000267002001002\n:28C:1/1\n:34F:PLN0\n"
            b":13D:1701191815+0100\n:61:1701190119CN0,01NTRFNONREF//MB170119012058\n"
            b":86:911 A\n:61:1701190119CN0,02NTRFNONREF//MB170119012085\n:86:911 B\n"
            b":90D:0PLN0,00\n:90C:2PLN0,03\n-\n")
    [statement] = mt940.extract(data, file="m.sta")
    assert check_statement(statement, file="m.sta") == []


def test_a_bank_reference_longer_than_16_characters_is_the_whole_id() -> None:
    # jejik/mt940 Fixture/document/bil.txt (Banque Internationale a Luxembourg).
    [line] = _one(b":61:2601170117DR4,NCOMNONREF          //CIOB220117990193/IACC/D3/\n"
                  b":86:808?00FORFAIT MENSUEL ENVOI DE COURRIER?20COMPTE . IBAN LU54 0026 12"
                  b"11 6020 0?21600\n", closing=b"C260102EUR96,00")
    assert line.transaction_id == "CIOB220117990193/IACC/D3/"
    assert line.remittance == ("FORFAIT MENSUEL ENVOI DE COURRIER / COMPTE . IBAN LU54 0026 "
                               "1211 6020 0600")


def test_a_customer_reference_longer_than_16_characters_keeps_its_end_and_the_bank_id() -> None:
    [line] = _one(b":61:2601020102C10,00NTRFFACTURA-A-1001-Y-A-1002//BANK-REF-77\n:86:Pago\n",
                  closing=b"C260102EUR110,00")
    assert line.transaction_id == "BANK-REF-77"
    assert line.remittance == "Pago / FACTURA-A-1001-Y-A-1002"


def test_identify_knows_mt940_and_not_csv() -> None:
    assert mt940.identify(SEPA)
    assert not mt940.identify(b"Fecha;Monto\n01/01/2026;10\n")



# Quirks of banks' files met in the wild: each written here as a minimal statement.

def _one(body: bytes, *, opening: bytes = b"C260101EUR100,00",
         closing: bytes = b"C260102EUR100,00") -> list[StatementLine]:
    data = (b":20:Q\n:25:ACCOUNT\n:28C:1/1\n:60F:" + opening + b"\n" + body
            + b":62F:" + closing + b"\n")
    [statement] = mt940.extract(data, file="q.sta")
    return statement.lines


@pytest.mark.parametrize(("body", "field", "message"), [
    (b":60F:C260101EUR100,00\n:61:2602300230D1000,00NTRFPO5521//260305XY99999\n"
     b":62F:C260102EUR100,00\n", ":61:", "'260230' is not a date; expected YYMMDD, as in 240131"),
    (b":60F:C260101EUR100,00\n:61:2603051305D1000,00NTRFPO5521\n:62F:C260102EUR100,00\n",
     ":61:", "'1305' is not a month and day; expected the entry date as MMDD, as in 0131"),
    (b":60F:C260101EUR100,00\n:62F:C260231EUR100,00\n", ":62F:",
     "'260231' is not a date; expected YYMMDD, as in 240131"),
])
def test_a_date_that_is_no_day_is_named_as_such(body: bytes, field: str, message: str) -> None:
    with pytest.raises(StatementError) as caught:
        mt940.extract(b":20:Q\n:25:ACCOUNT\n:28C:1/1\n" + body, file="q.sta")
    assert (caught.value.field, caught.value.message) == (field, message)


def test_statement_information_after_the_closing_balance_is_no_part_of_the_last_line() -> None:
    data = (b"940 00\n:20:ING\n:25:0001234567\n:28C:000\n:60F:C260101EUR0,00\n"
            b":61:260102C5,00NTRFNONREF//ID-1\n:86:First payment\n"
            b":62F:C260102EUR5,00\n:64:C260102EUR5,00\n:86:D000000C000001D0,00C5,00\n-XXX\n")
    [statement] = mt940.extract(data, file="ing.sta")
    [line] = statement.lines
    assert line.remittance == "First payment"


def test_statement_information_before_the_first_movement_is_left_out() -> None:
    [line] = _one(b":86:For your information: IBAN DK5030001234567890\n"
                  b":61:260102D1,00NMSCDBT.Rent\n", closing=b"C260102EUR99,00")
    assert line.remittance == "DBT.Rent" and line.amount == Decimal("-1.00")


def test_a_space_before_the_type_code_and_a_missing_code_keep_every_movement() -> None:
    lines = _one(b":61:2601020102C50,00 NTRFNONREF//2109025460313532\n:86:First\n"
                 b":61:2601020102D20,00NONREF\n:86:Second\n"
                 b":61:2601020102D10,00//19239810200\n:86:Third\n",
                 closing=b"C260102EUR120,00")
    assert [x.amount for x in lines] == [Decimal("50.00"), Decimal("-20.00"),
                                         Decimal("-10.00")]
    assert [x.bank_code for x in lines] == ["NTRF", None, None]
    assert [x.remittance for x in lines] == ["First", "Second", "Third"]
    assert [x.transaction_id for x in lines] == ["2109025460313532", None, "19239810200"]


def test_amounts_written_with_a_decimal_point_are_read_exactly() -> None:
    [line] = _one(b":61:260102C000000000300.50NMSCNONREF\n:86:Deposit\n",
                  opening=b"C260101EUR000000001000.00", closing=b"C260102EUR000000001300.50")
    assert line.amount == Decimal("300.50")


def test_an_unreadable_statement_number_does_not_stop_the_statement() -> None:
    data = (b":20:X\n:25:ACCOUNT\n:28C: /1\n:60F:C260101NGN10,00\n"
            b":61:2601020102CN5,00//1923\n:86:Payroll\n:62F:C260102NGN15,00\n")
    [statement] = mt940.extract(data, file="z.sta")
    assert [x.amount for x in statement.lines] == [Decimal("5.00")]


def test_key_value_details_that_start_with_the_transaction_type() -> None:
    [line] = _one(b":61:260102C10,00N654NONREF\n:86:/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA041716"
                  b"4300/BIC/ABNANL2A/NAME/\nJ JANSEN/REMI/Factura 77/EREF/NOTPROV\nIDED\n",
                  closing=b"C260102EUR110,00")
    assert (line.counterparty_name, line.counterparty_account) == (
        "J JANSEN", "NL91ABNA0417164300")
    assert (line.remittance, line.end_to_end_id) == ("Factura 77", None)


def test_ing_fields_end_with_a_slash_and_the_line_code_goes_to_the_bank_code() -> None:
    [line] = _one(b":61:260102C10,00NTRFEREF//3110\n/TRCD/00100/\n"
                  b":86:/EREF/E2E-9//CNTP/NL91ABNA0417164300/ABNANL2A/ACME BV///REMI/USTD//F-12/\n",
                  closing=b"C260102EUR110,00")
    assert (line.end_to_end_id, line.counterparty_name, line.remittance) == (
        "E2E-9", "ACME BV", "F-12")
    assert line.bank_code == "NTRF 00100"


def test_key_value_details_without_remi_keep_their_whole_text() -> None:
    [line] = _one(b":61:260102D80,NMSC25594900\n:86:/BENM/300000000000133 TELEKOM AD\n"
                  b"/Monthly fee 11.2020\n", closing=b"C260102EUR20,00")
    assert "TELEKOM AD" in line.remittance and "Monthly fee 11.2020" in line.remittance


def test_free_text_in_the_bank_reference_is_no_transaction_id() -> None:
    lines = _one(b":61:2601020102DK50,00NTRFOverforing med//melding\n:86:Overforing\n"
                 b":61:2601020102DK25,00NMSCDBT.Rent//70201234\n",
                 closing=b"C260102EUR25,00")
    assert [x.transaction_id for x in lines] == [None, "70201234"]
    assert "melding" in lines[0].remittance


def test_free_text_names_the_payer_as_a_cartola_does() -> None:
    # A Chilean bank's MT940: the payer only in the :86: free text; money out names its payee.
    lines = _one(b":61:2601020102C1160,00NTRFNONREF//7001\n"
                 b":86:TRANSF DE COMERCIAL ANDES SPA FACTURA F-1001\n"
                 b":61:2601020102D160,00NTRFNONREF//7002\n:86:TRANSF A PAPELERA DEL SUR LTDA\n"
                 b":61:2601020102D10,00NMSCNONREF//7003\n:86:COMISION MANTENCION\n",
                 closing=b"C260102EUR1090,00")
    assert [x.counterparty_name for x in lines] == ["COMERCIAL ANDES SPA",
                                                    "PAPELERA DEL SUR LTDA", None]


@pytest.mark.parametrize(("written", "account"), [
    (b"/PL61109010140000071219812874", "PL61109010140000071219812874"),  # Polish banks
    (b"NL91ABNA0417164300 EUR", "NL91ABNA0417164300"),  # Rabobank, bunq
    (b"10020030/1234567890EUR", "10020030/1234567890"),  # old German BLZ/account
    (b"//AT31000/00012345678/EUR", "AT31000/00012345678"),  # Austrian Raiffeisen
    (b"ACCOUNT-EUR", "ACCOUNT-EUR"),  # not a currency after the number
])
def test_the_account_leaves_out_a_leading_slash_and_the_currency_after_it(
        written: bytes, account: str) -> None:
    data = (b":20:X\n:25:" + written + b"\n:28C:1\n:60F:C260101EUR1,00\n"
            b":62F:C260101EUR1,00\n")
    assert mt940.extract(data, file="a.sta")[0].account == account


def test_polish_tilde_sub_fields_give_name_iban_and_title() -> None:
    blank = "\u02d9".encode("cp1250")  # an empty sub-field, as PKO BP writes it
    [line] = _one(b":61:2601020102C25,00N152NONREF//6460500500000513\n152 0\n"
                  b":86:020~00152\n~20FAKTURA FV/1\n~21" + blank + b"\n~3010205561\n"
                  b"~319000361245650140\n~32JAN KOWAL\n~33SKI SP Z O O\n"
                  b"~38PL61109010140000071219812874\n~60" + blank + b"\n",
                  closing=b"C260102EUR125,00")
    assert line.counterparty_name == "JAN KOWALSKI SP Z O O"
    assert line.counterparty_account == "PL61109010140000071219812874"
    assert "FAKTURA FV/1" in line.remittance and "~" not in line.remittance
    assert blank.decode("cp1250") not in line.remittance


def test_a_polish_title_line_shorter_than_35_characters_ended_at_a_word() -> None:
    # PKO BP: "~20FV/2026/03/0012~21zaplata za marzec" glued would hide the invoice number.
    [line] = _one(b":61:2603020302C2500,00N051NONREF//0000123456789\n"
                  b":86:051~00VE05~20FV/2026/03/0012~21zaplata za marzec~3010501445"
                  b"~311000002299447720~32MEBLEX SP Z O O\n", closing=b"C260302EUR2600,00")
    assert "FV/2026/03/0012 zaplata za marzec" in line.remittance


def test_polish_address_lines_stay_out_of_the_remittance_and_the_name_is_kept() -> None:
    # ~27-~29 the other party's name, ~60-~63 its address: the remittance is the title only.
    [line] = _one(b":61:2603020302C2500,00N051NONREF//0000123456789\n"
                  b":86:051~00VE05~20FV/2026/03/0012~21zaplata za marzec~27MEBLEX SP Z O O"
                  b"~3010501445~311000002299447720\n~60UL. DLUGA 5 LOK 12~6100-950 WARSZAWA"
                  b"~62POLSKA~63\n", closing=b"C260302EUR2600,00")
    assert line.remittance == "VE05 / FV/2026/03/0012 zaplata za marzec"
    assert line.counterparty_name == "MEBLEX SP Z O O"
    [line] = _one(b":61:2603020302C2500,00N051NONREF//0000123456789\n"
                  b":86:051~00VE05~20FV/2026/03/0012~32MEBLEX SP Z O O~60UL. DLUGA 5\n",
                  closing=b"C260302EUR2600,00")
    assert "DLUGA" not in line.remittance and line.counterparty_name == "MEBLEX SP Z O O"


def test_a_second_details_tag_is_a_new_field_not_the_rest_of_a_cut_line() -> None:
    full = b"Card 5299-2132 ID005696ER 05/04/21 Ora 08:14:25 RRN 005481324613"  # 65 with :86:
    [line] = _one(b":61:2601020102C10,00FTRFNONREF//005z001\n:86:" + full + b"\n"
                  b":86:transf in ct.crt\n", closing=b"C260102EUR110,00")
    assert "RRN 005481324613 transf in ct.crt" in line.remittance


def test_a_bank_reference_wrapped_onto_the_next_line_is_still_the_transaction_id() -> None:
    [line] = _one(b":61:2601020102C40,00NTRFCUSTOMERREF-0001\n//BANK-77\n:86:Rent\n",
                  closing=b"C260102EUR140,00")
    assert line.transaction_id == "BANK-77"
    assert line.remittance == "Rent / CUSTOMERREF-0001"


def test_an_account_on_the_movement_line_is_the_counterparty_account() -> None:
    # Rabobank (fruitl00p/php-mt940 Rabo/sample3): an IBAN, an old Dutch or Postbank ("P")
    # account, or zeros for none, on the :61: line after /BENM/ or /ORDP/ details.
    lines = _one(b":61:260102D10,00N505NONREF\nNL91ABNA0417164300\n"
                 b":86:/BENM//NAME/ACME BV/ISDT/2026-01-02\n"
                 b":61:260102D5,00N154NONREF\nP001234567\n:86:/BENM//NAME/J DOE/REMI/Rent\n"
                 b":61:260102C4,00N122NONREF\n0663616476\n:86:/ORDP//NAME/Bedrijf B.V./REMI/NR.1\n"
                 b":61:260102D2,00N586PREF\n0000000000\n:86:/PREF/PmtInfId-20260102-987\n",
                 closing=b"C260102EUR87,00")
    assert [x.counterparty_account for x in lines] == [
        "NL91ABNA0417164300", "P001234567", "0663616476", None]
    assert [x.remittance for x in lines] == [
        "/BENM//NAME/ACME BV/ISDT/2026-01-02", "Rent", "NR.1", "/PREF/PmtInfId-20260102-987"]


def test_digits_on_the_movement_line_of_other_banks_are_no_account() -> None:
    [line] = _one(b":61:2601020102C5,00NTRFNONREF\n20131216816204000100125000000012\n"
                  b":86:Payment\n", closing=b"C260102EUR105,00")
    assert line.counterparty_account is None and "2013121681620400" in line.remittance


# Corpus ------------------------------------------------------------------------------------------

_REJECTED_WORDS = ("invalid", "error", "wrong", "garbled", "bad", "broken", "fail")
# Fragments of other parsers' unit tests (one tag, no :20:/:25:/balances) and fixtures whose
# statements break the MT940 layout; why each is refused is asserted below.
_FRAGMENTS = {"empty_86", "empty_entry_date", "missing_crlf_at_end", "account_balance_credit",
              "account_balance_debit", "account_identification_iban",
              "account_identification_legacy", "available_balance", "closing_balance",
              "reference", "empty_non_swift", "sparkassen"}
_NOT_STATEMENTS = {
    "account_identification": "no opening balance",  # :20:/:25: only
    "gv_codes": "no closing balance",  # cut after its last :61:
    "multiline": "after the closing balance",  # a :61: after :62F: and "-"
    "raphaelm": "not a balance",  # :62M:/:62F: without their currency
}
# Fixtures whose balances were edited by hand: read fully, but opening + movements != closing.
_UNBALANCED = {"abnamro", "knab", "postfinance", "rabobank", "with_newline_in_tnr",
               "details_60-63", "overly_long_details", "raiffeisen-cmi", "whitespace"}


def _corpus() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.glob("*/*") if p.suffix in {".sta", ".txt"})


def _stem(path: Path) -> str:
    return path.stem.rsplit("__", 1)[-1]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus/mt940 is not present")
@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_corpus_file_is_read_fully_or_rejected_clearly(path: Path) -> None:
    stem = _stem(path)
    if stem in _FRAGMENTS or stem in _NOT_STATEMENTS or any(w in stem for w in _REJECTED_WORDS):
        with pytest.raises(StatementError) as caught:
            mt940.extract(path.read_bytes(), file=path.name)
        assert caught.value.message and caught.value.file == path.name
        assert _NOT_STATEMENTS.get(stem, "") in caught.value.message
        return
    statements = mt940.extract(path.read_bytes(), file=path.name)
    assert statements
    for statement in statements:
        assert statement.account and statement.currency and len(statement.currency) == 3
        for line in statement.lines:
            assert line.currency == statement.currency and line.line > 0
        if statement.opening_balance is not None and stem not in _UNBALANCED:
            total = statement.opening_balance + sum(x.amount for x in statement.lines)
            assert total == statement.closing_balance
    # What the library's own .yml expectations say of each movement is compared in
    # tests/integration/statements/test_corpus_expected.py.




@pytest.mark.parametrize(("data", "line", "field"), [
    (b":20:X\n:25:A\n:60F:C260101EUR1,00\n:61:260102C1,00NTRFNONREF\n:62F:C260102USD2,00\n",
     5, ":62F:"),
    # andrew-svirin/mt942-php tests/_data/transactions.mt942: a floor limit in DKK, the totals
    # in EUR.
    (b":20:STARTDISP\n:25:PL25106000760000888888888888\n:28C:00000/001\n:34F:DKKD1,00\n"
     b":13:1612140902\n:61:161214C25,NTRFNONREF\n:86:166?00GUTSCHRIFT?10931\n"
     b":90D:0EUR0,\n:90C:1EUR25,\n-\n", 8, ":90D:"),
])
def test_a_statement_in_two_currencies_is_refused_where_the_second_appears(
        data: bytes, line: int, field: str) -> None:
    with pytest.raises(StatementError) as caught:
        mt940.extract(data, file="two.sta")
    assert (caught.value.line, caught.value.field) == (line, field)
    assert "one statement holds one account in one currency" in caught.value.message


def test_a_country_s_old_and_new_currency_may_meet_in_one_statement() -> None:
    # SWIFT's MT940 rule C1 holds only the first two letters of the currency alike.
    data = (b":20:X\n:25:A\n:60F:C260101MXP1,00\n:61:260102C1,00NTRFNONREF\n"
            b":62F:C260102MXN2,00\n")
    assert mt940.extract(data, file="mx.sta")[0].currency == "MXP"


def test_the_statement_reference_is_kept_whole_beyond_16_characters() -> None:
    # fruitl00p/php-mt940 test/Parser/Banking/Mt940/Engine/Penta/sample: an 18-character :20:.
    data = (b":20:PENTA1602951605571\n:21:NONREF\n:25:11010100/2324817618\n:28C:1\n"
            b":60F:C200930EUR20,00\n:61:2009020902D20,00NONREF\n:86:999SEPA_STANDING_ORDER:x\n"
            b":62F:C200930EUR0,00\n")
    assert mt940.extract(data, file="p.sta")[0].statement_ref == "PENTA1602951605571"


def test_a_fints_download_with_at_signs_for_line_breaks_is_read() -> None:
    # German banks' FinTS (HBCI) downloads: the statement on one line, "@@" where a line ends,
    # also inside a field.
    data = (b"@@:20:STARTUMS@@:25:72090900/9876543219@@:28C:0@@:60F:C160420EUR10,00"
            b"@@:61:160421D0,02NMSCKREF+@@:86:177?00EURO-Ueberweisung?20SVWZ+Rechnung 4711"
            b"@@?32Florian Breunig@@:62F:C160421EUR9,98@@-@@")
    assert mt940.identify(data[:200])
    [statement] = mt940.extract(data, file="fints.sta")
    [line] = statement.lines
    assert (line.amount, line.counterparty_name) == (Decimal("-0.02"), "Florian Breunig")
    assert "Rechnung 4711" in line.remittance


def test_a_bank_field_between_a_movement_and_its_details_keeps_the_details() -> None:
    [line] = _one(b":61:2601020102D25,00NCHGNONREF\n:NS:01My Street 17\n02City\n"
                  b":86:Account fee January\n", closing=b"C260102EUR75,00")
    assert line.remittance == "Account fee January"


def test_a_closing_balance_the_movements_miss_is_located_at_its_62f_line() -> None:
    # The figure the movements fail to reach is the closing balance, not the :20: reference.
    [statement] = mt940.extract(SEPA.replace(b"EUR1200,50", b"EUR1200,00"), file="s.sta")
    [error] = check_statement(statement, file="s.sta")
    assert (error.line, error.field) == (12, ":62F:")
    assert "differ by -0.50 EUR" in error.message


RABO = (":940:\n:20:940S170606\n:25:NL84RABO01212121212 EUR\n:28C:17109\n"
        ":60F:C170605EUR000000010000,50\n:61:170606C000000001000,00N541EREF\n"
        "NL55RABO044444444\n:86:/EREF/201700101-2222222/ORDP//NAME/STG. KLANTGELDEN SEPAY/ADDR/Dr.\n"
        " Huisstraaaat 99 1000AA 'S-GRAVENHAGE Nederland NL/REMI//REMI/AFR\n"
        "EK. BETAALAUTOMAAT MaestroREFNR. H6MJV5DAT. 20170601 AANT. 11\n"
        ":62F:C170606EUR000000011000,50\n")


def test_rabobanks_remi_written_twice_is_read_and_its_61_iban_is_the_other_partys() -> None:
    [statement] = mt940.extract(RABO.encode(), file="rabo.txt")
    [line] = statement.lines
    assert line.remittance == ("AFREK. BETAALAUTOMAAT MaestroREFNR. H6MJV5DAT. 20170601 "
                               "AANT. 11")
    # Its check digits fail (anonymised): an account as written, not remittance words.
    assert line.counterparty_account == "NL55RABO044444444"
    assert line.counterparty_name == "STG. KLANTGELDEN SEPAY"
