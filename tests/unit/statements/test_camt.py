"""camt.052/053/054 onto statement lines: any version, signs, batches, references, parties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cobranza.core.references import find_rf
from cobranza.statements.checks import check_statement
from cobranza.statements.formats import camt
from cobranza.statements.model import StatementError

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def document(entries: str, *, balances: str = "", ns: str | None = NS,
             message: str = "BkToCstmrStmt", kind: str = "Stmt") -> bytes:
    xmlns = f' xmlns="{ns}"' if ns else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document{xmlns}><{message}><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-31T18:00:00</CreDtTm>
</GrpHdr><{kind}><Id>STMT-1</Id><CreDtTm>2026-03-31T18:00:00</CreDtTm>
<Acct><Id><IBAN>MX00TEST</IBAN></Id><Ccy>MXN</Ccy></Acct>{balances}{entries}</{kind}>
</{message}></Document>""".encode()


def balance(code: str, amount: str, indicator: str = "CRDT") -> str:
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"MXN\">{amount}"
            f"</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>2026-03-31</Dt></Dt></Bal>")


def entry(amount: str, indicator: str = "CRDT", *, details: str = "", ref: str = "REF-1",
          status: str = "<Sts><Cd>BOOK</Cd></Sts>") -> str:
    return (f"<Ntry><Amt Ccy=\"MXN\">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>{status}"
            f"<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-03</Dt></ValDt>"
            f"<AcctSvcrRef>{ref}</AcctSvcrRef><NtryDtls>{details}</NtryDtls></Ntry>")


TX = """<TxDtls><Refs><EndToEndId>E2E-7</EndToEndId></Refs>{amount}
<RltdPties><Dbtr><Pty><Nm>Abarrotes La Esperanza</Nm><Id><OrgId><Othr><Id>AES970101AB1</Id>
<SchmeNm><Cd>TXID</Cd></SchmeNm></Othr></OrgId></Id></Pty></Dbtr>
<DbtrAcct><Id><Othr><Id>012180001234567891</Id></Othr></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>Factura A-1001</Ustrd><Ustrd>y A-1002</Ustrd>
<Strd><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>"""


def test_a_credit_carries_the_payer_and_every_reference() -> None:
    [statement] = camt.extract(document(entry("1160.00", details=TX.format(amount=""))),
                               file="s.xml")
    [line] = statement.lines
    assert (statement.account, statement.currency, statement.statement_ref) == (
        "MX00TEST", "MXN", "STMT-1")
    assert line.amount == Decimal("1160.00") and line.currency == "MXN"
    assert (line.booking_date, line.value_date) == (date(2026, 3, 2), date(2026, 3, 3))
    assert line.counterparty_name == "Abarrotes La Esperanza"
    assert line.counterparty_account == "012180001234567891"
    assert line.counterparty_tax_id == "AES970101AB1"
    assert line.remittance == "Factura A-1001 / y A-1002"
    assert (line.end_to_end_id, line.creditor_reference, line.transaction_id) == (
        "E2E-7", "RF18539007547034", "REF-1")


def test_a_debit_is_negative_and_balances_are_signed() -> None:
    data = document(entry("100.00", "DBIT"),
                    balances=balance("OPBD", "50.00", "DBIT") + balance("CLBD", "150.00", "DBIT"))
    [statement] = camt.extract(data, file="s.xml")
    assert statement.lines[0].amount == Decimal("-100.00")
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("-50.00"),
                                                                      Decimal("-150.00"))


def test_previous_closing_counts_as_opening_and_interim_balances_are_not_a_closing() -> None:
    data = document(entry("1.00"), balances=balance("PRCD", "10.00") + balance("ITBD", "99.00"))
    [statement] = camt.extract(data, file="s.xml")
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("10.00"), None)


def test_a_batch_entry_with_amounts_per_transaction_becomes_one_line_each() -> None:
    details = (TX.format(amount='<Amt Ccy="MXN">100.00</Amt>')
               + TX.format(amount='<Amt Ccy="MXN">50.00</Amt>'))
    [statement] = camt.extract(document(entry("150.00", details=details)), file="s.xml")
    assert [line.amount for line in statement.lines] == [Decimal("100.00"), Decimal("50.00")]
    assert [line.transaction_id for line in statement.lines] == ["REF-1/1", "REF-1/2"]


