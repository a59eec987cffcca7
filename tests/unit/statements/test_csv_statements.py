"""CSV bank exports: the generic preset or an explicit mapping gives signed statement lines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest

from cobranza.i18n import language
from cobranza.statements.formats import csv as statement_csv
from cobranza.statements.formats._csv_text import header_columns
from cobranza.statements.model import StatementError

CHILE = ("Fecha;Descripción;N° Documento;Cargo;Abono;Saldo\n"
         "01/03/2026;Transferencia de ACME SpA RF18 5390 0754 7034;F-1001;;1.234.500;5.000.000\n"
         "\n"
         "02/03/2026;Comisión mantención;;12.990;;4.987.010\n").encode("cp1252")


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English, so the tests can quote them."""
    with language("en"):
        yield


def test_a_chilean_cargo_abono_export_reads_with_the_preset() -> None:
    assert statement_csv.identify(CHILE)
    [statement] = statement_csv.extract_csv(CHILE, file="c.csv", account="12-345", currency="CLP")
    assert (statement.account, statement.currency) == ("12-345", "CLP")
    credit, debit = statement.lines
    assert (credit.amount, debit.amount) == (Decimal("1234500"), Decimal("-12990"))
    assert credit.booking_date == date(2026, 3, 1)
    assert credit.remittance == "Transferencia de ACME SpA RF18 5390 0754 7034 / F-1001"
    assert credit.creditor_reference == "RF18539007547034"
    assert (credit.line, debit.line) == (2, 4)


def test_a_signed_amount_column_with_currency_and_spei_tracking_key() -> None:
    data = (b"Date,Amount,Description,Currency,Clave de rastreo,RFC\n"
            b"2026-03-01,\"1,250.75\",Pago factura A-10,MXN,MIFELSPEI2024110811,XAXX010101000\n"
            b"2026-03-02,-80.00,Comision,MXN,,\n")
    [statement] = statement_csv.extract(data, file="m.csv")
    first, second = statement.lines
    assert (first.amount, second.amount) == (Decimal("1250.75"), Decimal("-80.00"))
    assert (first.currency, first.spei_reference) == ("MXN", "MIFELSPEI2024110811")
    assert first.counterparty_tax_id == "XAXX010101000"


def test_a_mapping_names_the_columns_a_bank_spells_its_own_way() -> None:
    data = b"Dia;Importe MXN;Texto\n05/03/2026;-100,50;Retiro\n"
    [statement] = statement_csv.extract_csv(
        data, file="x.csv", currency="MXN",
        mapping={"date": "Dia", "amount": "Importe MXN", "description": "Texto"})
    [line] = statement.lines
    assert (line.amount, line.remittance) == (Decimal("-100.50"), "Retiro")


@pytest.mark.parametrize(("data", "kwargs", "line", "words"), [
    (b"Fecha;Monto\n31/02/2026;10\n", {"currency": "CLP"}, 2, "not a date"),
    (b"Fecha;Monto\n01/02/2026;diez\n", {"currency": "CLP"}, 2, "not an amount"),
    (b"Fecha;Monto\n01/02/2026;10,5\n", {"currency": "CLP"}, 2, "more decimals"),
    (b"Fecha;Monto\n01/02/2026;10\n", {}, 1, "no currency column"),
    (b"Fecha;Texto\n01/02/2026;x\n", {"currency": "CLP"}, 1, "no date and amount"),
    (b"Fecha;Monto\n01/02/2026;10\n", {"currency": "CLP", "mapping": {"amount": "Valor"}}, 1,
     "no column 'Valor'"),
])
def test_bad_files_are_rejected_where_they_go_wrong(data: bytes, kwargs: dict[str, object],
                                                    line: int, words: str) -> None:
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(data, file="bad.csv", **kwargs)  # type: ignore[arg-type]
    assert caught.value.line == line and words in caught.value.message


def test_identify_wants_a_statement_header() -> None:
    assert not statement_csv.identify(b"Cliente;Nombre\n1;ACME\n")


# A Mexican bank's export: the currency is nowhere in the file, amounts group thousands with a
# comma, and the headers add words to the usual ones.
MEXICO = (b"Fecha Operaci\xc3\xb3n,Concepto / Referencia,Cargo,Abono,Saldo\n"
          b'01/03/2026,SPEI RECIBIDO ACME FACT A-10,,"1,160.00","11,160.00"\n'
          b'02/03/2026,COMISION MANEJO DE CUENTA,"1,234.56",,"9,925.44"\n')
# A Chilean bank's export in Latin-1: ";" cells, the currency in the money headers, pesos grouped
# with dots and no decimals.
SANTIAGO = ("Fecha;Descripción;N° Documento;Cargos (CLP);Abonos (CLP);Saldo (CLP)\n"
            "01/03/2026;Transferencia de ACME SpA;4471;;1.160.000;6.160.000\n"
            "02/03/2026;Comisión mantención;;12.990;;6.147.010\n").encode("latin-1")


def test_a_mexican_export_takes_the_organisations_currency_when_the_file_names_none() -> None:
    assert statement_csv.identify(MEXICO)
    [statement] = statement_csv.extract_csv(MEXICO, file="bbva.csv", default_currency="MXN")
    credit, debit = statement.lines
    assert statement.currency == "MXN"
    assert (credit.amount, debit.amount) == (Decimal("1160.00"), Decimal("-1234.56"))
    assert (credit.booking_date, credit.currency) == (date(2026, 3, 1), "MXN")
    assert credit.remittance == "SPEI RECIBIDO ACME FACT A-10"  # "Concepto / Referencia"


def test_the_given_currency_wins_over_the_organisations() -> None:
    [statement] = statement_csv.extract_csv(MEXICO, file="bbva.csv", currency="usd",
                                            default_currency="MXN")
    assert {line.currency for line in statement.lines} == {"USD"}


def test_a_chilean_latin1_export_reads_its_currency_from_the_headers() -> None:
    assert statement_csv.identify(SANTIAGO)
    [statement] = statement_csv.extract_csv(SANTIAGO, file="cartola.csv", default_currency="MXN")
    credit, debit = statement.lines
    assert statement.currency == "CLP"
    assert (credit.amount, debit.amount) == (Decimal("1160000"), Decimal("-12990"))
    assert credit.remittance == "Transferencia de ACME SpA / 4471"  # "N° Documento"
    assert debit.remittance == "Comisión mantención"


def test_a_zero_decimal_currency_groups_with_dots_whatever_the_delimiter() -> None:
    data = SANTIAGO.replace(b";", b",")
    [statement] = statement_csv.extract_csv(data, file="cartola.csv")
    assert [line.amount for line in statement.lines] == [Decimal("1160000"), Decimal("-12990")]


def test_a_lone_mark_before_three_digits_groups_thousands_in_a_two_decimal_currency() -> None:
    # Nothing in the file tells its decimal mark, and ";" would say a comma: but 1,500 pesos
    # would be 1.500, more decimals than MXN has. They are a thousand and a half.
    data = b"Fecha;Concepto;Cargo;Abono\n01/03/2026;SPEI RECIBIDO;;1,500\n02/03/2026;PAGO;;2,000\n"
    [statement] = statement_csv.extract_csv(data, file="banco.csv", default_currency="MXN")
    assert [line.amount for line in statement.lines] == [Decimal("1500"), Decimal("2000")]
    # In a currency of three decimals it is the file's convention, a comma here.
    [statement] = statement_csv.extract_csv(data, file="banco.csv", default_currency="KWD")
    assert [line.amount for line in statement.lines] == [Decimal("1.5"), Decimal("2")]


