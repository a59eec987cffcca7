"""Banks' CSV layouts read with the generic preset, no --map: each sample keeps its bank's
exact header row, delimiter, number and date formats, preamble and footer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cobranza.i18n import language
from cobranza.statements.checks import check_statement
from cobranza.statements.formats import csv as statement_csv
from cobranza.statements.model import StatementError


def _read(text: str, **kwargs: str) -> list[tuple[object, ...]]:
    """(booking date, amount, counterparty, remittance) of each line of a one-statement file."""
    data = text.encode()
    assert statement_csv.identify(data)
    [statement] = statement_csv.extract_csv(data, file="b.csv", **kwargs)  # type: ignore[arg-type]
    return [(ln.booking_date, ln.amount, ln.counterparty_name, ln.remittance)
            for ln in statement.lines]


def test_lloyds_description_is_read_over_its_transaction_type_code() -> None:
    text = ("Transaction Date,Transaction Type,Sort Code,Account Number,Transaction Description,"
            "Debit Amount,Credit Amount,Balance\n"
            "02/03/2026,DEB,'30-00-00,12345678,CARD PAYMENT TO TESCO,23.50,,1476.50\n"
            "03/03/2026,FPI,'30-00-00,12345678,J SMITH INV 1001,,250.00,1726.50\n")
    assert _read(text, currency="GBP") == [
        (date(2026, 3, 2), Decimal("-23.50"), "TESCO", "CARD PAYMENT TO TESCO"),
        (date(2026, 3, 3), Decimal("250.00"), None, "J SMITH INV 1001")]


@pytest.mark.parametrize(("description", "party"), [
    ("TRANSF DE VINA LOS LAGOS Y CIA LTDA FACTURA F005297", "VINA LOS LAGOS Y CIA LTDA"),
    ("TRASPASO DE:EMPRESA ABC SPA", "EMPRESA ABC SPA"),
    ("Transferencia de Juan Pérez", "Juan Pérez"),
    ("TRANSF. DE 12.345.678-9 JUAN PEREZ", "JUAN PEREZ"),  # the RUT before the name
    ("TRANSFERENCIA RECIBIDA DE MINERA SUR SPA REF 123456", "MINERA SUR SPA"),
    ("TEF DE ACME LTDA 0012345678", "ACME LTDA"),  # the account after it
    ("TRANSFER FROM ACME INC INV 42", "ACME INC"),
    ("TRANSFERENCIA DESDE COMERCIAL ANDES SPA", "COMERCIAL ANDES SPA"),  # BCI: DESDE, not DE
    ("BIZUM DE MARIA PEREZ LOPEZ CONCEPTO CENA", "MARIA PEREZ LOPEZ"),  # Spain's Bizum
    # No one's name: a SPEI's sending bank, what a deposit was made of, an invoice.
    ("SPEI RECIBIDO DE BANORTE / 0123456 PEDRO", None),
    ("DEPOSITO DE EFECTIVO", None),
    ("DEPOSITO DE TERCERO", None),
    ("ABONO DE INTERESES", None),
    ("TRANSFERENCIA DE FONDOS ENTRE CUENTAS", None),
    ("TRASPASO DE LINEA DE CREDITO", None),
    ("PAGO DE FACTURA 123", None),
    ("DEPOSITO FRIGORIFICO ARAVENA", None),
])
def test_a_cartola_without_a_payer_column_names_the_payer_in_its_description(
        description: str, party: str | None) -> None:
    text = f"Fecha;Descripción;Cargos;Abonos\n27/11/2026;{description};;1145970\n"
    [(_day, _amount, counterparty, remittance)] = _read(text, currency="CLP")
    assert (counterparty, remittance) == (party, description)


def test_a_debit_names_its_payee_and_a_payer_column_wins() -> None:
    text = ("Fecha;Descripción;Nombre;Cargos;Abonos\n"
            "27/11/2026;TRANSF A PAPELERA DEL NORTE;;50000;\n"
            "28/11/2026;TRANSF DE JUAN PEREZ;Juan Pérez Soto;;1000\n"
            "29/11/2026;TRANSFERENCIA A FAVOR DE PAPELERIA LEVANTE SL CONCEPTO OFICINA;;"
            "32000;\n")
    assert [line[2] for line in _read(text, currency="CLP")] == [
        "PAPELERA DEL NORTE", "Juan Pérez Soto", "PAPELERIA LEVANTE SL"]


def test_a_rut_after_the_payers_name_is_its_tax_id_not_part_of_the_name() -> None:
    data = ("Fecha;Descripción;Cargos;Abonos\n"
            "04/03/2026;TEF DE JUAN PEREZ GONZALEZ 12.345.678-5;;120.000\n"
            # Banco Security writes it without dots; a wrong check digit is no RUT.
            "05/03/2026;TRANSFERENCIA DE MINERA MAULE LTDA 76198900-6;;80.000\n"
            "06/03/2026;TRANSFERENCIA DE MINERA MAULE LTDA 76198900-5;;80.000\n").encode()
    [statement] = statement_csv.extract_csv(data, file="bci.csv", currency="CLP")
    assert [(line.counterparty_name, line.counterparty_tax_id) for line in statement.lines] == [
        ("JUAN PEREZ GONZALEZ", "12345678-5"), ("MINERA MAULE LTDA", "76198900-6"),
        ("MINERA MAULE LTDA", None)]


@pytest.mark.parametrize(("description", "amount", "party"), [
    # Chase and Bank of America: the payer's name ends where a confirmation number, a date or
    # the purpose begins; the purpose stays in the remittance.
    ("Zelle payment from JOHN DOE Conf# BAC0ab12cd3", "500.00", "JOHN DOE"),
    ('Zelle payment from JOHN DOE for ""Invoice 1042""; Conf# BAC0ab12cd3', "500.00",
     "JOHN DOE"),
    ("TRANSFER FROM JOHN SMITH ON 03/16", "150.00", "JOHN SMITH"),
    # A transfer between the holder's own accounts names an account, not a payer or payee.
    ("Online Transfer from CHK ...5678 transaction#: 9876543210", "2000.00", None),
    ("ONLINE TRANSFER TO SAV ...1234 TRANSACTION#: 17712345678 03/05", "-1000.00", None),
    ("ONLINE TRANSFER FROM SMITH J EVERYDAY CHECKING XXXXXX1234 REF #IBE8", "75.00", None),
    # "A" is a word of its own, not the first letter of the next one.
    ("TRANSF ALMACEN SUR", "-80.00", None),
])
def test_a_us_description_names_the_payer_up_to_where_its_references_begin(
        description: str, amount: str, party: str | None) -> None:
    text = ("Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
            f'CREDIT,03/02/2026,"{description}",{amount},MISC_CREDIT,,,\n')
    [(_day, _amount, counterparty, remittance)] = _read(text, currency="USD")
    assert (counterparty, remittance) == (party, description.replace('""', '"'))


@pytest.mark.parametrize(("description", "amount", "party"), [
    # Chase: the NACHA fields labelled, as in a BAI2 detail; IND NAME is the account's holder.
    ("ORIG CO NAME:ACME WIDGETS INC ORIG ID:1234567890 DESC DATE:260302 CO ENTRY DESCR:PAYMENT "
     "SEC:CCD TRACE#:021000021234567 EED:260302 IND ID:INV-7781 IND NAME:OUR COMPANY LLC",
     "4500.00", "ACME WIDGETS INC"),
    # Bank of America: the company's name before DES:, for money in and money out alike.
    ("GAMMA SUPPLY CO DES:PAYMENT ID:000012345 INDN:OUR COMPANY LLC CO ID:1234567890 CCD",
     "2200.00", "GAMMA SUPPLY CO"),
    ("ATT DES:PAYMENT ID:XXXXX12345 INDN:OUR COMPANY LLC CO ID:9864031004 PPD", "-89.99", "ATT"),
    # A wire's "B/O:" (by order of) names the payer.
    ("FEDWIRE CREDIT VIA: BANK OF AMERICA/026009593 B/O: NORTHWIND TRADING LLC REF: CHASE NYC",
     "1200.00", "NORTHWIND TRADING LLC"),
])
def test_an_ach_entry_or_wire_in_a_us_description_names_the_other_side_by_its_labels(
        description: str, amount: str, party: str) -> None:
    text = ("Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
            f'CREDIT,03/02/2026,"{description}",{amount},ACH_CREDIT,,,\n')
    [(_day, _amount, counterparty, remittance)] = _read(text, currency="USD")
    assert (counterparty, remittance) == (party, description)


def test_santanders_chilean_cartola_states_its_account_and_each_payers_rut() -> None:
    # Banco Santander Chile's "Cartolas históricas" (Excel, saved as CSV): the account in the
    # preamble, a signed MONTO with a CARGO/ABONO mark, the other side's RUT before "Transf."
    # zero-padded without punctuation, the payer's name after it.
    text = ("Cartolas históricas de Cuentas Corrientes,,,,,,,\n,,,,,,,\n"
            "Empresa:,COMERCIAL ANDES SPA,,Hora:,23:24,,,\nRUT empresa:,76.086.428-5,,,,,,\n"
            "Cuenta Corriente N°: 0-000-1234567-8,,Moneda: PESOS DE CHILE,,,,,\n"
            "Detalle movimientos,Detalle movimientos,,,,,,\n"
            "MONTO,DESCRIPCIÓN MOVIMIENTO,,FECHA,N° DOCUMENTO,SUCURSAL,,CARGO/ABONO\n"
            "742062,0771767850 Transf. ASES CONSULTORI,,09/01/2025,28000180,Agustinas,,A\n"
            "13815900,0691514005 PAGO PROVEEDOR I MUNIC,,13/01/2025,0,G.Finanzas,,A\n"
            "-256000,0126689586 Transf a Jenny Gonzalez,,13/01/2025,0,Agustinas,,C\n"
            "-4000000,Transf.Internet a 76.293.338-1,,13/01/2025,69414265,Agustinas,,C\n"
            "163500,Abono Ventas GETNET 30/12/24 CIERR,,13/01/2025,53386477,Cerrillos,,A\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="cartola.csv", currency="CLP")
    assert statement.account == "0-000-1234567-8"
    assert [(ln.amount, ln.counterparty_name, ln.counterparty_tax_id)
            for ln in statement.lines] == [
        (Decimal(742062), "ASES CONSULTORI", "77176785-0"),
        (Decimal(13815900), None, "69151400-5"),
        (Decimal(-256000), "Jenny Gonzalez", "12668958-6"),
        (Decimal(-4000000), None, "76293338-1"),
        (Decimal(163500), None, None)]


_SALDOS = ("Cuenta Corriente N°: 0-000-1234567-8,,Moneda: PESOS DE CHILE,,,,,\n"
           "Saldos,Saldos,Saldos,Saldos,Saldos,Saldos,Saldos,Saldos\n"
           "SALDO INICIAL,DEPÓSITOS,OTROS ABONOS,CHEQUES,OTROS CARGOS,IMPUESTOS,SALDO FINAL,\n"
           "{opening},0,905562,0,-256000,0,{closing},\n"
           "Detalle movimientos,Detalle movimientos,,,,,,\n"
           "MONTO,DESCRIPCIÓN MOVIMIENTO,,FECHA,N° DOCUMENTO,SUCURSAL,,CARGO/ABONO\n"
           "742062,0771767850 Transf. ASES CONSULTORI,,09/01/2025,28000180,Agustinas,,A\n"
           "-256000,0126689586 Transf a Jenny Gonzalez,,13/01/2025,0,Agustinas,,C\n"
           "163500,Abono Ventas GETNET 30/12/24 CIERR,,13/01/2025,53386477,Cerrillos,,A\n")


def test_a_cartolas_balances_block_states_its_opening_and_closing_balances() -> None:
    text = _SALDOS.format(opening="972874", closing="1622436")
    [statement] = statement_csv.extract_csv(text.encode(), file="cartola.csv")
    assert (statement.opening_balance, statement.closing_balance) == (Decimal(972874),
                                                                      Decimal(1622436))
    assert not check_statement(statement, file="cartola.csv")


def test_a_cartola_cut_short_of_its_stated_balances_is_refused_saying_by_how_much() -> None:
    text = _SALDOS.format(opening="972874", closing="2814546")
    [statement] = statement_csv.extract_csv(text.encode(), file="cartola.csv")
    with language("en"):
        [error] = check_statement(statement, file="cartola.csv")
    assert error.field == "balance" and "differ by 1192110 CLP" in error.message


# Other ways a preamble states the balances: Mercado Pago's block in capitals, UBS's and Bank of
# America's labels each on a row of their own (BofA's with the date after it).
_MERCADO_PAGO = ("INITIAL_BALANCE;CREDITS;DEBITS;FINAL_BALANCE\n"
                 "10.130,41;3.723,67;-1.000,00;{closing}\n\n"
                 "RELEASE_DATE;TRANSACTION_TYPE;REFERENCE_ID;TRANSACTION_NET_AMOUNT;"
                 "PARTIAL_BALANCE\n"
                 "04-03-2026;Pago Distribuidora Oceano;60741122334;3.723,67;13.854,08\n"
                 "13-03-2026;Transferencia enviada;60755566778;-1.000,00;12.854,08\n")
_UBS = ("Account number:;0235 00123456.60;\nOpening balance:;10000.00;\n"
        "Closing balance:;{closing};\nValued in:;CHF;\n\n"
        "Trade date;Booking date;Value date;Currency;Debit;Credit;Balance;Transaction no.\n"
        "2026-03-05;2026-03-05;2026-03-05;CHF;-380.00;;12120.00;9930065TI2345678\n"
        "2026-03-02;2026-03-02;2026-03-02;CHF;;2500.00;12500.00;9930061TI1234567\n")
_BOFA = ('Description,,Summary Amt.\nBeginning balance as of 03/01/2026,,"1,000.00"\n'
         'Total credits,,"2,700.00"\nTotal debits,,"-320.50"\n'
         'Ending balance as of 03/31/2026,,"{closing}"\n\n'
         "Date,Description,Amount,Running Bal.\n"
         '03/01/2026,Beginning balance as of 03/01/2026,,"1,000.00"\n'
         '03/02/2026,ZELLE FROM ACME,"2,700.00","3,700.00"\n'
         '03/05/2026,CHECK 1001,"-320.50","3,379.50"\n')

# A cartola's details each a line of words, as its account is: "Saldo Final: $ 1.530.000".
_ONE_CELL = ("Cuenta Corriente N°: 97-12345-67\nSaldo Inicial: $ 1.000.000\n"
             "Saldo Final: $ {closing}\n\nFecha;Descripción;Cargos;Abonos\n"
             "01/03/2026;TRANSF DE COMERCIAL ANDES SPA;;600.000\n15/03/2026;CHEQUE;70.000;\n")


@pytest.mark.parametrize(("layout", "whole", "cut", "short"), [
    (_MERCADO_PAGO, "12.854,08", "15.044,62", "2190.54 MXN"),
    (_UBS, "12120.00", "14620.00", "2500.00 CHF"),
    (_BOFA, "3,379.50", "3,879.50", "500.00 USD"),
    (_ONE_CELL, "1.530.000", "1.600.000", "70000 CLP"),
], ids=["mercado pago", "ubs", "bank of america", "label and figure in one cell"])
def test_balances_stated_on_rows_of_their_own_hold_the_movements(
        layout: str, whole: str, cut: str, short: str) -> None:
    # Cut short, every running balance still follows from the one before: only the stated
    # opening and closing balances show that movements are missing.
    currency = short.split()[1]
    [statement] = statement_csv.extract_csv(layout.format(closing=whole).encode(), file="s.csv",
                                            default_currency=currency)
    assert statement.opening_balance is not None
    statement.account = "A1"
    assert not check_statement(statement, file="s.csv")
    [statement] = statement_csv.extract_csv(layout.format(closing=cut).encode(), file="s.csv",
                                            default_currency=currency)
    statement.account = "A1"
    with language("en"):
        [error] = check_statement(statement, file="s.csv")
    assert error.field == "balance" and f"differ by {short}" in error.message


_RESUMEN = ("Fecha;Descripción;N° Documento;Cargos;Abonos;Saldo\n"
            "02/03/2026;TRANSF DE COMERCIAL ANDES SPA;1001;;550.000;1.550.000\n"
            "04/03/2026;PAGO PROVEEDOR;1002;20.000;;1.530.000\n\n"
            "Resumen del período\nSaldo Inicial;1.000.000\nTotal Abonos;550.000\n"
            "Total Cargos;20.000\nSaldo Final;{closing}\n")


def test_a_closing_block_under_its_title_is_no_movement_and_its_balances_hold() -> None:
    # Before, the title row was read as a movement and the whole file refused.
    [statement] = statement_csv.extract_csv(_RESUMEN.format(closing="1.530.000").encode(),
                                            file="c.csv", currency="CLP")
    assert [line.amount for line in statement.lines] == [Decimal(550000), Decimal(-20000)]
    assert (statement.opening_balance, statement.closing_balance) == (Decimal(1000000),
                                                                      Decimal(1530000))
    [statement] = statement_csv.extract_csv(_RESUMEN.format(closing="1.630.000").encode(),
                                            file="c.csv", currency="CLP")
    statement.account = "A1"
    with language("en"):
        [error] = check_statement(statement, file="c.csv")
    assert error.field == "balance" and "differ by 100000 CLP" in error.message


def test_an_unreadable_stated_balance_is_refused_where_it_is() -> None:
    text = _SALDOS.format(opening="972874", closing="dos millones")
    with language("en"), pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(text.encode(), file="cartola.csv")
    assert (caught.value.line, caught.value.field) == (4, "SALDO FINAL")
    assert "'dos millones' is not an amount" in caught.value.message


@pytest.mark.parametrize(("stated", "currency"), [
    ("Moneda: PESOS DE CHILE", "CLP"),
    ("Moneda: DOLAR USA", "USD"),  # a Chilean company's dollar account: never read as pesos
    ("Moneda: EUR", "EUR"),
    ("Moneda: PESOS", "MXN"),  # no country: the organisation's, as with no preamble
    ("Moneda: DOLARES CANADIENSES", "MXN"),  # words not known: not guessed
])
def test_the_currency_a_preamble_states_is_the_statements(stated: str, currency: str) -> None:
    text = (f"Cuenta Corriente N°: 0-000-1234567-8,,{stated},,\n"
            "Fecha;Descripción;Cargos;Abonos\n27/11/2026;TRANSF DE ACME;;1000\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="c.csv", default_currency="MXN")
    assert statement.currency == currency


def test_a_currency_given_wins_over_the_preamble() -> None:
    text = ("Moneda: DOLAR USA,,\n"
            "Fecha;Descripción;Cargos;Abonos\n27/11/2026;TRANSF DE ACME;;1000\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="c.csv", currency="CLP")
    assert statement.currency == "CLP"


def test_an_rfc_in_a_mexican_concept_is_the_payers_tax_id() -> None:
    text = ("Fecha,Descripción,Concepto,Cargo,Abono\n"
            "02/03/2026,SPEI RECIBIDO BANORTE,RFC AES970101AB1 PAGO FACTURA A-1001,,1160.00\n"
            "03/03/2026,SPEI RECIBIDO BBVA,PAGO XAXX010101000 VENTA MOSTRADOR,,50.00\n"
            "04/03/2026,DEPOSITO EN EFECTIVO,REF ABC123456XYZ,,20.00\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="mx.csv", currency="MXN")
    # The SAT's generic RFC (the general public) names no one; a shape without a real date is
    # no RFC.
    assert [ln.counterparty_tax_id for ln in statement.lines] == ["AES970101AB1", None, None]


@pytest.mark.parametrize("preamble", [
    "Cuenta: 123456789,,\nCuenta: 987654321,,\n",  # two accounts: neither is taken
    "RUT empresa:,76.086.428-5,,\n",  # a RUT is no account
])
def test_a_preamble_that_states_no_one_account_gives_none(preamble: str) -> None:
    text = preamble + "Fecha;Descripción;Cargos;Abonos\n27/11/2026;TRANSF DE ACME;;1000\n"
    [statement] = statement_csv.extract_csv(text.encode(), file="c.csv", currency="CLP")
    assert statement.account == ""


def test_natwest_value_is_the_signed_amount() -> None:
    text = ("Date, Type, Description, Value, Balance, Account Name, Account Number\n\n"
            "03/03/2026,BAC,\"'J SMITH INV 1001\",250.00,1726.50,\"'SMITH J\",\"'600000-1234\",\n")
    assert _read(text, currency="GBP") == [
        (date(2026, 3, 3), Decimal("250.00"), None, "J SMITH INV 1001")]


def test_starling_counter_party_is_the_counterparty() -> None:
    text = ("Date,Counter Party,Reference,Type,Amount (GBP),Balance (GBP),Spending Category,Notes\n"
            "03/03/2026,J Smith,INV 1001,FASTER PAYMENT,250.00,1726.50,INCOME,\n")
    assert _read(text) == [(date(2026, 3, 3), Decimal("250.00"), "J Smith", "INV 1001")]


def test_mercury_name_on_card_is_the_own_cardholder_not_the_counterparty() -> None:
    text = ("Date (UTC),Description,Amount,Status,Source Account,Bank Description,Reference,"
            "Note,Last Four Digits,Name On Card\n"
            "03-13-2026,Uber,-55.99,Sent,Mercury Checking xx8655,UBER * TRIP,,,6776,Jane Owner\n"
            "03-14-2026,Figma,-15.00,Pending,Mercury Checking xx8655,FIGMA,,,6776,Jane Owner\n")
    assert _read(text, currency="USD") == [(date(2026, 3, 13), Decimal("-55.99"), None, "Uber")]


def test_a_dutch_name_column_is_the_counterparty_and_counterparty_its_iban() -> None:
    # bunq: "Counterparty" is the other party's IBAN, "Name" its name.
    text = ('"Date";"Interest Date";"Amount";"Account";"Counterparty";"Name";"Description"\n'
            '"2026-03-11";"2026-03-11";"1.234,56";"NL01BUNQ0123456789";"NL02INGB0001234567";'
            '"Klant BV";"Factuur 1001"\n')
    assert _read(text, currency="EUR") == [
        (date(2026, 3, 11), Decimal("1234.56"), "Klant BV", "Factuur 1001")]


@pytest.mark.parametrize(("text", "expected"), [
    # Deutsche Bank / Postbank: account lines above, "Kontostand" closing the file.
    ("Umsätze Girokonto;;;;;\nZeitraum: 01.03.2026 - 31.03.2026;;;;;\n"
     "Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;IBAN;BIC;"
     "Kundenreferenz;Betrag;Soll;Haben;Währung\n"
     "01.03.2026;01.03.2026;SEPA-Gutschrift;Kunde GmbH;RE 1001;DE00100;;;2.500,00;;2.500,00;EUR\n"
     "Kontostand;31.03.2026;;;3.486,01;EUR\n",
     (date(2026, 3, 1), Decimal("2500.00"), "Kunde GmbH", "RE 1001")),
    # Sparkasse CSV-CAMT: two-digit years, the purpose over the booking text.
    ('"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";'
     '"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"Betrag";"Waehrung"\n'
     '"DE1234";"01.03.26";"01.03.26";"GUTSCHR. UEBERWEISUNG";"RE 1001";"Kunde GmbH";'
     '"DE0010";"2500,00";"EUR"\n',
     (date(2026, 3, 1), Decimal("2500.00"), "Kunde GmbH", "RE 1001")),
    # ING Netherlands: unsigned amounts, "Af" (out) or "Bij" (in); YYYYMMDD dates.
    ('"Datum","Naam / Omschrijving","Rekening","Tegenrekening","Code","Af Bij","Bedrag (EUR)",'
     '"Mutatiesoort","Mededelingen"\n'
     '"20260312","Albert Heijn","NL01INGB0001234567","","BA","Af","23,45","Betaalautomaat",'
     '"Pasvolgnr: 012"\n',
     (date(2026, 3, 12), Decimal("-23.45"), "Albert Heijn", "Pasvolgnr: 012")),
    # Rabobank: signed "+976,55", the own account in "IBAN/BBAN".
    ('"IBAN/BBAN","Munt","Volgnr","Datum","Rentedatum","Bedrag","Saldo na trn",'
     '"Tegenrekening IBAN/BBAN","Naam tegenpartij","Omschrijving-1"\n'
     '"NL01RABO0123456789","EUR","1","2026-03-09","2026-03-09","+976,55","+1076,55",'
     '"NL03INGB0001111111","Klant BV","Factuur 1001"\n',
     (date(2026, 3, 9), Decimal("976.55"), "Klant BV", "Factuur 1001")),
    # Qonto: a declined card payment is not booked.
    ("Status;Settlement date (UTC);Operation date (UTC);Total amount (incl. VAT);Currency;"
     "Counterparty name;Payment method;Transaction ID;Reference\n"
     "settled;13-03-2026 11:00:00;13-03-2026 11:00:00;2500,00;EUR;Client SAS;transfer;q-2;F-1001\n"
     "declined;14-03-2026 11:00:00;14-03-2026 11:00:00;-50,00;EUR;Shop;card;q-3;\n",
     (date(2026, 3, 13), Decimal("2500.00"), "Client SAS", "F-1001")),
    # Société Générale: an account line above the header.
    ("=\"012345678901\";01/03/2026;31/03/2026;\n\n"
     "Date de l'opération;Libellé;Détail de l'écriture;Montant de l'opération;Devise\n"
     "13/03/2026;VIR RECU CLIENT SAS;FACT-1001;2500,00;EUR\n",
     (date(2026, 3, 13), Decimal("2500.00"), None, "VIR RECU CLIENT SAS / FACT-1001")),
    # UniCredit: "Data valuta" is the value date, "Importo (EUR)" names the currency.
    ("Data Registrazione;Data valuta;Descrizione;Importo (EUR)\n"
     "12/03/2026;13/03/2026;BONIFICO DA CLIENTE SRL;2.500,00\n",
     (date(2026, 3, 12), Decimal("2500.00"), None, "BONIFICO DA CLIENTE SRL")),
])
def test_european_banks_exports_read_with_the_preset(text: str,
                                                     expected: tuple[object, ...]) -> None:
    assert _read(text) == [expected]


def test_peruvian_value_date_and_operation_number() -> None:
    # BCP's export (below a few lines of account details) and Interbank's operation number.
    text = ("Movimientos\nCuenta;191-1234567-0-12\n\n"
            "Fecha;Fecha valuta;Descripción operación;Monto;Saldo;Operación - Número\n"
            "27/07/2026;28/07/2026;DE CONSORCIO ELECTRICO;166916.42;2438113.94;03070075\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="bcp.csv", currency="PEN")
    [line] = statement.lines
    assert (line.booking_date, line.value_date, line.amount, line.transaction_id) == (
        date(2026, 7, 27), date(2026, 7, 28), Decimal("166916.42"), "03070075")
    text = "Fecha de Op.;Nro. de Operación;Detalle;Cargos;Abonos\n01/03/2026;123456;ITF;0.05;\n"
    [statement] = statement_csv.extract_csv(text.encode(), file="ibk.csv", currency="PEN")
    assert [(ln.amount, ln.transaction_id) for ln in statement.lines] == [
        (Decimal("-0.05"), "123456")]


def test_a_file_without_a_header_row_is_read_by_column_numbers() -> None:
    # Wells Fargo: date, amount, "*", check number, description; no header row at all.
    data = (b'"03/02/2026","1160.00","*","","ACH CREDIT ACME INC INV F-1001"\n'
            b'"03/03/2026","-25.00","*","1234","CHECK 1234"\n')
    assert not statement_csv.identify(data)
    [statement] = statement_csv.extract_csv(
        data, file="wf.csv", currency="USD",
        mapping={"date": "1", "amount": "2", "reference": "4", "description": "5"})
    assert [(ln.booking_date, ln.amount, ln.remittance, ln.line) for ln in statement.lines] == [
        (date(2026, 3, 2), Decimal("1160.00"), "ACH CREDIT ACME INC INV F-1001", 1),
        (date(2026, 3, 3), Decimal("-25.00"), "CHECK 1234 / 1234", 2)]


def test_a_bad_cell_of_a_file_without_header_names_its_column_number() -> None:
    # ABN AMRO: account, currency, dates, balances before and after, amount, description.
    data = (b"123456789\tEUR\t20260302\t20260302\t100,00\t110,00\t10,00\tSEPA Overboeking\n"
            b"123456789\tEUR\t20260303\t20260303\t110,00\t108,00\t-2,0x\tKosten\n")
    mapping = {"account": "1", "currency": "2", "date": "3", "amount": "7", "description": "8"}
    with language("en"), pytest.raises(StatementError,
                                       match=r"^abn\.tab:2: #7: '-2,0x' is not an amount"):
        statement_csv.extract_csv(data, file="abn.tab", mapping=mapping)
    [statement] = statement_csv.extract_csv(data.replace(b"-2,0x", b"-2,00"), file="abn.tab",
                                            mapping=mapping)
    assert (statement.account, [ln.amount for ln in statement.lines]) == (
        "123456789", [Decimal("10.00"), Decimal("-2.00")])


# CaixaBankNow's CSV: ";" cells, the sign and the currency written on each amount, "." grouping
# thousands with or without decimals after them.
CAIXABANK = ("Concepto;Fecha;Importe;Saldo\n"
             "TRANSF. A SU FAVOR;24/06/2026;+1.234EUR;2.527,48EUR\n"
             "MAKRO CENTRO 18;23/06/2026;-293,48EUR;1.293,48EUR\n"
             "TRANSFER INMEDIATA;22/06/2026;+1.586,96EUR;1.586,96EUR\n")


def test_caixabank_groups_thousands_with_dots_and_writes_the_currency_on_each_amount() -> None:
    # The organisation's base currency is not the file's: the cells say euros.
    [statement] = statement_csv.extract_csv(CAIXABANK.encode(), file="c.csv",
                                            default_currency="MXN")
    assert statement.currency == "EUR"
    assert [(ln.booking_date, ln.amount) for ln in statement.lines] == [
        (date(2026, 6, 24), Decimal("1234")), (date(2026, 6, 23), Decimal("-293.48")),
        (date(2026, 6, 22), Decimal("1586.96"))]


@pytest.mark.parametrize(("text", "kwargs", "line", "message"), [
    (CAIXABANK, {"currency": "USD"}, 2, "the amounts are written in EUR, not in USD"),
    (CAIXABANK.replace("-293,48EUR", "-293,48USD"), {}, 3,
     "the amounts are written in different currencies (EUR, USD)"),
])
def test_a_currency_the_cells_contradict_is_refused(text: str, kwargs: dict[str, str],
                                                    line: int, message: str) -> None:
    with language("en"), pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(text.encode(), file="c.csv", **kwargs)  # type: ignore[arg-type]
    # Located at the first amount written in the other currency.
    assert (caught.value.line, caught.value.field) == (line, "Importe")
    assert caught.value.message.startswith(message)


@pytest.mark.parametrize("text", [
    # Davivienda (Colombia): "Valor Total" unsigned, the direction in "Transacción".
    ("Fecha de Sistema;Descripción motivo;Transacción;Valor Total\n"
     "01/04/2026;Abono ACH CLIENTE SAS;Nota Crédito;$ 400.000,00\n"
     "02/04/2026;Cuota de manejo;Nota Débito;$ 12.500,00\n"),
    # Davivienda's account export: the direction in "Naturaleza", C or D.
    ("Fecha;Descripción;Valor;Naturaleza\n2026-04-01;Abono ACH CLIENTE SAS;400000.00;C\n"
     "2026-04-02;Cuota de manejo;12500.00;D\n"),
    # Global66: one amount column per side, both headed "Monto ...".
    ("Tipo transaccion;Fecha;Monto debitado;Monto acreditado;Comentario\n"
     "Transferencia;2026-04-01 10:00:00;;400000;Abono ACH CLIENTE SAS\n"
     "Pago;2026-04-02 11:00:00;12500;;Cuota de manejo\n"),
])
def test_colombian_exports_give_the_direction_apart_from_the_amount(text: str) -> None:
    assert _read(text, currency="COP") == [
        (date(2026, 4, 1), Decimal("400000"), None, "Abono ACH CLIENTE SAS"),
        (date(2026, 4, 2), Decimal("-12500"), None, "Cuota de manejo")]


def test_dkb_pending_rows_are_not_booked_and_its_payer_and_payee_columns_are_read() -> None:
    # DKB's export since 2023: "Vorgemerkt" rows are pending (exported again as "Gebucht" once
    # booked); the payer and the payee each in their column, the other party's IBAN in "IBAN".
    text = ('""\n\n"Kontostand vom 20.01.2024:";"124,60 EUR"\n""\n\n'
            '"Buchungsdatum";"Wertstellung";"Status";"Zahlungspflichtige*r";'
            '"Zahlungsempfänger*in";"Verwendungszweck";"Umsatztyp";"IBAN";"Betrag (€)";'
            '"Gläubiger-ID";"Mandatsreferenz";"Kundenreferenz"\n'
            '"22.01.24";"";"Vorgemerkt";"ISSUER";"ALDI SUED                Niederkassel DE";'
            '"2024-01-19T18:33 Debitk. 0 2099-12 Zahl.System VISA De bit     (POS)";"Ausgang";'
            '"DE86429863426842634691";"-33,07";"";"";"484546484534581"\n'
            '"18.01.24";"18.01.24";"Gebucht";"Peter Müller";"Peter Müller + Peter Tester";'
            '"Sylvester Kosten";"Eingang";"DE83145645645232783541";"37";"";"";""\n'
            '"17.01.24";"17.01.24";"Gebucht";"ISSUER";"Stadtwerke Blaubach GmbH";'
            '"Abschlag Januar";"Ausgang";"DE02120300000000202051";"-80,00";'
            '"DE98ZZZ09999999999";"MR-0815";""\n')
    [statement] = statement_csv.extract_csv(text.encode(), file="dkb.csv")
    assert (statement.currency, statement.not_booked) == ("EUR", 1)
    assert [(ln.booking_date, ln.amount, ln.counterparty_name, ln.counterparty_account)
            for ln in statement.lines] == [
        (date(2024, 1, 18), Decimal("37.00"), "Peter Müller", "DE83145645645232783541"),
        (date(2024, 1, 17), Decimal("-80.00"), "Stadtwerke Blaubach GmbH",
         "DE02120300000000202051")]


def test_sparkasse_info_column_marks_its_pending_rows() -> None:
    # Sparkasse's CSV-CAMT export: "Umsatz vorgemerkt" in "Info" (booked: "Umsatz gebucht").
    text = ('"Auftragskonto";"Buchungstag";"Valutadatum";"Buchungstext";"Verwendungszweck";'
            '"Glaeubiger ID";"Mandatsreferenz";"Kundenreferenz (End-to-End)";"Sammlerreferenz";'
            '"Lastschrift Ursprungsbetrag";"Auslagenersatz Ruecklastschrift";'
            '"Beguenstigter/Zahlungspflichtiger";"Kontonummer/IBAN";"BIC (SWIFT-Code)";"Betrag";'
            '"Waehrung";"Info"\n'
            '"12345678";"03.04.18";"04.04.18";"FOLGELASTSCHRIFT";'
            '"KD-Nr. 1234123413244/ RG-Nr. 1234123412341 ";"DE1234123412341234";"01234123412344";'
            '"1234412341234";;;;"1u1 Telecom GmbH";"DE12341234123412341234";"ABCDABCD";"-22,59";'
            '"EUR";"Umsatz vorgemerkt"\n'
            '"12345678";"03.04.18";"03.04.18";"DAUERAUFTRAG";"Miete ";;;;;;;"Mirko Siemens";'
            '"DE12341234123412341234";"ABCDABCD";"-165,00";"EUR";"Umsatz gebucht"\n')
    [statement] = statement_csv.extract_csv(text.encode(), file="sparkasse.csv")
    assert statement.not_booked == 1
    assert [(ln.amount, ln.counterparty_name) for ln in statement.lines] == [
        (Decimal("-165.00"), "Mirko Siemens")]


def test_oberbank_payer_and_payee_columns_are_the_counterparty_by_direction() -> None:
    # Oberbank: the payer's ("Auftraggeber") and the payee's ("Empfänger") name, IBAN and BIC.
    text = ("Buchungsdatum;Wertstellung;Betrag;Währung;Auftraggebername;"
            "Auftraggeber IBAN/Kto.Nr.;Auftraggeber BIC/BLZ;Empfängername;"
            "Empfänger IBAN/Kto.Nr.;Empfänger BIC/BLZ;Text;Verwendungszweck\n"
            "15.03.2017;15.03.2017;11,00;EUR;Kunde GmbH;AT022050302101023601;PBNKDEFF;"
            "Muster KG;AT022050302101023600;PBNKDEFG;Kunde GmbH, SCOR, RE 1001;RE 1001\n"
            "16.03.2017;16.03.2017;-9,00;EUR;Muster KG;AT022050302101023600;PBNKDEFG;"
            "Lieferant AG;AT483200000012345864;RLNWATWW;Lieferant AG, Bestellung 7;Bestellung 7\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="oberbank.csv")
    assert [(ln.amount, ln.counterparty_name, ln.counterparty_account)
            for ln in statement.lines] == [
        (Decimal("11.00"), "Kunde GmbH", "AT022050302101023601"),
        (Decimal("-9.00"), "Lieferant AG", "AT483200000012345864")]
    # "Verwendungszweck" is the purpose, "Text" the payer's words: both are stored, the text
    # as more of the remittance (a line imported before it was read is still known).
    assert [(ln.remittance, ln.more_text) for ln in statement.lines] == [
        ("RE 1001", "Kunde GmbH, SCOR, RE 1001"),
        ("Bestellung 7", "Lieferant AG, Bestellung 7")]


# Raiffeisen Switzerland: the account's own IBAN on every row, timestamps with ".0", one signed
# "Credit/Debit Amount" (not a sign column), the running balance after each movement.
RAIFFEISEN_CH = (
    "IBAN;Booked At;Text;Details;Credit/Debit Amount;Balance;Valuta Date\n"
    "CH9300762011623852957;2024-07-01 00:00:00.0;Gutschrift Kunde AG;RE 1001;1081.05;2090.21;"
    "2024-07-01 00:00:00.0\n"
    "CH9300762011623852957;2024-07-02 00:00:00.0;Einkauf Migros 01.07.2024, 18:10;;-11.45;"
    "2078.76;2024-07-03 00:00:00.0\n")


def test_raiffeisen_switzerland_iban_column_is_the_statements_own_account() -> None:
    [statement] = statement_csv.extract_csv(RAIFFEISEN_CH.encode(), file="raiffeisen.csv",
                                            default_currency="CHF")
    assert statement.account == "CH9300762011623852957"
    assert [(ln.booking_date, ln.value_date, ln.amount, ln.counterparty_account, ln.remittance,
             ln.more_text) for ln in statement.lines] == [
        (date(2024, 7, 1), date(2024, 7, 1), Decimal("1081.05"), None, "Gutschrift Kunde AG",
         "RE 1001"),
        (date(2024, 7, 2), date(2024, 7, 3), Decimal("-11.45"), None,
         "Einkauf Migros 01.07.2024, 18:10", "")]


@pytest.mark.parametrize(("text", "remittance", "more", "tax_id"), [
    # BNP Paribas: the short label, then the whole one with the payer and the invoice.
    ("Date opération;Libellé court;Type opération;Libellé opération;Montant opération\n"
     "02/03/2026;VIR SEPA RECU;Virement reçu;VIR SEPA RECU /DE SARL DUPONT /MOTIF FACTURE "
     "F-2026-014;1 250,00\n", "VIR SEPA RECU", "VIR SEPA RECU /DE SARL DUPONT /MOTIF FACTURE "
     "F-2026-014", None),
    # BBVA México: "Referencia Ampliada" beside "Referencia", with the payer's RFC.
    ("Fecha Operación,Fecha Valor,Concepto,Referencia,Referencia Ampliada,Cargo,Abono,Saldo\n"
     "02/03/2026,02/03/2026,SPEI RECIBIDO BANORTE,0198765432,FACT A-1001 COMERCIAL DEL NORTE "
     'RFC CNO010101AB1,,"11,600.00","61,600.00"\n', "SPEI RECIBIDO BANORTE / 0198765432",
     "FACT A-1001 COMERCIAL DEL NORTE RFC CNO010101AB1", "CNO010101AB1"),
    # Sabadell: "Referencia 1" and "Referencia 2"; UBS: "Description1" to "Description3".
    ("F. Operativa;Concepto;F. Valor;Importe;Saldo;Referencia 1;Referencia 2\n"
     "02/03/2026;TRANSFERENCIA DE ACME SL;02/03/2026;1.250,00;11.250,00;ACME SL;"
     "FACTURA F-2026-014\n", "TRANSFERENCIA DE ACME SL / ACME SL", "FACTURA F-2026-014",
     None),
    ("Booking date;Currency;Debit;Credit;Transaction no.;Description1;Description2;"
     "Description3\n"
     '2026-03-02;CHF;;2500.00;9930061TI1234567;"Müller AG;8001 Zürich";"e-banking credit";'
     '"Invoice 2026-014"\n', "Müller AG;8001 Zürich", "e-banking credit / Invoice 2026-014",
     None),
], ids=["bnp", "bbva mexico", "sabadell", "ubs"])
def test_a_second_column_of_a_movements_words_is_more_of_its_remittance(
        text: str, remittance: str, more: str, tax_id: str | None) -> None:
    [statement] = statement_csv.extract_csv(text.encode(), file="s.csv", default_currency="EUR")
    [line] = statement.lines
    assert (line.remittance, line.more_text, line.counterparty_tax_id) == (
        remittance, more, tax_id)


def test_an_iban_column_naming_several_accounts_is_the_other_partys() -> None:
    # Without a name column, an IBAN that changes from row to row is still the payer's.
    text = RAIFFEISEN_CH.replace("CH9300762011623852957;2024-07-02",
                                 "CH5604835012345678009;2024-07-02")
    [statement] = statement_csv.extract_csv(text.encode(), file="iban.csv",
                                            default_currency="CHF")
    assert statement.account == ""
    assert [ln.counterparty_account for ln in statement.lines] == [
        "CH9300762011623852957", "CH5604835012345678009"]


# Zürcher Kantonalbank: unsigned "Debit CHF" and "Credit CHF"; a collective payment is one
# dated booking of the total, its parts listed under it without a date, debit or credit, each
# with its "Amount details".
ZKB = ('"Date";"Booking text";"Curr";"Amount details";"ZKB reference";"Reference number";'
       '"Debit CHF";"Credit CHF";"Value date";"Balance CHF";"Payment purpose";"Details"\n'
       '"01.01.2024";"Credit salary: Test Employer, Address, City";"";"";"Z001";"";"";"5000.00";'
       '"01.01.2024";"5000.00";"";""\n'
       '"05.01.2024";"Debit TWINT: Test Merchant";"";"";"L001";"";"25.50";"";"05.01.2024";'
       '"4974.50";"";""\n'
       '"09.01.2024";"Debit Mobile Banking (2)";"";"";"Z260688053425";"";"894.30";"";'
       '"09.01.2024";"4080.20";"";""\n'
       '"";"Krankenkasse AG, Zahlungsverkehr, 8004 Zürich, CH";"CHF";"804.30";"";"";"";"";"";"";'
       '"Prämie 01.01. - 31.12.2024";""\n'
       '"";"Verein Beispiel, Vereinsstrasse 25, 8000 Zürich, CH";"CHF";"90.00";"";"";"";"";"";"";'
       '"";""\n'
       '"30.01.2024";"Credit TWINT: Test Sender";"";"";"L003";"";"";"75.00";"30.01.2024";'
       '"4155.20";"";""\n')


@pytest.mark.parametrize("mapping", [None, {"debit": "Debit CHF", "credit": "Credit CHF"}])
def test_zkb_reads_debit_and_credit_and_leaves_a_collective_payments_parts_out(
        mapping: dict[str, str] | None) -> None:
    [statement] = statement_csv.extract_csv(ZKB.encode(), file="zkb.csv", mapping=mapping)
    assert statement.currency == "CHF"
    assert [(ln.booking_date, ln.amount, ln.line) for ln in statement.lines] == [
        (date(2024, 1, 1), Decimal("5000.00"), 2), (date(2024, 1, 5), Decimal("-25.50"), 3),
        (date(2024, 1, 9), Decimal("-894.30"), 4), (date(2024, 1, 30), Decimal("75.00"), 7)]


def test_zkbs_german_export_reads_belastung_and_gutschrift() -> None:
    text = ('"Datum";"Buchungstext";"Whg";"Betrag Detail";"ZKB-Referenz";"Referenznummer";'
            '"Belastung CHF";"Gutschrift CHF";"Valuta";"Saldo CHF";"Zahlungszweck";"Details"\n'
            '"07.07.2026";"Belastung TWINT: SUTERS HOFMART AESCH ZH";"";"";"L113P1-1";"";'
            '"6.50";"";"07.07.2026";"2108.86";"";""\n'
            '"07.07.2026";"Gutschrift TWINT: EGLOFF, JULIA +41788086218";"";"";"L113R2-2";"";'
            '"";"46.55";"07.07.2026";"2155.41";"";""\n')
    assert [line[:2] for line in _read(text)] == [(date(2026, 7, 7), Decimal("-6.50")),
                                                   (date(2026, 7, 7), Decimal("46.55"))]


@pytest.mark.parametrize(("header", "mapping"), [
    # A header that only starts with "Amount" yields to the debit and credit columns.
    ("Date;Text;Amount in original currency;Debit;Credit", None),
    # A whole amount header yields to a mapping that names the debit and credit columns.
    ("Date;Text;Amount;Withdrawn;Received", {"debit": "Withdrawn", "credit": "Received"}),
])
def test_debit_and_credit_columns_win_over_another_amount(
        header: str, mapping: dict[str, str] | None) -> None:
    # The amount in another currency beside the account's debit and credit, as ZKB's "Amount
    # details" beside its "Debit CHF" and "Credit CHF": the movement is the debit or credit.
    text = (f"{header}\n05.01.2024;Card payment Paris;21.00;20.10;\n"
            "06.01.2024;Refund;;;12.00\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="b.csv", currency="CHF",
                                            mapping=mapping)
    assert [ln.amount for ln in statement.lines] == [Decimal("-20.10"), Decimal("12.00")]


_ING_DE = ("Umsatzanzeige;Datei erstellt am: 28.12.2018 16:57\n\n"
           "IBAN;DE12 3456 7890 1234 5678 90\nKontoname;Girokonto\nBank;ING\n"
           "Kunde;Max Mustermann\nZeitraum;28.12.2017 - 28.12.2018\nSaldo;150,00;EUR\n\n"
           "Sortierung;Datum absteigend\n\n"
           "In der CSV-Datei finden Sie alle bereits gebuchten Umsätze. Die vorgemerkten Umsätze "
           "werden nicht aufgenommen, auch wenn sie in Ihrem Internetbanking angezeigt werden.\n\n"
           "Buchung;Valuta;Auftraggeber/Empfänger;Buchungstext;Verwendungszweck;Saldo;Währung;"
           "Betrag;Währung\n"
           "28.12.2018;28.12.2018;PayDude (Europe) S.a.r.l. et Cie., S .C.A.;Lastschrift;"
           "PP.1234.PP . Blumen Berther;150,00;EUR;-5,50;EUR\n"
           "28.12.2018;28.12.2018;Karl Karlsen;Gutschrift aus Dauerauftrag;"
           "Monatliche Ueberweisung;155,5;EUR;50,00;EUR\n"
           "27.12.2018;27.12.2018;INFOPAY FISCAL SERVICES GMBH;Lastschrift;"
           "OnlineTicket Neustadter Verkehr;105,50;EUR;-2,90;EUR\n")


def test_ing_germany_states_its_iban_above_a_buchung_column() -> None:
    data = _ING_DE.encode()
    assert statement_csv.identify(data)
    [statement] = statement_csv.extract_csv(data, file="ing.csv")
    assert statement.account == "DE12345678901234567890"
    assert [(ln.booking_date, ln.amount, ln.currency, ln.counterparty_name)
            for ln in statement.lines] == [
        (date(2018, 12, 28), Decimal("-5.50"), "EUR",
         "PayDude (Europe) S.a.r.l. et Cie., S .C.A."),
        (date(2018, 12, 28), Decimal("50.00"), "EUR", "Karl Karlsen"),
        (date(2018, 12, 27), Decimal("-2.90"), "EUR", "INFOPAY FISCAL SERVICES GMBH")]
    assert not check_statement(statement, file="ing.csv")
    # A running balance that does not add up is refused: it is checked.
    with pytest.raises(StatementError, match="balance"):
        statement_csv.extract_csv(data.replace(b";155,5;", b";155,6;"), file="ing.csv")


@pytest.mark.parametrize("preamble", [
    "IBAN: DE12 3456 7890 1234 5678 90 BIC: INGDDEFFXXX\n",  # the IBAN's end is not clear
    "Kontonummer/IBAN;Betrag\n",  # a header's words, no IBAN
])
def test_a_preamble_iban_not_written_alone_is_not_the_account(preamble: str) -> None:
    text = preamble + "Buchung;Verwendungszweck;Betrag\n28.12.2018;Miete;-500,00\n"
    [statement] = statement_csv.extract_csv(text.encode(), file="c.csv", currency="EUR")
    assert statement.account == ""


@pytest.mark.parametrize("description", [
    "Payment to Account 1234567890", "TRANSFER TO SAVINGS ACCOUNT", "TRANSF A CUENTA 0012345678"])
def test_a_transfer_to_an_account_names_no_payee(description: str) -> None:
    text = f"Fecha;Descripción;Cargos;Abonos\n27/11/2026;{description};50000;\n"
    [(_day, _amount, counterparty, _remittance)] = _read(text, currency="CLP")
    assert counterparty is None


def test_deutsche_bank_moves_by_soll_and_haben_beside_an_empty_betrag() -> None:
    text = ("Buchungstag;Wert;Umsatzart;Begünstigter / Auftraggeber;Verwendungszweck;IBAN;BIC;"
            "Kundenreferenz;Betrag;Soll;Haben;Währung\n"
            "11.03.2026;11.03.2026;SEPA-Lastschrift;Telekom Deutschland GmbH;Rechnung 03/2026;"
            "DE14200400600123456789;COBADEFFXXX;TD-77;;-89,95;;EUR\n"
            "10.03.2026;10.03.2026;SEPA-Überweisung von;Schreinerei Vogel GmbH;RE 2026-0311;"
            "DE89370400440532013000;COBADEFFXXX;RG-1;;;4.760,00;EUR\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="db.csv")
    assert [(ln.amount, ln.counterparty_name) for ln in statement.lines] == [
        (Decimal("-89.95"), "Telekom Deutschland GmbH"),
        (Decimal("4760.00"), "Schreinerei Vogel GmbH")]


@pytest.mark.parametrize(("preamble", "account"), [
    ("Cartola Histórica;;;\nCuenta Corriente N°:;0212345678;;\nMoneda:;PESOS;;\n",
     "0212345678"),
    ("Número de cuenta:;ES12 1465 0100 9119 0012 3456;;\nTitular:;Laura Martín;;\n",
     "ES1214650100911900123456"),
], ids=["itau chile", "ing espana"])
def test_a_preamble_s_account_in_the_cell_after_its_label(preamble: str, account: str) -> None:
    text = preamble + ";;;\nFecha;Descripción;Importe;Saldo\n02/03/2026;ABONO;1.000;11.000\n"
    [statement] = statement_csv.extract_csv(text.encode(), file="p.csv", currency="CLP")
    assert statement.account == account


def test_a_spei_s_labelled_fields_in_a_description_name_the_payer_and_the_trace() -> None:
    # Scotiabank México writes the SPEI's fields into the concept, each after its label.
    text = ("Fecha,Concepto,Referencia,Cargo,Abono,Saldo\n"
            "27/11/2026,SPEI RECIBIDO BANORTE CLAVE DE RASTREO: 20261127BANORTE00112233 "
            "ORDENANTE: GABRIELA CHAVEZ ESTRADA RFC: XAXX010101000 CONCEPTO: PAGO,0271127,,"
            "4885.92,150484.27\n"
            "26/11/2026,SPEI ENVIADO SANTANDER CLAVE DE RASTREO: 2026112640044SCOT000000321 "
            "BENEFICIARIO: MIGUEL ANGEL IBARRA CONCEPTO: REEMBOLSO,0261126,2756.16,,145598.35\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="mx.csv", currency="MXN")
    assert [(ln.amount, ln.counterparty_name, ln.spei_reference) for ln in statement.lines] == [
        (Decimal("4885.92"), "GABRIELA CHAVEZ ESTRADA", "20261127BANORTE00112233"),
        (Decimal("-2756.16"), "MIGUEL ANGEL IBARRA", "2026112640044SCOT000000321")]


def test_a_clave_de_rastreo_written_without_a_colon_is_read() -> None:
    text = ("Fecha,Concepto,Referencia,Cargo,Abono,Saldo\n"
            "27/11/2026,SPEI RECIBIDO BANORTE CLAVE DE RASTREO 20261127BANORTE00112233 PAGO,"
            "0271127,,4885.92,150484.27\n"
            "27/11/2026,DEPOSITO RASTREO DE PAQUETERIA,0271128,,100.00,150584.27\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="mx.csv", currency="MXN")
    # A word after "RASTREO" without a digit is no key.
    assert [ln.spei_reference for ln in statement.lines] == ["20261127BANORTE00112233", None]


def test_a_spei_s_labels_are_read_however_capitalised() -> None:
    # A fintech's or a converted export writes the labels as words ("Clave de rastreo:").
    text = ("Fecha,Concepto,Referencia,Cargo,Abono,Saldo\n"
            "27/11/2026,SPEI Recibido Banorte Clave de Rastreo: 20261127BANORTE00112233 "
            "Ordenante: Gabriela Chavez Estrada Concepto: Pago factura A-123,0271127,,"
            "4885.92,150484.27\n"
            "26/11/2026,SPEI enviado Santander cve rastreo: 2026112640044SCOT000000321 "
            "Beneficiario: Miguel Angel Ibarra Referencia: 123,0261126,2756.16,,145598.35\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="mx.csv", currency="MXN")
    assert [(ln.counterparty_name, ln.spei_reference) for ln in statement.lines] == [
        ("Gabriela Chavez Estrada", "20261127BANORTE00112233"),
        ("Miguel Angel Ibarra", "2026112640044SCOT000000321")]


@pytest.mark.parametrize("day", ["31.12.2022", "2022-12-31"])
def test_postfinance_value_column_of_dates_is_the_value_date_not_the_amount(day: str) -> None:
    # PostFinance: "Value" is the value date beside "Credit in CHF" and "Debit in CHF" (its
    # debits written negative), "Notification text" the movement's words.
    text = ("\ufeffBooking date;Notification text;Credit in CHF;Debit in CHF;Value;"
            "Balance in CHF\n"
            f"{day};\"Preis für Bankpaket Smart\";;-5;{day};7881.98\n"
            f"{day};\"Gutschrift ACME AG Rechnung 17\";100.50;;{day};7982.48\n")
    [statement] = statement_csv.extract_csv(text.encode(), file="pf.csv", account="CH1")
    assert statement.currency == "CHF"
    assert [(ln.booking_date, ln.value_date, ln.amount, ln.remittance)
            for ln in statement.lines] == [
        (date(2022, 12, 31), date(2022, 12, 31), Decimal("-5"), "Preis für Bankpaket Smart"),
        (date(2022, 12, 31), date(2022, 12, 31), Decimal("100.50"),
         "Gutschrift ACME AG Rechnung 17")]


BANCO_DE_CHILE = (
    "EMPRESA DEMO SpA (076543210-K) cta:001234567890\n"
    "Fecha;Detalle Movimiento;Cheque o Cargo;Deposito o Abono;Saldo;Docto. Nro.;Trn;Caja;"
    "Sucursal\n"
    "01/05/2026;ABONO CLIENTE;00000000000;+0000000100;+0000001100;00000000000;0000000001;"
    "0000000000;INTERNET\n"
    "02/05/2026;PAGO PROVEEDOR;+0000000200;00000000000;+0000000900;00001234567;0000000002;"
    "0000000000;INTERNET\n")


def test_banco_de_chile_historical_cartola_names_its_account_in_the_title_line() -> None:
    [statement] = statement_csv.extract_csv(BANCO_DE_CHILE.encode(), file="bch.csv",
                                            currency="CLP")
    assert statement.account == "001234567890"
    # A document number of zeros only adds nothing to the remittance.
    assert [(ln.amount, ln.remittance) for ln in statement.lines] == [
        (Decimal("100"), "ABONO CLIENTE"), (Decimal("-200"), "PAGO PROVEEDOR / 00001234567")]
    # "Saldo" is the balance after each row: checked.
    with pytest.raises(StatementError, match="balance"):
        statement_csv.extract_csv(BANCO_DE_CHILE.replace("+0000000900", "+0000000901").encode(),
                                  file="bch.csv", currency="CLP")


@pytest.mark.parametrize(("title", "account"), [
    ("EMPRESA DEMO SpA Cta. 001234567890", "001234567890"),
    ("Cuenta: 001234567890", "001234567890"),
    ("Factura cta:", None),  # no number
])
def test_a_title_line_naming_its_account_after_cta(title: str, account: str | None) -> None:
    text = title + "\nFecha;Detalle;Monto\n01/05/2026;ABONO;100\n"
    [statement] = statement_csv.extract_csv(text.encode(), file="c.csv", currency="CLP")
    assert statement.account == (account or "")