def test_a_batch_whose_parts_do_not_add_up_stays_one_line() -> None:
    details = (TX.format(amount='<Amt Ccy="USD">100.00</Amt>')
               + TX.format(amount='<Amt Ccy="MXN">50.00</Amt>'))
    [statement] = camt.extract(document(entry("150.00", details=details)), file="s.xml")
    assert [line.amount for line in statement.lines] == [Decimal("150.00")]


def test_a_batch_that_cannot_be_split_names_no_single_payer() -> None:
    # Parts that leave charges out (100 + 50 of a 148.00 booking): the one line is the whole
    # booking, and the first part's payer and references would be wrong for it.
    details = (TX.format(amount='<Amt Ccy="MXN">100.00</Amt>')
               + TX.format(amount='<Amt Ccy="MXN">50.00</Amt>'))
    [statement] = camt.extract(document(entry("148.00", details=details)), file="s.xml")
    [line] = statement.lines
    assert (line.amount, line.transaction_id) == (Decimal("148.00"), "REF-1")
    assert (line.counterparty_name, line.end_to_end_id, line.creditor_reference) == (
        None, None, None)
    assert line.remittance == "Factura A-1001 / y A-1002 / Factura A-1001 / y A-1002"


CHARGED = ('<Chrgs><Rcrd><Amt Ccy="MXN">0.30</Amt><CdtDbtInd>DBIT</CdtDbtInd>'
           '<ChrgInclInd>{included}</ChrgInclInd></Rcrd></Chrgs>')


def test_a_collective_credit_with_charges_deducted_is_its_parts_and_a_line_of_charges() -> None:
    # PostFinance's QR-bill Sammelgutschrift: 100 + 50 paid, 0.60 of charges taken off the
    # booking of 149.40 (ChrgInclInd true); each payer keeps its name and reference.
    details = "".join(TX.format(amount=f'<Amt Ccy="MXN">{part}</Amt>'
                                + CHARGED.format(included="true"))
                      for part in ("100.00", "50.00"))
    [statement] = camt.extract(document(entry("149.40", details=details)), file="s.xml")
    assert [(line.amount, line.transaction_id, line.batch) for line in statement.lines] == [
        (Decimal("100.00"), "REF-1/1", "REF-1"), (Decimal("50.00"), "REF-1/2", "REF-1"),
        (Decimal("-0.60"), "REF-1/3", "REF-1")]
    assert [line.creditor_reference for line in statement.lines] == [
        "RF18539007547034", "RF18539007547034", None]
    assert statement.lines[2].counterparty_name is None
    # Charges not taken off the booking (ChrgInclInd false) leave it no sum of its parts.
    details = details.replace("true", "false")
    [statement] = camt.extract(document(entry("149.40", details=details)), file="s.xml")
    assert [line.amount for line in statement.lines] == [Decimal("149.40")]


def test_one_detail_of_a_larger_batch_does_not_name_the_payer_of_all() -> None:
    details = "<Btch><NbOfTxs>20</NbOfTxs></Btch>" + TX.format(amount="")
    [statement] = camt.extract(document(entry("900.00", details=details)), file="s.xml")
    assert statement.lines[0].counterparty_name is None


def test_transactions_in_repeated_entry_details_blocks_split_the_entry() -> None:
    data = document(entry("150.00", details=TX.format(amount='<Amt Ccy="MXN">100.00</Amt>'))
                    .replace("</NtryDtls>", "</NtryDtls><NtryDtls>"
                             + TX.format(amount='<Amt Ccy="MXN">50.00</Amt>') + "</NtryDtls>"))
    [statement] = camt.extract(data, file="s.xml")
    assert [line.amount for line in statement.lines] == [Decimal("100.00"), Decimal("50.00")]