@pytest.mark.parametrize(("data", "amounts"), [
    (b"Date;Description;Amount\n01/03/2026;GIRO ACME;1.234,56 CR\n02/03/2026;FEE;12,50 DR\n",
     [Decimal("1234.56"), Decimal("-12.50")]),
    (b"Date,Description,Amount\n01/03/2026,GIRO ACME,\"1,234.56 DR\"\n02/03/2026,ACME,CR 500.00\n",
     [Decimal("-1234.56"), Decimal("500.00")]),
    (b"Date,Description,Amount\n01/03/2026,GIRO ACME,100.00Cr\n02/03/2026,FEE,Dr 7.5\n",
     [Decimal("100.00"), Decimal("-7.5")]),
])
def test_an_amount_marked_cr_is_money_in_and_dr_money_out(data: bytes,
                                                         amounts: list[Decimal]) -> None:
    [statement] = statement_csv.extract_csv(data, file="b.csv", default_currency="GBP")
    assert [line.amount for line in statement.lines] == amounts


def test_a_running_balance_marked_cr_or_dr_is_checked_signed() -> None:
    data = (b"Date,Description,Amount,Balance\n01/03/2026,GIRO ACME,100.00 CR,50.00 CR\n"
            b"02/03/2026,FEE,80.00 DR,30.00 DR\n")
    [statement] = statement_csv.extract_csv(data, file="b.csv", default_currency="GBP")
    assert [line.amount for line in statement.lines] == [Decimal("100.00"), Decimal("-80.00")]
    bad = data.replace(b"30.00 DR", b"30.00 CR")
    with pytest.raises(StatementError, match=r"^b\.csv:3: Balance: "):
        statement_csv.extract_csv(bad, file="b.csv", default_currency="GBP")


def test_a_lone_mark_before_three_digits_keeps_its_reading_when_marked_cr() -> None:
    data = b"Fecha;Concepto;Importe\n01/03/2026;SPEI RECIBIDO;1,500 CR\n02/03/2026;PAGO;2,000 DR\n"
    [statement] = statement_csv.extract_csv(data, file="banco.csv", default_currency="MXN")
    assert [line.amount for line in statement.lines] == [Decimal("1500"), Decimal("-2000")]


@pytest.mark.parametrize("cell", ["-5.00 CR", "CR", "CR 5.00 DR"])
def test_an_amount_marked_twice_or_without_figures_is_refused(cell: str) -> None:
    data = f"Date,Description,Amount\n01/03/2026,GIRO,{cell}\n".encode()
    with pytest.raises(StatementError, match=r"^b\.csv:2: Amount: .+ is not an amount"):
        statement_csv.extract_csv(data, file="b.csv", default_currency="GBP")


def test_giros_y_cargos_debe_haber_and_fecha_liquidacion_are_read() -> None:
    chile = ("Fecha;Descripción;Giros y cargos;Depósitos y abonos\n"
             "02/03/2026;Transferencia de ACME SpA;;1.160.000\n"
             "03/03/2026;Comisión;12.990;\n").encode()
    [statement] = statement_csv.extract_csv(chile, file="cartola.csv", default_currency="CLP")
    assert [line.amount for line in statement.lines] == [Decimal("1160000"), Decimal("-12990")]
    spain = ("Fecha;Fecha Liquidación;Concepto;Debe;Haber\n"
             "02/03/2026;03/03/2026;TRANSFERENCIA DE ACME SL;;1.160,00\n"
             "03/03/2026;03/03/2026;COMISION;9,90;\n").encode()
    [statement] = statement_csv.extract_csv(spain, file="extracto.csv", default_currency="EUR")
    credit, debit = statement.lines
    assert (credit.amount, debit.amount) == (Decimal("1160.00"), Decimal("-9.90"))
    assert credit.value_date is not None and credit.value_date.day == 3


@pytest.mark.parametrize(("header", "field"), [
    ("Nº Doc.", "reference"), ("N° Documento", "reference"), ("Fecha Valor", "value_date"),
    ("Fecha valor operación", "value_date"), ("Fecha Operación", "date"),
    ("Fecha de la operación", "date"), ("Concepto / Referencia", "concept"),
    ("Importe MXN", "amount"), ("Monto ($)", "amount"), ("Saldo en pesos", "balance"),
    # Stripe's id column is no balance.
    ("balance_transaction_id", "transaction_id"),
])
def test_headers_are_recognised_by_their_leading_words(header: str, field: str) -> None:
    first = "Otro" if field == "date" else "Fecha Contable"
    columns = header_columns(f"{first};Cargo;{header}")
    assert columns is not None and columns.get(field) == 2


@pytest.mark.parametrize(("header", "field"), [
    # An amount's header that names one side is that side's column (Global66, Arizona FCU).
    ("Monto debitado", "debit"), ("Valor Crédito", "credit"), ("Amount Debit", "debit"),
    ("Amount Credit", "credit"), ("Monto Débito/Crédito", "amount"),
])
def test_an_amount_header_naming_a_side_is_that_sides_column(header: str, field: str) -> None:
    columns = header_columns(f"Fecha;{header}")
    assert columns == {"date": 0, field: 1}


def test_an_exact_header_wins_over_one_that_only_starts_alike() -> None:
    data = (b"Fecha Contable Banco;Fecha;Monto;Glosa Adicional;Glosa\n"
            b"31/12/2025;01/03/2026;100;extra;Pago\n")
    [statement] = statement_csv.extract_csv(data, file="x.csv", currency="CLP")
    [line] = statement.lines
    assert (line.booking_date, line.remittance) == (date(2026, 3, 1), "Pago")


def test_lines_of_account_details_above_the_header_are_skipped() -> None:
    data = ("Cartola Cuenta Corriente\nCuenta;0-000-12345-6\n\n".encode("latin-1") + SANTIAGO)
    assert statement_csv.identify(data)
    [statement] = statement_csv.extract_csv(data, file="cartola.csv")
    assert statement.line == 4 and statement.lines[0].line == 5


def test_headers_naming_two_currencies_need_the_account_currency() -> None:
    data = b"Fecha;Cargos (CLP);Abonos (USD)\n01/03/2026;;10\n"
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(data, file="x.csv")
    assert "different currencies (CLP, USD)" in caught.value.message
    [statement] = statement_csv.extract_csv(data, file="x.csv", currency="USD")
    assert statement.lines[0].amount == Decimal("10")


def test_a_given_currency_must_be_an_iso_code() -> None:
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(MEXICO, file="bbva.csv", currency="pesos")
    assert caught.value.field == "--currency" and "ISO 4217" in caught.value.message


def test_identify_reads_a_latin1_header_cut_anywhere() -> None:
    # The head handed to identify may end inside a character or a line.
    assert statement_csv.identify(SANTIAGO[:80])
    assert statement_csv.identify(MEXICO.split(b"\n")[0])


def test_totals_and_balance_rows_around_the_movements_are_not_transactions() -> None:
    data = ("Fecha;Descripción;Cargo;Abono;Saldo\n"
            ";Saldo inicial;;;3.765.510\n"
            "01/03/2026;Transferencia de ACME SpA;;1.234.500;5.000.000\n"
            "02/03/2026;Total pago proveedores;12.990;;4.987.010\n"
            "Totales;;12.990;1.234.500;\n"
            ";SALDO FINAL:;;;4.987.010\n").encode("cp1252")
    [statement] = statement_csv.extract_csv(data, file="c.csv", currency="CLP")
    # The row describing a payment as "Total ..." has its date: it is a movement.
    assert [line.amount for line in statement.lines] == [Decimal("1234500"), Decimal("-12990")]


def test_a_row_with_a_bad_date_is_still_refused_where_it_is() -> None:
    data = ("Fecha;Descripción;Cargo;Abono\n"
            "01/03/2026;Transferencia;;1.000\n"
            "31/02/2026;Total de la semana;;2.000\n").encode("cp1252")
    with pytest.raises(StatementError) as error:
        statement_csv.extract_csv(data, file="c.csv", currency="CLP")
    assert error.value.line == 3


