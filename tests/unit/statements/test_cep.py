"""Banxico CEP receipts: one SPEI transfer in, the payer as counterparty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cobranza.statements.formats import cep
from cobranza.statements.model import StatementError

CEP = """<?xml version="1.0" encoding="UTF-8"?>
<SPEI_Tercero FechaOperacion="2026-03-05" Hora="10:53:36" ClaveSPEI="90723"
 claveRastreo="BNET01002603050000123">
  <Beneficiario BancoReceptor="BANORTE" Nombre="Comercial Norte SA" TipoCuenta="40"
   Cuenta="{account}" RFC="CNO010101AA1" Concepto="Factura A-1001" IVA="0.00"
   MontoPago="{amount}"/>
  <Ordenante BancoEmisor="BBVA MEXICO" Nombre="Abarrotes La Esperanza" TipoCuenta="40"
   Cuenta="012180001234567891" RFC="NA"/>
</SPEI_Tercero>"""


def receipt(amount: str = "1160.5", account: str = "072180000000000011") -> bytes:
    return CEP.format(amount=amount, account=account).encode()


def test_a_receipt_is_one_transfer_into_the_beneficiary_account() -> None:
    data = receipt()
    assert cep.identify(data)
    [statement] = cep.extract(data, file="cep.xml")
    [line] = statement.lines
    assert (statement.account, statement.currency, statement.format) == (
        "072180000000000011", "MXN", "cep")
    assert line.amount == Decimal("1160.5") and line.booking_date == date(2026, 3, 5)
    assert line.spei_reference == line.transaction_id == "BNET01002603050000123"
    assert (line.counterparty_name, line.counterparty_account) == (
        "Abarrotes La Esperanza", "012180001234567891")
    assert line.counterparty_tax_id is None  # Banxico writes NA
    assert line.remittance == "Factura A-1001"
    assert statement.opening_balance is None and statement.closing_balance is None


def test_a_receipt_without_the_beneficiary_account_leaves_it_to_the_import() -> None:
    [statement] = cep.extract(receipt(account="NA"), file="cep.xml")
    assert statement.account == ""


def test_a_bad_amount_is_located() -> None:
    with pytest.raises(StatementError) as caught:
        cep.extract(receipt(amount="1,160.50"), file="cep.xml")
    # libxml2 places an element at the end of its start tag: the line of MontoPago here.
    assert caught.value.field == "Beneficiario/MontoPago" and caught.value.line == 6


@pytest.mark.parametrize(("attribute", "field", "message"), [
    ('MontoPago="1160.5"', "Beneficiario/MontoPago",
     "missing; expected an amount with a decimal point, such as 1234.50"),
    ('FechaOperacion="2026-03-05"', "FechaOperacion", "missing; expected a date, YYYY-MM-DD"),
])
def test_a_receipt_without_its_amount_or_date_says_it_is_missing(attribute: str, field: str,
                                                                 message: str) -> None:
    with pytest.raises(StatementError) as caught:
        cep.extract(receipt().replace(attribute.encode(), b""), file="cep.xml")
    assert (caught.value.field, caught.value.message) == (field, message)


def test_an_older_receipt_writes_nd_where_a_value_is_not_available() -> None:
    # Receipts of 2019 pad amounts with zeros and write ND (no disponible), not NA.
    data = receipt(amount="000000000000008.17").replace(b'RFC="NA"', b'RFC="ND"')
    [statement] = cep.extract(data, file="cep.xml")
    [line] = statement.lines
    assert line.amount == Decimal("8.17") and line.counterparty_tax_id is None


@pytest.mark.parametrize("generic", ["XAXX010101000", "XEXX010101000"])
def test_a_payer_under_a_generic_rfc_gives_no_tax_id(generic: str) -> None:
    # The general public's RFC names no one: it must not match the customer invoiced under it.
    data = receipt().replace(b'RFC="NA"', f'RFC="{generic}"'.encode())
    [statement] = cep.extract(data, file="cep.xml")
    assert statement.lines[0].counterparty_tax_id is None


def test_a_space_banxico_left_inside_the_payers_rfc_is_removed() -> None:
    data = receipt().replace(b'RFC="NA"', b'RFC="GEP850101 1S6"')
    [statement] = cep.extract(data, file="cep.xml")
    assert statement.lines[0].counterparty_tax_id == "GEP8501011S6"


@pytest.mark.parametrize("own", ["012180001234567891", "00123456789"])
def test_a_receipt_of_the_organisations_own_transfer_is_money_out(own: str) -> None:
    # The account the import names is the payer's (its CLABE, or the account number the CLABE
    # holds): the organisation paid a supplier, and the supplier is the counterparty.
    [statement] = cep.extract(receipt(), file="cep.xml", account=own)
    [line] = statement.lines
    assert statement.account == "012180001234567891"
    assert line.amount == Decimal("-1160.5")
    assert (line.counterparty_name, line.counterparty_account, line.counterparty_tax_id) == (
        "Comercial Norte SA", "072180000000000011", "CNO010101AA1")
    assert line.remittance == "Factura A-1001"


def test_a_receipt_naming_the_beneficiary_account_given_is_money_in() -> None:
    [statement] = cep.extract(receipt(), file="cep.xml", account="072180000000000011")
    assert statement.lines[0].amount == Decimal("1160.5")
    assert statement.lines[0].counterparty_name == "Abarrotes La Esperanza"


@pytest.mark.parametrize("given", ["999999999999999999", "00999999999"])
def test_a_receipt_naming_neither_account_given_is_refused(given: str) -> None:
    # Booked on the account given, it would be money in that never reached that account.
    with pytest.raises(StatementError) as caught:
        cep.extract(receipt(), file="cep.xml", account=given)
    # libxml2 places an element at the end of its start tag: the root's, on line 3 here.
    assert (caught.value.line, caught.value.field) == (3, "--account")
    assert caught.value.message == (
        f"the account given ({given}) is neither account this receipt names: the payer's "
        "012180001234567891 and the beneficiary's 072180000000000011; give one of them with "
        "--account")


def test_a_receipt_without_the_beneficiary_account_is_booked_on_the_account_given() -> None:
    [statement] = cep.extract(receipt(account="NA"), file="cep.xml", account="999999999999999999")
    assert statement.lines[0].amount == Decimal("1160.5")


@pytest.mark.parametrize(("chain", "value"), [
    # Sent after the SPEI cut-off on the 4th: its business day is the 5th, and the money was
    # in the account on the 4th (the cadenaCDA's fecha de abono).
    ("||1|05032026|04032026|183315|90646|BBVA MEXICO|", date(2026, 3, 4)),
    ("||1|05032026|05032026|105336|90646|BBVA MEXICO|", date(2026, 3, 5)),
    # Not this receipt's operation day, or no date: the operation day.
    ("||1|06032026|04032026|183315|", date(2026, 3, 5)),
    ("||1|05032026|ND|183315|", date(2026, 3, 5)),
    ("||1|05032026|31022026|183315|", date(2026, 3, 5)),
    ("", date(2026, 3, 5)),
])
def test_the_value_date_is_the_calendar_day_the_money_was_credited(chain: str,
                                                                  value: date) -> None:
    data = receipt().replace(b'ClaveSPEI="90723"',
                             f'ClaveSPEI="90723" cadenaCDA="{chain}"'.encode())
    [line] = cep.extract(data, file="cep.xml")[0].lines
    assert (line.booking_date, line.value_date) == (date(2026, 3, 5), value)