def test_pending_entries_are_not_booked_lines() -> None:
    data = document(entry("5.00", status="<Sts>PDNG</Sts>") + entry("7.00", ref="R2"))
    [statement] = camt.extract(data, file="s.xml")
    assert [line.amount for line in statement.lines] == [Decimal("7.00")]
    assert statement.not_booked == 1  # said when imported, not silently dropped


def test_a_status_given_as_a_proprietary_code_is_read() -> None:
    # From version 09 the status is a choice of an ISO code (Cd) or a proprietary one (Prtry).
    data = document(entry("5.00", status="<Sts><Prtry>PDNG</Prtry></Sts>")
                    + entry("7.00", ref="R2", status="<Sts><Prtry>BOOK</Prtry></Sts>"),
                    ns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.10")
    [statement] = camt.extract(data, file="s.xml")
    assert [line.amount for line in statement.lines] == [Decimal("7.00")]
    assert statement.not_booked == 1


@pytest.mark.parametrize(("ns", "message", "kind"), [
    ("urn:iso:std:iso:20022:tech:xsd:camt.052.001.02", "BkToCstmrAcctRpt", "Rpt"),
    ("urn:iso:std:iso:20022:tech:xsd:camt.052.001.01", "BkToCstmrAcctRptV01", "Rpt"),
    ("urn:iso:std:iso:20022:tech:xsd:camt.054.001.04", "BkToCstmrDbtCdtNtfctn", "Ntfctn"),
    (None, "BkToCstmrStmt", "Stmt"),
])
def test_every_message_type_and_version_reads_alike(ns: str | None, message: str,
                                                    kind: str) -> None:
    data = document(entry("3.00"), ns=ns, message=message, kind=kind)
    assert camt.identify(data[:4096])
    [statement] = camt.extract(data, file="s.xml")
    assert statement.lines[0].amount == Decimal("3.00")


def test_a_national_dialect_namespace_reads_like_iso() -> None:
    # Austrian banks (Stuzza) write their own namespace, e.g. viafintech/camt_parser's
    # spec/fixtures/053/valid_example_stuzza.xml: "ISO:camt.053.001.02:APC:STUZZA:payments:003".
    data = document(entry("50.00"), balances=balance("PRCD", "150.00") + balance("CLBD", "200.00"),
                    ns="ISO:camt.053.001.02:APC:STUZZA:payments:003")
    assert camt.identify(data[:4096])
    [statement] = camt.extract(data, file="s.xml")
    assert [line.amount for line in statement.lines] == [Decimal("50.00")]
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("150.00"),
                                                                      Decimal("200.00"))