def test_a_description_over_two_lines_keeps_the_rows_below_on_their_own_lines() -> None:
    # Santander México and ING write a long concept quoted, with its line break in it.
    data = ("Fecha;Descripción;Cargo;Abono\n"
            '01/03/2026;"Transferencia de ACME\nFactura 1001";;1.000\n'
            "02/03/2026;Comisión;990;\n"
            "03/03/2026;Cheque;9x0;\n").encode("cp1252")
    with pytest.raises(StatementError) as error:
        statement_csv.extract_csv(data, file="c.csv", currency="CLP")
    assert error.value.line == 5
    [statement] = statement_csv.extract_csv(data.replace(b"9x0", b"900"), file="c.csv",
                                            currency="CLP")
    assert [line.line for line in statement.lines] == [2, 4, 5]


def test_only_line_breaks_end_a_row_not_other_separators_in_a_description() -> None:
    # A payer's message may carry a Unicode line separator, an old export a form feed.
    data = ("Fecha;Descripción;Cargo;Abono\n"
            "01/03/2026;Pago factura 1001\u2028Cliente X;;1.000\n"
            "02/03/2026;Comisión\x0c;990;\n").encode()
    [statement] = statement_csv.extract_csv(data, file="c.csv", currency="CLP")
    assert [(line.line, line.amount) for line in statement.lines] == [
        (2, Decimal(1000)), (3, Decimal(-990))]


# Exports as banks write them, each quirk in a small file written for the test.

def test_trailing_minus_and_parentheses_are_negative_amounts() -> None:
    data = ("FECHA;DESCRIPCIÓN;MONTO\n03/02/2026;Comisión;4.500-\n"
            "04/02/2026;Compra extranjera;(12.345)\n05/02/2026;Sueldo;\u22122.000\n").encode()
    [statement] = statement_csv.extract_csv(data, file="s.csv", currency="CLP")
    assert [line.amount for line in statement.lines] == [Decimal(-4500), Decimal(-12345),
                                                         Decimal(-2000)]


def test_an_unpaired_parenthesis_is_refused_with_its_line() -> None:
    data = b"Fecha;Detalle;Monto\n03/02/2026;Compra;(12.345\n"
    with pytest.raises(StatementError, match=r"s\.csv:2: Monto: '\(12\.345' is not an amount"):
        statement_csv.extract_csv(data, file="s.csv", currency="CLP")


def test_a_lone_dash_leaves_a_money_cell_empty() -> None:
    data = (b"FECHA,DESCRIPCION,DEPOSITOS,RETIROS,SALDO\n"
            b'03/07/2026,SPEI RECIBIDO,"$5,127.17",-,"$69,301.50"\n'
            b'14/07/2026,COMISION,-,$4.00,"$69,297.50"\n')
    [statement] = statement_csv.extract_csv(data, file="b.csv", currency="MXN")
    assert [line.amount for line in statement.lines] == [Decimal("5127.17"), Decimal("-4.00")]


def test_compact_dates_and_zero_padded_amounts_under_a_preamble() -> None:
    data = (";Cartola\r\n;Numero Cuenta : 00-00000-00\r\n"
            "Fecha;Descripcion;NroDoc.;Cargos;Abonos;Saldo\r\n"
            "   28062026;CARGO SEGURO      ;00000000;0000000005000,00;;+0000000061836,00\r\n"
            "   20260702;ABONO TRANSFERENCIA;00000000;;0000001000000,00;+0000001061836,00\r\n"
            ).encode("latin-1")
    [statement] = statement_csv.extract_csv(data, file="d.dat", currency="CLP")
    first, second = statement.lines
    assert (first.booking_date, first.amount) == (date(2026, 6, 28), Decimal(-5000))
    assert (second.booking_date, second.amount) == (date(2026, 7, 2), Decimal(1000000))


def test_month_first_dates_are_read_month_first_when_a_day_over_12_says_so() -> None:
    data = (b"Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
            b"DEBIT,09/07/2026,ATM WITHDRAWAL,-100.00,ATM,324.17,,\n"
            b"CREDIT,09/14/2026,PAYROLL,1200.00,ACH_CREDIT,1524.17,,\n")
    [statement] = statement_csv.extract_csv(data, file="us.csv", currency="USD")
    assert [line.booking_date for line in statement.lines] == [date(2026, 9, 7),
                                                              date(2026, 9, 14)]
    # "Description" is read, not Chase's "Details" column that only says DEBIT or CREDIT.
    assert statement.lines[0].remittance == "ATM WITHDRAWAL"


def test_undecided_dates_take_the_reading_that_spans_the_shorter_period() -> None:
    us = b"Posting Date,Description,Amount\n07/01/2026,A,-5.00\n07/03/2026,B,-10.00\n"
    chile = b"Fecha;Detalle;Monto\n01/03/2026;A;-5\n03/03/2026;B;-10\n"
    [statement] = statement_csv.extract_csv(us, file="us.csv", currency="USD")
    assert [line.booking_date for line in statement.lines] == [date(2026, 7, 1), date(2026, 7, 3)]
    [statement] = statement_csv.extract_csv(chile, file="cl.csv", currency="CLP")
    assert [line.booking_date for line in statement.lines] == [date(2026, 3, 1), date(2026, 3, 3)]


def test_an_english_export_of_one_ambiguous_day_is_refused_until_its_order_is_given() -> None:
    data = b"Date,Description,Amount\n03/02/2026,Payment,1000.00\n03/02/2026,Other,200.00\n"
    with pytest.raises(StatementError, match=(
            r"^d\.csv:2: Date: '03/02/2026' could be day first or month first.*--date-order")):
        statement_csv.extract_csv(data, file="d.csv", currency="USD")
    for order, day in (("MDY", date(2026, 3, 2)), ("dmy", date(2026, 2, 3))):
        [statement] = statement_csv.extract_csv(data, file="d.csv", currency="USD",
                                                date_order=order)
        assert {line.booking_date for line in statement.lines} == {day}
    with pytest.raises(StatementError, match=r"--date-order: 'YMD' is not a date order"):
        statement_csv.extract_csv(data, file="d.csv", currency="USD", date_order="YMD")


def test_one_day_of_a_layout_documented_month_first_is_read_month_first() -> None:
    chase = (b"Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
             b"CREDIT,03/02/2026,PAYMENT,1160.00,ACH_CREDIT,\"11,160.00\",,\n")
    paypal = (b'"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net",'
              b'"Transaction ID","Balance","Balance Impact"\n'
              b'"03/02/2026","10:11:12","PST","ACME","Website Payment","Completed","USD",'
              b'"1,160.00","-45.54","1,114.46","8AB1","1,114.46","Credit"\n')
    for data in (chase, paypal):
        [statement] = statement_csv.extract_csv(data, file="us.csv", currency="USD")
        assert [line.booking_date for line in statement.lines] == [date(2026, 3, 2)]
    # PayPal's export of an account outside the United States (its zone "CET") says nothing.
    with pytest.raises(StatementError, match="could be day first or month first"):
        statement_csv.extract_csv(paypal.replace(b'"PST"', b'"CET"'), file="eu.csv")


def test_one_ambiguous_day_under_a_header_no_american_bank_writes_is_day_first() -> None:
    data = b"Fecha,Descripcion,Monto\n03/02/2026,Pago,1000\n"
    [statement] = statement_csv.extract_csv(data, file="mx.csv", currency="MXN")
    assert [line.booking_date for line in statement.lines] == [date(2026, 2, 3)]


