"""Which format a file is, from its first bytes, and how its text is encoded."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest

from cobranza.i18n import language
from cobranza.statements.detect import FORMATS, available, decode_text, detect, read_statements
from cobranza.statements.model import StatementError
from tests.unit.statements.test_camt import document, entry
from tests.unit.statements.test_cep import receipt


def test_xml_formats_are_told_apart() -> None:
    assert detect(document(entry("1.00")), file="a.xml").name == "camt"
    assert detect(receipt(), file="b.xml").name == "cep"


def test_a_byte_order_mark_does_not_hide_the_format() -> None:
    data = document(entry("1.00"))
    assert detect(codecs.BOM_UTF8 + data, file="a.xml").name == "camt"
    utf16 = data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    [statement] = read_statements(utf16, file="a.xml")
    assert statement.lines[0].currency == "MXN"


def test_unknown_xml_is_parsed_safely_before_it_is_refused() -> None:
    with pytest.raises(StatementError, match="<Invoice> is not a bank statement"):
        detect(b"<?xml version='1.0'?><Invoice/>", file="i.xml")
    with pytest.raises(StatementError, match="XML bomb"):
        detect(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', file="i.xml")


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(StatementError, match="empty"):
        detect(b"  \n", file="e.txt")


def test_a_forced_format_that_does_not_fit_is_refused() -> None:
    with pytest.raises(StatementError, match="does not look like cep"):
        read_statements(document(entry("1.00")), file="a.xml", format="cep")
    with pytest.raises(StatementError, match="'pdf' is not a format"):
        read_statements(b"%PDF", file="a.pdf", format="pdf")


def test_the_registry_offers_what_is_installed_in_detection_order() -> None:
    assert {"camt", "cep"} <= set(available())
    assert available() == [name for name in FORMATS if name in available()]


def test_text_is_decoded_from_a_bom_utf8_or_latin1() -> None:
    text = "Fecha;Monto;Glosa\n2026-03-02;1.160,50;Pago Peñalolén Ñuñoa\n"
    assert decode_text(codecs.BOM_UTF8 + text.encode(), file="a.csv") == text
    assert decode_text(text.encode("utf-16"), file="a.csv") == text
    assert decode_text(text.encode("utf-8"), file="a.csv") == text
    assert decode_text(text.encode("latin-1"), file="a.csv") == text


def test_binary_data_is_not_text() -> None:
    with pytest.raises(StatementError, match="not valid UTF-8"):
        decode_text(b"PK\x03\x04\x00\x00\xff\xfe\x00", file="a.zip")


@pytest.mark.parametrize("format_", ["auto", "csv"])
def test_a_mapping_reads_a_table_whose_headers_the_preset_does_not_know(format_: str) -> None:
    # Santander Río names its amount column after the account: nothing says it is one.
    data = b"Fecha;Concepto;Cuenta Corriente\n02/03/2026;Pago;1.160,00\n"
    with pytest.raises(StatementError, match="not a bank statement format"):
        read_statements(data, file="r.csv", currency="ARS")
    [statement] = read_statements(data, file="r.csv", format=format_, currency="ARS",
                                  mapping={"date": "Fecha", "amount": "Cuenta Corriente"})
    assert [(ln.amount, ln.remittance) for ln in statement.lines] == [(Decimal("1160.00"),
                                                                       "Pago")]


def test_a_mapping_given_for_a_file_of_fixed_fields_is_still_refused() -> None:
    with pytest.raises(StatementError, match="a column mapping is for CSV files"):
        read_statements(document(entry("1.00")), file="a.xml", mapping={"date": "Fecha"})


def test_delimited_rows_nothing_recognises_are_pointed_to_the_mapping() -> None:
    data = b'"03/02/2026","1160.00","*","","ACH CREDIT"\n'
    with language("en"), pytest.raises(StatementError, match=r"name its columns with --map "
                                                             r"\(FIELD=HEADER, or FIELD=N"):
        read_statements(data, file="wf.csv")


def test_a_norma_43_file_is_refused_by_its_name() -> None:
    # Spanish banks' AEB Cuaderno 43: fixed records of 80 characters, the first an account's.
    data = (b"11210004180200051332260301260331200000000150000978DISTRIBUCIONES LEVANTE SL"
            b"    \r\n22    0418260305260305020992000000002420000000000000B97111222\r\n"
            b"88999999999999999999000001\r\n")
    with language("en"), pytest.raises(StatementError) as caught:
        read_statements(data, file="n.aeb43")
    assert "AEB Norma 43" in caught.value.message and "camt.053" in caught.value.message


def test_a_spei_s_labelled_fields_in_any_format_s_text_are_read() -> None:
    # Mexican banks write the SPEI's fields into the text whatever the format: in a camt's
    # Ustrd as in a CSV's concept.
    details = ("<TxDtls><RmtInf><Ustrd>SPEI RECIBIDO ORDENANTE: GABRIELA CHAVEZ ESTRADA CLAVE DE "
               "RASTREO: BNET0100260317 RFC URE180429TM6</Ustrd></RmtInf></TxDtls>")
    [statement] = read_statements(document(entry("1160.00", details=details)), file="s.xml")
    [line] = statement.lines
    assert (line.counterparty_name, line.spei_reference, line.counterparty_tax_id) == (
        "GABRIELA CHAVEZ ESTRADA", "BNET0100260317", "URE180429TM6")