def test_a_time_written_with_its_milliseconds_after_a_colon_still_gives_the_day() -> None:
    # viafintech/camt_parser's spec/fixtures/052/valid_example_with_dates.xml writes
    # "2019-08-09T11:17:11:735" (not xs:dateTime): only the date part is needed.
    data = document(entry("5.00").replace("<BookgDt><Dt>2026-03-02</Dt></BookgDt>", "")
                    .replace("<ValDt><Dt>2026-03-03</Dt></ValDt>", ""))
    data = data.replace(b"2026-03-31T18:00:00", b"2026-03-31T18:00:00:735").replace(
        b"<Acct>", b"<FrToDt><FrDtTm>2026-03-01T00:00:00:000</FrDtTm>"
        b"<ToDtTm>2026-03-31T00:00:00:000</ToDtTm></FrToDt><Acct>")
    [statement] = camt.extract(data, file="s.xml")
    assert (statement.period_start, statement.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
    assert statement.lines[0].booking_date == date(2026, 3, 31)


def test_a_garbled_amount_is_a_located_error() -> None:
    with pytest.raises(StatementError) as caught:
        camt.extract(document(entry("12..34")), file="s.xml")
    assert caught.value.field == "Ntry/Amt" and caught.value.line == 4
    assert "12..34" in caught.value.message


def test_another_iso_20022_message_is_not_a_statement() -> None:
    data = document("", ns="urn:iso:std:iso:20022:tech:xsd:camt.055.001.09")
    with pytest.raises(StatementError, match="camt.055 is not an account statement"):
        camt.extract(data, file="s.xml")


def test_a_truncated_document_says_so_with_its_line() -> None:
    data = document(entry("1.00"))
    with pytest.raises(StatementError) as caught:
        camt.extract(data[:-40], file="s.xml")
    assert "not well-formed" in caught.value.message and caught.value.line > 0


def test_a_document_wrapped_with_its_application_header_is_read() -> None:
    # SWIFTNet and host-to-host channels deliver AppHdr (head.001) and Document side by side.
    inner = document(entry("3.00")).decode().split("?>", 1)[1]
    data = ('<?xml version="1.0" encoding="UTF-8"?><Envelope><AppHdr xmlns="urn:iso:std:iso:'
            '20022:tech:xsd:head.001.001.02"><MsgDefIdr>camt.053.001.08</MsgDefIdr></AppHdr>'
            f'{inner}</Envelope>').encode()
    assert camt.identify(data[:4096])
    [statement] = camt.extract(data, file="s.xml")
    assert statement.lines[0].amount == Decimal("3.00")


REFUND = """<TxDtls><Refs><EndToEndId>E2E-9</EndToEndId></Refs>
<RltdPties><{party}><Nm>Abarrotes La Esperanza</Nm></{party}><{party}Acct><Id><IBAN>MX99PAYER</IBAN>
</Id></{party}Acct></RltdPties></TxDtls>"""


def test_a_reversal_names_the_party_of_the_booking_it_undoes() -> None:
    # A refunded direct debit is booked DBIT with RvslInd, keeping the debtor of the collection.
    refund = entry("60.00", "DBIT", details=REFUND.format(party="Dbtr")).replace(
        "</CdtDbtInd>", "</CdtDbtInd><RvslInd>true</RvslInd>", 1)
    [statement] = camt.extract(document(refund), file="s.xml")
    [line] = statement.lines
    assert line.amount == Decimal("-60.00")
    assert (line.counterparty_name, line.counterparty_account) == (
        "Abarrotes La Esperanza", "MX99PAYER")


def test_a_reversal_written_in_its_own_direction_still_names_its_party() -> None:
    reversed_credit = entry("60.00", "CRDT", details=REFUND.format(party="Dbtr")).replace(
        "</CdtDbtInd>", "</CdtDbtInd><RvslInd>true</RvslInd>", 1)
    [statement] = camt.extract(document(reversed_credit), file="s.xml")
    assert statement.lines[0].counterparty_name == "Abarrotes La Esperanza"


def test_an_entry_without_its_own_reference_takes_its_transactions() -> None:
    detail = TX.format(amount="").replace("<Refs>", "<Refs><AcctSvcrRef>TX-77</AcctSvcrRef>")
    data = document(entry("1160.00", details=detail, ref="NONREF"))
    [statement] = camt.extract(data, file="s.xml")
    assert statement.lines[0].transaction_id == "TX-77"


def notification_entry(amount: str, refs: str, *, entry_ref: str = "Credit Ref1") -> str:
    """A camt.054 credit as ANZ writes it: an NtryRef, no AcctSvcrRef, the ids in Refs."""
    return (f'<Ntry><NtryRef>{entry_ref}</NtryRef><Amt Ccy="MXN">{amount}</Amt>'
            "<CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
            "<BookgDt><Dt>2026-03-02</Dt></BookgDt><NtryDtls><TxDtls>"
            f"<Refs><InstrId>I-1</InstrId><EndToEndId>E2E-1</EndToEndId>{refs}</Refs>"
            "<RltdPties><Dbtr><Pty><Nm>Rocky</Nm></Pty></Dbtr></RltdPties></TxDtls></NtryDtls>"
            "</Ntry>")


def test_an_entry_without_the_bank_s_reference_is_known_by_its_interbank_ids() -> None:
    # The bank's reference (AcctSvcrRef) first, the entry's or its transaction's; else the id
    # every bank of the chain passes on unchanged (TxId), else the payment's UETR. NtryRef is
    # unique within one message only ("Credit Ref1"), and the payer's ids (InstrId,
    # EndToEndId) name no one movement.
    uetr = "8a562c67-ca16-48ba-b074-65581be6f001"
    tx_id = "<TxId>NATAAU33XXXN20240716000516437854710</TxId>"
    entries = (notification_entry("100.01", tx_id + f"<UETR>{uetr}</UETR>")
               + notification_entry("0.01", f"<UETR>{uetr.replace('1', '2')}</UETR>")
               + notification_entry("0.02", "<AcctSvcrRef>BANK-9</AcctSvcrRef>" + tx_id)
               + notification_entry("0.03", "<TxId>NOTPROVIDED</TxId>"))
    data = document(entries, ns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.11",
                    message="BkToCstmrDbtCdtNtfctn", kind="Ntfctn")
    [statement] = camt.extract(data, file="n.xml")
    assert [line.transaction_id for line in statement.lines] == [
        "NATAAU33XXXN20240716000516437854710", uetr.replace("1", "2"), "BANK-9", None]
    # The interbank ids are the line's other keys: the day's camt.053 gives the entry under
    # the bank's reference, a notification before it under its TxId.
    assert statement.lines[0].other_ids == ("NATAAU33XXXN20240716000516437854710", uetr)
    assert statement.lines[2].other_ids == ("NATAAU33XXXN20240716000516437854710",)


def test_an_undated_entry_of_a_statement_made_the_next_morning_is_in_its_period() -> None:
    undated = ('<Ntry><Amt Ccy="MXN">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>'
               "<AcctSvcrRef>R1</AcctSvcrRef></Ntry>")
    data = document(undated).replace(
        b"<Acct>", b"<FrToDt><FrDtTm>2026-03-30T00:00:00</FrDtTm>"
        b"<ToDtTm>2026-03-30T23:59:59</ToDtTm></FrToDt><Acct>")
    [statement] = camt.extract(data, file="s.xml")
    assert statement.lines[0].booking_date == date(2026, 3, 30)
    # Without a period the creation day is all there is.
    [statement] = camt.extract(document(undated), file="s.xml")
    assert statement.lines[0].booking_date == date(2026, 3, 31)


def test_remittance_cut_into_35_character_lines_is_one_text() -> None:
    # Nordea writes a long text as several Ustrd of at most 35 characters, cut mid-word.
    details = ("<TxDtls><RmtInf><Ustrd>Pago de las facturas A-1001 y A-100</Ustrd>"
               "<Ustrd>2 de marzo</Ustrd><Ustrd>Gracias</Ustrd></RmtInf></TxDtls>")
    [statement] = camt.extract(document(entry("50.00", details=details)), file="s.xml")
    assert statement.lines[0].remittance == (
        "Pago de las facturas A-1001 y A-1002 de marzo / Gracias")


def ustrd_remittance(*parts: str) -> str:
    """The remittance one detail of these unstructured texts gives."""
    details = "<TxDtls><RmtInf>" + "".join(f"<Ustrd>{part}</Ustrd>" for part in parts) + (
        "</RmtInf></TxDtls>")
    [statement] = camt.extract(document(entry("50.00", details=details)), file="s.xml")
    return statement.lines[0].remittance


def test_a_word_cut_at_a_whole_number_of_27_character_lines_is_one_word() -> None:
    # German banks build the text from 27-character lines (DFÜ-Abkommen) and cut it anywhere,
    # here after two lines: "Absc" + "hlag", an invoice number "RE-2026-00" + "417".
    first = "S/836516025356/604412007558 Sarrazinstr. 22 Strom Absc"
    assert len(first) == 2 * 27
    assert ustrd_remittance("SEPA LASTSCHRIFT", first, "hlag", "Mandat: M1") == (
        f"SEPA LASTSCHRIFT / {first[:-4]}Abschlag / Mandat: M1")
    assert ustrd_remittance("Zahlung Rechnung RE-2026-00", "417 Danke") == (
        "Zahlung Rechnung RE-2026-00417 Danke")


def test_an_iban_cut_at_a_35_character_line_is_one_iban() -> None:
    first = "Ueberweisung IBAN: DE8937040044053"
    assert len(first) == 35 - 1
    first += "2"
    assert ustrd_remittance(first, "013000 Miete") == (
        "Ueberweisung IBAN: DE89370400440532013000 Miete")


def test_a_full_line_cut_between_words_goes_on_after_a_space() -> None:
    # The bank cut at its width where a word ended: the text goes on, as a new word.
    first = "Pago de las facturas A-1001 y A-10."
    assert len(first) == 35
    assert ustrd_remittance(first, "Gracias") == "Pago de las facturas A-1001 y A-10. Gracias"
    assert ustrd_remittance(first[:-1] + " ", "02") == "Pago de las facturas A-1001 y A-10 02"


def test_texts_short_of_a_cut_width_stay_apart() -> None:
    # Separate phrases (SEPA LASTSCHRIFT, Kundenreferenz, Mandat ...) keep the separator, even
    # when one ends and the next begins with a letter: joined they would hide both words.
    assert ustrd_remittance("Kundenreferenz: S/8365160253", "Mandat: M002") == (
        "Kundenreferenz: S/8365160253 / Mandat: M002")
    assert ustrd_remittance("A" * 36, "B") == "A" * 36 + " / B"


def test_a_structured_remittance_gives_the_documents_it_pays_and_its_additional_text() -> None:
    details = ("<TxDtls><RmtInf><Strd><RfrdDocInf><Tp><CdOrPrtry><Cd>CINV</Cd></CdOrPrtry></Tp>"
               "<Nb>INV-1042</Nb><RltdDt>2026-02-10</RltdDt></RfrdDocInf>"
               '<RfrdDocAmt><RmtdAmt Ccy="MXN">1200.00</RmtdAmt></RfrdDocAmt>'
               "<AddtlRmtInf>Zahlung Rechnung INV-1042</AddtlRmtInf></Strd></RmtInf></TxDtls>")
    [statement] = camt.extract(document(entry("1200.00", details=details)), file="s.xml")
    assert statement.lines[0].remittance == "INV-1042 / Zahlung Rechnung INV-1042"


STRD = ("<Strd><RfrdDocInf><Nb>{number}</Nb></RfrdDocInf><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR"
        "</Cd></CdOrPrtry></Tp><Ref>{reference}</Ref></CdtrRefInf></Strd>")


def test_every_structured_block_s_document_and_reference_reach_the_matcher() -> None:
    # One payment of two invoices: the first block's RF is the line's creditor reference, the
    # second's is in the text, where the matcher finds RF references as well.
    blocks = (STRD.format(number="INV-5521", reference="RF265521")
              + STRD.format(number="INV-5522", reference="RF965522"))
    details = f"<TxDtls><RmtInf><Ustrd>Facturas</Ustrd>{blocks}</RmtInf></TxDtls>"
    [statement] = camt.extract(document(entry("800.00", details=details)), file="s.xml")
    [line] = statement.lines
    assert line.creditor_reference == "RF265521"
    assert line.remittance == "Facturas / INV-5521 / INV-5522 / RF965522"
    assert find_rf(f"{line.remittance} {line.creditor_reference}") == ["RF965522", "RF265521"]


def test_a_batch_that_cannot_be_split_gives_its_parts_documents_but_no_reference() -> None:
    part = ('<TxDtls><Amt Ccy="MXN">{amount}</Amt><RmtInf>{block}</RmtInf></TxDtls>')
    details = (part.format(amount="100.00", block=STRD.format(number="A-1", reference="RF265521"))
               + part.format(amount="50.00", block=STRD.format(number="A-2",
                                                              reference="RF965522")))
    [statement] = camt.extract(document(entry("148.00", details=details)), file="s.xml")
    [line] = statement.lines
    assert (line.remittance, line.creditor_reference) == ("A-1 / A-2", None)


def test_texts_wrapped_by_a_pretty_printer_lose_the_line_breaks_and_indentation() -> None:
    details = ("<TxDtls><RmtInf><Ustrd>Factura A-1001\n                 A-1002</Ustrd>"
               "</RmtInf></TxDtls>")
    entries = (entry("50.00", details=details)
               + entry("20.00", ref="REF-2").replace(
                   "</Ntry>", "<AddtlNtryInf>/TRTP/SEPA\n      OVERBOEKING</AddtlNtryInf></Ntry>"))
    [statement] = camt.extract(document(entries), file="s.xml")
    assert [line.remittance for line in statement.lines] == [
        "Factura A-1001 A-1002", "/TRTP/SEPA OVERBOEKING"]


def dated(code: str, amount: str, day: str, indicator: str = "CRDT") -> str:
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"MXN\">{amount}"
            f"</Amt><CdtDbtInd>{indicator}</CdtDbtInd><Dt><Dt>{day}</Dt></Dt></Bal>")