def test_amounts_no_american_bank_writes_keep_undecided_dates_day_first() -> None:
    # BancoEstado's savings cartola: interest on the 5th of each month, CLP written 1.250. Read
    # by the shorter span it would be the 1st to the 3rd of May.
    chile = ("Fecha;N° Operación;Descripción;Cheques / Cargos $;Depósitos / Abonos $;Saldo $\n"
             "05/01/2026;1001;INTERESES GANADOS;;1.250;501.250\n"
             "05/02/2026;1002;INTERESES GANADOS;;1.253;502.503\n"
             "05/03/2026;1003;INTERESES GANADOS;;1.256;503.759\n").encode("latin-1")
    [statement] = statement_csv.extract_csv(chile, file="ahorro.csv", currency="CLP")
    assert [line.booking_date for line in statement.lines] == [
        date(2026, 1, 5), date(2026, 2, 5), date(2026, 3, 5)]
    assert [line.amount for line in statement.lines] == [1250, 1253, 1256]


def test_day_first_and_month_first_cells_in_one_file_are_refused_with_a_line() -> None:
    data = b"Fecha;Detalle;Monto\n25/03/2026;A;-5\n03/25/2026;B;-10\n"
    with pytest.raises(StatementError, match=r"m\.csv:3: Fecha: '03/25/2026' is not a date"):
        statement_csv.extract_csv(data, file="m.csv", currency="CLP")


def test_dated_totals_and_balance_rows_are_not_movements() -> None:
    data = ("Fecha;Descripción;Cargos (CLP);Abonos (CLP);Saldo (CLP)\n"
            ";Saldo Inicial;;;500000\n"
            "02/03/2026;TOTAL VISION OPTICA;15990;;484010\n"
            "31/03/2026;SALDO FINAL;;;484010\n"
            "31/03/2026;TOTALES;15990;0;\n").encode()
    [statement] = statement_csv.extract_csv(data, file="t.csv")
    [line] = statement.lines
    assert (line.remittance, line.amount) == ("TOTAL VISION OPTICA", Decimal(-15990))


@pytest.mark.parametrize("label", [
    "SALDO AL 28/02/2026", "SALDO INICIAL DEL PERIODO", "Saldo día anterior",
    "SALDO CONTABLE ANTERIOR", "Saldo final del periodo", "Opening balance 01/03/2026"])
def test_a_dated_balance_row_moving_no_money_is_no_movement_however_worded(label: str) -> None:
    data = ("Fecha;Descripción;Cargos (CLP);Abonos (CLP);Saldo (CLP)\n"
            f"01/03/2026;{label};;;500000\n"
            "02/03/2026;ABONO;;1000;501000\n").encode()
    [statement] = statement_csv.extract_csv(data, file="t.csv")
    assert [(line.line, line.amount) for line in statement.lines] == [(3, Decimal(1000))]


def test_a_dated_row_moving_no_money_is_still_refused_unless_it_states_a_balance() -> None:
    data = ("Fecha;Descripción;Cargos (CLP);Abonos (CLP);Saldo (CLP)\n"
            "01/03/2026;TRANSFERENCIA DE SALDO PENDIENTE;;;500000\n").encode()
    with pytest.raises(StatementError) as error:
        statement_csv.extract_csv(data, file="t.csv")
    assert error.value.line == 2


@pytest.mark.parametrize("note", [
    'Información al 05/04/2026, sujeta a cambios sin previo aviso',
    '"Movimientos informativos. Para cualquier aclaración llame al 55 5226 2663"'])
def test_a_note_below_the_movements_is_no_movement(note: str) -> None:
    data = ("Fecha,Concepto,Referencia,Cargo,Abono,Saldo\n"
            '03/04/2026,SPEI RECIBIDO,123,,"1,000.00","11,000.00"\n'
            '04/04/2026,COMISION,124,"10.00",,"10,990.00"\n'
            f"\n{note}\n").encode("cp1252")
    [statement] = statement_csv.extract_csv(data, file="mx.csv", currency="MXN")
    assert [line.amount for line in statement.lines] == [Decimal("1000.00"), Decimal("-10.00")]


@pytest.mark.parametrize("day", ["04-ABR-2026", "Apr 4, 2026", "Abril 4, 2026"])
def test_a_row_dated_without_an_amount_is_still_refused(day: str) -> None:
    data = ("Fecha,Concepto,Cargo,Abono\n03/04/2026,SPEI RECIBIDO,,1000.00\n"
            f'"{day}",COMISION,,\n').encode()
    with pytest.raises(StatementError) as error:
        statement_csv.extract_csv(data, file="mx.csv", currency="MXN")
    assert error.value.line == 3


def test_an_export_by_pages_repeats_its_header_and_numbers_its_pages() -> None:
    data = ("Fecha;Descripción;Cargos;Abonos;Saldo\n02/03/2026;ABONO;;1.000;11.000\n\n"
            "Página 2 de 2\nFecha;Descripción;Cargos;Abonos;Saldo\n"
            "03/03/2026;CARGO;500;;10.500\n").encode("cp1252")
    [statement] = statement_csv.extract_csv(data, file="c.csv", currency="CLP")
    assert [(line.line, line.amount) for line in statement.lines] == [
        (2, Decimal(1000)), (6, Decimal(-500))]


def test_a_closing_block_of_labels_and_figures_is_not_read() -> None:
    data = ("Fecha;Descripción;Cargos;Abonos;Saldo\r\n"
            "20/08/2026;PAGO EN LINEA;79,966.00;0.00;11,681,916.00\r\n\r\n"
            "Saldo inicial;Total cargos;Total abonos;Saldo final\r\n"
            "11,761,882.00;79,966.00;0.00;11,681,916.00\r\n").encode()
    [statement] = statement_csv.extract_csv(data, file="f.csv", currency="CLP")
    assert [line.amount for line in statement.lines] == [Decimal(-79966)]


def test_a_dated_row_without_debit_or_credit_is_refused_not_read_as_zero() -> None:
    data = b"Fecha;Detalle;Cargo;Abono\n01/03/2026;Compra;100;\n02/03/2026;Nada;;\n"
    with pytest.raises(StatementError,
                       match=r"z\.csv:3: Cargo / Abono: missing value; expected an amount"):
        statement_csv.extract_csv(data, file="z.csv", currency="CLP")


@pytest.mark.parametrize(("header", "row", "amount"), [
    ("Fecha operación;Fecha valor;Ingreso (+);Gasto (-);Concepto propio",
     "15/07/2026;15/07/2026;;121,00;RECIBO LUZ", Decimal("-121.00")),
    ("SOURCE_ID,RELEASE_DATE,TRANSACTION_TYPE,TRANSACTION_AMOUNT,BALANCE_AMOUNT",
     "1001,2026-05-12,withdrawal,-5000.00,218500.50", Decimal("-5000.00")),
    ("Type,Completed Date,Description,Amount,Fee,Currency,Balance",
     "Card Payment,2026-02-01 07:30:04,Shop,-39.90,0.00,EUR,1057.82", Decimal("-39.90")),
])
def test_english_and_spanish_spellings_of_other_banks(header: str, row: str,
                                                      amount: Decimal) -> None:
    data = f"{header}\n{row}\n".encode()
    assert statement_csv.identify(data)
    [statement] = statement_csv.extract_csv(data, file="o.csv", default_currency="EUR")
    assert [line.amount for line in statement.lines] == [amount]


