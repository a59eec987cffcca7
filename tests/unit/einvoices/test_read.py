"""Reading CFDI 4.0, Pagos 2.0 and DTE files into documents and payments, or located errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cobranza.einvoices.read import read_path
from cobranza.i18n import language
from tests.unit.einvoices.builders import (
    CUSTOMER_RFC,
    CUSTOMER_RUT,
    UUID_A,
    UUID_B,
    UUID_NC,
    UUID_PAY,
    Docto,
    Docto10,
    Pago,
    cfdi,
    cfdi33,
    dte,
    export_dte,
    pagos,
    pagos10,
)


@pytest.fixture(autouse=True)
def _english() -> object:
    with language("en"):
        yield


def read(tmp_path: Path, data: bytes, name: str = "doc.xml"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    return read_path(path)


def test_a_ppd_ingreso_is_an_invoice_numbered_serie_folio_and_due_by_terms(
        tmp_path: Path) -> None:
    parsed = read(tmp_path, cfdi(uuid=UUID_A.lower()))
    assert parsed.errors == []
    [doc] = parsed.documents
    assert (doc.kind, doc.number, doc.fiscal_id) == ("invoice", "A-1", UUID_A)
    assert (doc.customer.tax_id, doc.customer.country) == (CUSTOMER_RFC, "MX")
    assert (doc.amount, doc.currency, doc.issue_date) == (Decimal("1160.00"), "MXN",
                                                          date(2026, 1, 10))
    assert doc.due_date is None and doc.payment_method == "PPD"


def test_a_pue_ingreso_is_due_on_issue(tmp_path: Path) -> None:
    [doc] = read(tmp_path, cfdi(metodo="PUE")).documents
    assert doc.due_date == date(2026, 1, 10)


def test_without_serie_the_folio_and_without_either_the_uuid_numbers_the_invoice(
        tmp_path: Path) -> None:
    assert read(tmp_path, cfdi(serie="")).documents[0].number == "1"
    assert read(tmp_path, cfdi(serie="", folio="")).documents[0].number == UUID_A


def test_a_foreign_currency_invoice_keeps_its_exchange_rate(tmp_path: Path) -> None:
    [doc] = read(tmp_path, cfdi(moneda="USD", extra='TipoCambio="17.1234"')).documents
    assert (doc.currency, doc.exchange_rate) == ("USD", Decimal("17.1234"))


def test_an_egreso_is_a_credit_note_naming_its_related_invoice(tmp_path: Path) -> None:
    [doc] = read(tmp_path, cfdi(uuid=UUID_NC, tipo="E", serie="NC", related=[UUID_A],
                                metodo="PUE")).documents
    assert (doc.kind, doc.number, doc.related) == ("credit_note", "NC-1", (UUID_A,))


def test_a_payment_complement_gives_one_line_per_paid_document(tmp_path: Path) -> None:
    data = pagos(payments=[Pago("700.00", [Docto(UUID_A, "500.00", "1160.00", 1),
                                           Docto(UUID_B, "200.00", "580.00", 2)])])
    parsed = read(tmp_path, data)
    assert parsed.errors == [] and parsed.warnings == []
    assert [(p.code, p.fiscal_id, p.target, p.amount, p.installment, p.day,
             p.balance_before, p.balance_after) for p in parsed.payments] == [
        (f"{UUID_PAY}/1", UUID_PAY, UUID_A, Decimal("500.00"), 1, date(2026, 2, 1),
         Decimal("1160.00"), Decimal("660.00")),
        (f"{UUID_PAY}/2", UUID_PAY, UUID_B, Decimal("200.00"), 2, date(2026, 2, 1),
         Decimal("580.00"), Decimal("380.00"))]


def test_a_cfdi_33_ingreso_is_read_as_a_40_one_is(tmp_path: Path) -> None:
    # Receivables issued before 2022 under CFDI 3.3 are still open: the same invoice.
    parsed = read(tmp_path, cfdi33())
    assert parsed.errors == [] and parsed.warnings == []
    [doc] = parsed.documents
    [same] = read(tmp_path, cfdi(fecha="2021-11-10T10:00:00"), "40.xml").documents
    assert doc == replace(same, at=doc.at)


def test_a_cfdi_33_egreso_is_a_credit_note_and_its_substitute_says_what_it_replaces(
        tmp_path: Path) -> None:
    [note] = read(tmp_path, cfdi33(uuid=UUID_NC, tipo="E", serie="NC", related=[UUID_A],
                                   metodo="PUE")).documents
    assert (note.kind, note.number, note.related) == ("credit_note", "NC-1", (UUID_A,))
    [new] = read(tmp_path, cfdi33(uuid=UUID_B, folio="2", related=[UUID_A], relation="04"),
                 "b.xml").documents
    assert (new.kind, new.replaces, new.related) == ("invoice", (UUID_A,), ())


def test_a_pagos_10_complement_gives_one_line_per_paid_document(tmp_path: Path) -> None:
    data = pagos10(amount="700.00", docs=[Docto10(UUID_A, "500.00", "1160.00", 1),
                                          Docto10(UUID_B, "200.00", "580.00", 2)])
    parsed = read(tmp_path, data)
    assert parsed.errors == [] and parsed.warnings == []
    assert [(p.code, p.fiscal_id, p.target, p.amount, p.installment, p.day,
             p.balance_before, p.balance_after) for p in parsed.payments] == [
        (f"{UUID_PAY}/1", UUID_PAY, UUID_A, Decimal("500.00"), 1, date(2022, 1, 20),
         Decimal("1160.00"), Decimal("660.00")),
        (f"{UUID_PAY}/2", UUID_PAY, UUID_B, Decimal("200.00"), 2, date(2022, 1, 20),
         Decimal("580.00"), Decimal("380.00"))]


def test_a_pagos_10_payment_of_one_document_may_omit_what_it_paid(tmp_path: Path) -> None:
    # Pagos 1.0: ImpPagado is required only beside other documents or a TipoCambioDR; alone,
    # the document is paid the Pago's Monto.
    parsed = read(tmp_path, pagos10(amount="300.00", docs=[Docto10(UUID_A, None, "1160.00")]))
    assert parsed.errors == []
    assert [(p.amount, p.balance_after) for p in parsed.payments] == [
        (Decimal("300.00"), Decimal("860.00"))]
    two = read(tmp_path, pagos10(amount="300.00", docs=[Docto10(UUID_A, None, "1160.00"),
                                                        Docto10(UUID_B, "100.00", "580.00")]),
               "two.xml")
    assert [e.column for e in two.errors] == ["DoctoRelacionado/ImpPagado"]


def test_a_pagos_10_dollar_payment_of_a_peso_invoice_converts_by_tipocambiodr(
        tmp_path: Path) -> None:
    # 50 USD at 17.00 = 850 MXN; TipoCambioDR is MXN per USD, as EquivalenciaDR in Pagos 2.0.
    data = pagos10(amount="50.00", currency="USD", rate="17.00",
                   docs=[Docto10(UUID_A, "850.00", "1160.00", rate="17.00")])
    parsed = read(tmp_path, data)
    assert parsed.errors == []
    [line] = parsed.payments
    assert (line.currency, line.amount) == ("MXN", Decimal("850.00"))
    # Read as EquivalenciaDR would be, 850 MXN is more than 50 USD pays at one for one.
    wrong = read(tmp_path, data.replace(b'TipoCambioDR="17.00" ', b""), "wrong.xml")
    assert [e.column for e in wrong.errors] == ["Pago/Monto"]


def test_an_unstamped_invoice_is_read_as_a_draft_known_by_its_serie_folio(
        tmp_path: Path) -> None:
    parsed = read(tmp_path, cfdi(uuid=None))
    assert parsed.errors == []
    [doc] = parsed.documents
    assert (doc.kind, doc.number, doc.fiscal_id) == ("invoice", "A-1", None)
    assert (doc.amount, doc.currency, doc.issue_date) == (Decimal("1160.00"), "MXN",
                                                          date(2026, 1, 10))
    [warning] = parsed.warnings
    assert warning.endswith("doc.xml:4: TimbreFiscalDigital: the CFDI is not stamped (no "
                            "TimbreFiscalDigital, hence no UUID): read as a draft numbered A-1, "
                            "with no fiscal id; its stamped XML, with the same Serie and Folio, "
                            "replaces it when imported")


def test_an_unstamped_cfdi_without_serie_or_folio_is_known_by_its_issuer_and_date(
        tmp_path: Path) -> None:
    [doc] = read(tmp_path, cfdi(uuid=None, serie="", folio="")).documents
    assert (doc.number, doc.fiscal_id) == ("EKU9003173C9-2026-01-10T10:00:00", None)


def test_a_stamped_cfdi_without_serie_or_folio_carries_the_number_its_draft_had(
        tmp_path: Path) -> None:
    [doc] = read(tmp_path, cfdi(serie="", folio="")).documents
    assert (doc.number, doc.draft_number) == (UUID_A, "EKU9003173C9-2026-01-10T10:00:00")
    assert read(tmp_path, cfdi()).documents[0].draft_number is None


def test_an_unstamped_complement_is_read_with_codes_from_its_serie_folio(
        tmp_path: Path) -> None:
    data = pagos(uuid=None, payments=[Pago("500.00", [Docto(UUID_A, "500.00", "1160.00", 1)]),
                                      Pago("200.00", [Docto(UUID_B, "200.00", "200.00", 3)],
                                           date="2026-02-03T09:00:00")])
    parsed = read(tmp_path, data)
    assert parsed.errors == []
    assert [(p.code, p.fiscal_id, p.target, p.amount, p.installment, p.day, p.reference,
             p.balance_after) for p in parsed.payments] == [
        ("P-1/1", None, UUID_A, Decimal("500.00"), 1, date(2026, 2, 1), "P-1",
         Decimal("660.00")),
        ("P-1/2", None, UUID_B, Decimal("200.00"), 3, date(2026, 2, 3), "P-1", Decimal(0))]
    [warning] = parsed.warnings
    assert "TimbreFiscalDigital: the payment complement is not stamped" in warning
    assert "its stamped XML, when imported, takes over the same installments" in warning


def test_a_dollar_payment_of_peso_invoices_pays_in_the_invoices_currency(tmp_path: Path) -> None:
    # 50 USD at 17.00 = 850 MXN; EquivalenciaDR is MXN per USD.
    data = pagos(payments=[Pago("50.00", [Docto(UUID_A, "850.00", "1160.00",
                                                equivalence="17.00")],
                                currency="USD", rate="17.00")])
    parsed = read(tmp_path, data)
    assert parsed.errors == []
    [line] = parsed.payments
    assert (line.currency, line.amount) == ("MXN", Decimal("850.00"))


def test_a_dte_factura_and_its_credit_note(tmp_path: Path) -> None:
    [invoice] = read(tmp_path, dte()).documents
    assert (invoice.kind, invoice.number, invoice.amount, invoice.currency) == (
        "invoice", "33-100", Decimal(119000), "CLP")
    assert (invoice.customer.tax_id, invoice.due_date) == (CUSTOMER_RUT, date(2026, 2, 4))
    [note] = read(tmp_path, dte(tipo="61", folio="7", refs=[("33", "100")])).documents
    assert (note.kind, note.number, note.related) == ("credit_note", "61-7", ("33-100",))


def test_a_dte_without_namespace_or_due_date_still_reads(tmp_path: Path) -> None:
    [doc] = read(tmp_path, dte(namespace=False, due=None)).documents
    assert doc.due_date is None


def test_a_dte_without_fchvenc_is_due_when_its_terms_or_installments_say(
        tmp_path: Path) -> None:
    terms = b"<FmaPago>2</FmaPago><TermPagoDias>30</TermPagoDias>"
    [doc] = read(tmp_path, dte(due=None).replace(b"<FmaPago>2</FmaPago>", terms)).documents
    assert doc.due_date == date(2026, 2, 4)  # issued 2026-01-05, 30 days
    # Installments (MntPagos): the whole amount is owed by the last one.
    installments = (b"<FmaPago>2</FmaPago>"
                    b"<MntPagos><FchPago>2026-03-05</FchPago><MntPago>59500</MntPago></MntPagos>"
                    b"<MntPagos><FchPago>2026-02-05</FchPago><MntPago>59500</MntPago></MntPagos>")
    [doc] = read(tmp_path, dte(due=None).replace(b"<FmaPago>2</FmaPago>",
                                                  installments)).documents
    assert doc.due_date == date(2026, 3, 5)
    # FchVenc, where given, decides.
    [doc] = read(tmp_path, dte().replace(b"<FmaPago>2</FmaPago>", terms)).documents
    assert doc.due_date == date(2026, 2, 4)
    bad = read(tmp_path, dte(due=None).replace(
        b"<FmaPago>2</FmaPago>", b"<FmaPago>2</FmaPago><TermPagoDias>30 dias</TermPagoDias>"))
    assert [(e.column, "not a number of days" in e.message) for e in bad.errors] == [
        ("IdDoc/TermPagoDias", True)]


def test_a_credit_notes_global_reference_names_no_invoice(tmp_path: Path) -> None:
    # IndGlobal 1 refers to a set of documents at once, with FolioRef 0: there is no "33-0".
    data = dte(tipo="61", folio="8", refs=[("33", "0")]).replace(
        b"<FolioRef>0</FolioRef>", b"<IndGlobal>1</IndGlobal><FolioRef>0</FolioRef>")
    [note] = read(tmp_path, data).documents
    assert note.related == ()


def test_a_debit_note_is_an_invoice(tmp_path: Path) -> None:
    [doc] = read(tmp_path, dte(tipo="56", folio="3", refs=[("33", "100")])).documents
    assert (doc.kind, doc.number) == ("invoice", "56-3")


def test_a_credit_note_names_its_invoice_by_a_zero_padded_folio(tmp_path: Path) -> None:
    # FolioRef is free text: issuers pad the invoice's folio ("000100"), which is number 100.
    [note] = read(tmp_path, dte(tipo="61", folio="0007", refs=[("33", "000100")])).documents
    assert (note.number, note.related) == ("61-7", ("33-100",))


def test_an_export_invoice_is_in_its_currency_for_the_foreign_customer(tmp_path: Path) -> None:
    parsed = read(tmp_path, export_dte())
    assert parsed.errors == []
    [invoice] = parsed.documents
    assert (invoice.kind, invoice.number, invoice.currency, invoice.amount) == (
        "invoice", "110-5", "USD", Decimal("1250.50"))
    assert invoice.exchange_rate == Decimal("950.25")
    # Every foreign receptor has the RUT 55555555-5: the customer is its own tax id.
    assert (invoice.customer.code, invoice.customer.tax_id, invoice.customer.country) == (
        "55555555-5-US-4471", "US-4471", None)


def test_foreign_receptors_without_their_own_tax_id_are_told_apart_by_name(
        tmp_path: Path) -> None:
    # XEXX010101000 and 55555555-5 are every foreign customer's: the generic id names no one.
    acme = cfdi(receptor="XEXX010101000").replace(b'Nombre="KIJ, S.A. DE C.V."',
                                                 'Nombre="Acme Müller GmbH"'.encode())
    [invoice] = read(tmp_path, acme).documents
    assert (invoice.customer.code, invoice.customer.tax_id, invoice.customer.country) == (
        "XEXX010101000-ACME MULLER GMBH", "XEXX010101000", None)
    export = export_dte().replace(b"<Extranjero><NumId>US-4471</NumId>", b"<Extranjero>")
    [invoice] = read(tmp_path, export, name="export.xml").documents
    assert invoice.customer.code == "55555555-5-ANDES TRADING LLC"
    # The general public is one customer: a global invoice's.
    [invoice] = read(tmp_path, cfdi(receptor="XAXX010101000"), name="global.xml").documents
    assert (invoice.customer.code, invoice.customer.country) == ("XAXX010101000", "MX")


def test_an_export_credit_note_corrects_the_export_invoice(tmp_path: Path) -> None:
    [note] = read(tmp_path, export_dte(tipo="112", folio="2", moneda="EURO", total="300",
                                       refs=[("110", "5")])).documents
    assert (note.kind, note.currency, note.amount, note.related) == (
        "credit_note", "EUR", Decimal(300), ("110-5",))


def test_an_export_in_an_unknown_currency_is_refused_where_it_says_so(tmp_path: Path) -> None:
    parsed = read(tmp_path, export_dte(moneda="DOBLON"))
    assert parsed.documents == []
    [error] = parsed.errors
    assert (error.column, "unknown currency 'DOBLON'") == (
        "Totales/TpoMoneda", error.message[:len("unknown currency 'DOBLON'")])


BAD = {
    "inconsistent totals": (cfdi(total="1200.00"), 4, "Total", "does not match SubTotal"),
    "payments total": (pagos(payments=[Pago("500.00", [Docto(UUID_A, "500.00", "1160.00")])],
                             total="600.00"), None, "Totales/MontoTotalPagos",
                       "does not match"),
    "documents paid more than the payment": (
        pagos(payments=[Pago("100.00", [Docto(UUID_A, "500.00", "1160.00")])]), None,
        "Pago/Monto", "more than the payment"),
    "unknown currency": (cfdi(moneda="ABC"), 4, "Moneda", "unknown currency"),
    "lines that do not add up to the subtotal": (
        cfdi().replace(b'Importe="1000.00"', b'Importe="900.00"'), 10, "Concepto/Importe",
        "add up to 900.00, and the CFDI's SubTotal is 1000.00"),
    "too many decimals": (cfdi(total="1160.001", traslados="160.001"), 4, "Total",
                          "more decimals than MXN"),
    "stamp without UUID": (cfdi(complement='<tfd:TimbreFiscalDigital Version="1.1"/>', uuid=None),
                           None, "TimbreFiscalDigital/UUID", "missing value"),
    "payment of no document": (
        pagos(payments=[Pago("100.00", [Docto("", "100.00", "580.00")])]), None,
        "DoctoRelacionado/IdDocumento", "names the invoice it pays by its UUID"),
    "balance after the payment": (
        pagos(payments=[Pago("100.00", [Docto(UUID_A, "100.00", "580.00")])]).replace(
            b'ImpSaldoInsoluto="480.00"', b'ImpSaldoInsoluto="400.00"'), None,
        "DoctoRelacionado/ImpSaldoInsoluto", "is not ImpSaldoInsoluto 400.00"),
    "type P carrying another complement": (
        cfdi(tipo="P", metodo="", complement='<x:CartaPorte xmlns:x="urn:x"/>'), 4,
        "Complemento", "pays no invoice (it carries CartaPorte)"),
    "nómina": (cfdi(tipo="N"), 4, "TipoDeComprobante", "not a receivable"),
    "no payment method": (cfdi().replace(b' MetodoPago="PPD"', b""), 4, "MetodoPago",
                          "missing value; an ingreso CFDI states PUE"),
    "unknown payment method": (cfdi(metodo="PPX"), 4, "MetodoPago",
                               "'PPX' is not a payment method"),
    "bad RFC": (cfdi(receptor="NOTANRFC"), None, "Receptor/Rfc", "not a valid RFC"),
    # A DTE's problem is located at its element, lines below its Encabezado (line 4).
    "bad RUT": (dte(receptor="96790240-4"), 8, "Receptor/RUTRecep", "not a valid RUT"),
    "DTE issue date": (dte(emitted="2026-02-30"), 5, "IdDoc/FchEmis", "is not a date"),
    "DTE due before issue": (dte(due="2026-01-01"), 6, "IdDoc/FchVenc", "before the issue date"),
    "DTE totals": (dte(total="119001"), None, "Totales/MntTotal", "does not match"),
    "CLP decimals": (dte(neto=100000, iva=19000, total="119000.5"), 11, "Totales/MntTotal",
                     "more decimals than CLP"),
    "guía de despacho": (dte(tipo="52"), None, "IdDoc/TipoDTE", "not a document"),
    "amount in exponent notation": (
        pagos(payments=[Pago("100.00", [Docto(UUID_A, "100.00", "580.00")])]).replace(
            b' Monto="100.00"', b' Monto="3E75"'), None,
        "Pago/Monto", "'3E75' is not a number"),
    "amount of too many digits": (cfdi(total="1" + "0" * 30), 4, "Total",
                                  "more digits than an amount has"),
    "truncated": (cfdi()[:300], None, "", "not well-formed"),
    # 3.2 shares 3.3's namespace and writes its version in lower case.
    "CFDI 3.2": (cfdi33(version='version="3.2"'), 4, "Version",
                 "CFDI 3.2 is not supported; expected CFDI 4.0 or 3.3"),
    "CFDI 3.0": (cfdi33(version='Version="3.0"'), 4, "Version", "CFDI 3.0 is not supported"),
    "CFDI 3.3 inconsistent totals": (cfdi33(total="1200.00"), 4, "Total",
                                     "does not match SubTotal"),
    "CFDI 3.3 lines that do not add up to the subtotal": (
        cfdi33().replace(b'Importe="1000.00"', b'Importe="900.00"'), None, "Concepto/Importe",
        "add up to 900.00, and the CFDI's SubTotal is 1000.00"),
    "Pagos 1.0 documents paid more than the payment": (
        pagos10(amount="100.00", docs=[Docto10(UUID_A, "500.00", "1160.00")]), None,
        "Pago/Monto", "more than the payment"),
    "Pagos 1.0 balance after the payment": (
        pagos10(amount="100.00", docs=[Docto10(UUID_A, "100.00", "580.00")]).replace(
            b'ImpSaldoInsoluto="480.00"', b'ImpSaldoInsoluto="400.00"'), None,
        "DoctoRelacionado/ImpSaldoInsoluto", "is not ImpSaldoInsoluto 400.00"),
    "Pagos 1.0 without NumParcialidad": (
        pagos10(amount="100.00", docs=[Docto10(UUID_A, "100.00", "580.00", None)]), None,
        "DoctoRelacionado/NumParcialidad", "missing value; Pagos 1.0 requires the number"),
    # The SAT pairs each payment complement with one CFDI version.
    "Pagos 2.0 in a CFDI 3.3": (
        cfdi33(tipo="P", metodo="", moneda="XXX", subtotal="0", traslados="0", total="0",
               complement='<p:Pagos xmlns:p="http://www.sat.gob.mx/Pagos20" Version="2.0"/>'),
        4, "Complemento", "Pagos 2.0 is not the payment complement of a CFDI 3.3; expected "
        "Pagos 1.0"),
    "Pagos 1.0 in a CFDI 4.0": (
        cfdi(tipo="P", metodo="", complement='<p:Pagos xmlns:p="http://www.sat.gob.mx/Pagos" '
             'Version="1.0"/>'), 4, "Complemento",
        "Pagos 1.0 is not the payment complement of a CFDI 4.0; expected Pagos 2.0"),
    "CFDI 3.3 entity bomb": (
        cfdi33().replace(b"<cfdi:Comprobante", b'<!DOCTYPE c [<!ENTITY a "aaaaaaaaaa">'
                         b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<cfdi:Comprobante')
        .replace(b'Nombre="KIJ', b'Nombre="&b;KIJ'), None, "", "refused as a possible XML bomb"),
    "not a CFDI": (b"<?xml version='1.0'?><Invoice xmlns='urn:oasis'/>", 1, "Invoice",
                   "not a CFDI or a DTE"),
    "billion laughs": (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                       b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
                       b"<lolz>&lol2;</lolz>", 2, "", "refused as a possible XML bomb"),
    "external entity": (b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>', 1,
                        "", "refused as a possible XML bomb or external entity attack"),
    "doctype without entities": (b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://x/r.dtd">'
                                 b"<r/>", 2, "", "refused as a possible external entity"),
    "RCV export": (b"Nro;Tipo Doc;Tipo Venta;Rut cliente\n1;33;Del Giro;12345678-5\n", 1, "",
                   "RCV"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_input_is_a_located_error(case: str, tmp_path: Path) -> None:
    # lxml places an element on the line where its start tag ends.
    data, line, column, message = BAD[case]
    parsed = read(tmp_path, data, "bad.csv" if case == "RCV export" else "bad.xml")
    assert parsed.documents == [] or parsed.errors
    hits = [e for e in parsed.errors if e.column == column and message in e.message]
    assert hits, parsed.errors
    assert hits[0].file.endswith(("bad.xml", "bad.csv"))
    if line is not None:
        assert hits[0].line == line


def test_an_aec_is_refused_because_the_invoice_was_assigned(tmp_path: Path) -> None:
    data = (b'<?xml version="1.0"?><AEC xmlns="http://www.sii.cl/SiiDte" version="1.0">'
            b"<DocumentoAEC/></AEC>")
    [error] = read(tmp_path, data).errors
    assert error.column == "AEC" and "factoring" in error.message


def test_a_folder_reads_every_xml_and_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(cfdi())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.xml").write_bytes(dte())
    (tmp_path / "notes.txt").write_text("hello")
    parsed = read_path(tmp_path)
    assert parsed.errors == []
    assert sorted(d.number for d in parsed.documents) == ["33-100", "A-1"]
    assert any("notes.txt" in w for w in parsed.warnings)


def test_payroll_receipts_and_dispatch_guides_beside_invoices_are_skipped_saying_so(
        tmp_path: Path) -> None:
    # A folder downloaded from the SAT holds the payroll receipts the company issued.
    (tmp_path / "a.xml").write_bytes(cfdi())
    (tmp_path / "nomina.xml").write_bytes(cfdi(tipo="N", uuid=UUID_B))
    (tmp_path / "traslado.xml").write_bytes(cfdi(tipo="T", uuid=UUID_NC))
    (tmp_path / "guia.xml").write_bytes(dte(tipo="52", folio="7"))
    parsed = read_path(tmp_path)
    assert parsed.errors == []
    assert [d.number for d in parsed.documents] == ["A-1"]
    skipped = sorted(w for w in parsed.warnings if "(skipped)" in w)
    assert [w.split(":")[0].rsplit("/", 1)[-1] for w in skipped] == [
        "guia.xml", "nomina.xml", "traslado.xml"]
    assert "IdDoc/TipoDTE: DTE type 52 is not a document cobranza collects" in skipped[0]
    assert "TipoDeComprobante: a CFDI of type N (nómina) is not a receivable" in skipped[1]


def test_a_free_delivery_dte_is_skipped_beside_invoices_and_refused_alone(tmp_path: Path) -> None:
    # FmaPago 3 ("sin costo"): samples or a replacement under warranty, their value stated but
    # owed by nobody.
    free = dte(folio="101").replace(b"<FmaPago>2</FmaPago>", b"<FmaPago>3</FmaPago>")
    (tmp_path / "a.xml").write_bytes(dte(folio="100"))
    (tmp_path / "gratis.xml").write_bytes(free)
    parsed = read_path(tmp_path)
    assert parsed.errors == []
    assert [d.number for d in parsed.documents] == ["33-100"]
    assert [w for w in parsed.warnings if "gratis.xml" in w and "FmaPago 3" in w
            and "(skipped)" in w]
    alone = read(tmp_path, free, "alone.xml")
    assert alone.documents == []
    [error] = alone.errors
    assert error.column == "IdDoc/FmaPago"
    assert "free delivery" in error.message and "not a receivable" in error.message
    with language("es"):
        assert "entrega gratuita" in read(tmp_path, free, "alone.xml").errors[0].message


@pytest.mark.parametrize("tipo", ["61", "56"])
def test_a_note_that_corrects_text_only_is_skipped_beside_invoices_and_refused_alone(
        tmp_path: Path, tipo: str) -> None:
    # Referencia CodRef 2 ("corrige texto": the receptor's giro, an address) on a note of
    # amount 0: no money moved, so no credit note of nothing in the ledger.
    text_only = dte(tipo=tipo, folio="7", neto=0, iva=0, refs=[("33", "100")]).replace(
        b"<CodRef>1</CodRef>", b"<CodRef>2</CodRef>")
    (tmp_path / "a.xml").write_bytes(dte(folio="100"))
    (tmp_path / "giro.xml").write_bytes(text_only)
    parsed = read_path(tmp_path)
    assert parsed.errors == []
    assert [d.number for d in parsed.documents] == ["33-100"]
    assert [w for w in parsed.warnings if "giro.xml" in w and "corrects text only" in w
            and "(skipped)" in w]
    alone = read(tmp_path, text_only, "alone.xml")
    assert alone.documents == []
    [error] = alone.errors
    assert (error.column, error.message) == (
        "Totales/MntTotal", "a nota de crédito or débito of amount 0 corrects text only "
        "(CodRef 2); it moves no money")


def test_an_egreso_of_total_zero_is_skipped_beside_invoices_and_refused_alone(
        tmp_path: Path) -> None:
    # As a DTE nota de crédito of amount 0: no money moved, so no credit note of nothing.
    nothing = cfdi(uuid=UUID_NC, tipo="E", serie="NC", folio="1", subtotal="0.00",
                   traslados="0.00", total="0.00", metodo="PUE", related=[UUID_A])
    (tmp_path / "a.xml").write_bytes(cfdi())
    (tmp_path / "nc.xml").write_bytes(nothing)
    parsed = read_path(tmp_path)
    assert parsed.errors == []
    assert [d.number for d in parsed.documents] == ["A-1"]
    assert parsed.warnings == [f"{tmp_path / 'nc.xml'}:4: Total: a CFDI egreso of Total 0 "
                               "credits nothing; it moves no money (skipped)"]
    alone = read(tmp_path, nothing, "alone.xml")
    assert alone.documents == []
    [error] = alone.errors
    assert (error.line, error.column) == (4, "Total")
    with language("es"):
        assert "no mueve dinero" in read(tmp_path, nothing, "alone.xml").errors[0].message


def test_a_dispatch_guide_sent_with_an_invoice_is_skipped_and_the_invoice_read(
        tmp_path: Path) -> None:
    def body(data: bytes) -> bytes:
        return data.split(b"?>", 1)[1].replace(b' xmlns="http://www.sii.cl/SiiDte"', b"")
    envio = (b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<EnvioDTE xmlns="http://www.sii.cl/'
             b'SiiDte" version="1.0"><SetDTE ID="S1">' + body(dte(folio="100"))
             + body(dte(tipo="52", folio="7")) + b"</SetDTE></EnvioDTE>")
    parsed = read(tmp_path, envio)
    assert parsed.errors == []
    assert [d.number for d in parsed.documents] == ["33-100"]
    assert [w for w in parsed.warnings if "DTE type 52" in w and "(skipped)" in w]


def test_a_global_cfdi_to_the_general_public_is_skipped_beside_invoices_and_refused_alone(
        tmp_path: Path) -> None:
    # The period's ticket sales, paid at the sale: nobody owes them.
    global_cfdi = cfdi(uuid=UUID_B, receptor="XAXX010101000", metodo="PUE").replace(
        b"<cfdi:Emisor", b'<cfdi:InformacionGlobal Periodicidad="01" Meses="01" '
        b'A\xc3\xb1o="2026"/><cfdi:Emisor')
    (tmp_path / "a.xml").write_bytes(cfdi())
    (tmp_path / "global.xml").write_bytes(global_cfdi)
    parsed = read_path(tmp_path)
    assert parsed.errors == []
    assert [d.number for d in parsed.documents] == ["A-1"]
    assert [w for w in parsed.warnings if "global.xml" in w and "(skipped)" in w]
    alone = read(tmp_path, global_cfdi, "alone.xml")
    assert alone.documents == []
    [error] = alone.errors
    assert error.column == "InformacionGlobal"
    assert "general public" in error.message and "not a receivable" in error.message


# Reduced from the SAT's example retenciones20-min.xml (SAT-CFDI/python-satcfdi,
# tests/cfdi_ejemplos/retenciones20/retenciones20-min.xml).
RETENCIONES = f"""<?xml version="1.0" encoding="UTF-8"?>
<retenciones:Retenciones
    xmlns:retenciones="http://www.sat.gob.mx/esquemas/retencionpago/2"
    Version="2.0" CveRetenc="01" LugarExpRetenc="99999" FechaExp="2021-12-12T12:45:29">
    <retenciones:Emisor RegimenFiscalE="630" NomDenRazSocE="PERSONA DE PRUEBA"
        RfcE="{CUSTOMER_RFC}"/>
    <retenciones:Periodo Ejercicio="2021" MesFin="12" MesIni="01"/>
    <retenciones:Totales MontoTotOperacion="1.00" MontoTotGrav="1.00" MontoTotRet="1.00"
        MontoTotExent="1.00"/>