def test_a_statement_of_several_days_is_checked_from_the_first_opening_to_the_last_closing(
        ) -> None:
    # Citibank states an opening and a closing booked balance a day; here newest first.
    balances = (dated("OPBD", "110.00", "2026-03-03") + dated("CLBD", "150.00", "2026-03-03")
                + dated("OPBD", "100.00", "2026-03-02") + dated("CLBD", "110.00", "2026-03-02"))
    data = document(entry("10.00") + entry("40.00", ref="REF-2"), balances=balances)
    [statement] = camt.extract(data, file="s.xml")
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("100.00"),
                                                                      Decimal("150.00"))


def test_available_balances_are_not_read_and_a_signed_debit_balance_stays_a_debit() -> None:
    # Citibank's camt.052 (a public balance-report sample): OPAV with an empty amount, CLAV and
    # OPBD/CLBD written with a minus sign as well as DBIT.
    empty = ("<Bal><Tp><CdOrPrtry><Cd>OPAV</Cd></CdOrPrtry></Tp><Amt Ccy=\"MXN\"/><CdtDbtInd/>"
             "<Dt><Dt>2026-03-31</Dt></Dt></Bal>")
    data = document(entry("1.00"), balances=empty + balance("CLAV", "-3.00", "DBIT")
                    + balance("OPBD", "-3.00", "DBIT") + balance("CLBD", "2.00", "DBIT"))
    [statement] = camt.extract(data, file="s.xml")
    assert (statement.opening_balance, statement.closing_balance) == (Decimal("-3.00"),
                                                                      Decimal("-2.00"))