def test_pending_and_declined_rows_are_counted_as_not_booked_not_read() -> None:
    # A fintech's export lists movements still pending (no completed date yet) or declined.
    data = (b"Type,Started Date,Completed Date,Description,Amount,Currency,State\n"
            b"TRANSFER,2026-03-01 10:00,2026-03-01 10:05,From ACME SpA,1500.00,MXN,COMPLETED\n"
            b"CARD_PAYMENT,2026-03-02 09:00,,Tienda,-20.00,MXN,PENDING\n"
            b"CARD_PAYMENT,2026-03-02 09:30,2026-03-02 09:31,Tienda,-35.00,MXN,DECLINED\n"
            b"TRANSFER,2026-03-03 11:00,2026-03-03 11:00,From Sur SA,250.00,MXN,Completed\n"
            )
    [statement] = statement_csv.extract_csv(data, file="r.csv", account="MX01")
    assert [(ln.booking_date, ln.amount) for ln in statement.lines] == [
        (date(2026, 3, 1), Decimal("1500.00")), (date(2026, 3, 3), Decimal("250.00"))]
    assert [ln.line for ln in statement.lines] == [2, 5]
    assert statement.not_booked == 2


RUNNING = ("Fecha;Detalle;Cargo;Abono;Saldo\n"
           "03/03/2026;Pago ACME;;500;1.480\n"
           "02/03/2026;Comisión;20;;980\n"
           "02/03/2026;Pago Sur;;1.000;1.000\n")  # newest first; opening balance 0


@pytest.mark.parametrize("rows", [
    RUNNING,
    # The days newest first, each day's movements oldest first.
    "Fecha;Detalle;Cargo;Abono;Saldo\n03/03/2026;Pago ACME;;500;1.480\n"
    "02/03/2026;Pago Sur;;1.000;1.000\n02/03/2026;Comisión;20;;980\n",
    # A balance at the end of each day only, on the day's last row.
    "Fecha;Detalle;Cargo;Abono;Saldo\n02/03/2026;Pago Sur;;1.000;\n"
    "02/03/2026;Comisión;20;;980\n03/03/2026;Pago ACME;;500;1.480\n",
    # The same, newest first, each day's rows oldest first.
    "Fecha;Detalle;Cargo;Abono;Saldo\n03/03/2026;Pago ACME;;500;1.480\n"
    "02/03/2026;Pago Sur;;1.000;\n02/03/2026;Comisión;20;;980\n",
])
def test_balances_that_follow_from_the_amounts_in_any_order_read(rows: str) -> None:
    [statement] = statement_csv.extract_csv(rows.encode(), file="r.csv", currency="CLP")
    assert sorted(line.amount for line in statement.lines) == [-20, 500, 1000]



@pytest.mark.parametrize(("rows", "line"), [
    ("Fecha;Descripción;Cargos;Abonos;Saldo Diario\n"
     "02/03/2026;TRANSF DE ANDES;;550.000;\n02/03/2026;PAGO PROVEEDOR;20.000;;1.530.000\n"
     "03/03/2026;TRANSF DE BETA;;100.000;\n03/03/2026;COMISION;5.000;;1.725.000\n", 5),
    # Newest first.
    ("Fecha;Descripción;Cargos;Abonos;Saldo Diario\n"
     "03/03/2026;TRANSF DE BETA;;100.000;\n03/03/2026;COMISION;5.000;;1.725.000\n"
     "02/03/2026;TRANSF DE ANDES;;550.000;\n02/03/2026;PAGO PROVEEDOR;20.000;;1.530.000\n", 3),
])
def test_a_balance_stated_at_each_days_end_only_is_checked_where_stated(rows: str,
                                                                        line: int) -> None:
    # Itaú's "Saldo Diario": the balance on each day's last row; 1.530.000 + 100.000 - 5.000
    # is 1.625.000, not 1.725.000.
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(rows.encode(), file="itau.csv", currency="CLP")
    assert (caught.value.line, caught.value.field) == (line, "Saldo Diario")
    assert "the balance 1725000 CLP is not the 1625000 CLP" in caught.value.message
    assert "they differ by 100000 CLP" in caught.value.message

def test_a_balance_that_does_not_follow_from_its_amount_is_refused_where_it_breaks() -> None:
    # 20 misread (or mistyped) as 2: the balance before the fee is no movement's balance.
    data = RUNNING.replace(";20;;980", ";2;;980").encode()
    with pytest.raises(StatementError, match=(
            r"^s\.csv:3: Saldo: the balance 980 CLP less the amount -2 CLP is 982 CLP, the "
            r"balance of no other movement: the balances do not follow from the amounts")):
        statement_csv.extract_csv(data, file="s.csv", currency="CLP")


# A day's closing balance written on each of its movements ("Saldo diario"), newest day first.
DAY_ENDS = ("Fecha;Detalle;Cargo;Abono;Saldo diario\n"
            "03/03/2026;Pago ACME;;500;1.480\n"
            "02/03/2026;Pago Sur;;1.000;980\n"
            "02/03/2026;Comisión;20;;980\n"
            "01/03/2026;Apertura;;0;0\n")


def test_a_day_s_closing_balance_on_each_of_its_movements_is_checked_day_by_day() -> None:
    [statement] = statement_csv.extract_csv(DAY_ENDS.encode(), file="d.csv", currency="CLP")
    assert [line.amount for line in statement.lines] == [500, 1000, -20, 0]


def test_a_day_s_closing_balance_that_does_not_follow_is_refused_at_the_day() -> None:
    data = DAY_ENDS.replace(";20;;980", ";2;;980").encode()
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(data, file="d.csv", currency="CLP")
    assert (caught.value.line, caught.value.field) == (3, "Saldo diario")
    assert caught.value.message == (
        "the balance at the end of 2026-03-02 is 980 CLP, but the day before's 0 CLP and the "
        "day's movements, 998 CLP, make 998 CLP: the balances do not follow from the amounts "
        "(an amount misread, or movements missing from the file)")


def test_running_balances_are_followed_per_currency() -> None:
    data = (b"Date,Description,Amount,Currency,Balance\n"
            b"2026-03-01,Payment,100.00,USD,100.00\n2026-03-01,Pago,50.00,MXN,50.00\n"
            b"2026-03-02,Fee,-1.00,USD,99.00\n2026-03-02,Pago,25.50,MXN,75.50\n")
    [statement] = statement_csv.extract_csv(data, file="m.csv")
    assert [line.amount for line in statement.lines] == [100, 50, -1, Decimal("25.50")]


BANORTE = ("CUENTA,FECHA DE OPERACIÓN,FECHA,REFERENCIA,DESCRIPCIÓN,COD. TRANSAC,SUCURSAL,"
           "DEPÓSITOS,RETIROS,SALDO,MOVIMIENTO,DESCRIPCIÓN DETALLADA\n"
           '0123456789,02/03/2026,02/03/2026,F-1001,SPEI RECIBIDO,5,0001,"1,160.00",-,'
           '"11,160.00",1001,PAGO FACTURA F-1001 ACME\n'
           '0123456789,03/03/2026,03/03/2026,,COMISION,7,0001,-,5.80,"11,154.20",1002,'
           "COMISION SPEI\n")


def test_an_account_column_is_the_statements_own_account_not_the_payers() -> None:
    [statement] = statement_csv.extract_csv(BANORTE.encode(), file="b.csv",
                                            default_currency="MXN")
    assert statement.account == "0123456789"
    assert [(ln.amount, ln.counterparty_account) for ln in statement.lines] == [
        (Decimal("1160.00"), None), (Decimal("-5.80"), None)]


def test_an_export_of_several_accounts_is_one_statement_per_account() -> None:
    data = (BANORTE + '9876543210,03/03/2026,03/03/2026,,DEPOSITO,5,0001,"200.00",-,'
            '"200.00",1003,DEPOSITO EN EFECTIVO\n').encode()
    first, second = statement_csv.extract_csv(data, file="b.csv", default_currency="MXN")
    assert (first.account, len(first.lines)) == ("0123456789", 2)
    assert (second.account, [ln.amount for ln in second.lines]) == ("9876543210",
                                                                    [Decimal("200.00")])
    # The account given for the file is the one every row is on.
    [given] = statement_csv.extract_csv(data, file="b.csv", default_currency="MXN",
                                        account="MX-OPS")
    assert (given.account, len(given.lines)) == ("MX-OPS", 3)


