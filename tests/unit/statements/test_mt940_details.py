"""MT940 :86: details as banks write them: German ?NN sub-fields with SEPA keywords, Triodos
>NN, Rabobank and ING /KEY/ fields. Each excerpt is cut down (and anonymised) from a public
sample named beside it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cobranza.i18n import language
from cobranza.statements.formats import mt940
from cobranza.statements.model import StatementLine


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with language("en"):
        yield


def _lines(movements: bytes) -> list[StatementLine]:
    """The movements of a statement around them, its balances left unchecked here."""
    data = (b":20:STARTUMS\n:25:12345678/0123456789\n:28C:1/1\n:60F:C260101EUR100,00\n"
            + movements + b":62F:C260102EUR100,00\n-\n")
    [statement] = mt940.extract(data, file="d.sta")
    return statement.lines


def test_a_full_27_character_line_goes_on_in_the_next_and_a_shorter_one_ends_a_word() -> None:
    # jejik/mt940 Fixture/document/sparkasse.txt and sparkasse2.txt.
    lines = _lines(
        b":61:2602190219DR20,00N033NONREF\n"
        b":86:177?00ONLINE-UEBERWEISUNG?109310?20SVWZ+Apple Pay?21DATUM 19.\n"
        b"02.2026, 13.24 UHR?221.TAN 002153?30NTSBDEB1XXX?31DE1234567890123\n"
        b"4567890?32Max Mustermann?34997\n"
        b":61:2602010219RDR1027,25N068NONREF\n"
        b":86:899?00STORNO?109392?20STORNO RECHNUNGSABSCHLUSS?21PER 01.02.2\n"
        b"026?3050652124?31900932005?32GEBUEHREN MANUELL GG UST-FRE?33I\n")
    transfer, reversal = lines
    # "UHR" fills its line to 27 characters: the bank gave no sign that a word ends there.
    assert transfer.remittance == ("ONLINE-UEBERWEISUNG / Apple Pay DATUM 19.02.2026, 13.24 "
                                   "UHR1.TAN 002153")
    assert (transfer.counterparty_name, transfer.counterparty_account) == (
        "Max Mustermann", "DE12345678901234567890")
    assert transfer.bank_code == "N033 177"
    assert reversal.remittance == "STORNO / STORNO RECHNUNGSABSCHLUSS PER 01.02.2026"
    assert reversal.counterparty_name == "GEBUEHREN MANUELL GG UST-FREI"


def test_sepa_keywords_are_split_out_even_where_a_line_cuts_one_in_two() -> None:
    # jejik/mt940 Fixture/document/commerzbank.txt: "MR" + "EF+", an EREF+ over two lines.
    [line] = _lines(
        b":61:2606080608D12,35 NRTIKREF+//2016021783252833\n/OCMT/EUR11,85//CHGS/EUR0,50/\n"
        b":86:109?00SEPA-LASTSCHR. RETOURE CORE?109075/629?20EREF+A1.200080779.\n"
        b"400143254?21.4961336 KREF+SEPA-DA202006?2201221740-34972000-P1 MR\n"
        b"EF+2?230852HW2723821 CRED+DE41EON0?240000129793 OAMT+11,85 SVWZ+?\n"
        b"25SONSTIGE GRUENDE ENDABRECHN?26UNG NR. 500106875?30CSDBDE71XXX\n"
        b"?31DE50712345600200691329?32ACME ENERGIE GMBH\n")
    assert line.end_to_end_id == "A1.200080779.400143254.4961336"
    assert line.transaction_id == "2016021783252833"
    assert line.remittance == ("SEPA-LASTSCHR. RETOURE CORE / SONSTIGE GRUENDE ENDABRECHNUNG "
                               "NR. 500106875 / SEPA-DA20200601221740-34972000-P1")
    assert "MREF" not in line.remittance and "DE41EON" not in line.remittance


def test_an_id_ends_where_its_line_ends_short_and_the_words_after_are_the_payers() -> None:
    # wolph/mt940 betterplace/sepa_mt9401.sta (its own reading runs the EREF+ on into "MTLG:").
    [line] = _lines(
        b":61:2609040904CR300,NTRFTFNr 40005 MSGID//0724710345313905\n"
        b":86:159?00RETOURE?100399?20EREF+TFNR 40005 00005?21MTLG:Grund nicht s\n"
        b"pezifizie?22rt Reject aus SEPA-Ueberwei?23sungsauftrag?34914\n")
    assert line.end_to_end_id == "TFNR 40005 00005"
    assert line.remittance == ("RETOURE / MTLG:Grund nicht spezifiziert Reject aus "
                               "SEPA-Ueberweisungsauftrag / TFNr 40005 MSGID")


def test_an_end_to_end_id_of_35_characters_runs_over_two_full_lines() -> None:
    # wolph/mt940 self-provided/overly_long_details.sta.
    [line] = _lines(
        b":61:260914D233,15NMSC\n"
        b":86:105?00Basislastschrift?10931?20EREF+123/123/12345-----L110\n"
        b"?211234567890123 ?22MREF+BYA12345678901\n"
        b"?23CRED+DE99ZZZ00000012345 ?24SVWZ+STEUERNR 123/123/12345\n"
        b"?30BYLADEMM?31DE99700500000000012345?32Finanzamt Muenchen Abteilun\n"
        b"?33g Erhebung?34992\n")
    assert line.end_to_end_id == "123/123/12345-----L1101234567890123"
    assert line.remittance == "Basislastschrift / STEUERNR 123/123/12345"
    assert line.counterparty_name == "Finanzamt Muenchen Abteilung Erhebung"


def test_words_before_the_first_keyword_are_kept_and_a_number_cut_at_a_full_line_is_whole(
        ) -> None:
    # jejik/mt940 Fixture/document/oldenburgischelandesbank.txt.
    [line] = _lines(
        b":61:2607160716C104,50N051NONREF\n"
        b":86:166?00GUTSCHRIFT?100004770?20WOHNBAU DIEPHOLZ GMBH?21EREF+NOTPROVIDED?22SVWZ"
        b"+EWE,ENERGIEAUSWEIS RG.?23-NR. 1234567890 KD.-NR. 123?2477777?30AARBDE5W250"
        b"?31DE99123456771234567888?32WOHNBAU DIEPHOLZ GMBH\n")
    assert line.end_to_end_id is None
    assert line.remittance == ("GUTSCHRIFT / WOHNBAU DIEPHOLZ GMBH / EWE,ENERGIEAUSWEIS "
                               "RG.-NR. 1234567890 KD.-NR. 12377777")


@pytest.mark.parametrize("purpose", [
    b"?20SVWZ+Pago fact. 77 RF18539?21007547034",  # cut at the full line, inside the reference
    b"?20SVWZ+Pago fact. 77 RF18 5390?210754 7034",  # a shorter line: read with a space
])
def test_a_creditor_reference_cut_across_lines_is_found(purpose: bytes) -> None:
    [line] = _lines(b":61:2601020102CR50,00N166NONREF\n:86:166?00GUTSCHRIFT" + purpose
                    + b"?32CLIENTE UNO\n")
    assert line.creditor_reference == "RF18539007547034"


def test_a_space_at_the_end_of_a_line_of_the_file_is_part_of_the_text() -> None:
    [line] = _lines(b":61:2601020102CR50,00N166NONREF\n"
                    b":86:166?00GUTSCHRIFT?20SVWZ+Rechnung \n4711 vom 02.01.?32ACME GMBH\n")
    assert line.remittance == "GUTSCHRIFT / Rechnung 4711 vom 02.01."


def test_lines_60_to_63_go_on_from_line_29_only() -> None:
    # wolph/mt940 self-provided/details_60-63.sta: ?60 after ?20 is no continuation of it.
    [line] = _lines(
        b":61:260914D233,15NMSC\n"
        b":86:105?00Basislastschrift?10931?20EREF+123/123/12345-----L110\n"
        b"?30BYLADEMM?31DE99700500000000012345?32Finanzamt Muenchen Abteilun\n"
        b"?33g Erhebung?34992?60000000012345 BIC: BYLADEMM \n"
        b"?61ABWA: Finanzamt Muenchen ?62ABWA+Finanzamt Muenchen \n?63Abteilung Erhebung\n")
    assert line.end_to_end_id == "123/123/12345-----L110"
    assert line.remittance == ("Basislastschrift / 000000012345 BIC: BYLADEMM ABWA: Finanzamt "
                               "Muenchen / Finanzamt Muenchen Abteilung Erhebung")


def test_triodos_angle_bracket_sub_fields_give_account_and_text() -> None:
    # fruitl00p/php-mt940 Engine/Triodos/sample: >10 the account, or BIC and IBAN in >20/>21.
    old, sepa = _lines(
        b":61:121123D10,00NIT NONREF\n:86:000>100555555555\n"
        b">20TENAAMSTELLING TEGENREKENIN>21G EN ADRES TEGENREKENING EN\n"
        b">22 PLAATS TEGENREKENING EN EE>23N LANGE OMSCHRIJVING\n>310666666666\n"
        b":61:121123C150,00NET NONREF\n:86:000>100000000000\n>20ABNANL2A\n"
        b">21NL91ABNA0417164300\n>22TENAAMSTELLING TEGENREKENIN>23G 1111222233334444\n"
        b">310666666666\n")
    assert (old.counterparty_account, old.remittance) == (
        "0555555555", "TENAAMSTELLING TEGENREKENING EN ADRES TEGENREKENING EN PLAATS "
                      "TEGENREKENING EN EEN LANGE OMSCHRIJVING")
    assert (sepa.counterparty_account, sepa.remittance) == (
        "NL91ABNA0417164300", "TENAAMSTELLING TEGENREKENING 1111222233334444")


def test_old_rabobank_lines_give_the_account_and_name_after_the_amount() -> None:
    # wolph/mt940 jejik/rabobank.sta (the 16-character reference holds the account, padded).
    payment, card = _lines(
        b":61:110617D000000000044,95N0600733959555      T-MOBILE NETHERLANDS BV\n"
        b":86:BETALINGSKENM.  123456789\n:86:FACTUURNUMMER 987654321\n"
        b":61:110721D000000000236,56N030NONREF          TOMTE TUMMETOT AMERSFOORT\n"
        b":86:Betaalautomaat 14:23 pasnr. 065\n")
    assert (payment.counterparty_account, payment.counterparty_name) == (
        "0733959555", "T-MOBILE NETHERLANDS BV")
    assert payment.remittance == "BETALINGSKENM. 123456789 FACTUURNUMMER 987654321"
    assert (card.counterparty_account, card.counterparty_name) == (
        None, "TOMTE TUMMETOT AMERSFOORT")


def test_an_ing_structured_remittance_is_the_creditor_reference() -> None:
    # OCA bank-statement-import account_bank_statement_import_mt940_base/test_files/test-ing.940.
    [line] = _lines(
        b":61:1402200220C32,00NTRF9001123412341234//00000000001011\n/TRCD/00108/\n"
        b":86:/EREF/15814016000676480//CNTP/NL32INGB0000012345/INGBNL2A/J.J\n"
        b"anssen///REMI/STRD/CUR/9001123412341234/\n")
    assert (line.creditor_reference, line.end_to_end_id) == (
        "9001123412341234", "15814016000676480")
    assert (line.counterparty_name, line.counterparty_account) == (
        "J.Janssen", "NL32INGB0000012345")
    assert line.transaction_id == "00000000001011" and line.bank_code == "NTRF 00108"


def test_ing_ibp_beneficiary_and_ordering_party_give_account_and_name() -> None:
    # gingerpayments/python-libmt94x ginger_libmt94x/tests/examples/
    # ibp-structured-ing-provided-example.txt: /BENM/ and /ORDP/ written as /CNTP/ is
    # (account/BIC/name/city), and a /REMI/ whose code and issuer are left empty.
    debit, credit = _lines(
        b":61:120130D1,45N038MARF\n"
        b":86:/RTRN/MS03//BUSP/Europese Incasso/eenmalig//BENM/NL50INGB00012345\n"
        b"67/INGBNL2A/ING Bank N.V. inzake WeB///CSID/NL32ZZZ999999991234//\n"
        b"MARF/EV45451//EREF/EV45451REP170112T1106//REMI///EV45451REP170112\nT1106/\n"
        b":61:120130C2,56N036EREF\n"
        b":86:/ORDP/NL38INGB0654321789//J. Jansen/AMSTERDAM//REMI///Factuur 77/\n")
    assert (debit.counterparty_account, debit.counterparty_name) == (
        "NL50INGB0001234567", "ING Bank N.V. inzake WeB")
    assert (debit.remittance, debit.end_to_end_id) == (
        "EV45451REP170112T1106", "EV45451REP170112T1106")
    assert (credit.counterparty_account, credit.counterparty_name) == (
        "NL38INGB0654321789", "J. Jansen")
    assert credit.remittance == "Factuur 77"


def test_a_name_after_an_empty_account_is_the_ordering_party_or_beneficiary() -> None:
    # JPMorgan, after the SWIFT MT940 structured guidelines: /ORDP//name, the address on the
    # next line; ABN AMRO's year-end sample writes /BENM//name alone.
    credit, debit = _lines(
        b":61:2603020302C4500,00NTRFINV7781//260302AB12345\n/OCMT/USD4500,00/\n"
        b":86:/ORDP//ACME WIDGETS INC\n/123 MAIN STREET NEW YORK NY 10001/\n"
        b"/REMI/INVOICE 7781 AND 7782 TOTAL\n 4500 USD\n/EREF/E2E20260302ACME01\n"
        b":61:2512310102D300,00NTRFNONREF//B6A02XYZ\n:86:/BENM//HUUR BV\n/REMI/HUUR JANUARI\n")
    assert (credit.counterparty_name, credit.counterparty_account) == ("ACME WIDGETS INC", None)
    assert credit.remittance == "INVOICE 7781 AND 7782 TOTAL 4500 USD / INV7781"
    assert credit.end_to_end_id == "E2E20260302ACME01"
    assert (debit.counterparty_name, debit.remittance) == ("HUUR BV", "HUUR JANUARI")
    [unnamed] = _lines(b":61:2603050305D10,00NTRFNONREF\n:86:/BENM//NONREF/REMI/FEE\n")
    assert unnamed.counterparty_name is None


def test_the_original_amount_and_charges_on_the_movement_line_are_no_remittance() -> None:
    # SWIFT usage rules, field 61 subfield 9: /OCMT/ the amount ordered, /CHGS/ the charges.
    [line] = _lines(b":61:2603020302C4490,00NTRFINV7781//AB12345\n/OCMT/USD4500,00//CHGS/USD10,"
                    b"00/\n:86:INVOICE 7781\n")
    assert line.remittance == "INVOICE 7781 / INV7781"


def test_an_account_after_ordp_or_benm_and_the_name_on_the_next_line_name_the_party() -> None:
    # The layout of fruitl00p/php-mt940 test/Parser/Banking/Mt940/Engine/Kbs/sample and
    # sample2 (Komercijalna Banka Skopje): /ORDP/ (money in) or /BENM/ (money out) and the
    # party's account, its name on the next line, then codes and the purpose a line each.
    debit, credit, fee = _lines(
        b":61:2010091009DD3245,NMSC21038855\n:86:/BENM/300000003998473\n"
        b"/MAKEDONSKI TELEKOM AD - SKOPJE\n/5,6,7,8m//026415102020\n/Pl.po osnov\n"
        b":61:2012011201CD2250,NMSCNONREF//25577226\n:86:/ORDP/300000000460495\n"
        b"/ACME DOOEL SKOPJE\n/747//747\n/Uplata po faktura 747\n"
        b":61:2012011201DD300,NMSC25488504\n:86:/BENM/300000000000618\n"
        b"/KOMERCIJALNA BANKA AD SKOPJE - PROVIZIJA\n/EMPTY/\n/Mesecna provizija 11/2020\n")
    assert (debit.counterparty_account, debit.counterparty_name) == (
        "300000003998473", "MAKEDONSKI TELEKOM AD - SKOPJE")
    # The :61: customer reference follows the purpose, as for every bank.
    assert debit.remittance == "5,6,7,8m//026415102020 / Pl.po osnov / 21038855"
    assert (credit.counterparty_account, credit.counterparty_name) == (
        "300000000460495", "ACME DOOEL SKOPJE")
    assert credit.remittance == "747//747 / Uplata po faktura 747"
    assert (fee.counterparty_name, fee.remittance) == (
        "KOMERCIJALNA BANKA AD SKOPJE - PROVIZIJA", "Mesecna provizija 11/2020 / 25488504")


def test_sub_fields_without_a_transaction_code_give_text_account_and_name() -> None:
    # A Polish export opening its :86: with the text's first line (>20), no code before it.
    [line] = _lines(b":61:2601020102D369,00FCHGNONREF\n"
                  b":86:>20Uslugi ksiegowe - grudzien 2016.>31491050195310000\n"
                  b"0477656534>32BOOKING GROUP\n")
    assert line.remittance == "Uslugi ksiegowe - grudzien 2016."
    assert line.counterparty_account == "4910501953100000477656534"
    assert line.counterparty_name == "BOOKING GROUP"


def test_a_first_details_line_short_of_61_characters_ends_a_word() -> None:
    # ABN AMRO: 60 characters after :86:, then the next line starts a new word.
    first = b"64.45.12.113 G.B. ROTTERDAM     AANSLAGBILJETNUMMER 30076145"
    assert len(first) == 60
    [line] = _lines(b":61:2601020102D10,00NTRFNONREF\n:86:" + first + b"\n"
                  b"BETALINGSKENMERK 0000 0000       3007 6145\n")
    assert "AANSLAGBILJETNUMMER 30076145 BETALINGSKENMERK" in line.remittance


def test_a_bban_field_is_the_counterparty_account() -> None:
    [line] = _lines(b":61:2601020102C100,00NTRFNONREF\n"
                  b":86:/BBAN/90000014/BIC/KNABNL2HXXX/NAME/KNAB/REMI/EERSTE OVERBOEKING/\n")
    assert (line.counterparty_account, line.counterparty_name) == ("90000014", "KNAB")


def test_penta_colon_fields_give_purpose_name_and_a_checked_iban() -> None:
    # The layout of fruitl00p/php-mt940 test/Parser/Banking/Mt940/Engine/Penta/sample: 999
    # and the type, then purpose:name:IBAN, at times a last word; the purpose may hold colons.
    order, proceeds, card = _lines(
        b":61:2009020902D20,00NONREF\n"
        b":86:999SEPA_STANDING_ORDER:Rechnung 7983 Beitrag:Campus Box e.V.:DE89370400440532013000\n"
        b":61:2009030903C11,25NONREF\n"
        b":86:999SEPA_CREDIT_TRANSFER:CCI : 0150577373,PURPOSE:PROCEEDS:HOPPA Inc:GB29NWBK6016133"
        b"1926819:PRODUKTVERKAUF\n"
        b":61:2009030904D1,43NONREF\n:86:999PURCHASE:UNITY, DUBLIN:UNITY:XX95110103300013451000\n")
    assert (order.counterparty_name, order.counterparty_account, order.remittance) == (
        "Campus Box e.V.", "DE89370400440532013000", "Rechnung 7983 Beitrag")
    assert order.bank_code == "999 SEPA_STANDING_ORDER"
    assert (proceeds.counterparty_name, proceeds.counterparty_account) == (
        "HOPPA Inc", "GB29NWBK60161331926819")
    assert proceeds.remittance == "CCI : 0150577373,PURPOSE:PROCEEDS / PRODUKTVERKAUF"
    # A card payment's placeholder account fails the IBAN check digits: no account.
    assert (card.counterparty_name, card.counterparty_account, card.remittance) == (
        "UNITY", None, "UNITY, DUBLIN")
    # Colons in free text without the 999 code and an IBAN last are no such fields.
    [free] = _lines(b":61:2009030904D1,43NONREF\n:86:Invoice: 7781: paid\n")
    assert (free.counterparty_name, free.remittance) == (None, "Invoice: 7781: paid")