def test_a_negative_balance_marked_as_a_credit_is_refused_where_it_is() -> None:
    data = document(entry("1.00"), balances=balance("OPBD", "-3.00"))
    with pytest.raises(StatementError) as caught:
        camt.extract(data, file="s.xml")
    assert caught.value.field == "Bal/Amt" and caught.value.line == 4
    assert "negative balance marked CRDT" in caught.value.message


def test_a_savings_bank_gives_its_booking_id_as_a_proprietary_reference() -> None:
    # A Sparkasse camt.052 (se.tink's DefaultCamtTransactionMapperTest): AcctSvcrRef NONREF,
    # the booking's id as Refs/Prtry of type FI-UMSATZ-ID.
    details = ("<TxDtls><Refs><EndToEndId>112415235123</EndToEndId><Prtry><Tp>FI-UMSATZ-ID</Tp>"
               "<Ref>2026-03-02-04.01.11.25552</Ref></Prtry></Refs></TxDtls>")
    other = ("<TxDtls><Refs><Prtry><Tp>01</Tp><Ref>180315CH02ZX5RI3</Ref></Prtry></Refs>"
             "</TxDtls>")
    [statement] = camt.extract(document(entry("123.00", "DBIT", ref="NONREF", details=details)
                                        + entry("5.00", ref="NONREF", details=other)),
                               file="s.xml")
    assert [x.transaction_id for x in statement.lines] == ["2026-03-02-04.01.11.25552", None]
    assert statement.lines[0].end_to_end_id == "112415235123"