def test_two_digit_years_and_month_names_read_in_a_bank_export() -> None:
    us = b"Date,Description,Amount\n03/15/26,ACH CREDIT,100.00\n03/16/26,FEE,-1.00\n"
    [statement] = statement_csv.extract_csv(us, file="u.csv", currency="USD")
    assert [ln.booking_date for ln in statement.lines] == [date(2026, 3, 15), date(2026, 3, 16)]
    mx = b"Fecha,Concepto,Importe\n02-MAR-2026,SPEI RECIBIDO,1160.00\n"
    [statement] = statement_csv.extract_csv(mx, file="m.csv", currency="MXN")
    assert statement.lines[0].booking_date == date(2026, 3, 2)


SANTANDER_MX = (
    "Cuenta,Fecha,Hora,Descripcion,Cargo/Abono,Importe,Saldo,Referencia,Concepto,"
    "Clabe Beneficiario,Nombre Beneficiario,Cta Ordenante,Nombre Ordenante,RFC Beneficiario,"
    "RFC Ordenante,Clave de Rastreo\n"
    "'65502559449,'01042026',05:04,ABONO TRANSFERENCIA SPEI,+,10289.93,4028462.95,002146728,"
    "PAGO FACTURA F-1001,'014580655025594494  ',ACME SA DE CV,'124180002346330665  ',"
    "CLIENTE UNO SA,ASE051125TR5,CUN810901298,D5802283BB559491\n"
    "'65502559449,'01042026',12:26,PAGO TRANSFERENCIA SPEI,-,4025000.00,3462.95,009446731,"
    "TRTT REF 0000000,'002580701381993022  ',PROVEEDOR DOS SA,'00142674065502559449',"
    "ACME SA DE CV,PDO010101AB1,ASE051125TR5,2026040140014\n")


def test_a_sign_column_gives_unsigned_amounts_their_direction() -> None:
    # Santander México: "Importe" unsigned, "+" or "-" beside it; Excel's text guard on cells.
    [statement] = statement_csv.extract_csv(SANTANDER_MX.encode(), file="s.csv",
                                            default_currency="MXN")
    assert statement.account == "65502559449"
    assert [(ln.booking_date, ln.amount) for ln in statement.lines] == [
        (date(2026, 4, 1), Decimal("10289.93")), (date(2026, 4, 1), Decimal("-4025000.00"))]


@pytest.mark.parametrize(("marks", "amounts"), [
    (("C", "A"), [-100, 250]),  # cargo and abono
    (("D", "C"), [-100, 250]),  # debit and credit
    (("Debit", "CREDIT"), [-100, 250]),
])
def test_sign_marks_are_read_as_the_column_writes_them(marks: tuple[str, str],
                                                       amounts: list[int]) -> None:
    data = (f"Fecha;Detalle;Monto;C/A\n01/03/2026;Pago;-100;{marks[0]}\n"
            f"02/03/2026;Abono;250;{marks[1]}\n").encode()
    [statement] = statement_csv.extract_csv(data, file="m.csv", currency="CLP")
    assert [line.amount for line in statement.lines] == amounts


def test_an_unknown_sign_mark_is_refused_where_it_is() -> None:
    data = b"Fecha;Detalle;Monto;Cargo/Abono\n01/03/2026;Pago;100;+\n02/03/2026;Otro;5;X\n"
    with pytest.raises(StatementError, match=(
            r"^m\.csv:3: Cargo/Abono: 'X' is not a debit or credit mark; expected \+ or -")):
        statement_csv.extract_csv(data, file="m.csv", currency="CLP")


def test_payer_and_payee_columns_name_the_counterparty_by_direction() -> None:
    # On a credit the payee is the account's own holder: the payer is the counterparty.
    [statement] = statement_csv.extract_csv(SANTANDER_MX.encode(), file="s.csv",
                                            default_currency="MXN")
    assert [(ln.counterparty_name, ln.counterparty_account, ln.counterparty_tax_id)
            for ln in statement.lines] == [
        ("CLIENTE UNO SA", "124180002346330665", "CUN810901298"),
        ("PROVEEDOR DOS SA", "002580701381993022", "PDO010101AB1")]
    # The SPEI concept, the payer's own words, stays in the remittance.
    assert statement.lines[0].remittance == (
        "ABONO TRANSFERENCIA SPEI / PAGO FACTURA F-1001 / 002146728")
    # One side only (Wise): it is the other party of every line it names.
    wise = (b"Date,Amount,Currency,Description,Payer Name,Payee Name\n"
            b"15-01-2026,1200.00,EUR,From CLIENTE SA,CLIENTE SA,\n"
            b"16-01-2026,-121.00,EUR,To IBERDROLA,,IBERDROLA SA\n")
    [statement] = statement_csv.extract_csv(wise, file="w.csv")
    assert [ln.counterparty_name for ln in statement.lines] == ["CLIENTE SA", "IBERDROLA SA"]
    payee_only = b"Date,Payee,Amount\n2026-01-15,CLIENTE SA,1200.0\n2026-01-16,Amazon,-35.5\n"
    [statement] = statement_csv.extract_csv(payee_only, file="n.csv", currency="EUR")
    assert [ln.counterparty_name for ln in statement.lines] == ["CLIENTE SA", "Amazon"]


@pytest.mark.parametrize(("header", "row"), [
    # BCI, Banco de Chile's older export, BancoEstado.
    ("Fecha;Descripción;N° Documento;Cheques y otros cargos;Depósitos y Abono;Saldo diario",
     "03/12/2025;TRANSFERENCIA;987654321;200.000;;2.800.000"),
    ("Fecha;Detalle Movimiento;Cheque o Cargo;Deposito o Abono;Saldo;Docto. Nro.",
     "12/02/2025;CHEQUE PAGADO;200000;0;750000;12345"),
    ("Fecha;Descripción;Cheques / Cargos;Depósitos / Abonos;Saldo",
     "10/01/2025;CHEQUE;$200,000;$0;$15,302,150"),
    # HSBC México: "Importe del débito" is no amount column; the holder's name no payer.
    ("Nombre de cuenta;Nombre del banco;Fecha del apunte;Descripción;Importe del débito;"
     "Importe de crédito;Saldo", "ACME SA;HSBC;03/03/2026;COMISION;-200000;;11154"),
])
def test_chilean_and_mexican_debit_and_credit_headers(header: str, row: str) -> None:
    data = f"{header}\n{row}\n".encode()
    [statement] = statement_csv.extract_csv(data, file="c.csv", currency="CLP")
    [line] = statement.lines
    assert (line.amount, line.counterparty_name) == (-200000, None)


def test_a_value_date_alone_is_the_movements_date_and_a_symbol_its_currency() -> None:
    # ING España: "F. VALOR" is the only date; "IMPORTE (€)".
    data = ("F. VALOR;DESCRIPCIÓN;IMPORTE (€);SALDO (€)\n"
            "17/01/2026;ICONOSQUARE;-47,19;2.094,28\n").encode()
    [statement] = statement_csv.extract_csv(data, file="i.csv", default_currency="MXN")
    [line] = statement.lines
    assert (line.booking_date, line.amount, line.currency) == (
        date(2026, 1, 17), Decimal("-47.19"), "EUR")


def test_a_dated_beginning_balance_row_is_not_a_movement() -> None:
    # Bank of America: a summary above the header, then a first row with no amount.
    data = (b'Description,,Summary Amt.\nBeginning balance as of 01/01/2026,,"2,094.28"\n\n'
            b"Date,Description,Amount,Running Bal.\n"
            b'01/01/2026,Beginning balance as of 01/01/2026,,"2,094.28"\n'
            b'01/15/2026,"CLIENTE SA DES:PAYMENT","1,200.00","3,294.28"\n')
    [statement] = statement_csv.extract_csv(data, file="b.csv", currency="USD")
    assert [(ln.line, ln.amount) for ln in statement.lines] == [(6, Decimal("1200.00"))]