</retenciones:Retenciones>""".encode()


def test_a_cfdi_of_withholdings_is_skipped_beside_invoices_and_refused_alone(
        tmp_path: Path) -> None:
    # The SAT's CFDI de retenciones e información de pagos: a sound fiscal document that states
    # taxes a customer withheld, not an amount anybody owes.
    (tmp_path / "a.xml").write_bytes(cfdi())
    (tmp_path / "retenciones.xml").write_bytes(RETENCIONES)
    parsed = read_path(tmp_path)
    assert parsed.errors == []
    assert [d.number for d in parsed.documents] == ["A-1"]
    assert [w for w in parsed.warnings if "retenciones.xml:4: Retenciones:" in w
            and "(skipped)" in w]
    alone = read(tmp_path, RETENCIONES, "alone.xml")
    assert alone.documents == [] and alone.payments == []
    [error] = alone.errors
    assert (error.column, error.line) == ("Retenciones", 4)  # libxml2: where the start tag ends
    assert "retenciones" in error.message and "not a receivable" in error.message
    with language("es"):
        assert "no es una cuenta por cobrar" in read(tmp_path, RETENCIONES).errors[0].message


def test_boletas_sent_in_an_envioboleta_are_refused_as_not_receivables(tmp_path: Path) -> None:
    boleta = dte(tipo="39", folio="43641").split(b"?>", 1)[1].replace(
        b' xmlns="http://www.sii.cl/SiiDte"', b"")
    envio = (b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<EnvioBOLETA xmlns="http://www.sii.cl'
             b'/SiiDte" version="1.0"><SetDTE ID="SetDoc">' + boleta + b"</SetDTE></EnvioBOLETA>")
    parsed = read(tmp_path, envio)
    assert parsed.documents == []
    [error] = parsed.errors
    assert error.column == "IdDoc/TipoDTE"
    assert "DTE type 39 is not a document cobranza collects: a boleta is paid at the sale" \
        in error.message


def _paid(data: bytes, fields: str) -> bytes:
    """A DTE whose IdDoc says what was paid at its issue (FchCancel, MntCancel, SaldoInsol)."""
    return data.replace(b"<FmaPago>2</FmaPago>", f"<FmaPago>2</FmaPago>{fields}".encode())


def test_a_dte_paid_in_full_at_issue_is_an_invoice_and_its_payment(tmp_path: Path) -> None:
    parsed = read(tmp_path, _paid(dte(folio="22"), "<FchCancel>2026-01-07</FchCancel>"
                                  "<MntCancel>119000</MntCancel><SaldoInsol>0</SaldoInsol>"))
    assert parsed.errors == []
    [doc] = parsed.documents
    assert (doc.number, doc.amount) == ("33-22", Decimal(119000))  # the invoice stays whole
    [paid] = parsed.payments
    assert (paid.code, paid.target, paid.fiscal_id, paid.installment, paid.scheme) == (
        "33-22/1", "33-22", "33-22", 1, "dte")
    assert (paid.day, paid.amount, paid.currency) == (date(2026, 1, 7), Decimal(119000), "CLP")
    assert paid.customer == doc.customer


@pytest.mark.parametrize(("fields", "day", "amount"), [
    # Part paid at issue: MntCancel, dated on the issue date without FchCancel.
    ("<MntCancel>59500</MntCancel><SaldoInsol>59500</SaldoInsol>", date(2026, 1, 5), 59500),
    # FchCancel alone: paid in full on that date.
    ("<FchCancel>2026-01-09</FchCancel>", date(2026, 1, 9), 119000),
    # SaldoInsol alone: what is not left was paid.
    ("<SaldoInsol>19000</SaldoInsol>", date(2026, 1, 5), 100000),
    # Paid before the issue (what FchCancel is for): dated on the issue, so that it pays it.
    ("<FchCancel>2025-12-30</FchCancel><MntCancel>119000</MntCancel>", date(2026, 1, 5),
     119000),
])
def test_what_a_dte_says_was_paid_at_issue_is_one_payment(
        tmp_path: Path, fields: str, day: date, amount: int) -> None:
    parsed = read(tmp_path, _paid(dte(folio="20"), fields))
    assert parsed.errors == []
    assert [(p.day, p.amount) for p in parsed.payments] == [(day, Decimal(amount))]


def test_a_dte_that_says_nothing_was_paid_at_issue_has_no_payment(tmp_path: Path) -> None:
    for fields in ("", "<MntCancel>0</MntCancel><SaldoInsol>119000</SaldoInsol>"):
        parsed = read(tmp_path, _paid(dte(), fields))
        assert parsed.errors == [] and parsed.payments == []


@pytest.mark.parametrize(("fields", "column", "said"), [
    ("<MntCancel>59500</MntCancel><SaldoInsol>50000</SaldoInsol>", "IdDoc/SaldoInsol",
     "SaldoInsol 50000 is not MntTotal 119000 − MntCancel 59500 = 59500"),
    ("<MntCancel>120000</MntCancel>", "IdDoc/MntCancel",
     "the amount paid at issue, 120000, is not between 0 and MntTotal 119000"),
    ("<SaldoInsol>200000</SaldoInsol>", "IdDoc/SaldoInsol", "is not between 0 and MntTotal"),
    ("<MntCancel>abc</MntCancel>", "IdDoc/MntCancel", "'abc' is not a number"),
])
def test_a_dte_whose_payment_at_issue_does_not_add_up_is_refused_located(
        tmp_path: Path, fields: str, column: str, said: str) -> None:
    parsed = read(tmp_path, _paid(dte(), fields))
    assert parsed.documents == [] and parsed.payments == []
    [error] = parsed.errors
    assert (error.column, error.line) == (column, 6)
    assert said in error.message


def test_a_credit_note_reads_no_payment_at_issue(tmp_path: Path) -> None:
    note = _paid(dte(tipo="61", folio="7", refs=[("33", "100")]), "<MntCancel>119000</MntCancel>")
    assert read(tmp_path, note).payments == []


def test_an_export_shipped_sin_pago_is_skipped_beside_invoices_and_refused_alone(
        tmp_path: Path) -> None:
    # FmaPagExp 21 ("sin pago"): an export for which nothing is to be paid, as FmaPago 3.
    unpaid = export_dte(folio="10").replace(b"<FmaPago>2</FmaPago>",
                                            b"<FmaPagExp>21</FmaPagExp>")
    (tmp_path / "a.xml").write_bytes(dte(folio="100"))
    (tmp_path / "sinpago.xml").write_bytes(unpaid)
    parsed = read_path(tmp_path)
    assert parsed.errors == [] and [d.number for d in parsed.documents] == ["33-100"]
    assert [w for w in parsed.warnings if "sinpago.xml" in w and "FmaPagExp 21" in w
            and "(skipped)" in w]
    [error] = read(tmp_path, unpaid, "alone.xml").errors
    assert error.column == "IdDoc/FmaPagExp" and "not a receivable" in error.message


def test_a_dte_asking_for_more_than_it_bills_says_both_amounts(tmp_path: Path) -> None:
    # VlrPagar = MntTotal + MontoNF + SaldoAnterior (SII): the receivable stays MntTotal.
    data = dte(folio="5").replace(b"</MntTotal>", b"</MntTotal><MontoNF>10000</MontoNF>"
                                                  b"<VlrPagar>129000</VlrPagar>")
    parsed = read(tmp_path, data)
    assert parsed.errors == [] and [d.amount for d in parsed.documents] == [Decimal(119000)]
    [warning] = parsed.warnings
    assert warning.endswith("Totales/VlrPagar: document 33-5 asks for VlrPagar 129000 "
                            "(MontoNF 10000) and bills MntTotal 119000; the receivable is "
                            "MntTotal, record the rest separately if it is owed")
    same = dte(folio="6").replace(b"</MntTotal>", b"</MntTotal><VlrPagar>119000</VlrPagar>")
    assert read(tmp_path, same).warnings == []


def test_a_folder_of_payroll_receipts_alone_is_refused_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "nomina.xml").write_bytes(cfdi(tipo="N"))
    parsed = read_path(tmp_path)
    assert parsed.documents == [] and parsed.warnings == []
    [error] = parsed.errors
    assert (error.column, error.line) == ("TipoDeComprobante", 4)
    assert "not a receivable" in error.message


def test_a_payroll_receipt_beside_a_bad_invoice_is_not_what_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.xml").write_bytes(cfdi(receptor="NOTANRFC"))
    (tmp_path / "nomina.xml").write_bytes(cfdi(tipo="N", uuid=UUID_B))
    parsed = read_path(tmp_path)
    assert [e.column for e in parsed.errors] == ["Receptor/Rfc"]
    assert any("nomina.xml" in w and "(skipped)" in w for w in parsed.warnings)


def test_a_utf16_entity_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    # The hardened reader (cobranza.statements.safexml) looks for <!ENTITY as ASCII bytes;
    # in UTF-16 libxml2's amplification limit stops it instead, quickly and with no document.
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 8))
    text = (f'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE z [<!ENTITY l0 "lol">{lol}]>'
            "\n<z>&l7;</z>")
    parsed = read(tmp_path, text.encode("utf-16"))
    assert parsed.documents == [] and parsed.payments == []
    [error] = parsed.errors
    assert error.file.endswith("doc.xml")


def test_what_a_pago_brings_beyond_its_documents_is_the_customers_credit(
        tmp_path: Path) -> None:
    parsed = read(tmp_path, pagos(payments=[
        Pago("2000.00", [Docto(UUID_A, "1160.00", "1160.00", 1)]),
        Pago("500.00", [Docto(UUID_B, "500.00", "580.00", 1)], date="2026-02-03T12:00:00")]))
    assert parsed.errors == []
    assert [(p.code, p.target, p.amount, p.installment, p.credit_of)
            for p in parsed.payments] == [
        (f"{UUID_PAY}/1", UUID_A, Decimal("1160.00"), 1, ()),
        (f"{UUID_PAY}/credit-1", "", Decimal("840.00"), 0, (f"{UUID_PAY}/1",)),
        (f"{UUID_PAY}/2", UUID_B, Decimal("500.00"), 1, ())]
    credit = parsed.payments[1]
    assert (credit.fiscal_id, credit.day, credit.currency) == (UUID_PAY, date(2026, 2, 1), "MXN")
    assert credit.note is not None and credit.note.endswith(
        "Pago/Monto: the payment's Monto 2000.00 MXN pays its documents 1160.00 MXN; the rest, "
        "840.00 MXN, is recorded as the customer's credit (a payment naming no invoice)")


def test_a_pago_10_beyond_its_documents_leaves_the_customers_credit(tmp_path: Path) -> None:
    parsed = read(tmp_path, pagos10(amount="1500.00",
                                    docs=[Docto10(UUID_A, "1160.00", "1160.00")]))
    assert parsed.errors == []
    assert [(p.target, p.amount) for p in parsed.payments] == [
        (UUID_A, Decimal("1160.00")), ("", Decimal("340.00"))]


def test_a_pago_converted_to_its_documents_currency_leaves_no_credit_of_rounding(
        tmp_path: Path) -> None:
    # 100.00 USD at 17.1234 MXN per USD pays 1712.34 MXN: converted back, 100.0000 USD.
    parsed = read(tmp_path, pagos(payments=[Pago("100.00", [Docto(
        UUID_A, "1712.34", "1712.34", 1, equivalence="17.1234")], currency="USD",
        rate="17.1234")], total="1712.34"))
    assert parsed.errors == [] and [p.credit_of for p in parsed.payments] == [()]