def test_a_creditor_reference_written_in_groups_is_stored_in_its_electronic_form() -> None:
    # A Swiss QR reference as UBS writes it: 27 digits in groups.
    details = TX.format(amount="").replace("RF18539007547034", "00 00000 00000 00000 00000 12359")
    [statement] = camt.extract(document(entry("1160.00", details=details)), file="s.xml")
    assert statement.lines[0].creditor_reference == "000000000000000000000012359"
    # It is the line's reference, so it is not repeated in the text in its written form.
    assert statement.lines[0].remittance == "Factura A-1001 / y A-1002"


def test_a_document_declared_latin_1_but_written_in_utf_8_keeps_its_accents() -> None:
    # A bank's camt written in UTF-8, as ISO 20022 asks, under an ISO-8859-1 declaration: read
    # as Latin-1 every name with an accent would be garbled ("PeÃ±a"), silently.
    details = TX.format(amount="").replace("Abarrotes La Esperanza", "Abarrotes Peña Müller")
    data = document(entry("1160.00", details=details)).replace(
        b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    [statement] = camt.extract(data, file="s.xml")
    assert statement.lines[0].counterparty_name == "Abarrotes Peña Müller"


def test_a_document_in_latin_1_as_it_declares_is_read_as_latin_1() -> None:
    details = TX.format(amount="").replace("Abarrotes La Esperanza", "Abarrotes Peña")
    data = document(entry("1160.00", details=details)).decode().replace(
        'encoding="UTF-8"', 'encoding="ISO-8859-1"').encode("latin-1")
    [statement] = camt.extract(data, file="s.xml")
    assert statement.lines[0].counterparty_name == "Abarrotes Peña"


def test_a_closing_balance_the_entries_miss_is_located_at_its_element() -> None:
    data = document(entry("10.00"), balances=balance("OPBD", "100.00") + "\n"
                    + balance("CLBD", "120.00"))
    [statement] = camt.extract(data, file="c.xml")
    [error] = check_statement(statement, file="c.xml")
    assert (error.line, error.field) == (5, "Bal/Amt")
    assert "differ by 10.00 MXN" in error.message


RATE = "<CcyXchg><SrcCcy>USD</SrcCcy><TrgtCcy>MXN</TrgtCcy><XchgRate>17.5</XchgRate></CcyXchg>"
# Paid in dollars: the counter value (after the exchange) or the transaction amount in pesos.
IN_DOLLARS = ('<Amt Ccy="USD">10.00</Amt><AmtDtls><InstdAmt><Amt Ccy="USD">10.00</Amt>'
              f'</InstdAmt><CntrValAmt><Amt Ccy="MXN">175.00</Amt>{RATE}</CntrValAmt></AmtDtls>')
ALSO_IN_DOLLARS = ('<Amt Ccy="USD">4.00</Amt><AmtDtls><InstdAmt><Amt Ccy="USD">4.00</Amt>'
                   f'{RATE}</InstdAmt><TxAmt><Amt Ccy="MXN">70.00</Amt></TxAmt></AmtDtls>')


def test_a_batch_of_foreign_payments_is_split_by_what_each_came_to_in_the_entry_s_currency(
        ) -> None:
    details = TX.format(amount=IN_DOLLARS) + TX.format(amount=ALSO_IN_DOLLARS)
    [statement] = camt.extract(document(entry("245.00", details=details)), file="s.xml")
    assert [line.amount for line in statement.lines] == [Decimal("175.00"), Decimal("70.00")]
    assert statement.lines[0].counterparty_name == "Abarrotes La Esperanza"


@pytest.mark.parametrize(("total", "second"), [
    ("240.00", ALSO_IN_DOLLARS),  # charges taken off: the parts miss the entry
    ("245.00", '<Amt Ccy="USD">4.00</Amt>'),  # a part with no amount in pesos
])
def test_a_batch_of_foreign_payments_that_cannot_be_split_stays_whole(
        total: str, second: str) -> None:
    details = TX.format(amount=IN_DOLLARS) + TX.format(amount=second)
    [statement] = camt.extract(document(entry(total, details=details)), file="s.xml")
    assert [line.amount for line in statement.lines] == [Decimal(total)]