def test_a_daily_balances_section_below_the_movements_is_not_read() -> None:
    # Santander Chile: its dates stand in another column than the movements'.
    data = ("MONTO;DESCRIPCIÓN;FECHA;CARGO/ABONO\n-25000;Transf a Juan;02/05/2026;C\n"
            "150000;Transf. de ACME SpA;03/05/2026;A\n\nSaldos diarios\nFECHA;SALDO\n"
            "02/05/2026;975000\n").encode()
    [statement] = statement_csv.extract_csv(data, file="s.csv", currency="CLP")
    assert [line.amount for line in statement.lines] == [-25000, 150000]


def test_an_account_column_empty_on_some_rows_is_the_counterpartys() -> None:
    # N26: "Account number" is the other party's IBAN, empty on card payments.
    data = (b'"Date","Payee","Account number","Payment reference","Amount (EUR)"\n'
            b'"2026-01-15","CLIENTE SA","DE89370400440532013000","F-1001","1200.0"\n'
            b'"2026-01-16","Amazon","","","-35.5"\n')
    [statement] = statement_csv.extract_csv(data, file="n.csv")
    assert statement.account == ""
    assert [ln.counterparty_account for ln in statement.lines] == [
        "DE89370400440532013000", None]


@pytest.mark.parametrize(("header", "row", "expected"), [
    # Nubank: Portuguese headers.
    ("Data,Valor,Identificador,Descrição", "01/05/2025,-37.79,68138eea,Compra iFood",
     (date(2025, 5, 1), Decimal("-37.79"), "Compra iFood", "68138eea")),
    # PayPal: the balance moves by the net amount.
    ("Date,Name,Gross,Fee,Net,Transaction ID,Invoice Number,Balance",
     '01/15/2026,Cliente,"1,200.00",-35.10,"1,164.90",8AB1,F-1001,"1,164.90"',
     (date(2026, 1, 15), Decimal("1164.90"), "F-1001", "8AB1")),
    # Stripe: "Created (UTC)" is no currency note.
    ("id,Amount,Currency,Created (UTC),Description", "txn_1,1200.00,usd,2026-01-15 10:00,F-1001",
     (date(2026, 1, 15), Decimal("1200.00"), "F-1001", "txn_1")),
    # CaixaBank: "Más datos" carries the payer's words.
    ("Fecha;Movimiento;Más datos;Importe", "15/01/2026;TRANSF A SU FAVOR;CLIENTE SA;1.200,00",
     (date(2026, 1, 15), Decimal("1200.00"), "CLIENTE SA / TRANSF A SU FAVOR", None)),
])
def test_brazilian_fintech_and_spanish_spellings(header: str, row: str,
                                                 expected: tuple[object, ...]) -> None:
    data = f"{header}\n{row}\n".encode()
    [statement] = statement_csv.extract_csv(data, file="f.csv", default_currency="USD")
    [line] = statement.lines
    assert (line.booking_date, line.amount, line.remittance, line.transaction_id) == expected


def test_a_header_without_rows_is_an_empty_statement() -> None:
    [statement] = statement_csv.extract_csv(b"Fecha;Detalle;Cargo;Abono;Saldo\n", file="h.csv",
                                            currency="CLP")
    assert statement.lines == []


@pytest.mark.parametrize("day", ["15/03", "15-03", "Mar 15", "15 Mar"])
def test_a_date_without_a_year_is_refused_where_it_is(day: str) -> None:
    # Bancolombia's and some card exports write only the day and the month: the year is not
    # guessed from the clock.
    data = f"Fecha;Descripción;Monto\n01/03/2026;Pago;100\n{day};Comisión;-5\n".encode()
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(data, file="sin_año.csv", currency="CLP")
    assert str(caught.value) == (f"sin_año.csv:3: Fecha: '{day}' is not a date; expected "
                                 "YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY")


def test_rows_under_a_pending_section_are_counted_as_not_booked_not_read() -> None:
    # Charles Schwab lists pending rows under "Pending Transactions" (no running balance yet)
    # above "Posted Transactions"; each comes again once booked.
    data = (b'"Transactions  for Checking account ...000 as of 05/10/2023"\n'
            b'"Date","Type","Check #","Description","Withdrawal (-)","Deposit (+)",'
            b'"RunningBalance"\n'
            b'"Pending Transactions"\n'
            b'"Total Pending Check and other Credit(s)","","","","","$0.00",""\n'
            b'"05/09/2023","","","CARD PURCHASE","$130.00","",""\n'
            b'"05/09/2023","","","CARD PURCHASE","$50.00","",""\n'
            b'"Posted Transactions"\n'
            b'"12/30/2022","INTADJUST","","Interest Paid","","$1.00","$3,951.00"\n'
            b'"12/14/2022","ACH","","Electronic Deposit","","$3,950.00","$3,950.00"\n')
    [statement] = statement_csv.extract_csv(data, file="s.csv", account="000", currency="USD")
    assert [(ln.line, ln.amount) for ln in statement.lines] == [
        (8, Decimal("1.00")), (9, Decimal("3950.00"))]
    assert statement.not_booked == 2
    # "RunningBalance" is the balance after each row: checked.
    with pytest.raises(StatementError, match="balance") as caught:
        statement_csv.extract_csv(data.replace(b"$3,951.00", b"$3,952.00"), file="s.csv",
                                  account="000", currency="USD")
    assert caught.value.line == 8


def test_a_current_balance_column_is_the_balance_after_each_row() -> None:
    # DCU's export, newest first: "CURRENT BALANCE" follows from each row's amount.
    data = (b'"DATE","TRANSACTION TYPE","DESCRIPTION","AMOUNT","ID","MEMO","CURRENT BALANCE"\n'
            b'"12/31/2021","DEBIT","TRANSFER TO SAVINGS","-$7,971.39","a1","","$500.00"\n'
            b'"12/30/2021","CREDIT","ELECTRONIC DEPOSIT ACME","$6,000.36","a2","","$8,471.39"\n'
            b'"12/29/2021","CREDIT","ELECTRONIC DEPOSIT ACME","$2,471.03","a3","","$2,471.03"\n')
    [statement] = statement_csv.extract_csv(data, file="d.csv", account="1", currency="USD")
    assert [ln.amount for ln in statement.lines] == [
        Decimal("-7971.39"), Decimal("6000.36"), Decimal("2471.03")]
    with pytest.raises(StatementError, match="balance"):
        statement_csv.extract_csv(data.replace(b"$500.00", b"$501.00"), file="d.csv",
                                  account="1", currency="USD")


def test_a_row_that_says_two_directions_is_refused_where_it_is() -> None:
    # A debit written negative is the column's direction twice: read as money out.
    written = (b"Fecha,Descripcion,Cargo,Abono\n"
               b"02/12/2026,COMISION,-5.00,\n"
               b"02/12/2026,SPEI RECIBIDO,,10.00\n"
               b"03/12/2026,AJUSTE,0.00,7.50\n")
    [statement] = statement_csv.extract_csv(written, file="b.csv", default_currency="USD")
    assert [line.amount for line in statement.lines] == [
        Decimal("-5.00"), Decimal("10.00"), Decimal("7.50")]
    # A negative credit, and a row with both a debit and a credit: which way the money went is
    # not said, so nothing is read.
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(b"Fecha,Descripcion,Cargo,Abono\n"
                                  b"02/12/2026,SPEI NEG,,-10.00\n"
                                  b"02/12/2026,DOBLE,5.00,10.00\n",
                                  file="b.csv", default_currency="USD")
    said = "\n".join(str(error) for error in caught.value.every())
    assert "b.csv:2: Abono: a negative amount in the credit column" in said
    assert "money out goes in Cargo" in said
    assert "b.csv:3: Cargo / Abono: a debit and a credit on one row" in said


# --- A download cut short ------------------------------------------------------------------------

SIGNED = (b"Date,Amount,Description\n2026-03-01,1250.75,Pago A-10\n"
          b"2026-03-02,-80.00,Comision\n")


@pytest.mark.parametrize(("data", "why"), [
    (SIGNED[:-len(b",Comision\n")], "the row has 2 of the 3 cells of the header"),
    (SIGNED[:-len(b"0,Comision\n")], "the row has 2 of the 3 cells of the header"),
    (SIGNED[:-len(b"-03-02,-80.00,Comision\n")], "the row has 1 of the 3 cells"),
    # The amount is the last cell: cut, it would import as -8.
    (b"Date,Description,Amount\n2026-03-01,Pago A-10,1250.75\n2026-03-02,Comision,-8",
     "its last cell '-8' (Amount) is written shorter than its column's other cells"),
    (b"Date,Description,Amount\n2026-03-01,Pago A-10,1250.75\n2026-03-02,Comision,-80.",
     "'-80.' (Amount)"),
    # Pesos grouped by thousands: the balance cut inside a group, or a group short.
    (SANTIAGO[:-len(b"0\n")], "'6.147.01' (Saldo (CLP))"),
    (SANTIAGO[:-len(b".010\n")], "'6.147' (Saldo (CLP))"),  # 6,147 pesos: refused by its balance
    (SANTIAGO[:-len(b"7.010\n")], "'6.14' (Saldo (CLP))"),
    # The date is the last cell.
    (b"Amount;Date\n10,00;15/03/2026\n20,00;16/03/20", "'16/03/20' (Date)"),
    # A quoted cell never closed: the line break after it is the cell's own, not the row's end.
    (MEXICO[:-len(b'44"\n')], "a quoted cell is not closed"),
    (MEXICO[:-len(b'34.56",,"9,925.44"\n')] + b"\n", "a quoted cell is not closed"),
])
def test_a_file_cut_inside_its_last_row_is_refused_there(data: bytes, why: str) -> None:
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(data, file="cut.csv", currency="MXN"
                                  if b"CLP" not in data else None)
    if "'6.147' " in why:  # 6.147 is a whole figure of pesos: the balances say it is wrong
        assert caught.value.line == 3 and "do not follow from the amounts" in caught.value.message
        return
    assert caught.value.line == 3 and caught.value.file == "cut.csv"
    assert caught.value.message.startswith("the file ends inside a row (")
    assert why in caught.value.message and "cut short" in caught.value.message


@pytest.mark.parametrize("data", [
    SIGNED.rstrip(b"\n"),  # Excel and many banks end the last row without a line break
    SIGNED.rstrip(b"\n") + b"\x1a",  # or with DOS's end-of-file mark
    MEXICO.rstrip(b"\n"),
    SANTIAGO.rstrip(b"\n"),
    # A last amount of fewer decimals, where the others show no one way of writing them.
    b"Date,Description,Amount\n2026-03-01,Pago,1250.75\n2026-03-01,Pago,12.5\n2026-03-02,X,-8",
    # Pesos grouped, the last a figure under a thousand.
    b"Fecha;Texto;Monto\n01/03/2026;A;1.160.000\n02/03/2026;B;500",
    # Every row leaves its empty last cells out, as the last does.
    b"Date,Amount,Description,Reference\n2026-03-01,1250.75,Pago\n2026-03-02,-80.00,Comision",
    # A closing row of fewer cells than the header.
    b"Fecha;Texto;Monto\n01/03/2026;A;1.160\nSaldo final;1.160",
])
def test_a_whole_last_row_without_a_line_break_is_read(data: bytes) -> None:
    currency = "CLP" if b"Fecha;" in data or b"CLP" in data else "MXN"
    [statement] = statement_csv.extract_csv(data, file="whole.csv", currency=currency)
    assert len(statement.lines) >= 1
    assert statement.lines[-1].amount == statement_csv.extract_csv(
        data + b"\n", file="whole.csv", currency=currency)[0].lines[-1].amount


# --- An amount with its currency's code and a CR or DR mark ---------------------------------------

@pytest.mark.parametrize(("cells", "currency", "amounts"), [
    (("1,234.56 MXN CR", "MXN 1,234.56 DR"), "MXN", [Decimal("1234.56"), Decimal("-1234.56")]),
    (("CR 1.234,56 EUR", "12,50 EUR DR"), "EUR", [Decimal("1234.56"), Decimal("-12.50")]),
    (("CR 1.234 CLP", "DR CLP 12.990"), "CLP", [Decimal("1234"), Decimal("-12990")]),
    (("MXN CR 10.00", "5.00 DR. MXN"), "MXN", [Decimal("10.00"), Decimal("-5.00")]),
])
def test_an_amount_written_with_its_currency_and_marked_cr_or_dr_is_read(
        cells: tuple[str, str], currency: str, amounts: list[Decimal]) -> None:
    delimiter = ";" if "," in cells[0].split()[-1] or currency == "CLP" else ","
    data = (f'Date{delimiter}Description{delimiter}Amount\n'
            f'01/03/2026{delimiter}GIRO ACME{delimiter}"{cells[0]}"\n'
            f'02/03/2026{delimiter}FEE{delimiter}"{cells[1]}"\n').encode()
    # The code in the cells is the file's currency, whatever the organisation's is.
    [statement] = statement_csv.extract_csv(data, file="b.csv", default_currency="USD")
    assert statement.currency == currency
    assert [line.amount for line in statement.lines] == amounts


def test_an_amount_marked_cr_in_another_currency_than_the_statement_s_is_refused_at_its_row(
        ) -> None:
    data = (b"Date,Description,Amount\n01/03/2026,GIRO ACME,\"1,234.56 CR\"\n"
            b"02/03/2026,FEE,\"MXN 12.50 DR\"\n")
    with pytest.raises(StatementError) as caught:
        statement_csv.extract_csv(data, file="b.csv", currency="USD")
    assert (caught.value.line, caught.value.field) == (3, "Amount")
    assert caught.value.message.startswith("the amounts are written in MXN, not in USD")
    mixed = data.replace(b'"1,234.56 CR"', b'"EUR 1,234.56 CR"')
    with pytest.raises(StatementError, match=r"^b\.csv:3: Amount: the amounts are written in "
                                             r"different currencies \(EUR, MXN\)"):
        statement_csv.extract_csv(mixed, file="b.csv")


def test_an_amount_written_in_another_currency_than_its_row_s_is_refused() -> None:
    data = (b"Date,Description,Amount,Currency\n01/03/2026,GIRO ACME,1234.56 USD CR,USD\n"
            b"02/03/2026,FEE,12.50 MXN DR,USD\n")
    with pytest.raises(StatementError, match=r"^b\.csv:3: Amount: '-12\.50 MXN' is written in "
                                             r"MXN, not in USD, the row's currency"):
        statement_csv.extract_csv(data, file="b.csv")


@pytest.mark.parametrize("cell", ["MXN 5.00 USD CR", "5.00 ABC CR", "CR 5.00 MXN DR"])
def test_an_amount_with_two_codes_or_no_currency_s_code_beside_its_mark_is_refused(
        cell: str) -> None:
    data = f"Date,Description,Amount\n01/03/2026,GIRO,{cell}\n".encode()
    with pytest.raises(StatementError, match=r"^b\.csv:2: Amount: .+ is not an amount"):
        statement_csv.extract_csv(data, file="b.csv", default_currency="MXN")
